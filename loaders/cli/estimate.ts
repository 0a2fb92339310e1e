// `reprompt estimate`: pass@k and pass n@k (with 95% intervals) from a JSONL file of per-trajectory outcomes.
import {readFileSync} from "node:fs";
import type {Command} from "commander";
import {EstimateInputError, estimateFromLines, parseEstimateInput, type EstimateResult} from "../metrics/index.ts";
import {UsageError, type CliIo} from "./io.ts";

export const DEFAULT_K = "1,10,100";
export const DEFAULT_NK = "1@3,10@30,33@100,100@300";

interface EstimateFlags {
  input: string;
  k?: string;
  nk?: string;
  seed: string;
  json?: boolean;
}

export function registerEstimate(program: Command, io: CliIo): void {
  program
    .command("estimate")
    .description("pass@k and pass n@k from per-trajectory outcomes")
    .requiredOption("--input <file>", 'JSONL, one problem a line: {"problem_id", "trajectories": [[{"public", "all"}, …turns], …]}')
    .option("--k <list>", `pass@k budgets, in trajectories (default ${DEFAULT_K}: those above N are dropped with a note)`)
    .option("--nk <list>", `pass n@k grid as n@k pairs, the budget k in programs (turns) (default ${DEFAULT_NK})`)
    .option("--seed <n>", "seed of the Monte Carlo shuffles and the bootstrap", "0")
    .option("--json", "one JSON object on one line instead of a table")
    .action((options: EstimateFlags) => {
      const nk = parseNkList(options.nk ?? DEFAULT_NK);
      const seed = parseSeed(options.seed);
      let text: string;
      try {
        text = readFileSync(options.input, "utf8");
      } catch (error) {
        throw new UsageError(`cannot read --input ${options.input}: ${(error as Error).message}`);
      }
      const lines = text.split("\n");
      let k: number[];
      let result: EstimateResult;
      try {
        // Budgets asked for explicitly must fit (an error says which problem is short); defaults that do
        // not fit the smallest N are dropped, with a note, so `estimate --nk 1@3` works on 3 trajectories.
        if (options.k !== undefined) k = parseKList(options.k);
        else {
          const fewest = fewestTrajectories(lines, options.input);
          k = parseKList(DEFAULT_K).filter((value) => value <= fewest);
          const dropped = parseKList(DEFAULT_K).filter((value) => value > fewest);
          if (dropped.length) io.stderr(`note: default pass@k budgets ${dropped.join(", ")} dropped (the smallest problem has ${fewest} trajectories); pass --k to choose\n`);
        }
        result = estimateFromLines(lines, {k, nk, seed, file: options.input});
      } catch (error) {
        if (error instanceof EstimateInputError) throw new UsageError(error.message);
        throw error;
      }
      io.stdout(options.json ? JSON.stringify(result) + "\n" : formatTable(result));
      if (!options.json) io.stderr(`${text.split("\n").filter((line) => line.trim()).length} problems from ${options.input}\n`);
    });
}

/** The fewest trajectories any problem of the input has (validating the input on the way). */
function fewestTrajectories(lines: readonly string[], file: string): number {
  return Math.min(...parseEstimateInput(lines, file).map((p) => p.trajectories.length));
}

/** "1,10,100" → [1, 10, 100]; every entry a positive integer. */
export function parseKList(text: string): number[] {
  return splitList(text, "--k").map((item) => {
    if (!/^\d+$/.test(item) || Number(item) < 1 || !Number.isSafeInteger(Number(item))) {
      throw new UsageError(`--k: "${item}" is not a positive integer (expected a list like 1,10,100)`);
    }
    return Number(item);
  });
}

/** "1@3,10@30" → [[1, 3], [10, 30]]; n and k positive integers with n ≤ k. */
export function parseNkList(text: string): Array<[number, number]> {
  return splitList(text, "--nk").map((item) => {
    const match = /^(\d+)@(\d+)$/.exec(item);
    if (!match) throw new UsageError(`--nk: "${item}" is not of the form n@k (expected a list like 1@3,10@30)`);
    const n = Number(match[1]);
    const k = Number(match[2]);
    if (n < 1 || k < 1 || !Number.isSafeInteger(k)) throw new UsageError(`--nk: "${item}": n and k must be positive integers`);
    if (n > k) throw new UsageError(`--nk: "${item}": n must not exceed k (at most k programs can be submitted)`);
    return [n, k];
  });
}

export function parseSeed(text: string): number {
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text))) {
    throw new UsageError(`--seed: "${text}" is not a non-negative integer`);
  }
  return Number(text);
}

function splitList(text: string, flag: string): string[] {
  const items = text.split(",").map((item) => item.trim());
  if (items.some((item) => item === "")) throw new UsageError(`${flag}: empty entry in "${text}"`);
  return items;
}

function formatTable(result: EstimateResult): string {
  const pct = (x: number) => (100 * x).toFixed(1).padStart(5) + "%";
  const lines = ["metric      value    95% interval (bootstrap over problems)"];
  for (const [k, value] of Object.entries(result["pass@k"])) lines.push(`${`pass@${k}`.padEnd(11)} ${pct(value)}`);
  for (const [nk, e] of Object.entries(result["pass_n@k"])) {
    lines.push(`${`pass ${nk}`.padEnd(11)} ${pct(e.mean)}   [${pct(e.lo)}, ${pct(e.hi)}]`);
  }
  return lines.join("\n") + "\n";
}
