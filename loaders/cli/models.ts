// `reprompt models`: the configured models, and `models pull` to download a GGUF for the embedded backend.
import type {Command} from "commander";
import {HUMAN_MODEL} from "../backends/index.ts";
import {loadConfig} from "../config/index.ts";
import type {CliIo} from "./io.ts";
import {registerModelsCheck} from "./modelsCheck.ts";
import {configForDisplay, displayURL} from "../config/display.ts";

export function registerModels(program: Command, io: CliIo): void {
  const models = program.command("models").description("list configured models; `models pull REF` downloads a GGUF model");
  models
    .command("list", {isDefault: true})
    .description("the models reprompt.config.js defines (plus the built-in human baseline)")
    .option("--json", "one JSON object per model (no secrets: API keys are named by their environment variable)")
    .action(async (options: {json?: boolean}) => {
      const config = await loadConfig();
      const all = [...config.models, ...(config.models.some((m) => m.name === "human") ? [] : [HUMAN_MODEL])];
      for (const m of all) {
        if (options.json) io.stdout(JSON.stringify(configForDisplay(m)) + "\n");
        else {
          const where = m.backend === "openai" ? `${[m.baseURL].flat().map(displayURL).join(", ")} · ${m.model}` : m.backend === "llama" ? m.model : "replays human submissions (null baseline)";
          io.stdout(`${m.name.padEnd(24)} ${m.backend.padEnd(7)} ${where}${m.role ? ` · ${m.role}` : ""}\n`);
        }
      }
    });
  registerModelsCheck(models, io);
  models
    .command("pull")
    .description("download a GGUF model for the embedded llama backend (e.g. hf:Qwen/Qwen2.5-Coder-0.5B-Instruct-GGUF:Q4_K_M)")
    .argument("<ref>", "an hf: reference or an https:// URL of a .gguf file")
    .option("--dir <dir>", "where to save it (default: models/ in the project)")
    .action(async (ref: string, options: {dir?: string}) => {
      const {pullModel} = await import("../backends/llama.ts");
      const path = await pullModel(ref, {modelsDir: options.dir});
      io.stdout(`${path}\n`);
    });
}
