// The RFT stage's public face: the build pipeline, its stages, embeddings for decontamination, export and before/after.
export {buildRft, generatorModel, RFT_ENGINE_VERSION, type RftBuild, type RftBuildOptions, type RftDataCard} from "./pipeline.ts";
export {RFT_PROFILES, rftProfileFor, rftProfileNames, type RftProfile} from "./profiles.ts";
export {cotPromptLeftovers, cotPrompts, RftError, stripCotPrompts, trajectoryConversation} from "./conversation.ts";
export {BIGCODE_MINHASH, codeTokens, jaccard, nearDuplicateClusters, shingles, type MinHashParams} from "./minhash.ts";
export {decontaminate, statementText, type DecontaminationResult, type FlaggedPair, type TrainingProblem} from "./decontaminate.ts";
export {
  CONFIGURE_EMBEDDINGS_HELP,
  cosine,
  createEmbedder,
  EMBEDDING_THRESHOLD,
  embeddingOptionsFromConfig,
  LEXICAL_THRESHOLD,
  lexicalEmbedder,
  type EmbeddingOptions,
  type StatementEmbedder
} from "./embeddings.ts";
export {chatExampleSchema, STUDY_TRAINING, trainerConfigYaml, writeRftExport, EXPORT_FILES, type ChatExample} from "./export.ts";
export {demoEvalProblems, DEMO_EVAL_TRUTH} from "./demoEval.ts";
