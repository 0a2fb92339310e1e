// `reprompt figure NAME`: re-runs one figure's data loader (only missing upstream work is done) and replaces its
// entry in Framework's cache, so the next `npm run build` (or the open preview) shows the new data.
import {spawn} from "node:child_process";
import {existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync} from "node:fs";
import {createWriteStream} from "node:fs";
import {dirname, join} from "node:path";
import type {Command} from "commander";
import {projectRoot} from "../store/index.ts";
import {loadConfig} from "../config/index.ts";
import {allExperimentNames, loadExperiment} from "../trajectories/experiment.ts";
import {UsageError, type CliIo} from "./io.ts";

async function figureOfExperiment(name: string): Promise<string | null> {
  const config = await loadConfig();
  if (!allExperimentNames(config).includes(name)) return null;
  return (await loadExperiment(name, undefined, config)).figure;
}

const DATA_DIR = join(projectRoot, "src", "data");
const CACHE_DIR = join(projectRoot, "src", ".observablehq", "cache", "data");

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
          reject(new Error(`loader src/data/${output}.ts failed (exit ${code}); the previous data is kept`));
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
      if (!name) {
        for (const [figure, outputs] of figures) {
          const cached = outputs.map((o) => join(CACHE_DIR, o)).filter(existsSync);
          const when = cached.length ? new Date(Math.max(...cached.map((f) => statSync(f).mtimeMs))).toISOString() : "not built";
          io.stdout(`${figure.padEnd(24)} ${outputs.join(", ").padEnd(40)} ${when}\n`);
        }
        return;
      }
      // An experiment's name stands for its figure (an experiment of your own: "your-experiments").
      const figure = figures.has(name) ? name : await figureOfExperiment(name);
      const outputs = figure ? figures.get(figure) : undefined;
      if (!outputs) throw new UsageError(`no figure or experiment "${name}" (figures: ${[...figures.keys()].join(", ")})`);
      const env = {...process.env, ...(options.profile ? {REPROMPT_PROFILE: options.profile} : {})};
      for (const output of outputs) {
        io.stderr(`figure ${name}: running src/data/${output}.ts\n`);
        await runLoader(output, env);
        io.stdout(`refreshed src/.observablehq/cache/data/${output}\n`);
      }
    });
}
