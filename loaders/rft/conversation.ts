// A trajectory as a chat conversation, and removing the reasoning/retry prompts CoT-retry inserted into it.
import {getPrompt, PROMPTS, type ChatMessage, type PromptEntry} from "../prompts/index.ts";
import type {Store} from "../store/index.ts";
import type {RequestRecord} from "../trajectories/completions.ts";
import type {TrajectoryRecord} from "../trajectories/trajectory.ts";

export class RftError extends Error {
  override name = "RftError";
}

/**
 * The whole conversation of a trajectory: the messages of its last model call (every earlier turn is in them,
 * see `messagesForCall`) plus the reply to that call. Read from the store, so it is exactly what was sent.
 */
export function trajectoryConversation(store: Store, trajectory: TrajectoryRecord): ChatMessage[] {
  const last = trajectory.turns.at(-1)?.requestKeys.at(-1);
  if (!last) throw new RftError(`trajectory ${trajectory.problem}#${trajectory.index} has no model call`);
  const request = store.get<RequestRecord>("request", last);
  if (!request) throw new RftError(`request ${last} of trajectory ${trajectory.problem}#${trajectory.index} is missing from the store`);
  return [...request.messages.map((m) => ({role: m.role, content: m.content})), {role: "assistant", content: request.completion.text}];
}

/** The prompts that must not reach the training data: the reasoning prompts and the CoT-retry prompts. */
export function cotPrompts(catalog: readonly PromptEntry[] = PROMPTS): PromptEntry[] {
  return catalog.filter((p) => (p.family === "reasoning" || p.family === "retry") && p.text.trim().length > 0);
}

export interface StripOptions {
  /**
   * What replaces a CoT-retry prompt in a feedback turn: by default the neutral re-prompt (`retry-plain`), so
   * the turn reads exactly like a plain multi-turn feedback turn — the prompt the fine-tuned model is later
   * evaluated with ("no CoT prompt"). null removes the text and leaves the feedback alone.
   */
  replaceRetryWith?: string | null;
  catalog?: readonly PromptEntry[];
}

export interface StripResult {
  messages: ChatMessage[];
  /** Prompt ids removed, one entry per occurrence. */
  removed: string[];
}

function tidy(text: string): string {
  return text.replace(/\n{3,}/g, "\n\n").trim();
}

/**
 * Removes every reasoning and CoT-retry prompt text of the catalog from the user messages; assistant
 * messages (the model's own reasoning and code) are kept as they are, so the fine-tuned model learns to
 * reason without being asked. Matching is on the catalog's exact wording, which is what the engine sent.
 */
export function stripCotPrompts(messages: readonly ChatMessage[], options: StripOptions = {}): StripResult {
  const prompts = cotPrompts(options.catalog);
  const replacement = options.replaceRetryWith === undefined ? getPrompt("retry-plain").text : options.replaceRetryWith === null ? "" : getPrompt(options.replaceRetryWith).text;
  const removed: string[] = [];
  const out = messages.map((message) => {
    if (message.role !== "user") return {...message};
    let content = message.content;
    for (const prompt of prompts) {
      if (!content.includes(prompt.text)) continue;
      const count = content.split(prompt.text).length - 1;
      for (let i = 0; i < count; i++) removed.push(prompt.id);
      content = content.replaceAll(prompt.text, prompt.family === "retry" ? replacement : "");
    }
    return {role: message.role, content: tidy(content)};
  });
  return {messages: out, removed};
}

/** Ids of catalog reasoning/retry prompts still present in some user message (should be none after stripping). */
export function cotPromptLeftovers(messages: readonly ChatMessage[], catalog?: readonly PromptEntry[]): string[] {
  const prompts = cotPrompts(catalog);
  const found = new Set<string>();
  for (const m of messages) if (m.role === "user") for (const p of prompts) if (m.content.includes(p.text)) found.add(p.id);
  return [...found];
}
