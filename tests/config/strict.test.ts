// Misspelt keys anywhere in the config, experiment definitions and strategy specs are errors naming them.
import {spawnSync} from "node:child_process";
import {writeFileSync} from "node:fs";
import {join} from "node:path";
import {describe, expect, it} from "vitest";
import {z} from "zod";
import {ConfigError, parseConfig} from "../../loaders/config/index.ts";
import {configSchema} from "../../loaders/config/schema.ts";
import {parseStrict, strictDeep, suggestKey} from "../../loaders/config/strict.ts";
import {experimentSchema, parseExperiment} from "../../loaders/trajectories/experiment.ts";
import {parseStrategy, strategySchema} from "../../loaders/trajectories/strategy.ts";
import {cliPath, repoRoot} from "../helpers/node.ts";
import {tempDir} from "../helpers/tmp.ts";

const openai = {name: "m", backend: "openai", baseURL: "http://127.0.0.1:9/v1", model: "x"};

function messageOf(f: () => unknown): string {
  try {
    f();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("expected an error");
}

/** Every object schema reachable from `schema`, with the path of property names that leads to it. */
function objectsIn(schema: z.core.$ZodType, at = "(root)", seen = new Set<unknown>()): Array<{at: string; catchall: unknown}> {
  if (seen.has(schema)) return [];
  seen.add(schema);
  const def = schema._zod.def as unknown as Record<string, unknown>;
  const found: Array<{at: string; catchall: unknown}> = [];
  if (def.type === "object") {
    found.push({at, catchall: def.catchall});
    for (const [k, v] of Object.entries(def.shape as Record<string, z.core.$ZodType>)) found.push(...objectsIn(v, `${at}.${k}`, seen));
  }
  for (const key of ["innerType", "element", "valueType", "in", "out", "left", "right"]) {
    if (def[key]) found.push(...objectsIn(def[key] as z.core.$ZodType, at, seen));
  }
  for (const key of ["options", "items"]) {
    for (const option of (def[key] as z.core.$ZodType[] | undefined) ?? []) found.push(...objectsIn(option, at, seen));
  }
  return found;
}

describe("strict config", () => {
  it("refuses the issue's two misspellings, naming each path and the key that was meant", () => {
    const message = messageOf(() => parseConfig({models: [{...openai, concurency: 4, sampling: {temprature: 0.2}}]}, "reprompt.config.js"));
    expect(message).toContain('models[0].concurency: unknown key (did you mean "concurrency"?)');
    expect(message).toContain('models[0].sampling.temprature: unknown key (did you mean "temperature"?)');
    expect(message).toMatch(/^reprompt\.config\.js: 2 problems:/);
  });

  it("reports every problem, not the first one only", () => {
    const message = messageOf(() =>
      parseConfig({datasets: [{kind: "jsonl", name: "d", path: "p", limt: 2}], models: [{...openai, maxRetries: -1}], embedings: {}}, "c.js")
    );
    expect(message).toContain("datasets[0].limt: unknown key");
    expect(message).toContain("models[0].maxRetries:");
    expect(message).toContain('embedings: unknown key (did you mean "embeddings"?)');
    expect(message).toMatch(/3 problems/);
  });

  it("names the valid tags when a discriminator is misspelt", () => {
    expect(messageOf(() => parseConfig({models: [{name: "h", backend: "humn"}]}, "c.js"))).toMatch(
      /models\[0\]\.backend: expected one of "openai", "llama", "human", got "humn" \(did you mean "human"\?\)/
    );
  });

  it("is strict at every depth of the config and experiment schemas (new keys get it without asking)", () => {
    for (const schema of [configSchema, experimentSchema, strategySchema]) {
      const objects = objectsIn(schema);
      expect(objects.length).toBeGreaterThan(0);
      const loose = objects.filter((o) => (o.catchall as z.core.$ZodType | undefined)?._zod.def.type !== "never");
      expect(loose.map((o) => o.at)).toEqual([]);
    }
  });

  it("strictDeep keeps refinements, defaults and explicit loose objects", () => {
    const schema = strictDeep(
      z.object({
        a: z.object({b: z.number().default(1)}).refine((v) => v.b !== 2, "b must not be 2"),
        open: z.looseObject({x: z.number()}).optional()
      })
    );
    expect(parseStrict(schema, {a: {}}).data).toEqual({a: {b: 1}});
    expect(parseStrict(schema, {a: {b: 2}}).problems).toEqual(["a: b must not be 2"]);
    expect(parseStrict(schema, {a: {}, open: {x: 1, y: 2}}).data).toEqual({a: {b: 1}, open: {x: 1, y: 2}});
    expect(parseStrict(schema, {a: {c: 1}}).problems).toEqual(['a.c: unknown key (did you mean "b"?)']);
  });

  it("suggests only near keys", () => {
    expect(suggestKey("concurency", ["concurrency", "timeoutMs"])).toBe("concurrency");
    expect(suggestKey("BaseUrl", ["baseURL", "model"])).toBe("baseURL");
    expect(suggestKey("colour", ["timeoutMs", "maxRetries"])).toBeUndefined();
  });

  it("refuses unknown keys in experiment definitions and strategy specs", () => {
    const definition = {
      name: "x",
      title: "X",
      figure: "x",
      profiles: {demo: {problems: {source: "demo", limt: 1}, models: ["human"], strategies: [{kind: "multi", feedback: "binary", maxTurn: 2}], samples: 1}}
    };
    const message = messageOf(() => parseExperiment(definition, "experiments/x.ts"));
    expect(message).toContain('profiles.demo.problems.limt: unknown key (did you mean "limit"?)');
    expect(message).toContain('profiles.demo.strategies[0].maxTurn: unknown key (did you mean "maxTurns"?)');
    expect(messageOf(() => parseStrategy({kind: "single", instrction: "none"}, "--strategy"))).toBe(
      '--strategy: instrction: unknown key (did you mean "instruction"?)'
    );
  });

  it("loads a REPROMPT_CONFIG .js kept outside the project (ESM or CommonJS)", () => {
    const dir = tempDir();
    const esm = join(dir, "my.config.js");
    writeFileSync(esm, 'export default {models: [{name: "mine", backend: "human"}]};\n');
    const cjs = join(dir, "old.config.js");
    writeFileSync(cjs, 'module.exports = {models: [{name: "old", backend: "human"}]};\n');
    for (const [file, name] of [
      [esm, "mine"],
      [cjs, "old"]
    ]) {
      const result = spawnSync(process.execPath, [cliPath(), "config", "--json"], {cwd: repoRoot, encoding: "utf8", env: {...process.env, REPROMPT_CONFIG: file}});
      expect(result.stderr).toBe("");
      expect(result.status).toBe(0);
      expect(JSON.parse(result.stdout).models).toEqual([{name, backend: "human"}]);
    }
    const typo = join(dir, "typo.config.js");
    writeFileSync(typo, `export default {models: [${JSON.stringify({...openai, concurency: 4})}]};\n`);
    const result = spawnSync(process.execPath, [cliPath(), "config", "--json"], {cwd: repoRoot, encoding: "utf8", env: {...process.env, REPROMPT_CONFIG: typo}});
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(`reprompt: ${typo}: models[0].concurency: unknown key (did you mean "concurrency"?)\n`);
  });

  it("a config that does not load is one line naming the file and where (no stack trace)", () => {
    const dir = tempDir();
    const broken = join(dir, "broken.config.js");
    writeFileSync(broken, "export default {\n  models: [\n");
    const throwing = join(dir, "throwing.config.js");
    writeFileSync(throwing, "export default {models: notDefinedAnywhere};\n");
    const run = (file: string) => spawnSync(process.execPath, [cliPath(), "config"], {cwd: repoRoot, encoding: "utf8", env: {...process.env, REPROMPT_CONFIG: file}});
    const syntax = run(broken);
    expect(syntax.status).toBe(2);
    expect(syntax.stderr).toMatch(new RegExp(`^reprompt: ${broken.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}: cannot load the config: syntax error at line 3, column 1: [^\\n]+\\n$`));
    const thrown = run(throwing);
    expect(thrown.status).toBe(2);
    expect(thrown.stderr).toContain(`${throwing}: cannot load the config: ReferenceError: notDefinedAnywhere is not defined`);
    expect(thrown.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("problem files are strict too: a misspelt key would otherwise fall back to a default", async () => {
    const {parseProblemsJsonl} = await import("../../loaders/datasets/index.ts");
    const row = {id: "p", dataset: "d", io_mode: "stdio", public_tests: [], private_tests: [{input: "", output: "1"}], time_limit: 2, generated_test: []};
    expect(messageOf(() => parseProblemsJsonl(JSON.stringify(row), "p.jsonl"))).toMatch(
      /^p\.jsonl:1: field `time_limit`: unknown key \(did you mean "time_limit_s"\?\); field `generated_test`: unknown key \(did you mean "generated_tests"\?\)$/
    );
  });

  it("is a ConfigError (printed without a stack trace)", () => {
    expect(() => parseConfig({model: []}, "c.js")).toThrow(ConfigError);
  });
});
