// The shape of a conversation as data: which user messages an attempt sends, and what a feedback turn says.
import type {Problem} from "../datasets/problem.ts";
import {
  FEEDBACK_PROMPT_IDS,
  FEEDBACK_KINDS,
  getPrompt,
  isPromptOf,
  isRetryPromptId,
  PROMPTS,
  type FeedbackKind,
  type PromptEntry,
  type RetryPromptId
} from "./catalog.ts";
import {CODE_REQUEST, renderProblemPrompt} from "./problemPrompt.ts";
import {fillTemplate} from "./template.ts";
import {PROMPT_FRAME_VERSION, promptVersion} from "./version.ts";

/** One chat message, in the role vocabulary every chat backend shares. */
export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

export interface AttemptSpec {
  problem: Problem;
  /** A reasoning prompt id; absent/null = no reasoning step (one model call). */
  reasoningId?: string | null;
  /** An instruction prompt id; absent/null = `none`. */
  instructionId?: string | null;
  /** Where ids are looked up: the study's catalog, or `catalogWith(config prompts)`. */
  catalog?: readonly PromptEntry[];
}

/** The planned user side of one attempt (one code generation), before any model has replied. */
export interface AttemptPlan {
  /** One user message per model call, in order; the model's reply to message i precedes message i + 1. */
  userMessages: ChatMessage[];
  /** 2 with a reasoning prompt (reasoning reply, then code), 1 without: a CoT attempt costs two replies. */
  modelCalls: 1 | 2;
  reasoningId: string | null;
  instructionId: string;
  /** Hashes of every wording the plan used, to put in result keys (see version.ts). */
  promptVersions: {frame: string; reasoning: string | null; instruction: string};
}

/** The code request plus the instruction prompt's text (nothing added for `none`). */
export function codeRequestText(instructionId = "none", catalog: readonly PromptEntry[] = PROMPTS): string {
  const instruction = getPrompt(instructionId, catalog).text;
  return instruction ? `${CODE_REQUEST}\n\n${instruction}` : CODE_REQUEST;
}

/**
 * Plans one attempt. With a reasoning prompt the model answers twice: first [problem + reasoning prompt] (its
 * reasoning reply), then [code request + instruction] (the code). The instruction is a second user message, not
 * part of the first, because the study's figure places it after the reasoning reply (paper.md §2, G). Without a
 * reasoning prompt a single message carries problem, code request and instruction.
 */
export function buildAttemptMessages(spec: AttemptSpec): AttemptPlan {
  const reasoningId = spec.reasoningId ?? null;
  const instructionId = spec.instructionId ?? "none";
  const catalog = spec.catalog ?? PROMPTS;
  // Ids may come from untyped config: check them here so a typo fails before any model call.
  if (reasoningId !== null && !isPromptOf("reasoning", reasoningId, catalog)) throw new Error(`"${reasoningId}" is not a reasoning prompt id`);
  if (!isPromptOf("instruction", instructionId, catalog)) throw new Error(`"${instructionId}" is not an instruction prompt id`);
  const problemText = renderProblemPrompt(spec.problem);
  const codeRequest = codeRequestText(instructionId, catalog);
  const userMessages: ChatMessage[] =
    reasoningId === null
      ? [{role: "user", content: `${problemText}\n\n${codeRequest}`}]
      : [
          {role: "user", content: `${problemText}\n\n${getPrompt(reasoningId, catalog).text}`},
          {role: "user", content: codeRequest}
        ];
  return {
    userMessages,
    modelCalls: reasoningId === null ? 1 : 2,
    reasoningId,
    instructionId,
    promptVersions: {
      frame: PROMPT_FRAME_VERSION,
      reasoning: reasoningId === null ? null : promptVersion(reasoningId, catalog),
      instruction: promptVersion(instructionId, catalog)
    }
  };
}

/**
 * The messages to send for the next model call: earlier history (previous turns, whole), then the plan's user
 * messages interleaved with the replies received so far. `replies.length` selects the call (0 = first).
 */
export function messagesForCall(plan: Pick<AttemptPlan, "userMessages">, replies: readonly string[], history: readonly ChatMessage[] = []): ChatMessage[] {
  if (replies.length >= plan.userMessages.length) {
    throw new Error(`the attempt has ${plan.userMessages.length} model call(s) and ${replies.length} replies already`);
  }
  const out: ChatMessage[] = [...history];
  for (let i = 0; i <= replies.length; i++) {
    out.push(plan.userMessages[i]!);
    if (i < replies.length) out.push({role: "assistant", content: replies[i]!});
  }
  return out;
}

/**
 * The user message of a turn > 1: the feedback framing around the execution stage's rendered feedback, then the
 * neutral re-prompt (`retry-plain`, the default) or a CoT-retry prompt. Framing and re-prompt are one message so
 * the model answers once per turn, as in the study's loop.
 */
export function feedbackTurnMessage(
  kind: FeedbackKind,
  renderedFeedback: string,
  options: {retryPromptId?: RetryPromptId | string; catalog?: readonly PromptEntry[]} = {}
): ChatMessage {
  if (!(FEEDBACK_KINDS as readonly string[]).includes(kind)) throw new Error(`"${kind}" is not a feedback kind`);
  const retryPromptId = options.retryPromptId ?? "retry-plain";
  const catalog = options.catalog ?? PROMPTS;
  // A user re-prompt is a config prompt of family "feedback" (the study's framings are not re-prompts).
  const userReprompt = catalog.some((p) => p.id === retryPromptId && p.source === "user" && p.family === "feedback");
  if (!isRetryPromptId(retryPromptId) && !userReprompt) throw new Error(`"${retryPromptId}" is not a re-prompt id`);
  const feedback = renderedFeedback.replace(/\r\n?/g, "\n").trim();
  if (!feedback) throw new Error(`feedbackTurnMessage: the rendered ${kind} feedback is empty`);
  const framed = fillTemplate(getPrompt(FEEDBACK_PROMPT_IDS[kind]).text, {feedback});
  return {role: "user", content: `${framed}\n\n${getPrompt(retryPromptId, catalog).text}`};
}

/** One turn of CoT-retry. */
export interface CotRetryStep {
  turn: 1 | 2 | 3;
  /** `always` for the first turn; later turns run only if the previous program failed a public test. */
  runsWhen: "always" | "previous-turn-failed-public-tests";
  /** Turn 1 is a plain attempt (`buildAttemptMessages({problem})`); later turns are `feedbackTurnMessage`s. */
  message: "plain-attempt" | "feedback-turn";
  /** The re-prompt appended to the feedback (null on turn 1). */
  retryPromptId: RetryPromptId | null;
}

/**
 * CoT-retry (paper.md §2d): spend reasoning tokens only where a direct attempt failed. Turn 1 is the plain
 * problem; turn 2 adds feedback + "plan first"; turn 3 adds feedback + "naive solution first". Stop as soon as
 * a program passes the public tests.
 */
export const COT_RETRY_SCHEDULE: readonly CotRetryStep[] = Object.freeze([
  {turn: 1, runsWhen: "always", message: "plain-attempt", retryPromptId: null},
  {turn: 2, runsWhen: "previous-turn-failed-public-tests", message: "feedback-turn", retryPromptId: "cot-retry-plan"},
  {turn: 3, runsWhen: "previous-turn-failed-public-tests", message: "feedback-turn", retryPromptId: "cot-retry-naive"}
]);
