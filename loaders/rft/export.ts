// The RFT build's files: chat-format JSONL for SFT trainers (TRL, torchtune), the data card, and a trainer config.
import {mkdirSync, writeFileSync} from "node:fs";
import {join} from "node:path";
import {z} from "zod";
import type {ChatMessage} from "../prompts/index.ts";

/** One message as TRL's SFTTrainer (conversational format) and torchtune's chat datasets (OpenAI style) read it. */
export const chatMessageSchema = z.object({role: z.enum(["system", "user", "assistant"]), content: z.string().min(1)}).strict();

/** A conversation: optional system message, then user/assistant alternating, ending with the assistant. */
export const chatMessagesSchema = z
  .array(chatMessageSchema)
  .min(2)
  .superRefine((messages, ctx) => {
    const body = messages[0]?.role === "system" ? messages.slice(1) : messages;
    body.forEach((m, i) => {
      const want = i % 2 === 0 ? "user" : "assistant";
      if (m.role !== want) ctx.addIssue({code: "custom", message: `message ${i} is "${m.role}", expected "${want}" (user and assistant must alternate)`});
    });
    if (body.at(-1)?.role !== "assistant") ctx.addIssue({code: "custom", message: "the last message must be the assistant's (the trained-on reply)"});
  });

/** One line of train.jsonl / single-turn.jsonl: `messages` plus metadata trainers ignore. */
export const chatExampleSchema = z.object({
  messages: chatMessagesSchema,
  id: z.string().min(1),
  problem: z.string().min(1),
  problem_key: z.string().min(1),
  split: z.enum(["multi-turn", "single-turn"]),
  turns: z.number().int().positive(),
  model: z.string(),
  strategy: z.string(),
  stripped_prompts: z.array(z.string()),
  tokens: z.number().int().nonnegative()
});
export type ChatExample = z.infer<typeof chatExampleSchema>;

/** Counts tokens of exported text. The default is an estimate; the card names which counter was used. */
export interface TokenCounter {
  name: string;
  count(text: string): number;
}

/** ⌈characters / 4⌉ per message: a tokenizer-free estimate (the study counted Llama 3 tokens). */
export const APPROX_TOKENS: TokenCounter = {name: "estimate: ⌈characters / 4⌉ per message (no tokenizer; the study counted Llama 3 tokens)", count: (text) => Math.ceil(text.length / 4)};

export function conversationTokens(messages: readonly ChatMessage[], counter: TokenCounter = APPROX_TOKENS): number {
  return messages.reduce((n, m) => n + counter.count(m.content), 0);
}

/** The study's fine-tuning hyperparameters (paper.md §4; secondary notes, unconfirmed). */
export const STUDY_TRAINING = {
  learningRate: 2e-6,
  steps: 545,
  sequenceLength: 8192,
  globalBatchTokens: 524_288,
  schedule: "cosine",
  warmupSteps: 10,
  finalLrFractionOfPeak: 0.1,
  loss: "cross-entropy",
  data: "multi-turn trajectories only"
} as const;

/**
 * A TRL (≥ 0.20) `trl sft --config` file with the study's hyperparameters. A starting point, never run here:
 * 524,288 tokens per step at 8,192-token packed sequences is 64 sequences per optimizer step, so
 * per-device batch × gradient accumulation × GPUs must be 64; loss masking and packing were not reported.
 */
export function trainerConfigYaml(options: {baseModel: string | null; seed: number; trainFile?: string}): string {
  const sequences = STUDY_TRAINING.globalBatchTokens / STUDY_TRAINING.sequenceLength;
  return `# reprompt RFT: trainer configuration — a STARTING POINT with the study's hyperparameters, not run by reprompt.
# TRL >= 0.20:  cd <this folder> && trl sft --config trainer-config.yaml
# torchtune: same numbers — lr ${STUDY_TRAINING.learningRate}, max_steps_per_epoch/steps ${STUDY_TRAINING.steps}, max_seq_len ${STUDY_TRAINING.sequenceLength},
#   packed: true, chat_dataset(source="json", data_files="train.jsonl", conversation_column="messages",
#   conversation_style="openai"), train_on_input: false, cosine schedule with ${STUDY_TRAINING.warmupSteps} warm-up steps.
# Study (paper.md §4, secondary notes, unconfirmed): lr ${STUDY_TRAINING.learningRate}, ${STUDY_TRAINING.steps} steps, sequence length ${STUDY_TRAINING.sequenceLength},
#   global batch ${STUDY_TRAINING.globalBatchTokens.toLocaleString("en")} tokens (= ${sequences} packed sequences of ${STUDY_TRAINING.sequenceLength}), cosine with ${STUDY_TRAINING.warmupSteps} warm-up steps
#   down to ${STUDY_TRAINING.finalLrFractionOfPeak * 100}% of peak, cross-entropy, multi-turn data only; ${STUDY_TRAINING.steps} × ${STUDY_TRAINING.globalBatchTokens} ≈ 285.7M tokens ≈ 1 epoch.
# Not reported by the study (our defaults): loss on assistant turns only, packing, bf16.
model_name_or_path: ${options.baseModel ?? "REPLACE-WITH-YOUR-BASE-MODEL  # this data replays human submissions (demo): name the model to fine-tune"}
datasets:
  - path: json
    data_files: ${options.trainFile ?? "train.jsonl"}
    split: train
learning_rate: ${STUDY_TRAINING.learningRate}
max_steps: ${STUDY_TRAINING.steps}
max_length: ${STUDY_TRAINING.sequenceLength}
packing: true
# per_device_train_batch_size × gradient_accumulation_steps × number of GPUs = ${sequences}
per_device_train_batch_size: 1
gradient_accumulation_steps: ${sequences}
lr_scheduler_type: cosine_with_min_lr
lr_scheduler_kwargs:
  min_lr_rate: ${STUDY_TRAINING.finalLrFractionOfPeak}
warmup_steps: ${STUDY_TRAINING.warmupSteps}
assistant_only_loss: true
bf16: true
gradient_checkpointing: true
seed: ${options.seed}
logging_steps: 1
save_strategy: "no"
output_dir: rft-checkpoint
report_to: none
`;
}

export interface ExportFiles {
  train: string;
  singleTurn: string;
  dataCard: string;
  trainerConfig: string;
}

export const EXPORT_FILES: ExportFiles = {train: "train.jsonl", singleTurn: "single-turn.jsonl", dataCard: "data-card.json", trainerConfig: "trainer-config.yaml"};

/** Writes the build's files into `dir` (created if needed); every example is validated before anything is written. */
export function writeRftExport(dir: string, build: {train: ChatExample[]; singleTurn: ChatExample[]; card: unknown; trainerConfig: string}): Record<keyof ExportFiles, string> {
  for (const [file, rows] of [[EXPORT_FILES.train, build.train], [EXPORT_FILES.singleTurn, build.singleTurn]] as const) {
    rows.forEach((row, i) => {
      const parsed = chatExampleSchema.safeParse(row);
      if (!parsed.success) throw new Error(`${file}: line ${i + 1}: ${parsed.error.issues[0]?.message}`);
    });
  }
  mkdirSync(dir, {recursive: true});
  const jsonl = (rows: ChatExample[]) => rows.map((r) => JSON.stringify(r)).join("\n") + (rows.length ? "\n" : "");
  const paths = {
    train: join(dir, EXPORT_FILES.train),
    singleTurn: join(dir, EXPORT_FILES.singleTurn),
    dataCard: join(dir, EXPORT_FILES.dataCard),
    trainerConfig: join(dir, EXPORT_FILES.trainerConfig)
  };
  writeFileSync(paths.train, jsonl(build.train));
  writeFileSync(paths.singleTurn, jsonl(build.singleTurn));
  writeFileSync(paths.dataCard, JSON.stringify(build.card, null, 2) + "\n");
  writeFileSync(paths.trainerConfig, build.trainerConfig);
  return paths;
}
