// Problem rendering and the planned shape of attempts and feedback turns.
import {describe, expect, it} from "vitest";
import {
  buildAttemptMessages,
  CODE_REQUEST,
  COT_RETRY_SCHEDULE,
  feedbackTurnMessage,
  FEEDBACK_KINDS,
  getPrompt,
  messagesForCall,
  placeholdersOf,
  PROMPT_FRAME_VERSION,
  promptVersion,
  REASONING_IDS,
  renderProblemPrompt,
  STUDY_INSTRUCTION_GRID
} from "../../loaders/prompts/index.ts";
import {functionProblem, stdioProblem} from "./fixtures.ts";

describe("renderProblemPrompt", () => {
  it("gives a stdio problem its statement, the stdin/stdout contract and the answer format", () => {
    const text = renderProblemPrompt(stdioProblem);
    expect(text).toContain("Given n integers, print the sum of every pair {i, j}.\n\nInput");
    expect(text).not.toContain("\r");
    expect(text).toMatch(/standard input/);
    expect(text).toMatch(/standard output/);
    expect(text).toMatch(/no prompts, labels or debugging output/);
    expect(text).toContain("```python");
    expect(text).not.toMatch(/class Solution/);
  });

  it("gives a function-mode problem its starter code and method name, and forbids reading input", () => {
    const text = renderProblemPrompt(functionProblem);
    expect(text).toContain("`checkPerfectNumber`");
    expect(text).toContain("`class Solution`");
    expect(text).toContain("```python\nclass Solution:\n    def checkPerfectNumber(self, num: int) -> bool:\n```");
    expect(text).toMatch(/Do not read from standard input/);
    expect(text.indexOf(functionProblem.statement!)).toBeLessThan(text.indexOf("checkPerfectNumber"));
  });

  it("handles a plain-function starter and a missing starter, and rejects unusable problems", () => {
    const fn = renderProblemPrompt({...functionProblem, fnName: "solve", starterCode: "def solve(a, b):\n    "});
    expect(fn).toContain("function `solve`");
    expect(fn).toContain("```python\ndef solve(a, b):\n```");
    const bare = renderProblemPrompt({...functionProblem, starterCode: null});
    expect(bare).toContain("Define `class Solution` with a method `checkPerfectNumber`");
    expect(() => renderProblemPrompt({...functionProblem, fnName: null})).toThrow(/no fnName/);
    expect(() => renderProblemPrompt({...stdioProblem, statement: "  "})).toThrow(/no statement/);
  });
});

describe("buildAttemptMessages", () => {
  it("without a reasoning prompt: one model call with problem + code request (+ instruction)", () => {
    const plain = buildAttemptMessages({problem: stdioProblem});
    expect(plain.modelCalls).toBe(1);
    expect(plain.userMessages).toEqual([{role: "user", content: `${renderProblemPrompt(stdioProblem)}\n\n${CODE_REQUEST}`}]);
    expect(plain.instructionId).toBe("none");
    const withInstruction = buildAttemptMessages({problem: stdioProblem, instructionId: "docstrings"});
    expect(withInstruction.userMessages).toHaveLength(1);
    expect(withInstruction.userMessages[0]!.content.endsWith(`${CODE_REQUEST}\n\n${getPrompt("docstrings").text}`)).toBe(true);
  });

  it("with a reasoning prompt: two model calls, the instruction in the second message", () => {
    const plan = buildAttemptMessages({problem: functionProblem, reasoningId: "explain-io", instructionId: "weak-then-better"});
    expect(plan.modelCalls).toBe(2);
    expect(plan.userMessages.map((m) => m.role)).toEqual(["user", "user"]);
    expect(plan.userMessages[0]!.content).toBe(`${renderProblemPrompt(functionProblem)}\n\n${getPrompt("explain-io").text}`);
    expect(plan.userMessages[0]!.content).toContain("checkPerfectNumber");
    expect(plan.userMessages[0]!.content).not.toContain(getPrompt("weak-then-better").text);
    expect(plan.userMessages[1]!.content).toBe(`${CODE_REQUEST}\n\n${getPrompt("weak-then-better").text}`);
    expect(plan.promptVersions).toEqual({
      frame: PROMPT_FRAME_VERSION,
      reasoning: promptVersion("explain-io"),
      instruction: promptVersion("weak-then-better")
    });
  });

  it("builds every cell of the 8 × 6 grid with no placeholder left", () => {
    for (const reasoningId of REASONING_IDS) {
      for (const instructionId of STUDY_INSTRUCTION_GRID) {
        const plan = buildAttemptMessages({problem: functionProblem, reasoningId, instructionId});
        for (const m of plan.userMessages) expect(placeholdersOf(m.content)).toEqual([]);
      }
    }
  });

  it("rejects ids of the wrong family", () => {
    expect(() => buildAttemptMessages({problem: stdioProblem, reasoningId: "docstrings" as never})).toThrow(/not a reasoning/);
    expect(() => buildAttemptMessages({problem: stdioProblem, instructionId: "explain-io" as never})).toThrow(/not an instruction/);
  });

  it("interleaves user messages and replies for each call, after earlier history", () => {
    const plan = buildAttemptMessages({problem: stdioProblem, reasoningId: "problem-tag"});
    expect(messagesForCall(plan, [])).toEqual([plan.userMessages[0]]);
    const history = [{role: "system" as const, content: "You are a careful programmer."}];
    expect(messagesForCall(plan, ["tags: greedy"], history)).toEqual([
      history[0],
      plan.userMessages[0],
      {role: "assistant", content: "tags: greedy"},
      plan.userMessages[1]
    ]);
    expect(() => messagesForCall(plan, ["a", "b"])).toThrow(/2 model call/);
  });
});

describe("feedbackTurnMessage", () => {
  const rendered = "Input:\n1 2\nExpected:\n3\nGot:\n{'a': 1}";

  it("frames the rendered feedback, then the neutral re-prompt by default", () => {
    for (const kind of FEEDBACK_KINDS) {
      const m = feedbackTurnMessage(kind, rendered);
      expect(m.role).toBe("user");
      expect(m.content).toContain(rendered);
      expect(m.content.endsWith(getPrompt("retry-plain").text)).toBe(true);
      expect(placeholdersOf(m.content)).toEqual([]);
    }
    expect(feedbackTurnMessage("failed_passed", rendered).content.startsWith("Your code was run on the public tests. Here are")).toBe(true);
  });

  it("uses the CoT-retry prompts of the schedule on turns 2 and 3", () => {
    for (const step of COT_RETRY_SCHEDULE.filter((s) => s.retryPromptId !== null)) {
      const m = feedbackTurnMessage("binary", "Failed.", {retryPromptId: step.retryPromptId!});
      expect(m.content).toBe(`${getPrompt("feedback-binary").text.replace("{feedback}", "Failed.")}\n\n${getPrompt(step.retryPromptId!).text}`);
    }
  });

  it("rejects empty feedback and unknown kinds", () => {
    expect(() => feedbackTurnMessage("failed", " \r\n")).toThrow(/empty/);
    expect(() => feedbackTurnMessage("verbose" as never, "x")).toThrow(/not a feedback kind/);
    expect(() => feedbackTurnMessage("ldb", "x", {retryPromptId: "explain-io" as never})).toThrow(/not a re-prompt/);
  });
});
