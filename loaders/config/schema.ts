// The shape of reprompt.config.js, validated before anything runs.
import {z} from "zod";

const name = z.string().regex(/^[A-Za-z0-9_.-]+$/, "use letters, digits, '-', '_' or '.'");

const jsonlSource = z.object({
  kind: z.literal("jsonl"),
  name,
  path: z.string().min(1)
});

/** Shared by the Parquet benchmarks: `path` is a local file, a glob, or an hf:// path; `split` labels the problems. */
const parquetFields = {
  name,
  path: z.string().min(1),
  split: z.string().min(1),
  limit: z.number().int().positive().optional(),
  maxSolutionsPerLabel: z.number().int().nonnegative().optional()
};

const codeContestsSource = z.object({kind: z.literal("codecontests"), ...parquetFields});

const tacoSource = z.object({
  kind: z.literal("taco"),
  ...parquetFields,
  difficulties: z.array(z.enum(["EASY", "MEDIUM", "MEDIUM_HARD", "HARD", "VERY_HARD", "UNKNOWN_DIFFICULTY"])).min(1).optional()
});

const datasetSource = z.discriminatedUnion("kind", [jsonlSource, codeContestsSource, tacoSource]);

export const configSchema = z.object({
  datasets: z.array(datasetSource).min(1).default([{kind: "jsonl", name: "demo", path: "data/demo/problems.jsonl"}])
});

export type RepromptConfigInput = z.input<typeof configSchema>;
export type RepromptConfig = z.output<typeof configSchema>;
