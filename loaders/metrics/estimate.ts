// The core of `reprompt estimate`: per-trajectory outcomes (JSONL) in, pass@k and pass n@k with intervals out.
import {BadLines} from "../config/badLines.ts";
import {fieldPath} from "../config/fieldPath.ts";
import {z} from "zod";
import type {Interval} from "./bootstrap.ts";
import {categoriesFromTrajectories, type Turn} from "./categories.ts";
import {passNAtKMultiTurn} from "./multiturn.ts";
import {assertGridPoint, passAtK} from "./passk.ts";

/** A bad input file or option; the message names the file, line and field. */
export class EstimateInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EstimateInputError";
  }
}

export interface EstimateOptions {
  /** pass@k budgets (in samples = trajectories). */
  k: readonly number[];
  /** pass n@k grid points [n, k], the budget k counted in programs. */
  nk: ReadonlyArray<readonly [number, number]>;
  seed: number;
  /** Used in error messages only; default "input". */
  file?: string;
  /** Monte Carlo shuffles per problem (default 10,000) and bootstrap resamples (default 2,000). */
  resamples?: number;
  bootstrapResamples?: number;
}

export interface EstimateResult {
  "pass@k": Record<string, number>;
  "pass_n@k": Record<string, Interval>;
}

export interface EstimateProblem {
  problemId: string | number;
  line: number;
  trajectories: Turn[][];
}

const turnSchema = z.object({public: z.boolean(), all: z.boolean()});
const rowSchema = z.object({
  problem_id: z.union([z.string().min(1), z.number().int()]),
  trajectories: z.array(z.array(turnSchema).min(1)).min(1)
});

/** Parses and validates JSONL lines (blank lines skipped); line numbers in errors are 1-based. */
export function parseEstimateInput(lines: readonly string[], file = "input"): EstimateProblem[] {
  const problems: EstimateProblem[] = [];
  const seen = new Map<string | number, number>();
  const bad = new BadLines();
  lines.forEach((raw, index) => {
    const line = index + 1;
    if (!raw.trim()) return;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (error) {
      return bad.add(`${file}:${line}: not valid JSON (${(error as Error).message})`);
    }
    const parsed = rowSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const field = fieldPath(issue.path);
      return bad.add(`${file}:${line}: ${field ? `field "${field}": ` : ""}${describeIssue(issue, json)}`);
    }
    const id = parsed.data.problem_id;
    if (seen.has(id)) {
      return bad.add(`${file}:${line}: field "problem_id": ${JSON.stringify(id)} already appeared on line ${seen.get(id)}`);
    }
    seen.set(id, line);
    problems.push({problemId: id, line, trajectories: parsed.data.trajectories});
  });
  if (bad.count > 0) throw new EstimateInputError(bad.message(file));
  if (problems.length === 0) throw new EstimateInputError(`${file}: no problems (the file has no non-blank lines)`);
  return problems;
}

/**
 * pass@k and pass n@k for the CLI contract of `reprompt estimate`.
 *
 * pass@k counts a trajectory as correct when its final turn passes all tests, and N is the number of
 * trajectories: for single-turn input that is the standard unbiased estimator over N samples; for
 * multi-turn input it is pass@k over trajectories (k trajectories, whatever their turns), which is not
 * budget-matched to pass n@k. It takes `all` at face value, with no public-test filter. k > N is an error.
 *
 * pass n@k counts the budget k in programs (turns) and only submits final programs that passed the public
 * tests (see passNAtKPerProblem): exact for single-turn input, ≥ 10,000 seeded shuffles otherwise, with a
 * 95% percentile-bootstrap interval over problems. A budget beyond a problem's total programs takes all.
 */
export function estimateFromLines(lines: readonly string[], options: EstimateOptions): EstimateResult {
  const file = options.file ?? "input";
  for (const k of options.k) {
    if (!Number.isInteger(k) || k < 1) throw new EstimateInputError(`k must be a positive integer, got ${k}`);
  }
  for (const [n, k] of options.nk) {
    try {
      assertGridPoint(n, k);
    } catch (error) {
      throw new EstimateInputError((error as Error).message);
    }
  }
  if (!Number.isSafeInteger(options.seed)) throw new EstimateInputError(`seed must be an integer, got ${options.seed}`);
  const problems = parseEstimateInput(lines, file);

  const passK: Record<string, number> = {};
  for (const k of options.k) {
    let sum = 0;
    for (const p of problems) {
      const samples = p.trajectories.length;
      if (k > samples) {
        throw new EstimateInputError(
          `${file}:${p.line}: pass@${k} needs at least ${k} trajectories per problem, but problem ${JSON.stringify(p.problemId)} has ${samples}`
        );
      }
      const correct = p.trajectories.filter((t) => t[t.length - 1]!.all).length;
      sum += passAtK(samples, correct, k);
    }
    passK[String(k)] = sum / problems.length;
  }

  const passNK: Record<string, Interval> = {};
  if (options.nk.length > 0) {
    const categories = problems.map((p) => categoriesFromTrajectories(p.trajectories));
    const {estimates} = passNAtKMultiTurn(categories, options.nk, {
      seed: options.seed,
      resamples: options.resamples,
      bootstrapResamples: options.bootstrapResamples
    });
    for (const e of estimates) passNK[`${e.n}@${e.k}`] = {mean: e.mean, lo: e.lo, hi: e.hi};
  }
  return {"pass@k": passK, "pass_n@k": passNK};
}

function valueAt(json: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let value = json;
  for (const key of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

function describeIssue(issue: z.core.$ZodIssue, json: unknown): string {
  const missing = issue.path.length > 0 && valueAt(json, issue.path) === undefined;
  if (issue.path.length === 1 && issue.path[0] === "problem_id") {
    return `${missing ? "missing (expected" : "expected"} a non-empty string or an integer${missing ? ")" : ""}`;
  }
  if (issue.code === "invalid_type") {
    const expected = issue.path.length === 0 ? "an object" : issue.expected;
    return missing ? `missing (expected ${expected})` : `expected ${expected}`;
  }
  if (issue.code === "too_small" && issue.origin === "array") {
    const what = issue.path.length === 1 ? "trajectory" : "turn";
    return `expected at least ${String(issue.minimum)} ${what}`;
  }
  return issue.message;
}
