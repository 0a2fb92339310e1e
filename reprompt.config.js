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

    // vLLM (GPU server): `vllm serve meta-llama/Llama-3.1-8B-Instruct --api-key local-key --generation-config vllm`
    // {name: "llama-3.1-8b", backend: "openai", baseURL: "http://127.0.0.1:8000/v1",
    //  model: "meta-llama/Llama-3.1-8B-Instruct", apiKeyEnv: "VLLM_API_KEY", concurrency: 64, sizeB: 8,
    //  supportsN: true, extraBody: {top_k: -1, min_p: 0, repetition_penalty: 1}},

    // OpenAI: export OPENAI_API_KEY=…
    // {name: "gpt-4o", backend: "openai", baseURL: "https://api.openai.com/v1", model: "gpt-4o",
    //  apiKeyEnv: "OPENAI_API_KEY", concurrency: 16},

    // Ollama: `ollama pull qwen2.5-coder:1.5b` (Ollama ignores n: samples go one by one)
    // {name: "qwen-coder-1.5b-ollama", backend: "openai", baseURL: "http://127.0.0.1:11434/v1",
    //  model: "qwen2.5-coder:1.5b", supportsN: false, concurrency: 2, sizeB: 1.5},

    // llama.cpp server: `llama-server -hf Qwen/Qwen2.5-Coder-1.5B-Instruct-GGUF:Q4_K_M -np 4 -c 16384`
    // {name: "qwen-coder-1.5b-server", backend: "openai", baseURL: "http://127.0.0.1:8080/v1",
    //  model: "qwen2.5-coder-1.5b", concurrency: 4, sendTopK: true, sendMinP: true,
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

  // What built pages say about endpoints. redactEndpoints: pages show the model name and the identity its server
  // reported instead of the endpoint's host and path. Default: on for any endpoint not on this machine (loopback).
  // publish: {redactEndpoints: true},
};
