// The paper's reported numbers (data/reference/paper-reference.csv), typed, with each one's evidence status.
import {readFileSync} from "node:fs";
import {join} from "node:path";
import {csvParse} from "d3-dsv";
import {projectRoot} from "../store/index.ts";

export const PAPER_REFERENCE_FILE = join(projectRoot, "data", "reference", "paper-reference.csv");

const COLUMNS = ["source", "benchmark", "split_difficulty", "model", "setting", "metric", "n", "k", "value", "unit", "evidence", "status", "note"] as const;

export interface PaperNumber {
  source: string;
  benchmark: string;
  split: string;
  model: string;
  setting: string;
  metric: string;
  n: number | null;
  k: number | null;
  /** The value as written ("~13000", "+5.0", "2e-6"); empty when the paper reports it but it was not recovered. */
  valueText: string;
  /** The value as a number when it is one. */
  value: number | null;
  unit: string;
  evidence: string;
  status: string;
  note: string;
}

function toNumber(text: string): number | null {
  const cleaned = text.trim().replace(/^~/, "").replace(/^\+/, "").replace(/,/g, "");
  if (cleaned === "") return null;
  const value = Number(cleaned);
  return Number.isFinite(value) ? value : null;
}

export function parsePaperReference(text: string, file = PAPER_REFERENCE_FILE): PaperNumber[] {
  const rows = csvParse(text);
  const missing = COLUMNS.filter((c) => !rows.columns.includes(c));
  if (missing.length) throw new Error(`${file}: missing column(s) ${missing.join(", ")}`);
  return rows.map((row, i) => {
    if (!row.status) throw new Error(`${file}:${i + 2}: field \`status\` is empty`);
    return {
      source: row.source ?? "",
      benchmark: row.benchmark ?? "",
      split: row.split_difficulty ?? "",
      model: row.model ?? "",
      setting: row.setting ?? "",
      metric: row.metric ?? "",
      n: toNumber(row.n ?? ""),
      k: toNumber(row.k ?? ""),
      valueText: row.value ?? "",
      value: toNumber(row.value ?? ""),
      unit: row.unit ?? "",
      evidence: row.evidence ?? "",
      status: row.status,
      note: row.note ?? ""
    };
  });
}

export function readPaperReference(file = PAPER_REFERENCE_FILE): PaperNumber[] {
  return parsePaperReference(readFileSync(file, "utf8"), file);
}
