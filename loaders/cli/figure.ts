// `reprompt figure NAME`: re-runs one figure's data loader (only missing upstream work is done) and replaces its
// entry in Framework's cache, so the next `npm run build` (or the open preview) shows the new data.
import {spawn} from "node:child_process";
import {existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync} from "node:fs";
import {createWriteStream} from "node:fs";
import {dirname, join} from "node:path";
import type {Command} from "commander";
import {cacheState, readCacheRecord, writeCacheRecord} from "../figures/loaderCache.ts";
import {allExperiments, CACHE_DIR, DATA_DIR, loaderInputs} from "../figures/loaderInputs.ts";
import {siteProfile} from "../figures/runs.ts";
import {projectRoot} from "../store/index.ts";
import {UsageError, type CliIo} from "./io.ts";

/** Figures and the loaders (data files) each one reads. */
export function figureLoaders(): Map<string, string[]> {
  const figures = new Map<string, string[]>();
  for (const file of readdirSync(DATA_DIR).filter((f) => f.endsWith(".ts"))) {
    const output = file.replace(/\.ts$/, "");
    const figure = output.replace(/\.(json|parquet|csv|arrow)$/, "");
    figures.set(figure, [output]);
  }
  figures.get("calibration")?.push("explorer.parquet");
  return figures;
}

function runLoader(output: string, env: NodeJS.ProcessEnv): Promise<void> {
  const target = join(CACHE_DIR, output);
  const temp = `${target}.${process.pid}`;
  mkdirSync(dirname(target), {recursive: true});
  return new Promise((resolve, reject) => {
    const out = createWriteStream(temp);
    const child = spawn(process.execPath, ["--import", "tsx", join(DATA_DIR, `${output}.ts`)], {cwd: projectRoot, stdio: ["ignore", "pipe", "inherit"], env});
    child.stdout.pipe(out);
    child.on("error", reject);
    child.on("close", (code) => {
      out.close(() => {
        if (code !== 0) {
          rmSync(temp, {force: true});
          reject(new UsageError(`loader src/data/${output}.ts failed (exit ${code}); the previous data is kept`, 1));
        } else {
          renameSync(temp, target); // atomic: the site never sees a half-written file
          resolve();
        }
      });
    });
  });
}

export function registerFigure(program: Command, io: CliIo): void {
  program
    .command("figure")
    .description("re-run one figure's loader (missing work only) and refresh its cached data for the site")
    .argument("[name]", "figure name (omit to list them)")
    .option("--profile <name>", "experiment profile the site shows (default: $REPROMPT_PROFILE or demo)")
    .action(async (name: string | undefined, options: {profile?: string}) => {
      const figures = figureLoaders();
      const experiments = await allExperiments();
      const profiles = [...new Set(experiments.flatMap((e) => Object.keys(e.profiles)))].sort();
      const profile = options.profile ?? siteProfile();
      if (!profiles.includes(profile)) {
        throw new UsageError(`no profile "${profile}"${options.profile ? "" : " (from $REPROMPT_PROFILE)"}: valid profiles are ${profiles.join(", ")}`);
      }
      if (!name) {
        io.stdout(`${"figure".padEnd(24)} ${"outputs".padEnd(40)} ${"profile".padEnd(10)} ${"built".padEnd(24)} for profile ${profile}\n`);
        for (const [figure, outputs] of figures) {
          const cached = outputs.map((o) => join(CACHE_DIR, o)).filter(existsSync);
          const when = cached.length ? new Date(Math.max(...cached.map((f) => statSync(f).mtimeMs))).toISOString() : "not built";
          const built = [...new Set(outputs.map((o) => (existsSync(join(CACHE_DIR, o)) ? (readCacheRecord(o)?.inputs.profile ?? "unknown") : "-")))].join("+");
          const states = await Promise.all(outputs.map(async (o) => cacheState(await loaderInputs(o, profile, {experiments}))));
          const state = states.every((st) => st === "fresh") ? "up to date" : states.includes("missing") ? "not built" : "stale: its inputs changed";
          io.stdout(`${figure.padEnd(24)} ${outputs.join(", ").padEnd(40)} ${built.padEnd(10)} ${when.padEnd(24)} ${state}\n`);
        }
        return;
      }
      // An experiment's name stands for its figure (an experiment of your own: "your-experiments").
      const figure = figures.has(name) ? name : experiments.find((e) => e.name === name)?.figure;
      const outputs = figure ? figures.get(figure) : undefined;
      if (!outputs) throw new UsageError(`no figure or experiment "${name}" (figures: ${[...figures.keys()].join(", ")})`);
      const env = {...process.env, REPROMPT_PROFILE: profile};
      for (const output of outputs) {
        const inputs = await loaderInputs(output, profile, {experiments});
        io.stderr(`figure ${name}: running src/data/${output}.ts (profile ${profile})\n`);
        await runLoader(output, env);
        writeCacheRecord(output, inputs);
        io.stdout(`refreshed src/.observablehq/cache/data/${output} (profile ${profile}, inputs ${inputs.digest.slice(0, 12)})\n`);
      }
    });
}
