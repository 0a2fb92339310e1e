// `reprompt prompts`: prints the prompt catalog, as a readable listing or as JSON for other tools.
import {Option, type Command} from "commander";
import {PROMPT_FAMILIES, PROMPTS, promptVersion, STUDY_INSTRUCTION_GRID, type PromptFamily} from "../prompts/index.ts";
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
    .option("--json", 'JSON array of {"id","family","title","text"} instead of a listing')
    .addOption(new Option("--family <family>", "only this family").choices(PROMPT_FAMILIES))
    .action((options: {json?: boolean; family?: PromptFamily}) => {
      const prompts = options.family ? PROMPTS.filter((p) => p.family === options.family) : PROMPTS;
      if (options.json) {
        // Exactly the four catalog fields, in a fixed order, so the output is a stable contract.
        io.stdout(JSON.stringify(prompts.map(({id, family, title, text}) => ({id, family, title, text}))) + "\n");
        return;
      }
      const grid = new Set<string>(STUDY_INSTRUCTION_GRID);
      for (const family of PROMPT_FAMILIES) {
        const members = prompts.filter((p) => p.family === family);
        if (members.length === 0) continue;
        io.stdout(`${family} (${members.length})\n\n`);
        for (const p of members) {
          const mark = grid.has(p.id) ? "  [grid]" : "";
          io.stdout(`  ${p.id}  ${promptVersion(p.id)}  ${p.title}${mark}\n${indented(p.text)}\n`);
        }
      }
      io.stderr(`${prompts.length} prompts; [grid] = the study's six instruction prompts; hex = wording version\n`);
    });
}
