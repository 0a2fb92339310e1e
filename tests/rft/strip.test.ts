// Stripping CoT prompts: the catalog's reasoning and CoT-retry texts leave the user turns; the model's own reasoning stays.
import {describe, expect, it} from "vitest";
import {buildAttemptMessages, feedbackTurnMessage, getPrompt, promptsOf, type ChatMessage} from "../../loaders/prompts/index.ts";
import {cotPromptLeftovers, stripCotPrompts} from "../../loaders/rft/conversation.ts";
import {problemsOf, TRAIN_ROWS} from "./fixtures.ts";

const [sum] = problemsOf(TRAIN_ROWS);

/** A three-turn CoT-retry conversation exactly as the engine builds it. */
function cotRetryConversation(): ChatMessage[] {
  const first = buildAttemptMessages({problem: sum!}).userMessages[0]!;
  return [
    first,
    {role: "assistant", content: "```python\nprint(0)\n```"},
    feedbackTurnMessage("binary", "The code did not pass the public tests.", {retryPromptId: "cot-retry-plan"}),
    {role: "assistant", content: "Guidelines: read a and b, add them. Observation: the sum fits in 64 bits.\n\n```python\na, b = map(int, input().split())\nprint(a - b)\n```"},
    feedbackTurnMessage("failed", "Test 1: input `1 2`, expected `3`, got `-1`.", {retryPromptId: "cot-retry-naive"}),
    {role: "assistant", content: "A brute force: just add.\n\n```python\na, b = map(int, input().split())\nprint(a + b)\n```"}
  ];
}

describe("stripCotPrompts", () => {
  it("removes both CoT-retry prompts and puts the neutral re-prompt in their place", () => {
    const messages = cotRetryConversation();
    expect(cotPromptLeftovers(messages).sort()).toEqual(["cot-retry-naive", "cot-retry-plan"]);
    const {messages: out, removed} = stripCotPrompts(messages);
    expect(removed).toEqual(["cot-retry-plan", "cot-retry-naive"]);
    expect(cotPromptLeftovers(out)).toEqual([]);
    for (const m of out.filter((m) => m.role === "user")) {
      for (const p of [...promptsOf("reasoning"), ...promptsOf("retry")]) expect(m.content).not.toContain(p.text);
    }
    // The feedback turns now read exactly like plain multi-turn feedback turns (the no-CoT evaluation prompt).
    expect(out[2]).toEqual(feedbackTurnMessage("binary", "The code did not pass the public tests."));
    expect(out[4]).toEqual(feedbackTurnMessage("failed", "Test 1: input `1 2`, expected `3`, got `-1`."));
    expect(out[4]!.content.endsWith(getPrompt("retry-plain").text)).toBe(true);
  });

  it("keeps the model's own reasoning and the problem untouched", () => {
    const messages = cotRetryConversation();
    const {messages: out} = stripCotPrompts(messages);
    expect(out.filter((m) => m.role === "assistant")).toEqual(messages.filter((m) => m.role === "assistant"));
    expect(out[0]).toEqual(messages[0]);
    expect(out.map((m) => m.role)).toEqual(messages.map((m) => m.role));
  });

  it("removes a reasoning prompt from a first message, and can drop the retry prompt without replacement", () => {
    const plan = buildAttemptMessages({problem: sum!, reasoningId: "self-reflection"});
    const {messages: out, removed} = stripCotPrompts([plan.userMessages[0]!, {role: "assistant", content: "- add two numbers"}]);
    expect(removed).toEqual(["self-reflection"]);
    expect(out[0]!.content).not.toContain(getPrompt("self-reflection").text);
    expect(out[0]!.content).toContain("Anna keeps a notebook");
    const bare = stripCotPrompts([feedbackTurnMessage("binary", "Failed.", {retryPromptId: "cot-retry-plan"})], {replaceRetryWith: null});
    expect(bare.messages[0]!.content).toBe("Your code was run on the public tests. Result:\n\nFailed.");
  });
});
