// The metrics stage's public face: pass@k, pass n@k (single- and multi-turn), bootstrap intervals, diversity, estimate.
export {Rng, createRng, mulberry32} from "./prng.ts";
export {hypergeometricPmf, noneSelectedProbability, logFactorialTable} from "./combinatorics.ts";
export {
  passAtK,
  meanPassAtK,
  passNAtKSingleTurn,
  meanPassNAtKSingleTurn,
  submissionSolveProbability,
  assertGridPoint,
  type SampleCounts
} from "./passk.ts";
export {
  NOT_CANDIDATE,
  CANDIDATE_WRONG,
  CANDIDATE_CORRECT,
  classifyFinalTurn,
  categoriesFromTrajectories,
  categoriesFromArrays,
  describeCategories,
  type Turn,
  type FinalClass,
  type ProblemCategories
} from "./categories.ts";
export {
  passNAtKPerProblem,
  passNAtKMultiTurn,
  estimateProblem,
  type PerProblemResult,
  type MonteCarloOptions,
  type MultiTurnOptions,
  type NAtKEstimate
} from "./multiturn.ts";
export type {Kernel} from "./montecarlo.ts";
export {bootstrapMeans, bootstrapMean, pairedDifference, quantile, type Interval, type BootstrapOptions} from "./bootstrap.ts";
export {
  stripPythonComments,
  normaliseProgram,
  levenshtein,
  editSimilarity,
  consecutiveSimilarities,
  distinctProgramRate,
  nonCodeFraction,
  tokensPerSolvedProblem
} from "./diversity.ts";
export {
  estimateFromLines,
  parseEstimateInput,
  EstimateInputError,
  type EstimateOptions,
  type EstimateResult,
  type EstimateProblem
} from "./estimate.ts";
export {runMultiTurnTasks, type MultiTurnTask, type MultiTurnTaskResult} from "./parallel.ts";
export {cellCategories, estimateCells, type CategoryRow, type CellEstimate, type CellOptions} from "./cells.ts";
