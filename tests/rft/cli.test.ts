// `reprompt rft build`: fails early and helpfully without embeddings, reads its flags, and runs the demo offline (timed).
import {existsSync, readFileSync} from "node:fs";
import {join} from "node:path";
import {Command} from "commander";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {UsageError, type CliIo} from "../../loaders/cli/io.ts";
import {embeddingOptionsFromFlags, registerRft} from "../../loaders/cli/rft.ts";
import {chatExampleSchema} from "../../loaders/rft/export.ts";
import {tempDir} from "../helpers/tmp.ts";

const dir = tempDir("reprompt-rft-cli-");
let previousStore: string | undefined;
beforeAll(() => {
  previousStore = process.env.REPROMPT_STORE;
  process.env.REPROMPT_STORE = join(dir, "store");
});
afterAll(() => {
  if (previousStore === undefined) delete process.env.REPROMPT_STORE;
  else process.env.REPROMPT_STORE = previousStore;
});

function cli(): {program: Command; out: string[]; err: string[]} {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {stdout: (t) => void out.push(t), stderr: (t) => void err.push(t)};
  const program = new Command("reprompt").exitOverride().configureOutput({writeOut: io.stdout, writeErr: io.stderr});
  registerRft(program, io);
  return {program, out, err};
}

describe("rft build flags", () => {
  it("fails before generating anything when no embedding backend is configured, saying how to configure one", async () => {
    const {program} = cli();
    const error = await program.parseAsync(["rft", "build", "--out", join(dir, "none")], {from: "user"}).catch((e) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect(error.message).toMatch(/needs a sentence-embedding model and none is configured/);
    expect(error.message).toMatch(/--embeddings openai --embeddings-url/);
    expect(error.message).toMatch(/--embeddings llama --embeddings-model/);
    expect(error.message).toMatch(/--embeddings lexical/);
    expect(existsSync(join(dir, "store", "segments", "trajectory"))).toBe(false);
  });

  it("turns flags into embedding options (flags over the config entry)", () => {
    expect(embeddingOptionsFromFlags({profile: "demo", out: "o", embeddings: "openai", embeddingsUrl: "http://h:1/v1", embeddingsModel: "minilm", embeddingsKeyEnv: "KEY"}, {})).toEqual({
      kind: "openai",
      openai: {baseURL: "http://h:1/v1", model: "minilm", apiKeyEnv: "KEY"}
    });
    expect(embeddingOptionsFromFlags({profile: "demo", out: "o", embeddings: "llama", embeddingsModel: "m.gguf", threshold: "0.85"}, {})).toEqual({kind: "llama", llama: {model: "m.gguf"}, threshold: 0.85});
    expect(embeddingOptionsFromFlags({profile: "demo", out: "o"}, {kind: "openai", openai: {baseURL: "http://c/v1", model: "cfg"}})).toMatchObject({kind: "openai", openai: {model: "cfg"}});
    expect(() => embeddingOptionsFromFlags({profile: "demo", out: "o", embeddings: "bert"}, {})).toThrow(/openai, llama or lexical/);
    expect(() => embeddingOptionsFromFlags({profile: "demo", out: "o", embeddings: "lexical", threshold: "2"}, {})).toThrow(/--threshold/);
  });
});

describe("rft build --profile demo (offline, from an empty store)", () => {
  it("runs in minutes and writes the files, with the planted contamination handled and the lexical stand-in labelled", async () => {
    const {program, out} = cli();
    const started = Date.now();
    await program.parseAsync(["rft", "build", "--profile", "demo", "--out", join(dir, "demo"), "--embeddings", "lexical", "--json"], {from: "user"});
    const seconds = (Date.now() - started) / 1000;
    const card = JSON.parse(out.join(""));
    console.log(`rft build --profile demo: ${seconds.toFixed(1)} s`, JSON.stringify(card.stages.map((s: {stage: string; split: string; problems: number; trajectories: number; tokens: number}) => [s.stage, s.split, s.problems, s.trajectories, s.tokens])));
    expect(seconds).toBeLessThan(300);
    expect(card.stages[0]).toMatchObject({stage: "generated", problems: 26, trajectories: 780});
    expect(card.decontamination.embedder).toMatchObject({kind: "lexical", paperEquivalent: false});
    const truth = Object.fromEntries(card.decontamination.truth.map((t: {eval: string; outcome: string}) => [t.eval.split("/")[1], t.outcome]));
    expect(truth["planted-rare-coins"]).toBe("removed: confirmed by cross-testing");
    expect(truth["planted-calm-blocks-count"]).toBe("kept: cross-testing did not confirm");
    expect(truth["planted-digit-sum"]).toBe("not flagged");
    expect(truth["planted-word-order"]).toBe("not flagged");
    // The heavy rewrite is the lexical stand-in's known miss (a sentence-embedding model is needed for it).
    expect(truth["planted-village-roads"]).toBe("not flagged");
    const train = readFileSync(join(dir, "demo", "train.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
    expect(train.length).toBe(card.stages.at(-1).trajectories);
    for (const row of train) expect(chatExampleSchema.safeParse(row).success).toBe(true);
    expect(existsSync(join(dir, "demo", "single-turn.jsonl")) && existsSync(join(dir, "demo", "trainer-config.yaml"))).toBe(true);
  }, 400_000);
});
