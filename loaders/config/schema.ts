// The shape of reprompt.config.js, validated before anything runs.
import {z} from "zod";

const jsonlSource = z.object({
  kind: z.literal("jsonl"),
  name: z.string().regex(/^[A-Za-z0-9_.-]+$/, "use letters, digits, '-', '_' or '.'"),
  path: z.string().min(1)
});

export const configSchema = z.object({
  datasets: z.array(jsonlSource).min(1).default([{kind: "jsonl", name: "demo", path: "data/demo/problems.jsonl"}])
});

export type RepromptConfigInput = z.input<typeof configSchema>;
export type RepromptConfig = z.output<typeof configSchema>;
