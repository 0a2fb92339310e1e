// The null baseline: answers every request with one of the problem's real human submissions, ignoring the prompt.
// Any "prompt effect" it shows is noise, so the site uses it to show how big noise is at a given sample size.
import {createHash} from "node:crypto";
import {emptyStats, type Completion, type CompletionRequest, type ModelBackend} from "./types.ts";

/**
 * Uniform index in [0, n) from the request's seed, the problem and the conversation so far, stable across runs.
 * The conversation is part of the draw so that two strategies (or two turns) get independent draws: with the
 * seed alone every strategy would replay the same submissions and the baseline would show no noise at all.
 */
function draw(seed: number, problemRef: string, conversation: string, n: number): number {
  const digest = createHash("sha256").update(`${problemRef}\0${seed}\0`).update(conversation).digest();
  return digest.readUInt32LE(0) % n;
}

export interface HumanBackendOptions {
  /** Only draw from submissions with these labels (default both: correct and incorrect). */
  labels?: Array<"correct" | "incorrect">;
}

export function createHumanBackend(options: HumanBackendOptions = {}): ModelBackend {
  const labels = options.labels ?? ["correct", "incorrect"];
  const stats = emptyStats();
  return {
    kind: "human",
    identity: `human:submissions:${labels.join("+")}`,
    description: "human null baseline — replays real human submissions (correct and incorrect), ignores the prompt",
    isNullBaseline: true,
    concurrency: 64,
    async complete(request: CompletionRequest): Promise<Completion[]> {
      const problem = request.problem;
      if (!problem) throw new Error("the human baseline needs the problem (its submissions) with every request");
      const pool = problem.solutions.filter((s) => labels.includes(s.label));
      if (pool.length === 0) throw new Error(`problem ${problem.dataset}/${problem.id} has no ${labels.join("/")} human submission to replay`);
      stats.requests++;
      const conversation = JSON.stringify(request.messages);
      return Array.from({length: request.n}, (_, index) => {
        const seed = request.sampling.seed + index;
        const pick = draw(seed, `${problem.dataset}/${problem.id}`, conversation, pool.length);
        const submission = pool[pick];
        stats.completions++;
        return {
          index,
          seed,
          text: "Human submission (null baseline):\n\n```python\n" + submission.code.trimEnd() + "\n```\n",
          finishReason: "stop",
          tokensIn: null,
          tokensOut: null,
          latencyMs: 0,
          meta: {submission: pick, label: submission.label}
        };
      });
    },
    stats: () => structuredClone(stats),
    close: async () => {}
  };
}
