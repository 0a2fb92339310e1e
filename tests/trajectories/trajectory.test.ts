// runTrajectory end to end: scripted model replies, the real sandbox, a temporary store.
import {join} from "node:path";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {DEFAULT_SAMPLING, type ModelBackend} from "../../loaders/backends/index.ts";
import type {Problem} from "../../loaders/datasets/index.ts";
import {cachedJudge, limitsFor, SandboxPool} from "../../loaders/execution/index.ts";
import {buildAttemptMessages, CODE_REQUEST, COT_RETRY_SCHEDULE, getPrompt, type FeedbackKind} from "../../loaders/prompts/index.ts";
import {Store} from "../../loaders/store/index.ts";
import {CompletionService, type RequestRecord} from "../../loaders/trajectories/completions.ts";
import {renderTurnFeedback} from "../../loaders/trajectories/feedback.ts";
import {parseStrategy, type StrategyInput} from "../../loaders/trajectories/strategy.ts";
import {runTrajectory, type TrajectoryEffects, type TrajectoryRecord, type TrajectorySpec} from "../../loaders/trajectories/trajectory.ts";
import {createScriptedBackend, fenced, lastUser, type ReplyScript, type ScriptedBackend} from "../helpers/scriptedBackend.ts";
import {tempDir} from "../helpers/tmp.ts";
import {problemOf, SUM_CORRECT, SUM_LOOPS, SUM_PUBLIC_ONLY, SUM_WRONG, sumRow} from "./fixtures.ts";

let pool: SandboxPool;
beforeAll(async () => {
  pool = await SandboxPool.start({lanes: 2, log: () => {}});
});
afterAll(() => pool?.close());

const base = tempDir("reprompt-traj-");
const stores: Store[] = [];
afterAll(() => stores.forEach((s) => s.close()));
let storeCount = 0;

const SUM = problemOf(sumRow());
const NO_CODE_TEXT = "did not contain a Python program";

interface Harness {
  store: Store;
  completions: CompletionService;
  effects: TrajectoryEffects;
  spec(strategy: StrategyInput, backend: ModelBackend, options?: {problem?: Problem; index?: number}): TrajectorySpec;
}

/** A fresh store (so no test reuses another's completions) and the runner's effects over it. */
function harness(): Harness {
  const store = Store.open({dir: join(base, `store-${storeCount++}`), autoCompactAt: 0});
  stores.push(store);
  const completions = new CompletionService(store);
  const effects: TrajectoryEffects = {
    completions,
    judge: (request) => cachedJudge(store, pool, request),
    feedback: (kind: FeedbackKind, problem, code, publicResult, limits) => renderTurnFeedback(store, pool, kind, problem, code, publicResult, limits)
  };
  return {
    store,
    completions,
    effects,
    spec: (strategy, backend, options = {}) => {
      const problem = options.problem ?? SUM;
      return {
        problem,
        problemKey: `key-${problem.id}`,
        strategy: parseStrategy(strategy),
        index: options.index ?? 0,
        backend,
        model: "scripted",
        sampling: {...DEFAULT_SAMPLING, seed: 100},
        limits: limitsFor(problem),
        mode: "codecontests"
      };
    }
  };
}

/** Replies in order, one per model call. */
function sequence(...replies: string[]): ReplyScript {
  return (_messages, _seed, call) => {
    if (call >= replies.length) throw new Error(`the script has ${replies.length} replies; call ${call} was not expected`);
    return replies[call]!;
  };
}

function requestOf(h: Harness, key: string): RequestRecord {
  const record = h.store.get<RequestRecord>("request", key);
  if (!record) throw new Error(`request ${key} is not in the store`);
  return record;
}

function userMessagesOfCall(backend: ScriptedBackend, call: number): string[] {
  return backend.requests[call]!.messages.filter((m) => m.role === "user").map((m) => m.content);
}

describe("single-turn", () => {
  it("without a reasoning prompt: one model call, the plan's only message", async () => {
    const h = harness();
    const backend = createScriptedBackend(sequence(fenced(SUM_CORRECT)));
    const t = await runTrajectory(h.spec({kind: "single"}, backend), h.effects);
    expect(backend.calls()).toBe(1);
    const plan = buildAttemptMessages({problem: SUM});
    expect(backend.requests[0]!.messages).toEqual(plan.userMessages);
    expect(backend.requests[0]!.seed).toBe(100);
    expect(t.turns).toHaveLength(1);
    expect(t.turns[0]).toMatchObject({turn: 1, promptIds: ["none"], extraction: "fenced-python", code: SUM_CORRECT, public: {verdict: "accepted", passed: true, testsRun: 2}});
    expect(t.turns[0]!.requestKeys).toHaveLength(1);
    expect(t.turns[0]!.feedback).toBeUndefined();
    expect(t.final).toMatchObject({turn: 1, publicPassed: true, hiddenVerdict: "accepted", allPassed: true});
    expect(t.final.hiddenExecutionKey).not.toBeNull();
  });

  it("with a reasoning prompt: two model calls, the second one carries the first reply", async () => {
    const h = harness();
    const reasoning = "The sum of 1 and 2 is 3, and of 5 and 7 is 12: add the two numbers.";
    const backend = createScriptedBackend(sequence(reasoning, fenced(SUM_CORRECT)));
    const t = await runTrajectory(h.spec({kind: "single", reasoning: "explain-io", instruction: "docstrings"}, backend), h.effects);
    expect(backend.calls()).toBe(2);
    const [first, second] = backend.requests.map((r) => r.messages);
    expect(first).toHaveLength(1);
    expect(first![0]!.content).toContain(getPrompt("explain-io").text);
    expect(first![0]!.content).not.toContain(CODE_REQUEST);
    expect(second).toHaveLength(3);
    expect(second![0]).toEqual(first![0]);
    expect(second![1]).toEqual({role: "assistant", content: reasoning});
    expect(second![2]!.role).toBe("user");
    expect(second![2]!.content).toBe(`${CODE_REQUEST}\n\n${getPrompt("docstrings").text}`);
    expect(t.turns).toHaveLength(1);
    expect(t.turns[0]!.promptIds).toEqual(["explain-io", "docstrings"]);
    expect(t.turns[0]!.requestKeys).toHaveLength(2);
    expect(requestOf(h, t.turns[0]!.requestKeys[0]!).completion.text).toBe(reasoning);
    expect(requestOf(h, t.turns[0]!.requestKeys[1]!).messages).toEqual(second);
    expect(t.turns[0]!.totalChars).toBe(reasoning.length + fenced(SUM_CORRECT).length);
    expect(t.final.allPassed).toBe(true);
  });

  it("a re-run of the same trajectory costs no model call and gives the same record", async () => {
    const h = harness();
    const backend = createScriptedBackend(sequence("Think: add them.", fenced(SUM_WRONG), fenced(SUM_CORRECT)));
    const spec = h.spec({kind: "multi", feedback: "failed", maxTurns: 3, reasoning: "self-reflection"}, backend);
    const first = await runTrajectory(spec, h.effects);
    expect(backend.calls()).toBe(3);
    const again = await runTrajectory(spec, h.effects);
    expect(backend.calls()).toBe(3);
    expect(again).toEqual(first);
    expect(h.completions.requested).toBe(3);
  });
});

describe("multi-turn", () => {
  it("stops as soon as a program passes the public tests", async () => {
    const h = harness();
    const backend = createScriptedBackend(sequence(fenced(SUM_WRONG), fenced(SUM_CORRECT), fenced(SUM_WRONG)));
    const t = await runTrajectory(h.spec({kind: "multi", feedback: "binary", maxTurns: 3}, backend), h.effects);
    expect(backend.calls()).toBe(2);
    expect(t.turns.map((x) => x.public.verdict)).toEqual(["wrong_answer", "accepted"]);
    expect(t.turns[0]!.public).toMatchObject({passed: false, failedTest: 0, testsRun: 2});
    expect(t.turns[1]!.feedback).toBeUndefined();
    expect(t.final).toMatchObject({turn: 2, publicPassed: true, hiddenVerdict: "accepted", allPassed: true});
    // Turn 2 sees the whole of turn 1: its message, its reply, then the feedback message.
    const turn2 = backend.requests[1]!.messages;
    expect(turn2).toHaveLength(3);
    expect(turn2[0]).toEqual(backend.requests[0]!.messages[0]);
    expect(turn2[1]).toEqual({role: "assistant", content: fenced(SUM_WRONG)});
  });

  it("runs every turn when no program passes, and the final program is not judged on the hidden tests", async () => {
    const h = harness();
    const backend = createScriptedBackend(() => fenced(SUM_WRONG));
    const t = await runTrajectory(h.spec({kind: "multi", feedback: "binary", maxTurns: 3}, backend), h.effects);
    expect(backend.calls()).toBe(3);
    expect(t.turns).toHaveLength(3);
    expect(t.turns.map((x) => Boolean(x.feedback))).toEqual([true, true, false]);
    expect(t.final).toEqual({turn: 3, publicPassed: false, hiddenExecutionKey: null, hiddenVerdict: null, hiddenFailedTest: null, allPassed: false});
    // The same program each turn: one public execution, stored once, and nothing on the hidden tests.
    expect(h.store.count("execution")).toBe(1);
  });

  it("binary feedback: the next user message has the pass/fail sentence and no test data", async () => {
    const h = harness();
    const backend = createScriptedBackend(sequence(fenced(SUM_WRONG), fenced(SUM_CORRECT)));
    const t = await runTrajectory(h.spec({kind: "multi", feedback: "binary", maxTurns: 3}, backend), h.effects);
    const message = lastUser(backend.requests[1]!.messages);
    expect(t.turns[0]!.feedback).toEqual({kind: "binary", text: "The code did not pass the public tests."});
    expect(message).toBe(`Your code was run on the public tests. Result:\n\nThe code did not pass the public tests.\n\n${getPrompt("retry-plain").text}`);
    expect(message).not.toContain("1 2");
    expect(t.turns[1]!.promptIds).toEqual(["feedback-binary", "retry-plain"]);
  });

  it("failed-tests feedback: the next user message has the failing test's input, expected and actual output", async () => {
    const h = harness();
    const backend = createScriptedBackend(sequence(fenced(SUM_WRONG), fenced(SUM_CORRECT)));
    const t = await runTrajectory(h.spec({kind: "multi", feedback: "failed", maxTurns: 3}, backend), h.effects);
    const message = lastUser(backend.requests[1]!.messages);
    expect(message.startsWith("Your code was run on the public tests. These tests did not pass:\n\n")).toBe(true);
    expect(message).toContain("Input:\n```\n1 2\n```");
    expect(message).toContain("Expected output:\n```\n3\n```");
    expect(message).toContain("Your output:\n```\n-1\n```");
    // Both public tests fail (a − b): both are shown.
    expect(message).toContain("Input:\n```\n5 7\n```");
    expect(message.endsWith(getPrompt("retry-plain").text)).toBe(true);
    expect(t.turns[0]!.feedback!.kind).toBe("failed");
    expect(message).toContain(t.turns[0]!.feedback!.text);
    expect(t.turns[1]!.promptIds).toEqual(["feedback-failed", "retry-plain"]);
  });

  it("a reply with no code: no_code verdict, and the no-code feedback next turn", async () => {
    const h = harness();
    const backend = createScriptedBackend(sequence("I am not sure how to solve this; maybe add the numbers?", fenced(SUM_CORRECT)));
    const t = await runTrajectory(h.spec({kind: "multi", feedback: "failed", maxTurns: 2}, backend), h.effects);
    expect(t.turns[0]).toMatchObject({extraction: "none", code: null, public: {executionKey: null, verdict: "no_code", passed: false, failedTest: null, testsRun: 0}});
    expect(t.turns[0]!.feedback!.text).toContain(NO_CODE_TEXT);
    const message = lastUser(backend.requests[1]!.messages);
    expect(message).toContain(NO_CODE_TEXT);
    expect(message.startsWith(getPrompt("feedback-failed").text.replace("{feedback}", ""))).toBe(true);
    expect(t.final).toMatchObject({turn: 2, allPassed: true});
    expect(h.store.count("execution")).toBe(2); // public + hidden of the turn-2 program only
  });

  it("ldb feedback falls back to the failed framing for a program that loops forever", async () => {
    const h = harness();
    const fast = problemOf(sumRow({id: "sum-fast-limit", time_limit_s: 0.3}));
    const backend = createScriptedBackend(sequence(fenced(SUM_LOOPS), fenced(SUM_CORRECT)));
    const t = await runTrajectory(h.spec({kind: "multi", feedback: "ldb", maxTurns: 2}, backend, {problem: fast}), h.effects);
    expect(t.turns[0]!.public).toMatchObject({verdict: "time_limit", failedTest: 1});
    const fb = t.turns[0]!.feedback!;
    expect(fb.kind).toBe("failed");
    expect(fb.fallback).toMatch(/time limit/);
    expect(fb.text).toMatch(/^Note: the debugger trace is not available/);
    expect(fb.text).toContain("Input:\n```\n5 7\n```");
    const message = lastUser(backend.requests[1]!.messages);
    expect(message.startsWith("Your code was run on the public tests. These tests did not pass:\n\nNote: the debugger trace is not available")).toBe(true);
    expect(message).not.toContain("debugger trace of this test");
    expect(t.turns[1]!.promptIds).toEqual(["feedback-failed", "retry-plain"]);
    expect(t.final.allPassed).toBe(true);
  }, 30_000);
});

describe("CoT-retry", () => {
  it("turn 1 is the plain attempt, turn 2 adds the plan prompt, turn 3 the naive-solution prompt", async () => {
    const h = harness();
    const backend = createScriptedBackend(() => fenced(SUM_WRONG));
    const t = await runTrajectory(h.spec({kind: "cot-retry"}, backend), h.effects);
    expect(backend.calls()).toBe(3);
    expect(backend.requests[0]!.messages).toEqual(buildAttemptMessages({problem: SUM}).userMessages);
    const plan = getPrompt(COT_RETRY_SCHEDULE[1]!.retryPromptId!).text;
    const naive = getPrompt(COT_RETRY_SCHEDULE[2]!.retryPromptId!).text;
    expect(COT_RETRY_SCHEDULE[1]!.retryPromptId).toBe("cot-retry-plan");
    expect(COT_RETRY_SCHEDULE[2]!.retryPromptId).toBe("cot-retry-naive");
    const turn2 = lastUser(backend.requests[1]!.messages);
    const turn3 = lastUser(backend.requests[2]!.messages);
    expect(turn2).toBe(`Your code was run on the public tests. Result:\n\nThe code did not pass the public tests.\n\n${plan}`);
    expect(turn3).toBe(`Your code was run on the public tests. Result:\n\nThe code did not pass the public tests.\n\n${naive}`);
    expect(turn2).not.toContain(getPrompt("retry-plain").text);
    expect(t.turns.map((x) => x.promptIds)).toEqual([["none"], ["feedback-binary", "cot-retry-plan"], ["feedback-binary", "cot-retry-naive"]]);
    // Turn 3's conversation holds turns 1 and 2 whole.
    expect(userMessagesOfCall(backend, 2)).toEqual([backend.requests[0]!.messages[0]!.content, turn2, turn3]);
  });

  it("stops at turn 2 when the planned program passes", async () => {
    const h = harness();
    const backend = createScriptedBackend(sequence(fenced(SUM_WRONG), fenced(SUM_CORRECT)));
    const t = await runTrajectory(h.spec({kind: "cot-retry", feedback: "failed"}, backend), h.effects);
    expect(backend.calls()).toBe(2);
    expect(t.turns[1]!.promptIds).toEqual(["feedback-failed", "cot-retry-plan"]);
    expect(t.final).toMatchObject({turn: 2, allPassed: true});
  });
});

describe("final verdict", () => {
  it("a program passing the public tests but failing a private one: allPassed false, wrong_answer", async () => {
    const h = harness();
    const backend = createScriptedBackend(sequence(fenced(SUM_PUBLIC_ONLY)));
    const t = await runTrajectory(h.spec({kind: "multi", feedback: "failed", maxTurns: 3}, backend), h.effects);
    expect(backend.calls()).toBe(1); // it passed the public tests: no second turn
    expect(t.final).toMatchObject({turn: 1, publicPassed: true, hiddenVerdict: "wrong_answer", allPassed: false});
    // Hidden tests are numbered after the 2 public ones; "0 0" is the first private test.
    expect(t.final.hiddenFailedTest).toBe(2);
    expect(t.final.hiddenExecutionKey).not.toBeNull();
  });

  it("a program failing the public tests is never run on the hidden tests", async () => {
    const h = harness();
    const backend = createScriptedBackend(sequence(fenced(SUM_WRONG)));
    const t = await runTrajectory(h.spec({kind: "single"}, backend), h.effects);
    expect(t.final).toEqual({turn: 1, publicPassed: false, hiddenExecutionKey: null, hiddenVerdict: null, hiddenFailedTest: null, allPassed: false});
    expect(h.store.count("execution")).toBe(1);
  });
});

describe("durability", () => {
  it("every completion's request record is on disk before the next model call and before the trajectory ends", async () => {
    const h = harness();
    const sampling = {...DEFAULT_SAMPLING, seed: 100};
    let previousKey: string | null = null;
    let checks = 0;
    const onDisk = (key: string) => {
      // A separate reader: what another process would see, not this store's in-memory index.
      const reader = Store.open({dir: h.store.dir, autoCompactAt: 0});
      try {
        return reader.has("request", key) && reader.get<RequestRecord>("request", key)!.completion.text.length > 0;
      } finally {
        reader.close();
      }
    };
    let inner: ScriptedBackend;
    let codeReplies = 0;
    inner = createScriptedBackend(
      (messages) =>
        lastUser(messages).includes(getPrompt("problem-tag").text) ? "Tags: math. Add the two numbers." : fenced(++codeReplies < 3 ? SUM_WRONG : SUM_CORRECT),
      {
        onRequest: (request) => {
          if (previousKey !== null) {
            expect(onDisk(previousKey), `record of the call before request ${inner.requests.length}`).toBe(true);
            checks++;
          }
          const call = {messages: request.messages, sampling, sampleIndex: request.sampling.seed - sampling.seed, problem: request.problem};
          previousKey = h.completions.key(inner, call);
          expect(request.n).toBe(1);
        }
      }
    );
    const spec: TrajectorySpec = {...h.spec({kind: "multi", feedback: "failed_passed", maxTurns: 3, reasoning: "problem-tag"}, inner, {index: 3}), sampling};
    const t: TrajectoryRecord = await runTrajectory(spec, h.effects);
    // Reasoning turn 1 (2 calls), then one call per feedback turn: wrong, wrong, correct.
    expect(inner.calls()).toBe(4);
    expect(checks).toBe(3);
    expect(onDisk(previousKey!)).toBe(true);
    const keys = t.turns.flatMap((x) => x.requestKeys);
    expect(keys).toHaveLength(4);
    expect(keys[keys.length - 1]).toBe(previousKey);
    for (const key of keys) expect(onDisk(key)).toBe(true);
    expect(inner.repeated()).toEqual([]);
    expect(inner.requests.every((r) => r.seed === 103)).toBe(true);
  });
});
