// The sampling parameters of a model in a run: the study's defaults, the model's overrides, the profile's seed.
import {DEFAULT_SAMPLING, type SamplingParams} from "../backends/index.ts";
import type {ModelConfig} from "../config/index.ts";

export function samplingFor(model: ModelConfig, seed: number): SamplingParams {
  const overrides = model.sampling ?? {};
  return {
    temperature: overrides.temperature ?? DEFAULT_SAMPLING.temperature,
    topP: overrides.topP ?? DEFAULT_SAMPLING.topP,
    topK: overrides.topK === undefined ? (model.backend === "llama" ? 0 : DEFAULT_SAMPLING.topK) : overrides.topK,
    minP: overrides.minP === undefined ? (model.backend === "llama" ? 0 : DEFAULT_SAMPLING.minP) : overrides.minP,
    maxTokens: overrides.maxTokens ?? DEFAULT_SAMPLING.maxTokens,
    seed
  };
}
