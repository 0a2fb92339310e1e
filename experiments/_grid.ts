// Strategy lists shared by the experiment definitions.
import {REASONING_IDS, STUDY_INSTRUCTION_GRID} from "../loaders/prompts/index.ts";
import type {StrategyInput} from "../loaders/trajectories/strategy.ts";

/** No reasoning prompt, no instruction: the study's no-CoT baseline. */
export const NO_COT: StrategyInput = {kind: "single", reasoning: null, instruction: "none"};

/** The study's single-turn grid: 8 reasoning × 6 instruction prompts (48), plus the no-CoT baseline. */
export const SINGLE_TURN_GRID: StrategyInput[] = [
  NO_COT,
  ...REASONING_IDS.flatMap((reasoning) => STUDY_INSTRUCTION_GRID.map((instruction): StrategyInput => ({kind: "single", reasoning, instruction})))
];

/** The study's four feedback kinds, coarse to fine. */
export const FEEDBACK_GRID = ["binary", "failed", "failed_passed", "ldb"] as const;

/** The study's pass n@k grid. */
export const NK_GRID: Array<[number, number]> = [
  [1, 3],
  [10, 30],
  [33, 100],
  [100, 300]
];
