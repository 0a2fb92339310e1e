// The site's loader caches are tied to their inputs: another profile (or changed inputs) recomputes or fails,
// never silently publishes the old data.
import {existsSync, mkdirSync, writeFileSync} from "node:fs";
import {join} from "node:path";
import {describe, expect, it} from "vitest";
import {parseConfig} from "../../loaders/config/index.ts";
import {cacheState, postbuild, prebuild, readCacheRecord, writeCacheRecord, type PrebuildEffects} from "../../loaders/figures/loaderCache.ts";
import {allExperiments, loaderInputs, loaderOutputs} from "../../loaders/figures/loaderInputs.ts";
import {main} from "../../loaders/cli/main.ts";
import {tempDir} from "../helpers/tmp.ts";

const demoConfig = parseConfig({}, "test config");
const quiet = (reachable: PrebuildEffects["reachable"] = async () => null): PrebuildEffects => ({reachable, log: () => {}});

/** A cache dir as after a demo build: every loader's output in place, each recorded with the demo inputs. */
async function builtCache(profile: string) {
  const dir = tempDir("reprompt-cache-");
  const experiments = await allExperiments();
  for (const output of loaderOutputs()) {
    writeFileSync(join(dir, output), `data of ${output} for ${profile}`);
    writeCacheRecord(output, await loaderInputs(output, profile, {config: demoConfig, experiments}), dir);
  }
  return {dir, experiments};
}

describe("loader caches and their inputs", () => {
  it("keeps every cache of a build whose inputs are unchanged", async () => {
    const {dir, experiments} = await builtCache("demo");
    const result = await prebuild("demo", {config: demoConfig, experiments, dir, effects: quiet()});
    expect(result.problems).toEqual([]);
    expect(result.dropped).toEqual([]);
    for (const output of loaderOutputs()) expect(existsSync(join(dir, output))).toBe(true);
  });

  it("refuses a profile that cannot run, naming what is missing, and keeps the previous build's caches", async () => {
    const {dir, experiments} = await builtCache("demo");
    const result = await prebuild("paper", {config: demoConfig, experiments, dir, effects: quiet()});
    expect(result.problems.some((p) => /dataset "codecontests-test" is not in reprompt\.config\.js/.test(p))).toBe(true);
    expect(result.problems.some((p) => /has none/.test(p))).toBe(true);
    expect(result.dropped).toEqual([]);
    for (const output of loaderOutputs()) expect(existsSync(join(dir, output))).toBe(true);
  });

  it("drops the caches of another profile (or other inputs) so the build recomputes them", async () => {
    const {dir, experiments} = await builtCache("demo");
    // A profile every experiment has but with other inputs: the demo one with another config (a model added).
    const other = parseConfig({models: [{name: "extra", backend: "human"}]}, "test config");
    const result = await prebuild("demo", {config: other, experiments, dir, effects: quiet()});
    expect(result.problems).toEqual([]);
    expect(new Set(result.dropped)).toEqual(new Set(loaderOutputs()));
    for (const output of loaderOutputs()) expect(existsSync(join(dir, output))).toBe(false);
  });

  it("drops a cache rewritten since it was recorded (e.g. by the preview server with other inputs)", async () => {
    const {dir, experiments} = await builtCache("demo");
    const [first] = loaderOutputs();
    writeFileSync(join(dir, first!), "rewritten by someone else, longer than before");
    const inputs = await loaderInputs(first!, "demo", {config: demoConfig, experiments});
    expect(cacheState(inputs, dir)).toBe("changed-since");
    const result = await prebuild("demo", {config: demoConfig, experiments, dir, effects: quiet()});
    expect(result.dropped).toEqual([first]);
  });

  it("warns about an unreachable model server (the store may hold all a figure needs), naming it", async () => {
    const config = parseConfig(
      {datasets: [{kind: "jsonl", name: "codecontests-test", path: "data/demo/problems.jsonl"}, {kind: "jsonl", name: "taco-test", path: "data/demo/problems.jsonl"}, {kind: "jsonl", name: "codecontests-train", path: "data/demo/problems.jsonl"}], models: [{name: "far", backend: "openai", baseURL: "http://127.0.0.1:9/v1", model: "x"}]},
      "test config"
    );
    const dir = tempDir("reprompt-cache-");
    const experiments = await allExperiments();
    const probed: string[] = [];
    const result = await prebuild("paper", {config, experiments, dir, effects: quiet(async (url) => (probed.push(url), `${url} is unreachable (ECONNREFUSED)`))});
    expect(probed).toEqual(["http://127.0.0.1:9/v1"]);
    expect(result.warnings).toEqual(["model server http://127.0.0.1:9/v1 is unreachable (ECONNREFUSED): figures that still need completions from it will fail"]);
    expect(result.problems.some((p) => p.includes("unreachable"))).toBe(false);
  });

  it("postbuild records what the build computed, with the cache file's stamp", async () => {
    const dir = tempDir("reprompt-cache-");
    const experiments = await allExperiments();
    const inputs = await Promise.all(loaderOutputs().map((o) => loaderInputs(o, "demo", {config: demoConfig, experiments})));
    mkdirSync(dir, {recursive: true});
    for (const i of inputs) writeFileSync(join(dir, i.loader), "x");
    expect(postbuild(inputs, dir).sort()).toEqual(loaderOutputs());
    for (const i of inputs) {
      expect(readCacheRecord(i.loader, dir)?.inputs.digest).toBe(i.digest);
      expect(cacheState(i, dir)).toBe("fresh");
    }
    // The digest depends on the profile: the same loader for another profile has other inputs.
    const paper = await loaderInputs(inputs[0]!.loader, "paper", {config: demoConfig, experiments});
    expect(paper.digest).not.toBe(inputs[0]!.digest);
    expect(cacheState(paper, dir)).toBe("stale-inputs");
  });

  it("a multi-experiment page's inputs say which experiments lack the profile", async () => {
    const experiments = (await allExperiments()).map((e) => (e.name === "cot-retry" ? {...e, profiles: {demo: e.profiles.demo!, mine: e.profiles.demo!}} : e));
    const inputs = await loaderInputs("explorer.parquet", "mine", {config: demoConfig, experiments});
    expect(inputs.experiments.map((e) => [e.name, e.hasProfile])).toEqual([
      ["feedback-granularity", false],
      ["cot-retry", true]
    ]);
    const dir = tempDir("reprompt-cache-");
    const result = await prebuild("mine", {config: demoConfig, experiments, dir, effects: quiet()});
    // Single-experiment figures without the profile cannot be built; the explorer says so on its page instead.
    expect(result.problems).toContain('figure single-turn-grid: experiment single-turn-grid has no profile "mine"');
    expect(result.problems.some((p) => p.startsWith("figure explorer") || p.startsWith("figure calibration"))).toBe(false);
  });
});

describe("multi-experiment pages for a profile their experiments lack", () => {
  it("calibration says which experiment lacks it instead of an empty table", async () => {
    const {calibrationTable} = await import("../../loaders/figures/calibration.ts");
    const table = await calibrationTable("nowhere");
    expect(table).toMatchObject({status: "no-profile", profile: "nowhere", experiment: "single-turn-grid"});
    expect("summary" in table).toBe(false);
    expect(table.explorer.experiments.every((e) => !e.hasProfile)).toBe(true);
  });

  it("the explorer is an empty table (columns, no rows) rather than a failure", async () => {
    const {explorerParquet} = await import("../../loaders/figures/explorer.ts");
    const {DuckDBInstance} = await import("@duckdb/node-api");
    const bytes = await explorerParquet(undefined, "nowhere");
    const dir = tempDir("reprompt-explorer-");
    const file = join(dir, "e.parquet");
    writeFileSync(file, bytes);
    const db = await DuckDBInstance.create(":memory:");
    const connection = await db.connect();
    try {
      const rows = (await connection.runAndReadAll(`SELECT count(*)::INTEGER AS n FROM read_parquet('${file}')`)).getRowObjectsJson();
      expect(rows).toEqual([{n: 0}]);
      const columns = (await connection.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${file}')`)).getRowObjectsJson().map((c) => c.column_name);
      expect(columns).toContain("problem");
    } finally {
      connection.closeSync();
      db.closeSync();
    }
  });
});

describe("npm run build's check step", () => {
  it("exits non-zero for a profile that cannot run, listing what is missing, and changes nothing", async () => {
    const {spawnSync} = await import("node:child_process");
    const {repoRoot} = await import("../helpers/node.ts");
    const config = join(tempDir("reprompt-build-"), "demo-only.config.mjs");
    writeFileSync(config, "export default {};\n");
    const result = spawnSync(process.execPath, ["--import", "tsx", "scripts/loader-caches.ts", "prebuild"], {
      cwd: repoRoot,
      encoding: "utf8",
      env: {...process.env, REPROMPT_PROFILE: "paper", REPROMPT_CONFIG: config}
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('the site cannot be built for profile "paper":');
    expect(result.stderr).toMatch(/dataset "codecontests-test" is not in reprompt\.config\.js/);
    expect(result.stderr).toContain("nothing was changed");
  });
});

describe("reprompt figure", () => {
  it("a mistyped profile is one line listing the valid profiles", async () => {
    const err: string[] = [];
    const code = await main(["figure", "cot-retry", "--profile", "papr"], {stdout: () => {}, stderr: (t) => err.push(t)});
    expect(code).toBe(2);
    expect(err.join("")).toMatch(/^reprompt: no profile "papr": valid profiles are [a-z0-9, -]+\n$/);
    expect(err.join("")).toContain("demo");
  });

  it("lists the profile each figure was built from", async () => {
    const out: string[] = [];
    expect(await main(["figure"], {stdout: (t) => out.push(t), stderr: () => {}})).toBe(0);
    const lines = out.join("").trim().split("\n");
    expect(lines[0]).toMatch(/^figure\s+outputs\s+profile\s+built/);
    expect(lines.length - 1).toBe(new Set(loaderOutputs().map((o) => o.replace(/\.(json|parquet)$/, ""))).size);
  });
});
