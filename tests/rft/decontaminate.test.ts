// Decontamination: planted paraphrases are flagged and confirmed by cross-testing, look-alikes are cleared, unrelated problems kept.
import {join} from "node:path";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {judgeOnProblem, SandboxPool} from "../../loaders/execution/index.ts";
import {decontaminate, type TrainingProblem} from "../../loaders/rft/decontaminate.ts";
import {cachedEmbedder, createEmbedder, CONFIGURE_EMBEDDINGS_HELP, lexicalEmbedder, llamaEmbedder, normalise, openaiEmbedder, type StatementEmbedder} from "../../loaders/rft/embeddings.ts";
import {Store} from "../../loaders/store/index.ts";
import {tempDir} from "../helpers/tmp.ts";
import {writeTinyGguf} from "../helpers/tinyGguf.ts";
import {hashEmbedding, startFakeEmbeddings} from "./fakeEmbeddings.ts";
import {EVAL_ROWS, MAX_CORRECT, problemsOf, REV_CORRECT, SUM_CORRECT, TRAIN_ROWS} from "./fixtures.ts";

let pool: SandboxPool;
beforeAll(async () => {
  pool = await SandboxPool.start({lanes: 2, log: () => {}});
});
afterAll(() => pool?.close());

const dir = tempDir("reprompt-rft-decon-");
const trainProblems = problemsOf(TRAIN_ROWS);
const evalProblems = problemsOf(EVAL_ROWS);
const train: TrainingProblem[] = trainProblems.map((problem, i) => ({key: `k-${problem.id}`, problem, solutions: [SUM_CORRECT, MAX_CORRECT, REV_CORRECT][i]!.slice(0, 2)}));
const judged: string[] = [];
const effects = {
  judge: async (problem: (typeof trainProblems)[number], code: string) => {
    judged.push(problem.id);
    return (await judgeOnProblem(pool, problem, code)).verdict;
  }
};

describe("decontamination with the lexical stand-in", () => {
  it("flags the paraphrase (renamed variables) and the look-alike, confirms only the paraphrase, keeps unrelated problems", async () => {
    const result = await decontaminate(train, evalProblems, lexicalEmbedder(), effects);
    const byEval = Object.fromEntries(result.pairs.map((p) => [p.eval, p]));
    expect(Object.keys(byEval).sort()).toEqual(["rft-eval/eval-min", "rft-eval/eval-savings"]);
    expect(byEval["rft-eval/eval-savings"]).toMatchObject({train: "rft-test/rft-sum", decision: "removed: confirmed by cross-testing", forward: {accepted: 1}});
    expect(byEval["rft-eval/eval-min"]).toMatchObject({train: "rft-test/rft-max", decision: "kept: cross-testing did not confirm", forward: {accepted: 0}, backward: {accepted: 0}});
    expect(byEval["rft-eval/eval-min"]!.forward.verdicts).toEqual(["wrong_answer", "wrong_answer"]);
    expect(result.removed).toEqual(["k-rft-sum"]);
    expect(result.embedder).toMatchObject({kind: "lexical", paperEquivalent: false, threshold: 0.5});
    expect(result.comparedPairs).toBe(9);
    expect(result.maxUnflagged!).toBeLessThan(0.5);
    expect(result.nearest.find((n) => n.eval === "rft-eval/eval-vowels")).toMatchObject({flagged: false});
  });

  it("keeps a flagged pair it cannot cross-test, and says so", async () => {
    const noSolutions = train.map((t) => ({...t, solutions: []}));
    const bare = evalProblems.map((p) => ({...p, solutions: []}));
    const result = await decontaminate(noSolutions, bare, lexicalEmbedder(), effects);
    expect(result.pairs.map((p) => p.decision)).toEqual(["kept: no solutions to cross-test", "kept: no solutions to cross-test"]);
    expect(result.removed).toEqual([]);
  });

  it("confirms from the evaluation side too (its solutions pass the training problem's tests)", async () => {
    const noTrainSolutions = train.map((t) => ({...t, solutions: []}));
    const result = await decontaminate(noTrainSolutions, evalProblems, lexicalEmbedder(), effects);
    const savings = result.pairs.find((p) => p.eval === "rft-eval/eval-savings")!;
    expect(savings).toMatchObject({forward: {programs: 0}, backward: {programs: 1, accepted: 1}, decision: "removed: confirmed by cross-testing"});
  });
});

describe("decontamination with a deterministic hash-embedding stub", () => {
  const stub: StatementEmbedder = {
    kind: "stub",
    identity: "stub:hash",
    description: "hash-embedding stub",
    paperEquivalent: true,
    threshold: 0.8,
    vectors: async (texts) => texts.map((t) => normalise(hashEmbedding(t))),
    close: async () => {}
  };
  it("flags and removes the planted paraphrase at the study's 0.8", async () => {
    const result = await decontaminate(train, evalProblems, stub, effects);
    expect(result.pairs.map((p) => [p.train, p.eval, p.decision])).toEqual([["rft-test/rft-sum", "rft-eval/eval-savings", "removed: confirmed by cross-testing"]]);
  });
});

describe("decontamination through an OpenAI-compatible /v1/embeddings server", () => {
  it("embeds every statement once, in order, and caches vectors in the store", async () => {
    const server = await startFakeEmbeddings();
    const store = Store.open({dir: join(dir, "store"), autoCompactAt: 0});
    try {
      const embedder = openaiEmbedder({baseURL: server.baseURL, model: "fake-minilm", apiKeyEnv: "FAKE_EMBED_KEY", batchSize: 4}, {}, {env: {FAKE_EMBED_KEY: "sk-test"}});
      expect(embedder).toMatchObject({kind: "openai", paperEquivalent: true, threshold: 0.8});
      const first = await decontaminate(train, evalProblems, cachedEmbedder(store, embedder), effects);
      expect(first.pairs.map((p) => [p.train, p.eval, p.decision])).toEqual([["rft-test/rft-sum", "rft-eval/eval-savings", "removed: confirmed by cross-testing"]]);
      expect(server.requests.map((r) => r.inputs.length)).toEqual([4, 2]);
      expect(server.requests.every((r) => r.model === "fake-minilm" && r.encodingFormat === "float" && r.authorization === "Bearer sk-test")).toBe(true);
      const second = await decontaminate(train, evalProblems, cachedEmbedder(store, embedder), effects);
      expect(server.requests).toHaveLength(2); // nothing asked again: the vectors came from the store
      expect(second.pairs).toEqual(first.pairs);
    } finally {
      store.close();
      await server.close();
    }
  });

  it("reports a failing server with its address", async () => {
    const server = await startFakeEmbeddings({failWith: 400});
    try {
      const embedder = openaiEmbedder({baseURL: server.baseURL, model: "fake", maxRetries: 0});
      await expect(embedder.vectors(["a"])).rejects.toThrow(/embeddings: http:\/\/127\.0\.0\.1:\d+\/v1 \(model fake\) failed/);
    } finally {
      await server.close();
    }
  });
});

describe("choosing the embedding backend", () => {
  it("fails with how to configure one when none is given", async () => {
    await expect(createEmbedder({})).rejects.toThrow(CONFIGURE_EMBEDDINGS_HELP);
    await expect(createEmbedder({kind: "openai"})).rejects.toThrow(/--embeddings openai needs --embeddings-url and --embeddings-model/);
    await expect(createEmbedder({kind: "llama"})).rejects.toThrow(/--embeddings llama needs --embeddings-model/);
    expect(CONFIGURE_EMBEDDINGS_HELP).toMatch(/--embeddings lexical/);
  });

  it("loads a GGUF embedding model through node-llama-cpp (tiny random-weight model: structure only)", async () => {
    const modelPath = writeTinyGguf(join(dir, "tiny-embed.gguf"));
    const embedder = await llamaEmbedder({model: modelPath, threads: 1, contextSize: 128});
    try {
      expect(embedder.identity).toMatch(/^llama-embeddings:tiny-embed\.gguf:/);
      const [a, b, c] = (await embedder.vectors(["add two numbers", "add two numbers", "x".repeat(2000)])) as Float32Array[];
      expect(a!.length).toBeGreaterThan(0);
      expect(Math.hypot(...a!)).toBeCloseTo(1, 5);
      expect([...a!]).toEqual([...b!]);
      expect(c!.length).toBe(a!.length); // long statements are cut to the context, not rejected
    } finally {
      await embedder.close();
    }
  });
});
