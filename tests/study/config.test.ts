// A study in reprompt.config.js: unknown names fail naming the field, profiles overlay every experiment, user prompts
// stay out of the study grids, strategy ids round-trip, and an RFT build runs under a config profile.
import {writeFileSync} from "node:fs";
import {join} from "node:path";
import {yourExperiments} from "../../loaders/figures/yourExperiments.ts";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {ConfigError, parseConfig, type RepromptConfig} from "../../loaders/config/index.ts";
import {SandboxPool} from "../../loaders/execution/index.ts";
import {catalogWith, feedbackTurnMessage, REASONING_IDS, STUDY_INSTRUCTION_GRID} from "../../loaders/prompts/index.ts";
import {trajectoryKeyMaterial} from "../../loaders/trajectories/trajectory.ts";
import {lexicalEmbedder} from "../../loaders/rft/embeddings.ts";
import {buildRft} from "../../loaders/rft/pipeline.ts";
import {rftProfileFor} from "../../loaders/rft/profiles.ts";
import {Store} from "../../loaders/store/index.ts";
import {allExperimentNames, loadExperiment, YOUR_EXPERIMENTS} from "../../loaders/trajectories/experiment.ts";
import {resolveProfile} from "../../loaders/trajectories/plan.ts";
import {silentProgress} from "../../loaders/trajectories/progress.ts";
import {parseStrategyId, strategyId} from "../../loaders/trajectories/strategy.ts";
import {createScriptedBackend, fenced, userTexts} from "../helpers/scriptedBackend.ts";
import {tempDir} from "../helpers/tmp.ts";
import {EVAL_ROWS, MAX_CORRECT, REV_CORRECT, SUM_CORRECT, TRAIN_ROWS, writeProblems} from "../rft/fixtures.ts";

const USER_PROMPT = {id: "my-plan", family: "reasoning" as const, title: "Plan", text: "Plan first, in three bullets. No code yet."};
const base = {
  datasets: [{kind: "jsonl", name: "mine", path: "/nonexistent/mine.jsonl"}],
  models: [{name: "m1", backend: "openai", baseURL: "http://127.0.0.1:9/v1", model: "x"}],
  prompts: [USER_PROMPT]
};
const parse = (extra: Record<string, unknown>) => parseConfig({...base, ...extra}, "cfg.js");

describe("config study: names are checked before any request, naming the field", () => {
  it.each([
    ["model", {profiles: {p: {models: ["m2"]}}}, "profiles.p.models[0]", /no model named "m2"/],
    ["dataset", {profiles: {p: {dataset: "theirs"}}}, "profiles.p.dataset", /no dataset named "theirs"/],
    ["prompt", {profiles: {p: {strategies: {"my-cot": ["single/my-plann+none"]}}}}, "profiles.p.strategies.my-cot[0]", /no reasoning prompt "my-plann"/],
    ["strategy", {experiments: [{name: "e", title: "E", kind: "single", strategies: ["single/none+none", "singel/none+none"]}]}, "experiments[0].strategies[1]", /unknown form/],
    ["baseline", {experiments: [{name: "e", title: "E", kind: "single", strategies: ["single/none+none"], baseline: "single/my-plan+none"}]}, "experiments[0].baseline", /not one of the experiment's strategies/],
    ["kind", {experiments: [{name: "e", title: "E", kind: "single", strategies: ["multi/binary/3/none+none"]}]}, "experiments[0].strategies[0]", /multi-turn/],
    ["prompt id clash", {prompts: [{...USER_PROMPT, id: "self-reflection"}]}, "prompts[0].id", /one of the study's prompts/],
    ["unknown key", {profiles: {p: {sample: 3}}}, "profiles.p", /sample/]
  ])("%s", (_what, extra, field, message) => {
    let error: unknown;
    try {
      parse(extra);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(`cfg.js: ${field}`);
    expect((error as Error).message).toMatch(message);
  });

  it("an unknown experiment in a profile's strategies fails when experiments are loaded", async () => {
    const config = parse({profiles: {p: {strategies: {"no-such-experiment": ["single/none+none"]}}}});
    await expect(loadExperiment("multi-vs-single", undefined, config)).rejects.toThrow(/profiles\.p: field `strategies\.no-such-experiment`: no experiment named/);
  });
});

describe("config study: profiles overlay every experiment, user prompts stay out of the study grids", () => {
  const config = parse({
    profiles: {
      small: {extends: "demo", samples: 2, maxTurns: 2, problems: {limit: 3}, strategies: {"cot-retry": ["cot-retry/binary/3", "multi/binary/3/my-plan+none"]}},
      mine: {models: ["m1"], dataset: "mine", samples: 5}
    },
    experiments: [{name: "my-cot", title: "Mine", kind: "multi", strategies: ["single/none+none", "multi/failed/2/my-plan+none"]}]
  });

  it("every experiment (files and config) gets every config profile", async () => {
    const names = allExperimentNames(config);
    expect(names).toContain("my-cot");
    for (const name of names) {
      const e = await loadExperiment(name, undefined, config);
      expect(Object.keys(e.profiles)).toEqual(expect.arrayContaining(["demo", "paper", "small", "mine"]));
      expect(e.profiles.mine!.samples).toBe(5);
      expect(e.profiles.mine!.models).toEqual(["m1"]);
      expect(e.profiles.mine!.problems).toEqual({source: "mine"}); // extends paper; a new dataset drops the base's selection
      expect(e.profiles.small!.problems).toMatchObject({source: e.profiles.demo!.problems.source, limit: 3});
      for (const s of e.profiles.small!.strategies) if (s.kind !== "single") expect(s.maxTurns).toBe(2);
    }
    const retry = await loadExperiment("cot-retry", undefined, config);
    expect(retry.profiles.small!.strategies.map(strategyId)).toEqual(["cot-retry/binary/2", "multi/binary/2/my-plan+none"]);
    const mine = await loadExperiment("my-cot", undefined, config);
    expect(mine).toMatchObject({figure: YOUR_EXPERIMENTS, source: "config", baseline: "single/none+none"});
  });

  it("the study grids are built from the study's prompts only", async () => {
    const catalog = catalogWith(config.prompts);
    expect(catalog.filter((p) => p.source === "user").map((p) => p.id)).toEqual(["my-plan"]);
    for (const name of ["single-turn-grid", "cot-size-difficulty"]) {
      const e = await loadExperiment(name, undefined, config);
      for (const profile of ["demo", "paper", "mine"]) {
        const ids = e.profiles[profile]!.strategies.map(strategyId);
        expect(ids).toHaveLength(REASONING_IDS.length * STUDY_INSTRUCTION_GRID.length + 1);
        expect(ids.some((id) => id.includes("my-plan"))).toBe(false);
      }
    }
  });

  it("strategy ids round-trip for every strategy of every experiment", async () => {
    const catalog = catalogWith(config.prompts);
    for (const name of allExperimentNames(config)) {
      const e = await loadExperiment(name, undefined, config);
      for (const profile of Object.values(e.profiles)) for (const s of profile.strategies) expect(parseStrategyId(strategyId(s), catalog)).toEqual(s);
    }
  });

  it("an experiments/*.ts strategy naming an unknown prompt fails before anything runs", async () => {
    const e = await loadExperiment("multi-vs-single", undefined, config);
    const bad = {...e, profiles: {...e.profiles, demo: {...e.profiles.demo!, strategies: [{kind: "single" as const, reasoning: "no-such-prompt", instruction: "none"}]}}};
    await expect(resolveProfile(bad, "demo", config)).rejects.toThrow(/field `strategies\[0\]` \(single\/no-such-prompt\+none\): no reasoning prompt "no-such-prompt"/);
  });
});

describe("Your experiments lists every experiment without a page of its own", () => {
  it("config experiments and experiments/*.ts files without a figure, not those with one", async () => {
    const dir = tempDir("reprompt-own-experiments-");
    const define = JSON.stringify(join(import.meta.dirname, "../../loaders/trajectories/experiment.ts"));
    const profile = `{demo: {problems: {source: "demo"}, models: ["human"], strategies: [{kind: "single"}, {kind: "single", reasoning: "my-plan"}], samples: 2, k: [1]}}`;
    writeFileSync(join(dir, "my-file.ts"), `import {defineExperiment} from ${define};\nexport default defineExperiment({name: "my-file", title: "Mine, in a file", profiles: ${profile}});\n`);
    writeFileSync(join(dir, "with-page.ts"), `import {defineExperiment} from ${define};\nexport default defineExperiment({name: "with-page", title: "Has a page", figure: "multi-vs-single", profiles: ${profile}});\n`);
    const config = parse({experiments: [{name: "my-cot", title: "Mine", kind: "single", strategies: ["single/none+none", "single/my-plan+none"]}]});
    const shown = await yourExperiments(config, dir);
    expect(shown.map((e) => [e.name, e.source])).toEqual([["my-file", "file"], ["my-cot", "config"]]);
    expect(shown.every((e) => e.figure === YOUR_EXPERIMENTS)).toBe(true);
  });
});

describe("user prompts in trajectories", () => {
  const retry = {id: "my-retry", family: "feedback" as const, title: "Retry", text: "Look at the failing test, then give the whole program again."};
  const catalog = catalogWith([USER_PROMPT, retry]);

  it("a feedback prompt of the config is the re-prompt of a multi-turn strategy", () => {
    const s = parseStrategyId("multi/binary/2/none+none/my-retry", catalog);
    expect(s).toEqual({kind: "multi", feedback: "binary", maxTurns: 2, reasoning: null, instruction: "none", reprompt: "my-retry"});
    const message = feedbackTurnMessage("binary", "Failed.", {retryPromptId: "my-retry", catalog});
    expect(message.content.endsWith(retry.text)).toBe(true);
    expect(() => parseStrategyId("multi/binary/2/none+none/my-plan", catalog)).toThrow(/no feedback prompt "my-plan"/);
  });

  it("rewording a user prompt changes the trajectory key; study strategies keep theirs", () => {
    const spec = (strategy: ReturnType<typeof parseStrategyId>, cat: typeof catalog) =>
      ({problemKey: "p", strategy, index: 0, backend: {identity: "b"}, sampling: {}, limits: {}, mode: "codecontests", catalog: cat}) as unknown as Parameters<typeof trajectoryKeyMaterial>[0];
    const reworded = catalogWith([{...USER_PROMPT, text: USER_PROMPT.text + " Be brief."}, retry]);
    const mine = parseStrategyId("single/my-plan+none", catalog);
    expect(JSON.stringify(trajectoryKeyMaterial(spec(mine, catalog)))).not.toBe(JSON.stringify(trajectoryKeyMaterial(spec(mine, reworded))));
    const study = parseStrategyId("single/self-reflection+none", catalog);
    const material = trajectoryKeyMaterial(spec(study, catalog)) as Record<string, unknown>;
    expect(material).not.toHaveProperty("userPrompts");
    expect(JSON.stringify(material)).toBe(JSON.stringify(trajectoryKeyMaterial(spec(study, reworded))));
  });
});

describe("RFT profiles are data", () => {
  it("the demo is the built-in profile: human baseline, lexical embeddings, planted evaluation set", async () => {
    const demo = rftProfileFor("demo", {profiles: {}})!;
    expect(demo).toMatchObject({siteEmbeddings: "lexical", evaluation: {kind: "planted-demo"}, generation: {experiment: "rft-generate", profile: "demo"}});
    const generate = await loadExperiment("rft-generate", undefined, parse({}));
    expect(generate.profiles.demo!.models).toEqual(["human"]);
    expect(rftProfileFor("mine", {profiles: {}})).toBeNull();
  });

  let pool: SandboxPool;
  beforeAll(async () => {
    pool = await SandboxPool.start({lanes: 2, log: () => {}});
  });
  afterAll(() => pool?.close());

  it("rft build --profile NAME runs a config profile: its training set, its base model, its evaluation set", async () => {
    const dir = tempDir("reprompt-own-rft-");
    const config: RepromptConfig = parseConfig(
      {
        datasets: [
          {kind: "jsonl", name: "train", path: writeProblems(dir, TRAIN_ROWS, "train.jsonl")},
          {kind: "jsonl", name: "held-out", path: writeProblems(dir, EVAL_ROWS, "eval.jsonl")}
        ],
        models: [{name: "gen", backend: "openai", baseURL: "http://127.0.0.1:9/v1", model: "scripted", role: "base"}],
        profiles: {mine: {samples: 2, rft: {training: "train", evaluation: "held-out"}}}
      },
      "cfg.js"
    );
    const backend = createScriptedBackend((messages, seed) => {
      const first = userTexts(messages)[0]!;
      const right = first.includes("Anna") ? SUM_CORRECT : first.includes("referee") ? MAX_CORRECT : REV_CORRECT;
      return fenced(right[seed % right.length]!, "Here is my solution.");
    }, {id: "own-rft"});
    const store = Store.open({dir: join(dir, "store"), autoCompactAt: 0});
    try {
      const build = await buildRft({profile: "mine", embeddings: lexicalEmbedder(), store, config, pool, progress: silentProgress, backendFor: async () => backend});
      expect(build.card.profile).toBe("mine");
      expect(build.card.generation).toMatchObject({experiment: "rft-generate", profile: "mine", samples: 2, trajectories: TRAIN_ROWS.length * 2});
      expect(build.card.generation.models.map((m) => m.name)).toEqual(["gen"]);
      expect(build.card.sources.training.dataset).toBe("train");
      expect(build.card.sources.evaluation).toMatchObject({name: "held-out", problems: EVAL_ROWS.length});
    } finally {
      store.close();
    }
  });
});
