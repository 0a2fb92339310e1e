// The dry run: what a run would send (requests, completions, tokens, cost) before anything is sent.
import type {ModelBackend} from "../backends/index.ts";
import type {ModelConfig, RepromptConfig} from "../config/index.ts";
import {buildAttemptMessages, codeRequestText} from "../prompts/index.ts";
import type {Store} from "../store/index.ts";
import {CompletionService} from "./completions.ts";
import type {Experiment} from "./experiment.ts";
import {prepareRun, resolveProfile, type PreparedRun} from "./plan.ts";
import {strategyId, type Strategy} from "./strategy.ts";
import {problemContext, type TrajectoryRecord} from "./trajectory.ts";

/** Exactly the fields `reprompt run --dry-run --json` prints (the contract). */
export interface RunEstimate {
  experiment: string;
  profile: string;
  models: string[];
  dataset: string;
  problems: number;
  strategies: string[];
  samples: number;
  requests: number;
  completions: number;
  already_stored: number;
  estimated_prompt_tokens: number;
  estimated_completion_tokens: number;
  estimated_cost: number | null;
}

/** Tokens of a reply when nothing of this model is stored yet to measure (a medium-length answer with code). */
export const ASSUMED_REPLY_TOKENS = 500;
/** Tokens a feedback turn adds (framing, rendered feedback, re-prompt): a typical failed-test excerpt. */
export const ASSUMED_FEEDBACK_TOKENS = 200;

const tokensOf = (text: string) => Math.ceil(text.length / 4);

/** Whether one request may carry several samples (`n`); otherwise every completion is a request of its own. */
function batchesSamples(model: ModelConfig): {batches: boolean; maxN: number} {
  if (model.backend !== "openai") return {batches: true, maxN: Infinity};
  return {batches: model.supportsN === true, maxN: model.maxN ?? Infinity};
}

/** Mean completion tokens per model call of the model's stored trajectories in this plan (≤ 200 read), or null. */
function measuredReplyTokens(prepared: PreparedRun, store: Store, model: string): number | null {
  let calls = 0;
  let tokens = 0;
  let read = 0;
  for (const unit of prepared.units) {
    if (unit.spec.model !== model || read >= 200) continue;
    const t = store.has("trajectory", unit.key) ? store.get<TrajectoryRecord>("trajectory", unit.key) : undefined;
    if (!t) continue;
    read++;
    for (const turn of t.turns) {
      if (turn.tokensOut > 0) {
        calls += turn.requestKeys.length;
        tokens += turn.tokensOut;
      }
    }
  }
  return calls ? tokens / calls : null;
}

/** Upper bounds for one trajectory: every turn is used (a trajectory stops early once the public tests pass). */
function trajectoryBudget(strategy: Strategy, firstMessageTokens: number, codeRequestTokens: number, reply: number): {calls: number; prompt: number; completion: number} {
  let context = 0;
  let prompt = 0;
  let calls = 0;
  const call = (addedBefore: number) => {
    context += addedBefore;
    prompt += context;
    calls++;
    context += reply;
  };
  const reasoning = strategy.kind !== "cot-retry" && strategy.reasoning !== null;
  call(firstMessageTokens);
  if (reasoning) call(codeRequestTokens);
  const turns = strategy.kind === "single" ? 1 : strategy.maxTurns;
  for (let t = 2; t <= turns; t++) call(ASSUMED_FEEDBACK_TOKENS);
  return {calls, prompt, completion: calls * reply};
}

export function estimateRun(experiment: string, profile: string, prepared: PreparedRun, store: Store): RunEstimate {
  const service = new CompletionService(store);
  let requests = 0;
  let completions = 0;
  let promptTokens = 0;
  let completionTokens = 0;
  let cost: number | null = 0;
  const cellOf = (model: string, strategy: Strategy, problemKey: string) => `${model}\u0000${strategyId(strategy)}\u0000${problemKey}`;
  const missingByCell = new Map<string, PreparedRun["missing"]>();
  for (const unit of prepared.missing) {
    const id = cellOf(unit.spec.model, unit.spec.strategy, unit.spec.problemKey);
    const list = missingByCell.get(id);
    if (list) list.push(unit);
    else missingByCell.set(id, [unit]);
  }
  prepared.modelConfigs.forEach((model, m) => {
    const backend = prepared.backends[m]!;
    const reply = measuredReplyTokens(prepared, store, model.name) ?? ASSUMED_REPLY_TOKENS;
    const {batches, maxN} = batchesSamples(model);
    let modelPrompt = 0;
    let modelCompletion = 0;
    for (const strategy of prepared.profile.strategies) {
      for (const [p, problem] of prepared.problems.entries()) {
        const missing = missingByCell.get(cellOf(model.name, strategy, prepared.problemKeys[p]!));
        if (!missing) continue;
        const plan =
          strategy.kind === "cot-retry"
            ? buildAttemptMessages({problem})
            : buildAttemptMessages({problem, reasoningId: strategy.reasoning, instructionId: strategy.instruction, catalog: prepared.catalog});
        const first = plan.userMessages[0]!;
        const codeRequest = strategy.kind === "cot-retry" ? 0 : tokensOf(codeRequestText(strategy.instruction, prepared.catalog));
        const budget = trajectoryBudget(strategy, tokensOf(first.content), codeRequest, reply);
        // A first call already stored (another strategy or an interrupted run asked for it) costs nothing.
        const sampling = missing[0]!.spec.sampling;
        const firstMissing = missing.filter((u) => !store.has("request", service.key(backend, {messages: [first], sampling, sampleIndex: u.spec.index, problem: problemContext(problem)}))).length;
        const calls = missing.length * budget.calls - (missing.length - firstMissing);
        completions += calls;
        const firstRequests = firstMissing === 0 ? 0 : Number.isFinite(maxN) ? Math.ceil(firstMissing / maxN) : 1;
        requests += batches ? firstRequests + missing.length * (budget.calls - 1) : calls;
        modelPrompt += missing.length * budget.prompt - (missing.length - firstMissing) * tokensOf(first.content);
        modelCompletion += calls * reply;
      }
    }
    promptTokens += modelPrompt;
    completionTokens += modelCompletion;
    if (model.backend === "human") return; // replays stored submissions: free
    if (!model.price) cost = null;
    else if (cost !== null) cost += (modelPrompt * model.price.inputPerMTok + modelCompletion * model.price.outputPerMTok) / 1e6;
  });
  return {
    experiment,
    profile,
    models: prepared.modelConfigs.map((m) => m.name),
    dataset: prepared.source.name,
    problems: prepared.problems.length,
    strategies: prepared.profile.strategies.map(strategyId),
    samples: prepared.profile.samples,
    requests,
    completions,
    already_stored: prepared.units.length - prepared.missing.length,
    estimated_prompt_tokens: Math.round(promptTokens),
    estimated_completion_tokens: Math.round(completionTokens),
    estimated_cost: cost === null ? null : Math.round(cost * 1e4) / 1e4
  };
}

/** The short table a dry run (and the first lines of a real run) prints. */
export function estimateTable(e: RunEstimate): string {
  const n = (x: number) => x.toLocaleString("en");
  const trajectories = e.models.length * e.strategies.length * e.problems * e.samples;
  return [
    `plan ${e.experiment} / ${e.profile}`,
    `  models        ${e.models.join(", ")}`,
    `  dataset       ${e.dataset} (${n(e.problems)} problems)`,
    `  strategies    ${e.strategies.length}: ${e.strategies.join(", ")}`,
    `  samples       ${n(e.samples)} per problem, model and strategy → ${n(trajectories)} trajectories (${n(e.already_stored)} already stored)`,
    `  to send       ≤ ${n(e.requests)} requests, ≤ ${n(e.completions)} completions (every turn used; fewer when programs pass early)`,
    `  tokens        ≈ ${n(e.estimated_prompt_tokens)} prompt + ${n(e.estimated_completion_tokens)} completion (characters/4; replies sized from stored usage, else ${ASSUMED_REPLY_TOKENS})`,
    `  cost          ${e.estimated_cost === null ? "unpriced (add price: {inputPerMTok, outputPerMTok} to the model)" : `≈ $${e.estimated_cost.toFixed(2)}`}`
  ].join("\n") + "\n";
}

/** Plans a run and estimates it without sending anything (backends are built for their identities, then closed). */
export async function dryRun(
  experiment: Experiment,
  options: {profile: string; config: RepromptConfig; store: Store; backendFor?: (model: ModelConfig) => Promise<ModelBackend>}
): Promise<RunEstimate> {
  const resolved = await resolveProfile(experiment, options.profile, options.config);
  const prepared = await prepareRun(resolved, options.store, options.backendFor);
  try {
    return estimateRun(experiment.name, options.profile, prepared, options.store);
  } finally {
    for (const backend of prepared.backends) await backend.close();
  }
}
