// The first user message of an attempt: the problem statement, its input/output contract, and the answer format.
import {problemRef, type Problem} from "../datasets/problem.ts";
import {fillTemplate} from "./template.ts";

/**
 * The wording around every problem (not per-prompt, so kept out of the catalog). Its hash is part of
 * `PROMPT_FRAME_VERSION`, so rewording any of it changes the result keys too.
 */
export const FRAME_TEXTS = {
  intro: "Solve the following programming problem in Python 3.",
  stdio:
    "Your program must read its input from standard input and write its answer to standard output. Print exactly " +
    "what the output format asks for, with no prompts, labels or debugging output.",
  method:
    "Do not read from standard input and do not print the answer. Complete the starter code below by implementing " +
    "the method `{fnName}` of `class Solution`: it is called with each test's arguments, and its return value is " +
    "checked.",
  function:
    "Do not read from standard input and do not print the answer. Complete the starter code below by implementing " +
    "the function `{fnName}`: it is called with each test's arguments, and its return value is checked.",
  noStarter:
    "Do not read from standard input and do not print the answer. Define `class Solution` with a method " +
    "`{fnName}`: it is called with each test's arguments, and its return value is checked.",
  format: "When you write code, give the complete solution as Python 3 in a single ```python code block."
} as const;

/**
 * The code request: the second user message after a reasoning reply, or the tail of the only message when there
 * is no reasoning prompt. The instruction prompt's text, if any, is appended after a blank line.
 */
export const CODE_REQUEST =
  "Now write the complete solution in Python 3, following the input and output requirements above. Give it in a " +
  "single ```python code block.";

/** Starter code as given minus the blank lines and trailing spaces datasets leave around it (TACO ends in "\n        "). */
function tidyStarter(code: string): string {
  return code.replace(/\r\n?/g, "\n").replace(/^(?:[ \t]*\n)+/, "").trimEnd();
}

/**
 * The I/O contract. Function-mode problems (TACO/APPS call-based) are judged by calling `fnName` with JSON
 * arguments, so the model must not read stdin; stdio problems are judged on exact stdout, so stray prints fail.
 */
export function ioContract(problem: Problem): string {
  if (problem.ioMode === "stdio") return FRAME_TEXTS.stdio;
  if (!problem.fnName) throw new Error(`problem ${problemRef(problem)} is in function mode but has no fnName`);
  const starter = problem.starterCode ? tidyStarter(problem.starterCode) : "";
  if (!starter) return fillTemplate(FRAME_TEXTS.noStarter, {fnName: problem.fnName});
  // TACO's judge calls `Solution().fn` when the code defines `class Solution`, and the bare function otherwise.
  const template = /^\s*class\s+Solution\b/m.test(starter) ? FRAME_TEXTS.method : FRAME_TEXTS.function;
  return `${fillTemplate(template, {fnName: problem.fnName})}\n\n\`\`\`python\n${starter}\n\`\`\``;
}

/** The problem as the model first sees it: intro, statement, I/O contract, answer format. */
export function renderProblemPrompt(problem: Problem): string {
  const statement = problem.statement?.replace(/\r\n?/g, "\n").trim();
  if (!statement) throw new Error(`problem ${problemRef(problem)} has no statement: there is nothing to prompt with`);
  return [FRAME_TEXTS.intro, statement, ioContract(problem), FRAME_TEXTS.format].join("\n\n");
}
