// Strategies: how one trajectory is generated (single-turn CoT combination, multi-turn with feedback, CoT-retry).
import {z} from "zod";
import {parseStrict, strictDeep} from "../config/strict.ts";
import {FEEDBACK_KINDS, INSTRUCTION_IDS, REASONING_IDS, type FeedbackKind, type InstructionId, type ReasoningId} from "../prompts/index.ts";

export const strategySchema = strictDeep(z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("single"),
    reasoning: z.enum(REASONING_IDS as unknown as [string, ...string[]]).nullable().default(null),
    instruction: z.enum(INSTRUCTION_IDS as unknown as [string, ...string[]]).default("none")
  }),
  z.object({
    kind: z.literal("multi"),
    feedback: z.enum(FEEDBACK_KINDS as unknown as [string, ...string[]]),
    maxTurns: z.number().int().min(1).max(10).default(3),
    reasoning: z.enum(REASONING_IDS as unknown as [string, ...string[]]).nullable().default(null),
    instruction: z.enum(INSTRUCTION_IDS as unknown as [string, ...string[]]).default("none")
  }),
  z.object({
    kind: z.literal("cot-retry"),
    feedback: z.enum(FEEDBACK_KINDS as unknown as [string, ...string[]]).default("binary"),
    maxTurns: z.number().int().min(1).max(3).default(3)
  })
]));

export type StrategyInput = z.input<typeof strategySchema>;

export type Strategy =
  | {kind: "single"; reasoning: ReasoningId | null; instruction: InstructionId}
  | {kind: "multi"; feedback: FeedbackKind; maxTurns: number; reasoning: ReasoningId | null; instruction: InstructionId}
  | {kind: "cot-retry"; feedback: FeedbackKind; maxTurns: number};

export class StrategySpecError extends Error {
  override name = "StrategySpecError";
}

/** Validates one strategy spec (from a definition or the command line); `where` names its source in errors. */
export function parseStrategy(input: unknown, where = "strategy"): Strategy {
  const parsed = parseStrict(strategySchema, input);
  if (!parsed.data) throw new StrategySpecError(`${where}: ${parsed.problems.join("; ")}`);
  return parsed.data as Strategy;
}

/** A short, stable, readable id: `single/none+none`, `multi/failed/3/none+none`, `cot-retry/binary/3`. */
export function strategyId(s: Strategy): string {
  switch (s.kind) {
    case "single":
      return `single/${s.reasoning ?? "none"}+${s.instruction}`;
    case "multi":
      return `multi/${s.feedback}/${s.maxTurns}/${s.reasoning ?? "none"}+${s.instruction}`;
    case "cot-retry":
      return `cot-retry/${s.feedback}/${s.maxTurns}`;
  }
}

export function maxTurnsOf(s: Strategy): number {
  return s.kind === "single" ? 1 : s.maxTurns;
}
