// A run's numbers, aggregated in DuckDB over the store: token totals per model and strategy, and its estimates.
import {estimateCells, type CategoryRow, type CellEstimate} from "../metrics/index.ts";
import {queryStore} from "../store/index.ts";
import {runCategoriesSql, runTotalsSql, type RunSelection} from "./runQuery.ts";

/** Token usage as the servers reported it, per model and strategy (the human baseline reports none). */
export interface TokenTotal {
  model: string;
  strategy: string;
  trajectories: number;
  solved: number;
  /** Each sample's prompt as reported (an n-sample request is billed for its prompt once). */
  promptTokens: number;
  /** Counted completion tokens plus `completionTokensShared`. */
  completionTokens: number;
  /** The part of completionTokens that is an even share of an n-sample request's total, not a per-sample count. */
  completionTokensShared: number;
  /** Model calls whose server sent no `usage`: their tokens are not in the totals. */
  callsWithoutUsage: number;
  /** Characters of the model's replies: the labelled fallback (÷ 4) when no usage was reported. */
  replyChars: number;
}

export async function runTokenTotals(storeDir: string, run: RunSelection): Promise<TokenTotal[]> {
  const query = await queryStore(storeDir);
  try {
    if (!query.kinds.includes("trajectory")) return [];
    const rows = await query.all<Record<string, number | string>>(runTotalsSql(run));
    return rows.map((r) => ({
      model: String(r.model),
      strategy: String(r.strategy),
      trajectories: Number(r.trajectories),
      solved: Number(r.solved),
      promptTokens: Number(r.prompt_tokens),
      completionTokens: Number(r.completion_tokens) + Number(r.completion_tokens_shared),
      completionTokensShared: Number(r.completion_tokens_shared),
      callsWithoutUsage: Number(r.calls_without_usage),
      replyChars: Number(r.reply_chars)
    }));
  } finally {
    query.close();
  }
}

/** pass@k / pass n@k per model and strategy of a run, with intervals and the difference to `baseline`. */
export async function runEstimates(
  storeDir: string,
  run: RunSelection & {k: number[] | null; nk: Array<[number, number]> | null},
  baseline: string | null,
  options: {shuffles?: number} = {}
): Promise<CellEstimate[]> {
  const query = await queryStore(storeDir);
  try {
    if (!query.kinds.includes("trajectory")) return [];
    const rows = await query.all<CategoryRow>(runCategoriesSql(run));
    return estimateCells(rows, {problemKeys: run.problemKeys, k: run.k, nk: run.nk, samples: run.samples, baseline, shuffles: options.shuffles});
  } finally {
    query.close();
  }
}
