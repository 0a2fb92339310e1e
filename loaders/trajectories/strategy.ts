// Strategies: how one trajectory is generated (single-turn CoT combination, multi-turn with feedback, CoT-retry).
import {z} from "zod";
import {parseStrict, strictDeep} from "../config/strict.ts";
import {FEEDBACK_KINDS, isPromptOf, PROMPTS, type FeedbackKind, type PromptEntry} from "../prompts/index.ts";

/** Prompt ids are checked against the catalog (study + config prompts) by `checkStrategy`, before any request. */
const promptId = z.string().regex(/^[a-z0-9][a-z0-9_.-]*$/, "a prompt id (see `reprompt prompts`)");
const feedbackKind = z.enum(FEEDBACK_KINDS as unknown as [string, ...string[]]);

export const strategySchema = strictDeep(z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("single"),
    reasoning: promptId.nullable().default(null),
    instruction: promptId.default("none")
  }),
  z.object({
    kind: z.literal("multi"),
    feedback: feedbackKind,
    maxTurns: z.number().int().min(1).max(10).default(3),
    reasoning: promptId.nullable().default(null),
    instruction: promptId.default("none"),
    /** A config prompt of family "feedback" sent after the feedback instead of the study's neutral re-prompt. */
    reprompt: promptId.optional()
  }),
  z.object({
    kind: z.literal("cot-retry"),
    feedback: feedbackKind.default("binary"),
    maxTurns: z.number().int().min(1).max(3).default(3)
  })
]));

export type StrategyInput = z.input<typeof strategySchema>;

export type Strategy =
  | {kind: "single"; reasoning: string | null; instruction: string}
  | {kind: "multi"; feedback: FeedbackKind; maxTurns: number; reasoning: string | null; instruction: string; reprompt?: string}
  | {kind: "cot-retry"; feedback: FeedbackKind; maxTurns: number};

export class StrategySpecError extends Error {
  override name = "StrategySpecError";
}

/** Validates one strategy spec (from a definition or the command line); `where` names its source in errors. */
export function parseStrategy(input: unknown, where = "strategy"): Strategy {
  const parsed = parseStrict(strategySchema, input);
  if (!parsed.data) throw new StrategySpecError(`${where}: ${parsed.problems.join("; ")}`);
  const s = parsed.data as Strategy;
  // No `reprompt: undefined` key: trajectory keys hash the strategy, and study strategies must keep theirs.
  if (s.kind === "multi" && s.reprompt === undefined) delete s.reprompt;
  return s;
}

/** A short, stable, readable id: `single/none+none`, `multi/failed/3/none+none`, `cot-retry/binary/3`. */
export function strategyId(s: Strategy): string {
  switch (s.kind) {
    case "single":
      return `single/${s.reasoning ?? "none"}+${s.instruction}`;
    case "multi":
      return `multi/${s.feedback}/${s.maxTurns}/${s.reasoning ?? "none"}+${s.instruction}${s.reprompt ? `/${s.reprompt}` : ""}`;
    case "cot-retry":
      return `cot-retry/${s.feedback}/${s.maxTurns}`;
  }
}

export class StrategyIdError extends Error {
  override name = "StrategyIdError";
}

const ID_FORMS = "single/REASONING+INSTRUCTION, multi/FEEDBACK/TURNS/REASONING+INSTRUCTION[/REPROMPT] or cot-retry/FEEDBACK/TURNS (REASONING may be none)";

/** The inverse of `strategyId` (checked against the catalog): what config profiles and experiments name. */
export function parseStrategyId(id: string, catalog: readonly PromptEntry[] = PROMPTS): Strategy {
  const parts = id.split("/");
  const bad = (why: string): never => {
    throw new StrategyIdError(`"${id}": ${why} (expected ${ID_FORMS})`);
  };
  const pair = (text: string | undefined) => {
    const [reasoning, instruction, extra] = (text ?? "").split("+");
    if (!reasoning || !instruction || extra !== undefined) bad("expected REASONING+INSTRUCTION");
    return {reasoning: reasoning === "none" ? null : reasoning, instruction};
  };
  const turns = (text: string | undefined) => (/^\d+$/.test(text ?? "") ? Number(text) : bad("the number of turns must be an integer"));
  let input: unknown;
  if (parts[0] === "single" && parts.length === 2) input = {kind: "single", ...pair(parts[1])};
  else if (parts[0] === "multi" && (parts.length === 4 || parts.length === 5))
    input = {kind: "multi", feedback: parts[1], maxTurns: turns(parts[2]), ...pair(parts[3]), ...(parts[4] ? {reprompt: parts[4]} : {})};
  else if (parts[0] === "cot-retry" && parts.length === 3) input = {kind: "cot-retry", feedback: parts[1], maxTurns: turns(parts[2])};
  else bad("unknown form");
  const parsed = strategySchema.safeParse(input);
  if (!parsed.success) bad(parsed.error.issues[0]!.message);
  const strategy = parseStrategy(input);
  checkStrategy(strategy, catalog, (message) => bad(message));
  return strategy;
}

/** Checks a strategy's prompt ids against the catalog; `fail` gets a message naming the bad id. */
export function checkStrategy(s: Strategy, catalog: readonly PromptEntry[], fail: (message: string) => never): void {
  if (s.kind === "cot-retry") return;
  if (s.reasoning !== null && !isPromptOf("reasoning", s.reasoning, catalog)) fail(`no reasoning prompt "${s.reasoning}" (see \`reprompt prompts --family reasoning\`)`);
  if (!isPromptOf("instruction", s.instruction, catalog)) fail(`no instruction prompt "${s.instruction}" (see \`reprompt prompts --family instruction\`)`);
  if (s.kind === "multi" && s.reprompt !== undefined && !catalog.some((p) => p.id === s.reprompt && p.source === "user" && p.family === "feedback")) {
    fail(`no feedback prompt "${s.reprompt}" among reprompt.config.js's prompts (a re-prompt is a config prompt of family "feedback")`);
  }
}

/** The config prompts a strategy uses: their wording goes into its trajectory keys (study wording is versioned by the engine). */
export function userPromptIds(s: Strategy, catalog: readonly PromptEntry[]): string[] {
  if (s.kind === "cot-retry") return [];
  const ids = [s.reasoning, s.instruction, s.kind === "multi" ? s.reprompt : undefined].filter((p): p is string => typeof p === "string");
  return ids.filter((id) => catalog.some((p) => p.id === id && p.source === "user"));
}

export function maxTurnsOf(s: Strategy): number {
  return s.kind === "single" ? 1 : s.maxTurns;
}
