// Seeded, realistic-looking record text for the store benchmark: prose, Python code and judge output.
const WORDS = "the a of to in for is on that with as we this by be it are from or an not at which can each value list input output return loop index sum count case test number string array first last next step check while print function result".split(" ");

/** A small deterministic PRNG (mulberry32), so every run writes the same bytes. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function prose(next: () => number, bytes: number): string {
  const out: string[] = [];
  let size = 0;
  while (size < bytes) {
    const word = WORDS[Math.floor(next() * WORDS.length)];
    out.push(word);
    size += word.length + 1;
  }
  return out.join(" ");
}

function code(next: () => number, lines: number): string {
  const out = ["```python", "import sys", "def solve():", "    data = sys.stdin.read().split()"];
  for (let i = 0; i < lines; i++) {
    const v = `v${Math.floor(next() * 50)}`;
    out.push(`    ${v} = int(data[${i % 7}]) ${["+", "-", "*", "//"][i % 4]} ${Math.floor(next() * 1000)}  # ${prose(next, 24)}`);
  }
  out.push("    print(v0)", "solve()", "```");
  return out.join("\n");
}

/** A completion record like `request` records (≥ 6 KB): messages, reasoning text and a code block. */
export function completionRecord(seed: number, problem: number, strategy: number): unknown {
  const next = rng(seed);
  const text = `${prose(next, 3000)}\n\n${code(next, 40)}`;
  return {
    backend: "openai:bench-model@rev1",
    messages: [{role: "user", content: `Problem ${problem}: ${prose(next, 1200)}`}],
    sampling: {temperature: 1, topP: 0.95, maxTokens: 2048, seed: 1},
    sampleIndex: seed % 100,
    problem: `bench/p${problem}`,
    strategy: `s${strategy}`,
    completion: {text, finishReason: "stop", tokensIn: 600, tokensOut: 1500, index: 0, seed},
    createdAt: "2026-12-04T00:00:00.000Z"
  };
}

/** An execution record (≥ 2 KB): verdict, timings and failed-test excerpts. */
export function executionRecord(seed: number, problem: number): unknown {
  const next = rng(seed ^ 0x5bd1e995);
  const verdicts = ["accepted", "wrong_answer", "runtime_error", "time_limit_exceeded"];
  return {
    verdict: verdicts[Math.floor(next() * verdicts.length)],
    problem: `bench/p${problem}`,
    passed: Math.floor(next() * 12),
    total: 12,
    timeMs: Math.floor(next() * 2000),
    memoryBytes: Math.floor(next() * 2 ** 28),
    failures: [0, 1, 2].map((i) => ({test: i, expected: prose(next, 300), got: prose(next, 300), stderr: prose(next, 100)}))
  };
}
