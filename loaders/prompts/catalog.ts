// The prompt catalog: every reasoning, instruction, feedback and retry prompt the experiments send, in our own wording.

/**
 * The study's three prompt families (reasoning NL→NL, instruction NL→code, execution feedback), plus `retry`
 * for the CoT-retry prompts, which are neither: they ride on a feedback turn and ask for reasoning before code.
 */
export const PROMPT_FAMILIES = ["reasoning", "instruction", "feedback", "retry"] as const;
export type PromptFamily = (typeof PROMPT_FAMILIES)[number];

/** One prompt. `text` may hold `{placeholders}` (see `fillTemplate`); ids are stable because result keys use them. */
export interface PromptEntry {
  id: string;
  family: PromptFamily;
  title: string;
  text: string;
  /** "study": the study's own (part of its grids); "user": added in reprompt.config.js (never in a study grid). */
  source?: "study" | "user";
}

/** The eight reasoning prompts of the study's single-turn grid (paper.md §2a), in the study's order. */
export const REASONING_IDS = [
  "self-reflection",
  "explain-io",
  "problem-tag",
  "problem-difficulty",
  "nl-solution",
  "multiple-solutions",
  "helper-docstrings",
  "intermediate-variables"
] as const;
export type ReasoningId = (typeof REASONING_IDS)[number];

/**
 * The six instruction prompts of the study's 8 × 6 single-turn grid.
 *
 * Why these six: the two secondary reading notes disagree (paper.md §2b). Note A lists "no instruction" as
 * prompt #1 and omits `step-by-step`; note B lists the six below. Only note B's list gives six *instructions*
 * (a grid cell with "no instruction" would not be an instruction-prompt cell), so we take it and run `none`
 * as a separate baseline beside the grid, together with the no-CoT baseline. Recorded as an open choice.
 */
export const STUDY_INSTRUCTION_GRID = [
  "helper-functions",
  "check-constraints",
  "comment-lines",
  "docstrings",
  "weak-then-better",
  "step-by-step"
] as const;

/** Every instruction prompt we carry: the grid's six plus `none`, the plain "write the code" baseline. */
export const INSTRUCTION_IDS = ["none", ...STUDY_INSTRUCTION_GRID] as const;
export type InstructionId = (typeof INSTRUCTION_IDS)[number];

/** Execution-feedback granularities, coarse to fine (paper.md §2c); the rendered text comes from the execution stage. */
export const FEEDBACK_KINDS = ["binary", "failed", "failed_passed", "ldb"] as const;
export type FeedbackKind = (typeof FEEDBACK_KINDS)[number];

/** The framing prompt id of each feedback kind (kinds use `_` as in the paper, ids are kebab-case). */
export const FEEDBACK_PROMPT_IDS = {
  binary: "feedback-binary",
  failed: "feedback-failed",
  failed_passed: "feedback-failed-passed",
  ldb: "feedback-ldb"
} as const satisfies Record<FeedbackKind, string>;

/** What may follow a feedback framing: the neutral re-prompt, or one of the two CoT-retry prompts. */
export const RETRY_PROMPT_IDS = ["retry-plain", "cot-retry-plan", "cot-retry-naive"] as const;
export type RetryPromptId = (typeof RETRY_PROMPT_IDS)[number];

/** Reasoning prompts never ask for code: the code comes in the next message, after the model has thought. */
const REASONING: Record<ReasoningId, {title: string; text: string}> = {
  "self-reflection": {
    title: "Restate the problem",
    text:
      "Before solving anything, restate the problem in your own words as a bullet list. Cover the goal, the input " +
      "and output formats, every constraint, and any detail in the notes or examples that is easy to overlook. " +
      "Do not write any code yet."
  },
  "explain-io": {
    title: "Explain the examples",
    text:
      "Take the examples in the problem one at a time. For each one, explain step by step why the given input " +
      "produces the given output. Do not write any code yet."
  },
  "problem-tag": {
    title: "Tag the problem",
    text:
      "Which algorithmic techniques does this problem call for? Give a short list of tags (for example greedy, " +
      "dynamic programming, graphs, binary search, combinatorics, number theory) with one sentence each on why " +
      "it applies. Do not write any code yet."
  },
  "problem-difficulty": {
    title: "Rate the difficulty",
    text:
      "Rate how hard this problem is (easy, medium or hard) and say what makes it so. Then list the edge cases " +
      "and tricky inputs that a correct solution has to handle. Do not write any code yet."
  },
  "nl-solution": {
    title: "Naive solution, then improve it",
    text:
      "Describe in plain words a simple solution to this problem, even if it is too slow. Then explain how to " +
      "improve it so that it fits within the constraints. Do not write any code yet."
  },
  "multiple-solutions": {
    title: "Brainstorm approaches",
    text:
      "Come up with several different ways to solve this problem. Sketch each idea in a few sentences and give " +
      "its time complexity, then say which one you would pick and why. Do not write any code yet."
  },
  "helper-docstrings": {
    title: "Plan the helper functions",
    text:
      "List the helper functions a solution to this problem needs. For each, give its Python signature and a " +
      "docstring describing what it does, its arguments and its return value, but no body. Do not write the " +
      "solution yet."
  },
  "intermediate-variables": {
    title: "List the intermediate variables",
    text:
      "List the intermediate values a solution to this problem has to compute. For each, give a variable name, " +
      "its type and what it holds or is used for. Do not write any code yet."
  }
};

/** Instruction prompts are appended to the code request, so they speak about the code being written now. */
const INSTRUCTION: Record<InstructionId, {title: string; text: string}> = {
  none: {title: "No instruction (plain code request)", text: ""},
  "helper-functions": {
    title: "Use named helper functions",
    text: "Organise the code into small helper functions with meaningful names, each doing one clear job."
  },
  "check-constraints": {
    title: "Double-check imports, initialisation and constraints",
    text:
      "Before you finish, check the code carefully: every module it uses is imported, every variable is " +
      "initialised before it is read, and the algorithm respects all of the problem's constraints."
  },
  "comment-lines": {
    title: "Comment every line",
    text: "Put a short comment above each line of code saying what it does."
  },
  docstrings: {
    title: "Docstring for every function",
    text: "Give every function a docstring stating its purpose, its inputs and its output."
  },
  "weak-then-better": {
    title: "Weak solution first, then a better one",
    text:
      "First write a simple solution that is correct but may be slow, such as a brute force. Then name its " +
      "weakness (for example, the inputs on which it is too slow) and write a better algorithm that removes it. " +
      "Give the improved program last: it is the one that will be judged."
  },
  "step-by-step": {
    title: "Algorithm step by step, then code",
    text: "First describe the algorithm step by step in plain words, then write the code that carries out those steps."
  }
};

/**
 * Feedback framings wrap the execution stage's rendered feedback (`{feedback}`) with one sentence saying what it
 * is. They say nothing about what to do next: that is the job of the re-prompt that follows (`retry-plain`, kept
 * in this family because it belongs to every plain feedback turn; the CoT-retry re-prompts form `retry`).
 */
const FEEDBACK: Record<string, {title: string; text: string}> = {
  "feedback-binary": {
    title: "Feedback: pass/fail only",
    text: "Your code was run on the public tests. Result:\n\n{feedback}"
  },
  "feedback-failed": {
    title: "Feedback: failed tests",
    text: "Your code was run on the public tests. These tests did not pass:\n\n{feedback}"
  },
  "feedback-failed-passed": {
    title: "Feedback: failed and passed tests",
    text: "Your code was run on the public tests. Here are the tests that did not pass and those that did:\n\n{feedback}"
  },
  "feedback-ldb": {
    title: "Feedback: debugger trace (LDB)",
    text:
      "Your code was run under a debugger on a public test it fails. Below, its execution is split into blocks, " +
      "each shown with the variable values before and after it:\n\n{feedback}"
  },
  /**
   * Deliberately neutral ("try again"): the paper found that explicitly asking the model to analyse and fix the
   * failing test makes Llama 3.1 8B worse (paper.md §2c), so we do not steer it towards the test.
   */
  "retry-plain": {
    title: "Re-prompt after feedback (try again)",
    text: "Try again. Give the complete corrected program in a single ```python code block."
  }
};

/** CoT-retry (paper.md §2d): reasoning is requested only after a plain attempt has failed the public tests. */
const RETRY: Record<string, {title: string; text: string}> = {
  "cot-retry-plan": {
    title: "CoT-retry turn 2: guidelines, then code",
    text:
      "Try again, planning first. Write guidelines for solving this problem: the key observations and a " +
      "step-by-step plan. Then write a complete program that follows your guidelines, in a single ```python " +
      "code block."
  },
  "cot-retry-naive": {
    title: "CoT-retry turn 3: naive solution, then code",
    text:
      "Try again, starting from a naive solution. First explain a brute-force approach that is clearly " +
      "correct, even if it is slow. Then write the complete program, in a single ```python code block."
  }
};

function entries(family: PromptFamily, table: Record<string, {title: string; text: string}>): PromptEntry[] {
  return Object.entries(table).map(([id, {title, text}]) => ({id, family, title, text, source: "study" as const}));
}

/** The whole catalog, in listing order: reasoning, instruction, feedback (framings, then `retry-plain`), retry. */
export const PROMPTS: readonly PromptEntry[] = Object.freeze([
  ...entries("reasoning", REASONING),
  ...entries("instruction", INSTRUCTION),
  ...entries("feedback", FEEDBACK),
  ...entries("retry", RETRY)
]);

const BY_ID = new Map(PROMPTS.map((p) => [p.id, p]));

/** The prompt with this id; throws on an unknown id so a typo in an experiment fails before any model call. */
export function getPrompt(id: string, catalog: readonly PromptEntry[] = PROMPTS): PromptEntry {
  const entry = catalog === PROMPTS ? BY_ID.get(id) : catalog.find((p) => p.id === id);
  if (!entry) throw new Error(`unknown prompt id "${id}" (see \`reprompt prompts\` for the catalog)`);
  return entry;
}

/**
 * The study's catalog plus a config's own prompts (`prompts` in reprompt.config.js), marked source "user".
 * An id may not shadow a study prompt: results are keyed by id and wording, so the two would be confused.
 */
export function catalogWith(userPrompts: ReadonlyArray<{id: string; family: PromptFamily; title: string; text: string}> = []): readonly PromptEntry[] {
  if (userPrompts.length === 0) return PROMPTS;
  const seen = new Set<string>();
  for (const p of userPrompts) {
    if (BY_ID.has(p.id)) throw new Error(`prompt id "${p.id}" is one of the study's prompts; choose another id`);
    if (seen.has(p.id)) throw new Error(`prompt id "${p.id}" is defined twice`);
    seen.add(p.id);
  }
  return Object.freeze([...PROMPTS, ...userPrompts.map((p) => ({id: p.id, family: p.family, title: p.title, text: p.text, source: "user" as const}))]);
}

/** Whether `id` is a prompt of `family` in the catalog (study or user). */
export function isPromptOf(family: PromptFamily, id: string, catalog: readonly PromptEntry[] = PROMPTS): boolean {
  const entry = catalog === PROMPTS ? BY_ID.get(id) : catalog.find((p) => p.id === id);
  return entry?.family === family;
}

/** The prompts of one family, in catalog order. */
export function promptsOf(family: PromptFamily, catalog: readonly PromptEntry[] = PROMPTS): PromptEntry[] {
  return catalog.filter((p) => p.family === family);
}

export function isReasoningId(id: string): id is ReasoningId {
  return (REASONING_IDS as readonly string[]).includes(id);
}

export function isInstructionId(id: string): id is InstructionId {
  return (INSTRUCTION_IDS as readonly string[]).includes(id);
}

export function isRetryPromptId(id: string): id is RetryPromptId {
  return (RETRY_PROMPT_IDS as readonly string[]).includes(id);
}
