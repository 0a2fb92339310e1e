// Execution feedback's public face: the four kinds (binary, failed, failed_passed, ldb) on a problem's public tests.
export {FeedbackError, isFeedbackKind, LDB_RUN_DEFAULTS, renderFeedback, type Feedback, type FeedbackOptions, type LdbRunOptions} from "./run.ts";
export {LDB_DEFAULTS, parseTrace, renderLdb, renderState, selectBlocks, type LdbBlock, type LdbRenderOptions, type LdbTrace} from "./ldb.ts";
export {
  allPassedText,
  compileErrorText,
  DEFAULT_MAX_TESTS,
  DEFAULT_MAX_VALUE_CHARS,
  renderBinary,
  renderFailed,
  renderFailedPassed,
  renderTest,
  truncateValue,
  verdictWords,
  type RenderOptions
} from "./text.ts";
