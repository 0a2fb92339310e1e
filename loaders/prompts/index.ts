// The prompts' public face: the catalog, problem rendering, conversation plans, code extraction, versions.
export {
  catalogWith,
  FEEDBACK_KINDS,
  FEEDBACK_PROMPT_IDS,
  getPrompt,
  INSTRUCTION_IDS,
  isInstructionId,
  isPromptOf,
  isReasoningId,
  isRetryPromptId,
  PROMPT_FAMILIES,
  PROMPTS,
  promptsOf,
  REASONING_IDS,
  RETRY_PROMPT_IDS,
  STUDY_INSTRUCTION_GRID,
  type FeedbackKind,
  type InstructionId,
  type PromptEntry,
  type PromptFamily,
  type ReasoningId,
  type RetryPromptId
} from "./catalog.ts";
export {fillTemplate, placeholdersOf} from "./template.ts";
export {CODE_REQUEST, FRAME_TEXTS, ioContract, renderProblemPrompt} from "./problemPrompt.ts";
export {
  buildAttemptMessages,
  codeRequestText,
  COT_RETRY_SCHEDULE,
  feedbackTurnMessage,
  messagesForCall,
  type AttemptPlan,
  type AttemptSpec,
  type ChatMessage,
  type CotRetryStep
} from "./conversation.ts";
export {extractCode, fencedBlocks, isBareCode, looksLikePython, nonCodeText, type Extraction, type ExtractionMethod, type FencedBlock} from "./extract.ts";
export {catalogVersion, PROMPT_FRAME_VERSION, promptVersion, textVersion} from "./version.ts";
