// `reprompt prompts`: prints the prompt catalog, as a readable listing or as JSON for other tools.
import {Option, type Command} from "commander";
import {configCatalog, loadConfig} from "../config/index.ts";
import {PROMPT_FAMILIES, promptVersion, STUDY_INSTRUCTION_GRID, type PromptFamily} from "../prompts/index.ts";
import type {CliIo} from "./io.ts";

/** Indents every line of a prompt text, and shows an empty text as such rather than as nothing. */
function indented(text: string): string {
  if (text === "") return "    (empty: the plain code request only)\n";
  return text.split("\n").map((line) => (line ? `    ${line}` : "")).join("\n") + "\n";
}

export function registerPrompts(program: Command, io: CliIo): void {
  program
    .command("prompts")
    .description("print the prompt catalog (reasoning, instruction, feedback and retry prompts)")
    .option("--json", 'JSON array of {"id","family","title","text","source"} instead of a listing (source: "study" or "user")')
    .addOption(new Option("--family <family>", "only this family").choices(PROMPT_FAMILIES))
    .action(async (options: {json?: boolean; family?: PromptFamily}) => {
      // The study's prompts, then reprompt.config.js's own (`prompts`), which never join a study grid.
      const catalog = configCatalog(await loadConfig());
      const prompts = options.family ? catalog.filter((p) => p.family === options.family) : catalog;
      if (options.json) {
        // Exactly these fields, in a fixed order, so the output is a stable contract.
        io.stdout(JSON.stringify(prompts.map(({id, family, title, text, source}) => ({id, family, title, text, source: source ?? "study"}))) + "\n");
        return;
      }
      const grid = new Set<string>(STUDY_INSTRUCTION_GRID);
      for (const family of PROMPT_FAMILIES) {
        const members = prompts.filter((p) => p.family === family);
        if (members.length === 0) continue;
        io.stdout(`${family} (${members.length})\n\n`);
        for (const p of members) {
          const mark = p.source === "user" ? "  [user]" : grid.has(p.id) ? "  [grid]" : "";
          io.stdout(`  ${p.id}  ${promptVersion(p.id, catalog)}  ${p.title}${mark}\n${indented(p.text)}\n`);
        }
      }
      io.stderr(`${prompts.length} prompts; [grid] = the study's six instruction prompts; [user] = from reprompt.config.js; hex = wording version\n`);
    });
}
