// The Python tracer (ldb_tracer.py) run through the real sandbox: block segmentation and recorded states.
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {judgeTests, limitsFor, SandboxPool} from "../../loaders/execution/index.ts";
import {parseTrace, renderState, type LdbBlock, type LdbTrace} from "../../loaders/feedback/index.ts";

let pool: SandboxPool;
beforeAll(async () => {
  pool = await SandboxPool.start({lanes: 2, allowDegraded: true, log: () => {}});
});
afterAll(() => pool?.close());

async function trace(code: string, input = "", options: Record<string, unknown> = {}, fn?: string): Promise<LdbTrace> {
  const result = await judgeTests(pool, {
    code,
    ioMode: fn ? "function" : "stdio",
    fnName: fn ?? null,
    tests: [{input, output: ""}],
    limits: limitsFor(null, {timeLimitS: 2}),
    capture: "none",
    trace: true,
    traceOptions: {keep_head: 100, keep_tail: 100, ...options, ...(fn ? {call: {fn_name: fn, input}} : {})}
  });
  expect(result.sandboxError).toBeUndefined();
  const parsed = parseTrace(result.tests[0]?.trace);
  expect(parsed, JSON.stringify(result)).not.toBeNull();
  return parsed!;
}

const summary = (blocks: LdbBlock[]) => blocks.map((b) => `${b.function}:${b.lines.map((l) => l.trim()).join(" | ")}`);

describe("ldb_tracer in the sandbox", () => {
  it("splits a stdin program with a loop and an if into block instances with pre/post states", async () => {
    const code = "n = int(input())\nxs = list(map(int, input().split()))\ntotal = 0\nfor x in xs:\n    if x > 0:\n        total += x\nprint(total)\n";
    const t = await trace(code, "3\n4 -1 2\n");
    expect(summary(t.blocks)).toEqual([
      "<module>:n = int(input()) | xs = list(map(int, input().split())) | total = 0",
      "<module>:for x in xs:",
      "<module>:if x > 0:",
      "<module>:total += x",
      "<module>:for x in xs:",
      "<module>:if x > 0:",
      "<module>:for x in xs:",
      "<module>:if x > 0:",
      "<module>:total += x",
      "<module>:for x in xs:",
      "<module>:print(total)"
    ]);
    expect(t.blocks[0].pre).toEqual({});
    expect(t.blocks[0].post).toEqual({n: "3", xs: "[4, -1, 2]", total: "0"});
    expect(t.blocks[3].pre).toMatchObject({total: "0", x: "4"});
    expect(t.blocks[3].post).toMatchObject({total: "4", x: "4"});
    expect(t.blocks[8].post).toMatchObject({total: "6", x: "2"});
    expect(t.blocks[3].lines).toEqual(["        total += x"]); // original indentation
    expect(t).toMatchObject({total_blocks: 11, truncated_events: false, error: null});
  });

  it("gives a helper function its own blocks, with arguments before and the return value after", async () => {
    const code = "import sys\n\ndef helper(a, b):\n    c = a * b\n    return c + 1\n\nclass Box:\n    pass\n\nr = helper(2, 3)\nprint(r)\n";
    const t = await trace(code);
    // The call ends the caller's instance; the caller continues in a new instance of the same block.
    expect(summary(t.blocks)).toEqual([
      "<module>:import sys | def helper(a, b): | class Box: | r = helper(2, 3)",
      "helper:c = a * b | return c + 1",
      "<module>:r = helper(2, 3) | print(r)"
    ]);
    expect(t.blocks[1].pre).toEqual({a: "2", b: "3"});
    expect(t.blocks[1].post).toEqual({a: "2", b: "3", c: "6", _ret: "7"});
    // Modules, functions, classes and dunder names are not state.
    expect(t.blocks[0].post).toEqual({});
    expect(t.blocks[2].post).toEqual({r: "7"});
  });

  it("records each frame of a recursive function separately, in execution order", async () => {
    const code = "def fact(n):\n    if n <= 1:\n        return 1\n    return n * fact(n - 1)\n\nprint(fact(3))\n";
    const t = await trace(code);
    const frames = t.blocks.filter((b) => b.function === "fact");
    expect(frames.map((b) => `${b.pre.n}:${b.lines.join("").trim()}:${b.post?._ret ?? "-"}`)).toEqual([
      "3:if n <= 1::-",
      "3:return n * fact(n - 1):-",
      "2:if n <= 1::-",
      "2:return n * fact(n - 1):-",
      "1:if n <= 1::-",
      "1:return 1:1",
      "2:return n * fact(n - 1):2",
      "3:return n * fact(n - 1):6"
    ]);
    expect(t.blocks[t.blocks.length - 1]).toMatchObject({function: "<module>", lines: ["print(fact(3))"]});
  });

  it("records an exception (type, message, line) and still returns the trace", async () => {
    const code = "xs = [2, 1, 0]\ns = 0\nfor x in xs:\n    s += 10 // x\nprint(s)\n";
    const t = await trace(code);
    expect(t.error).toEqual({type: "ZeroDivisionError", message: "integer division or modulo by zero", line: 4, function: "<module>"});
    const last = t.blocks[t.blocks.length - 1];
    expect(last.lines).toEqual(["    s += 10 // x"]);
    expect(last.pre).toMatchObject({s: "15", x: "0"});
    expect(last.post).toMatchObject({_exception: "ZeroDivisionError: integer division or modulo by zero"});
  });

  it("keeps the first and last instances, counts the rest, and stops at the event cap", async () => {
    const code = "i = 0\nwhile i < 1000:\n    i += 1\nprint(i)\n";
    const kept = await trace(code, "", {keep_head: 5, keep_tail: 5});
    expect(kept.blocks.map((b) => b.index)).toEqual([0, 1, 2, 3, 4, 1998, 1999, 2000, 2001, 2002]);
    expect(kept.total_blocks).toBe(2003);
    expect(kept.blocks[9].lines).toEqual(["print(i)"]);
    const capped = await trace(code, "", {keep_head: 5, keep_tail: 5, max_events: 50});
    expect(capped).toMatchObject({truncated_events: true, events: 50});
    expect(capped.blocks[9].post).toBeNull(); // the trace stopped inside it
  });

  it("with state_chars, renders only the values the state cut keeps (same text as rendering them all)", async () => {
    const code = "a = 'x' * 70\nb = list(range(40))\nc = {i: i for i in range(30)}\nd = 'y' * 70\ne = 5\nprint(e)\n";
    const full = await trace(code);
    const lean = await trace(code, "", {state_chars: 100});
    const post = (t: LdbTrace) => t.blocks[t.blocks.length - 1].post!;
    expect(post(lean).b).toBe("...");
    expect(post(lean).c).toBe("...");
    expect(renderState(post(lean))).toBe(renderState(post(full)));
    expect(renderState(post(full))).toBe(`a = '${"x".repeat(45)}...${"y".repeat(43)}'\te = 5`);
  });

  it("traces the call of a function-mode program", async () => {
    const code = "class Solution:\n    def add(self, a, b):\n        s = a - b\n        return s\n";
    const t = await trace(code, "[2, 3]", {}, "add");
    const call = t.blocks.find((b) => b.function === "add")!;
    expect(call.pre).toEqual({self: "<Solution object>", a: "2", b: "3"});
    expect(call.post).toMatchObject({s: "-1", _ret: "-1"});
  });
});
