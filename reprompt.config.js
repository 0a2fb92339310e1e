// reprompt's configuration: the datasets experiments read and the models they run. This is the one file to edit.
// `npx reprompt config --json` prints what reprompt read; `npx reprompt models` lists the models.
// API keys never go here: a model names the environment variable that holds its key (`apiKeyEnv`).

/** @type {import("./loaders/config/schema.ts").RepromptConfigInput} */
export default {
  datasets: [
    // The demo benchmark: original problems committed with the project. The offline build uses it.
    {kind: "jsonl", name: "demo", path: "data/demo/problems.jsonl"}

    // The `paper` profiles read these two (download the Parquet files first, or use hf:// paths online):
    // {kind: "codecontests", name: "codecontests-test", split: "test",
    //  path: "hf://datasets/deepmind/code_contests/data/test-00000-of-00001-9c49eeff30aacaa8.parquet"},
    // {kind: "taco", name: "taco-test", split: "test", path: "data/raw/taco/ALL/test-*.parquet"},
    // RFT data is generated on CodeContests train (`rft build --profile paper`):
    // {kind: "codecontests", name: "codecontests-train", split: "train", path: "data/raw/code_contests/data/train-*.parquet",
    //  maxSolutionsPerLabel: 20},
    // Your own problems in the same JSONL schema (see data/demo/README.md):
    // {kind: "jsonl", name: "mine", path: "/path/to/problems.jsonl"},
  ],

  models: [
    // The `human` null baseline is built in (replays real human submissions; never a model's result).
    // Unknown keys are errors (with a did-you-mean). `revision` (optional) names the checkpoint behind `model`:
    // it is part of every request key, so change it when you swap weights behind the same URL and name.
    // Each run also records what the server's GET /v1/models reports and stops if that changes (README).
    // `npx reprompt models check` sends one tiny request per model: reachable?, `n` support, server identity.

    // vLLM (GPU server): `vllm serve meta-llama/Llama-3.1-8B-Instruct --api-key local-key --generation-config vllm`
    // {name: "llama-3.1-8b", backend: "openai", baseURL: "http://127.0.0.1:8000/v1",
    //  model: "meta-llama/Llama-3.1-8B-Instruct", revision: "<the Hub commit passed to vllm serve --revision>",
    //  apiKeyEnv: "VLLM_API_KEY", concurrency: 64, sizeB: 8,
    //  supportsN: true, extraBody: {top_k: -1, min_p: 0, repetition_penalty: 1}},

    // OpenAI: export OPENAI_API_KEY=…
    // {name: "gpt-4o", backend: "openai", baseURL: "https://api.openai.com/v1", model: "gpt-4o",
    //  apiKeyEnv: "OPENAI_API_KEY", concurrency: 16},

    // Ollama: `ollama pull qwen2.5-coder:1.5b` (Ollama ignores n: samples go one by one)
    // {name: "qwen-coder-1.5b-ollama", backend: "openai", baseURL: "http://127.0.0.1:11434/v1",
    //  model: "qwen2.5-coder:1.5b", revision: "<digest from `ollama list`>", supportsN: false, concurrency: 2, sizeB: 1.5},

    // llama.cpp server: `llama-server -hf Qwen/Qwen2.5-Coder-1.5B-Instruct-GGUF:Q4_K_M -np 4 -c 16384`
    // {name: "qwen-coder-1.5b-server", backend: "openai", baseURL: "http://127.0.0.1:8080/v1",
    //  model: "qwen2.5-coder-1.5b", revision: "<sha256 of the .gguf file>", concurrency: 4, sendTopK: true, sendMinP: true,
    //  sampling: {topK: 0, minP: 0}},

    // Embedded GGUF (no server, CPU): `npx reprompt models pull hf:Qwen/Qwen2.5-Coder-0.5B-Instruct-GGUF:Q4_K_M`
    // {name: "qwen-coder-0.5b", backend: "llama", model: "models/qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
    //  threads: 2, parallel: 2, contextSize: 4096, sizeB: 0.5},

    // RFT before/after: a base model and its fine-tuned version.
    // {name: "llama-3.1-70b", backend: "openai", …, role: "base"},
    // {name: "llama-3.1-70b-rft", backend: "openai", …, role: "finetuned", baseModel: "llama-3.1-70b"},
  ]

  // Statement embeddings for RFT decontamination (see README, "Build RFT data"):
  // embeddings: {kind: "openai", baseURL: "http://127.0.0.1:8001/v1", model: "all-MiniLM-L6-v2"},

  // Your own study (README, "Your own study"). A model may carry a price for the dry run's cost estimate:
  // {name: "gpt-4o", …, price: {inputPerMTok: 2.5, outputPerMTok: 10}},
  //
  // Prompts of your own join the catalog (`npx reprompt prompts` marks them [user]); they never change the
  // study's grids. family: "reasoning" (sent after the problem, before the code request), "instruction"
  // (appended to the code request) or "feedback" (the re-prompt after execution feedback).
  // prompts: [{id: "my-plan", family: "reasoning", title: "Plan in three bullets",
  //            text: "Plan the solution as three bullet points. Do not write any code yet."}],
  //
  // Profiles overlay an experiment's built-in `paper` (or `demo`, with extends: "demo") profile, for every
  // experiment: `npx reprompt run EXP --profile mine`, `npx reprompt figure EXP --profile mine`,
  // `REPROMPT_PROFILE=mine npm run build`. Only the fields you give change.
  // profiles: {
  //   mine: {models: ["gpt-4o"], dataset: "mine", samples: 10, k: [1, 10], problems: {limit: 20},
  //          strategies: {"multi-vs-single": ["single/none+none", "multi/binary/3/none+none"]}},
  //   // `npx reprompt rft build --profile mine-rft`: generate on `training` with the model marked role "base"
  //   mine-rft: {samples: 20, rft: {training: "codecontests-train", evaluation: "taco-test"}}
  // },
  //
  // Experiments without TypeScript, shown on the "Your experiments" page (strategy ids as the site shows them):
  // experiments: [{name: "my-cot", title: "My plan prompt vs none", description: "Does planning first help?",
  //                kind: "single", strategies: ["single/none+none", "single/my-plan+none"], baseline: "single/none+none"}],
  //
  // What built pages say about endpoints. redactEndpoints: pages show the model name and the identity its server
  // reported instead of the endpoint's host and path. Default: on for any endpoint not on this machine (loopback).
  // publish: {redactEndpoints: true},
};
