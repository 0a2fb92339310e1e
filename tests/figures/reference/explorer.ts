// Reference (the JS path figures used before they aggregated in DuckDB), kept to check the SQL path's output.
// Figure 7b, the trajectory explorer: a few trajectories per problem and strategy, every turn's prompt, reply,
// code, verdict and feedback, as one zstd Parquet table (text compresses well; pages stay small).
import {openDefaultStore} from "../../../loaders/store/index.ts";
import type {RequestRecord} from "../../../loaders/trajectories/completions.ts";
import {groupBy} from "./common.ts";
import {figureRun} from "./runs.ts";

const PER_CELL = 2;
const MAX_TEXT = 6000;

function cut(text: string): string {
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}\n…[${text.length - MAX_TEXT} more characters]` : text;
}

export async function explorerRows(experiments = ["feedback-granularity", "cot-retry"], profile?: string) {
  const rows: Array<Record<string, string | number | boolean | null>> = [];
  const runs = [];
  for (const name of experiments) runs.push({name, run: await figureRun(name, profile)});
  // Opened after the runs, so it sees every request they stored.
  const store = openDefaultStore();
  try {
    for (const {name, run} of runs) {
      for (const [, cell] of groupBy(run.trajectories, (t) => `${t.model}|${t.strategyId}|${t.problemKey}`)) {
        for (const t of cell.slice(0, PER_CELL)) {
          const problem = run.problems.get(t.problemKey)!;
          t.turns.forEach((turn, i) => {
            const calls = turn.requestKeys.map((key) => store.get<RequestRecord>("request", key)!);
            rows.push({
              experiment: name,
              model: t.model,
              strategy: t.strategyId,
              problem: problem.id,
              problem_name: problem.name ?? problem.id,
              difficulty: problem.difficulty.label,
              trajectory: t.index,
              turn: turn.turn,
              turns: t.turns.length,
              prompt: cut(calls.map((c) => c.messages[c.messages.length - 1].content).join("\n\n— next call —\n\n")),
              reply: cut(calls.map((c) => c.completion.text).join("\n\n— next call —\n\n")),
              code: turn.code === null ? null : cut(turn.code),
              verdict: turn.public.verdict,
              public_passed: turn.public.passed,
              feedback: turn.feedback ? cut(turn.feedback.text) : null,
              final_all_passed: i === t.turns.length - 1 ? t.final.allPassed : null,
              hidden_verdict: i === t.turns.length - 1 ? t.final.hiddenVerdict : null
            });
          });
        }
      }
    }
  } finally {
    store.close();
  }
  return rows;
}
