// A researcher's own study in reprompt.config.js: prompts, profiles and experiments (schemas; names checked in checkStudy).
import {z} from "zod";

const id = z.string().regex(/^[a-z0-9][a-z0-9_.-]*$/, "lower-case letters, digits, '-', '_' or '.'");
const positive = z.number().int().positive();

/** A prompt added to the catalog (`reprompt prompts` lists it with source "user"); never part of a study grid. */
export const userPromptSchema = z.strictObject({
  id,
  family: z.enum(["reasoning", "instruction", "feedback"]),
  title: z.string().min(1),
  /** reasoning: sent after the problem; instruction: appended to the code request; feedback: the re-prompt after feedback. */
  text: z.string().min(1)
});

/** Which problems of the profile's dataset: the first `limit`, these `ids`, or these difficulty labels. */
const problemSelection = z.strictObject({
  limit: positive.optional(),
  ids: z.array(z.string().min(1)).min(1).optional(),
  difficulty: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional()
});

/**
 * A profile overlays an experiment's built-in `demo` or `paper` profile (`extends`, default "paper"): only the
 * fields given change. It applies to every experiment; `strategies` replaces one experiment's strategy list.
 */
export const userProfileSchema = z.strictObject({
  extends: z.enum(["demo", "paper"]).default("paper"),
  models: z.array(z.string().min(1)).min(1).optional(),
  dataset: z.string().min(1).optional(),
  samples: positive.optional(),
  maxTurns: z.number().int().min(1).max(10).optional(),
  seed: z.number().int().nonnegative().optional(),
  k: z.array(positive).min(1).optional(),
  nk: z.array(z.tuple([positive, positive])).min(1).optional(),
  problems: problemSelection.optional(),
  /** Per experiment name, strategy ids as the site shows them (`single/self-reflection+none`, `multi/binary/3/none+none`). */
  strategies: z.record(z.string(), z.array(z.string().min(1)).min(1)).optional(),
  /** RFT (`rft build --profile NAME`): the training dataset, the evaluation dataset, and the model with role "base". */
  rft: z
    .strictObject({
      training: z.string().min(1),
      evaluation: z.string().min(1),
      model: z.string().min(1).optional()
    })
    .optional()
});

/** An experiment without TypeScript: a list of strategies compared with a baseline, shown on "Your experiments". */
export const userExperimentSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9-]+$/, "lower-case letters, digits and '-'"),
  title: z.string().min(1),
  description: z.string().default(""),
  /** single: pass@k over independent samples; multi: pass n@k at equal program budget. */
  kind: z.enum(["single", "multi"]),
  strategies: z.array(z.string().min(1)).min(1),
  /** The strategy every other one is compared with (paired difference); default: the first. */
  baseline: z.string().min(1).optional()
});

/** Dollars per million tokens: the dry run's cost estimate (unpriced models estimate `null`). */
export const priceSchema = z.strictObject({inputPerMTok: z.number().nonnegative(), outputPerMTok: z.number().nonnegative()});

/** The fields this module adds to the config's top level. */
export const studyFields = {
  prompts: z.array(userPromptSchema).default([]),
  profiles: z.record(z.string().regex(/^[A-Za-z0-9_.-]+$/, "use letters, digits, '-', '_' or '.'"), userProfileSchema).default({}),
  experiments: z.array(userExperimentSchema).default([])
};

export type UserPrompt = z.output<typeof userPromptSchema>;
export type UserProfile = z.output<typeof userProfileSchema>;
export type UserExperiment = z.output<typeof userExperimentSchema>;
export type Price = z.output<typeof priceSchema>;
