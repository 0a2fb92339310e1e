// `reprompt export`: one run's results as CSV, Parquet or JSONL for analysis elsewhere (columns: README, "Export").
import {resolve} from "node:path";
import {Option, type Command} from "commander";
import {loadConfig} from "../config/index.ts";
import {EXPORT_FORMATS, EXPORT_WHAT, exportRun, type ExportFormat, type ExportWhat} from "../export/index.ts";
import {defaultStoreDir} from "../store/index.ts";
import {loadExperiment} from "../trajectories/experiment.ts";
import type {CliIo} from "./io.ts";

export function registerExport(program: Command, io: CliIo): void {
  program
    .command("export")
    .description("write the latest run of an experiment profile as one row per trajectory, turn, execution or metric cell")
    .requiredOption("--experiment <name>", "experiment name")
    .option("--profile <name>", "profile (demo, paper or one of reprompt.config.js's)", "demo")
    .addOption(new Option("--what <rows>", "what one row is").choices(EXPORT_WHAT).default("trajectories"))
    .addOption(new Option("--format <format>", "file format (DuckDB writes it)").choices(EXPORT_FORMATS).default("csv"))
    .requiredOption("--out <file>", "output file")
    .option("--json", "print {runKey, rows, out} as JSON")
    .action(async (options: {experiment: string; profile: string; what: ExportWhat; format: ExportFormat; out: string; json?: boolean}) => {
      const config = await loadConfig();
      // Loading the definition checks the names (and gives metric rows the experiment's baseline).
      const experiment = await loadExperiment(options.experiment, undefined, config);
      const out = resolve(options.out);
      const {runKey, rows} = await exportRun({storeDir: defaultStoreDir(), experiment: experiment.name, profile: options.profile, what: options.what, format: options.format, out, baseline: experiment.baseline});
      if (options.json) io.stdout(JSON.stringify({runKey, what: options.what, format: options.format, rows, out}) + "\n");
      else io.stdout(`${rows} ${options.what} rows of ${experiment.name}/${options.profile} (run ${runKey.slice(0, 12)}) → ${out}\n`);
    });
}
