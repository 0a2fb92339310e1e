// One trajectory: attempt → public tests → feedback → next attempt …, then the final program on the hidden tests.
import type {ModelBackend, ProblemContext, SamplingParams} from "../backends/types.ts";
import type {Problem} from "../datasets/index.ts";
import {hasPublicTests, hiddenTests} from "../datasets/index.ts";
import type {ExecutionResult, JudgeMode, JudgeRequest, WorkerLimits} from "../execution/index.ts";
import {
  buildAttemptMessages,
  COT_RETRY_SCHEDULE,
  extractCode,
  feedbackTurnMessage,
  messagesForCall,
  nonCodeText,
  type ChatMessage,
  PROMPTS,
  textVersion,
  getPrompt,
  type FeedbackKind,
  type PromptEntry,
  type RetryPromptId
} from "../prompts/index.ts";
import {hashOf} from "../store/index.ts";
import type {CompletionService} from "./completions.ts";
import {FEEDBACK_EXCERPT_BYTES} from "./feedback.ts";
import {maxTurnsOf, strategyId, userPromptIds, type Strategy} from "./strategy.ts";

/** Bumped when the loop below changes meaning, so old trajectory records are not reused for new semantics. */
export const TRAJECTORY_ENGINE_VERSION = "traj-1";

export interface TurnRecord {
  turn: number;
  /** Store keys of the request records of this turn's model calls, in order. */
  requestKeys: string[];
  /** Prompt ids this turn's user messages used (reasoning, instruction, feedback framing, re-prompt). */
  promptIds: string[];
  extraction: string;
  code: string | null;
  public: {executionKey: string | null; verdict: string; passed: boolean; failedTest: number | null; testsRun: number};
  /** Feedback given after this turn (absent on the last turn). */
  feedback?: {kind: FeedbackKind; text: string; fallback?: string};
  tokensIn: number;
  tokensOut: number;
  /** Completion tokens of n-sample requests, split evenly over their samples (servers report one total). */
  tokensOutShared?: number;
  /** Model calls whose server reported no token usage (their tokens count 0 above). */
  usageMissing?: number;
  /** Characters of the replies outside fenced code, and in total (non-code fraction = ratio). */
  nonCodeChars: number;
  totalChars: number;
}

export interface TrajectoryRecord {
  engine: string;
  strategyId: string;
  strategy: Strategy;
  problem: string;
  problemKey: string;
  index: number;
  backend: string;
  model: string;
  nullBaseline: boolean;
  sampling: SamplingParams;
  turns: TurnRecord[];
  final: {turn: number; publicPassed: boolean; hiddenExecutionKey: string | null; hiddenVerdict: string | null; hiddenFailedTest: number | null; allPassed: boolean};
  tokensIn: number;
  tokensOut: number;
  tokensOutShared?: number;
  usageMissing?: number;
}

export interface TrajectoryEffects {
  completions: CompletionService;
  /** Judge through the store (cachedJudge). */
  judge(request: JudgeRequest): Promise<{key: string; result: ExecutionResult}>;
  /** The feedback text of a kind for a program whose public-test results are given. */
  /** `kind` in the answer is the framing to use next (LDB falls back to `failed` when no trace is possible). */
  feedback(kind: FeedbackKind, problem: Problem, code: string, publicResult: ExecutionResult, limits: WorkerLimits): Promise<{text: string; kind?: FeedbackKind; fallback?: string}>;
}

export interface TrajectorySpec {
  problem: Problem;
  problemKey: string;
  strategy: Strategy;
  index: number;
  backend: ModelBackend;
  model: string;
  sampling: SamplingParams;
  limits: WorkerLimits;
  mode: JudgeMode;
  /** The prompt catalog (study + config prompts); default the study's. */
  catalog?: readonly PromptEntry[];
}

/**
 * A trajectory as the pass@k / pass n@k estimators see it: per turn, passed the public tests; passed all tests
 * (only the final program is judged on the hidden tests, so earlier turns never pass all).
 */
export function turnsOf(t: TrajectoryRecord): Array<{public: boolean; all: boolean}> {
  return t.turns.map((turn, i) => ({public: turn.public.passed, all: i === t.turns.length - 1 ? t.final.allPassed : false}));
}

export function problemContext(problem: Problem): ProblemContext {
  return {dataset: problem.dataset, id: problem.id, solutions: problem.solutions.map((s) => ({code: s.code, label: s.label}))};
}

export function trajectoryKeyMaterial(spec: TrajectorySpec): unknown {
  // Config prompts' wording is part of the key (rewording one must not reuse old trajectories); study keys are unchanged.
  const catalog = spec.catalog ?? PROMPTS;
  const user = userPromptIds(spec.strategy, catalog);
  return {
    ...(user.length ? {userPrompts: Object.fromEntries(user.map((id) => [id, textVersion(getPrompt(id, catalog).text)]))} : {}),
    engine: TRAJECTORY_ENGINE_VERSION,
    strategy: spec.strategy,
    problem: spec.problemKey,
    index: spec.index,
    backend: spec.backend.identity,
    sampling: spec.sampling,
    limits: spec.limits,
    mode: spec.mode
  };
}

const NO_CODE_FEEDBACK = "Your previous answer did not contain a Python program in a ```python code block, so nothing could be run.";

/** Runs one trajectory to its end. Completions and executions go through the store, so a re-run costs nothing. */
export async function runTrajectory(spec: TrajectorySpec, effects: TrajectoryEffects): Promise<TrajectoryRecord> {
  const {problem, strategy} = spec;
  const context = problemContext(problem);
  const turns: TurnRecord[] = [];
  let history: ChatMessage[] = [];
  let feedbackText: string | null = null;
  let framing: FeedbackKind | null = null;
  const maxTurns = maxTurnsOf(strategy);
  for (let turn = 1; turn <= maxTurns; turn++) {
    let userMessages: ChatMessage[];
    let promptIds: string[];
    if (turn === 1) {
      const plan =
        strategy.kind === "cot-retry"
          ? buildAttemptMessages({problem})
          : buildAttemptMessages({problem, reasoningId: strategy.reasoning, instructionId: strategy.instruction, catalog: spec.catalog});
      userMessages = plan.userMessages;
      promptIds = [plan.reasoningId, plan.instructionId].filter((p): p is NonNullable<typeof p> => p !== null);
    } else {
      const kind = framing ?? (strategy as {feedback: FeedbackKind}).feedback;
      const retry: RetryPromptId | string =
        strategy.kind === "cot-retry" ? (COT_RETRY_SCHEDULE[turn - 1]?.retryPromptId ?? "retry-plain") : ((strategy.kind === "multi" ? strategy.reprompt : undefined) ?? "retry-plain");
      userMessages = [feedbackTurnMessage(kind, feedbackText ?? NO_CODE_FEEDBACK, {retryPromptId: retry, catalog: spec.catalog})];
      promptIds = [`feedback-${kind.replace("_", "-")}`, retry];
    }
    const replies: string[] = [];
    const requestKeys: string[] = [];
    let tokensIn = 0;
    let tokensOut = 0;
    let usageMissing = 0;
    let tokensOutShared = 0;
    for (let call = 0; call < userMessages.length; call++) {
      const messages = messagesForCall({userMessages}, replies, history);
      const {key, record} = await effects.completions.one(spec.backend, {messages, sampling: spec.sampling, sampleIndex: spec.index, problem: context});
      requestKeys.push(key);
      replies.push(record.completion.text);
      tokensIn += record.completion.tokensIn ?? 0;
      const {tokensIn: calledIn, tokensOut: calledOut, meta} = record.completion;
      tokensOut += calledOut ?? 0;
      // An n-sample request reports one completion total: this sample's even share (not a count; see openai.ts).
      const shared = calledOut === null && typeof meta?.tokensOutOfRequest === "number" && typeof meta.choicesInRequest === "number" ? meta.tokensOutOfRequest / meta.choicesInRequest : null;
      if (shared !== null) tokensOutShared += shared;
      if (calledIn === null && calledOut === null && shared === null) usageMissing++;
    }
    history = [...history, ...userMessages.flatMap((m, i) => [m, {role: "assistant" as const, content: replies[i]}])];
    const finalReply = replies[replies.length - 1];
    const extraction = extractCode(finalReply);
    const totalChars = replies.reduce((n, r) => n + r.length, 0);
    const nonCodeChars = replies.reduce((n, r) => n + nonCodeText(r).length, 0);
    let publicPart: TurnRecord["public"];
    let publicResult: ExecutionResult | null = null;
    if (extraction.code === null) {
      publicPart = {executionKey: null, verdict: "no_code", passed: false, failedTest: null, testsRun: 0};
    } else if (!hasPublicTests(problem)) {
      // Nothing to run before the hidden tests (runs leave such problems out of multi-turn and n@k; see run.ts).
      publicPart = {executionKey: null, verdict: "not_run", passed: false, failedTest: null, testsRun: 0};
    } else {
      const judged = await effects.judge({
        code: extraction.code,
        ioMode: problem.ioMode,
        fnName: problem.fnName,
        tests: problem.tests.public,
        firstIndex: 0,
        limits: spec.limits,
        mode: spec.mode,
        stopOnFailure: false,
        capture: "all",
        excerptBytes: FEEDBACK_EXCERPT_BYTES
      });
      publicResult = judged.result;
      publicPart = {executionKey: judged.key, verdict: judged.result.verdict, passed: judged.result.verdict === "accepted", failedTest: judged.result.failedTest, testsRun: judged.result.testsRun};
    }
    const record: TurnRecord = {turn, requestKeys, promptIds, extraction: extraction.method, code: extraction.code, public: publicPart, tokensIn, tokensOut, tokensOutShared, usageMissing, nonCodeChars, totalChars};
    turns.push(record);
    if (publicPart.passed || turn === maxTurns || publicPart.verdict === "not_run") break;
    const kind = (strategy as {feedback: FeedbackKind}).feedback;
    if (extraction.code === null || publicResult === null) {
      feedbackText = NO_CODE_FEEDBACK;
      framing = kind;
      record.feedback = {kind, text: feedbackText};
    } else {
      const fb = await effects.feedback(kind, problem, extraction.code, publicResult, spec.limits);
      feedbackText = fb.text;
      framing = fb.kind ?? kind;
      record.feedback = {kind: framing, text: fb.text, ...(fb.fallback ? {fallback: fb.fallback} : {})};
    }
  }
  const last = turns[turns.length - 1];
  let final: TrajectoryRecord["final"] = {turn: last.turn, publicPassed: last.public.passed, hiddenExecutionKey: null, hiddenVerdict: null, hiddenFailedTest: null, allPassed: false};
  if ((last.public.passed || last.public.verdict === "not_run") && last.code !== null) {
    const hidden = await effects.judge({
      code: last.code,
      ioMode: problem.ioMode,
      fnName: problem.fnName,
      tests: hiddenTests(problem),
      firstIndex: problem.tests.public.length,
      limits: spec.limits,
      mode: spec.mode,
      stopOnFailure: true,
      capture: "none"
    });
    final = {...final, hiddenExecutionKey: hidden.key, hiddenVerdict: hidden.result.verdict, hiddenFailedTest: hidden.result.failedTest, allPassed: hidden.result.verdict === "accepted"};
  }
  return {
    engine: TRAJECTORY_ENGINE_VERSION,
    strategyId: strategyId(strategy),
    strategy,
    problem: `${problem.dataset}/${problem.id}`,
    problemKey: spec.problemKey,
    index: spec.index,
    backend: spec.backend.identity,
    model: spec.model,
    nullBaseline: spec.backend.isNullBaseline,
    sampling: spec.sampling,
    turns,
    final,
    tokensIn: turns.reduce((n, t) => n + t.tokensIn, 0),
    tokensOut: turns.reduce((n, t) => n + t.tokensOut, 0),
    tokensOutShared: turns.reduce((n, t) => n + (t.tokensOutShared ?? 0), 0),
    usageMissing: turns.reduce((n, t) => n + (t.usageMissing ?? 0), 0)
  };
}

export {hashOf};
