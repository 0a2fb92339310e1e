// The prompt catalog: completeness, ids, families, templates and wording versions.
import {describe, expect, it} from "vitest";
import {
  COT_RETRY_SCHEDULE,
  FEEDBACK_KINDS,
  FEEDBACK_PROMPT_IDS,
  fillTemplate,
  getPrompt,
  INSTRUCTION_IDS,
  placeholdersOf,
  PROMPT_FAMILIES,
  PROMPTS,
  promptsOf,
  promptVersion,
  REASONING_IDS,
  STUDY_INSTRUCTION_GRID,
  textVersion,
  catalogVersion,
  type PromptEntry
} from "../../loaders/prompts/index.ts";

const ids = (family: (typeof PROMPT_FAMILIES)[number]) => promptsOf(family).map((p) => p.id);

describe("prompt catalog", () => {
  it("has the 8 reasoning prompts of the study", () => {
    expect(ids("reasoning")).toEqual([
      "self-reflection",
      "explain-io",
      "problem-tag",
      "problem-difficulty",
      "nl-solution",
      "multiple-solutions",
      "helper-docstrings",
      "intermediate-variables"
    ]);
    expect([...REASONING_IDS]).toEqual(ids("reasoning"));
  });

  it("has the 7 instruction prompts and a grid of note B's six, without `none`", () => {
    expect(ids("instruction").sort()).toEqual(
      ["none", "helper-functions", "check-constraints", "comment-lines", "docstrings", "weak-then-better", "step-by-step"].sort()
    );
    expect([...INSTRUCTION_IDS].sort()).toEqual(ids("instruction").sort());
    expect([...STUDY_INSTRUCTION_GRID]).toEqual([
      "helper-functions",
      "check-constraints",
      "comment-lines",
      "docstrings",
      "weak-then-better",
      "step-by-step"
    ]);
    expect(REASONING_IDS.length * STUDY_INSTRUCTION_GRID.length).toBe(48);
    expect(getPrompt("none").text).toBe("");
  });

  it("has 4 feedback framings plus retry-plain, and the 2 CoT-retry prompts", () => {
    expect(ids("feedback").sort()).toEqual(
      ["feedback-binary", "feedback-failed", "feedback-failed-passed", "feedback-ldb", "retry-plain"].sort()
    );
    expect(ids("retry").sort()).toEqual(["cot-retry-naive", "cot-retry-plan"]);
    for (const kind of FEEDBACK_KINDS) expect(getPrompt(FEEDBACK_PROMPT_IDS[kind]).family).toBe("feedback");
  });

  it("has unique kebab-case ids, valid families, titles, and non-empty texts except `none`", () => {
    expect(new Set(PROMPTS.map((p) => p.id)).size).toBe(PROMPTS.length);
    for (const p of PROMPTS) {
      expect(p.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(PROMPT_FAMILIES).toContain(p.family);
      expect(Object.keys(p).sort()).toEqual(["family", "id", "source", "text", "title"]);
      expect(p.source).toBe("study");
      expect(p.title.trim()).not.toBe("");
      if (p.id !== "none") expect(p.text.trim().length).toBeGreaterThan(20);
      expect(p.text).toBe(p.text.trim());
    }
  });

  it("reasoning prompts hold back the code; code-asking prompts ask for one python block", () => {
    for (const p of promptsOf("reasoning")) expect(p.text).toMatch(/Do not write (any code|the solution) yet\.$/);
    for (const id of ["retry-plain", "cot-retry-plan", "cot-retry-naive"]) expect(getPrompt(id).text).toContain("```python");
  });

  it("keeps the plain re-prompt neutral (no 'analyse/fix the failing test', which the study found harmful)", () => {
    expect(getPrompt("retry-plain").text).not.toMatch(/analy[sz]e|failing test|debug|explain/i);
  });

  it("uses only the {feedback} placeholder, in the feedback framings, and fills it", () => {
    for (const p of PROMPTS) {
      const expected = p.id.startsWith("feedback-") ? ["feedback"] : [];
      expect(placeholdersOf(p.text), p.id).toEqual(expected);
      const filled = fillTemplate(p.text, {feedback: "Test 1 failed: expected {1: 2}, got {2: 1}"});
      expect(placeholdersOf(filled.replace("{1: 2}", "").replace("{2: 1}", ""))).toEqual([]);
    }
  });

  it("getPrompt throws on an unknown id", () => {
    expect(() => getPrompt("self-reflexion")).toThrow(/unknown prompt id "self-reflexion"/);
  });

  it("schedules CoT-retry as plain, then plan, then naive", () => {
    expect(COT_RETRY_SCHEDULE.map((s) => [s.turn, s.message, s.retryPromptId])).toEqual([
      [1, "plain-attempt", null],
      [2, "feedback-turn", "cot-retry-plan"],
      [3, "feedback-turn", "cot-retry-naive"]
    ]);
  });
});

describe("fillTemplate", () => {
  it("fills every placeholder in one pass and leaves other braces alone", () => {
    expect(fillTemplate("a {x} b {y} {x}", {x: "{y}", y: "2"})).toBe("a {y} b 2 {y}");
    expect(fillTemplate("dict {1: 2} and {A}", {})).toBe("dict {1: 2} and {A}");
  });

  it("throws when a value is missing", () => {
    expect(() => fillTemplate("Result:\n\n{feedback}", {})).toThrow(/no value for \{feedback\}/);
    expect(() => fillTemplate("{a} {b}", {a: "1", b: undefined})).toThrow(/\{b\}/);
    expect(fillTemplate("{a}", {a: ""})).toBe("");
  });
});

describe("promptVersion", () => {
  it("is a short stable hash of the text", () => {
    expect(promptVersion("self-reflection")).toMatch(/^[0-9a-f]{12}$/);
    expect(promptVersion("self-reflection")).toBe(promptVersion("self-reflection"));
    expect(promptVersion("self-reflection")).toBe(textVersion(getPrompt("self-reflection").text));
    expect(new Set(PROMPTS.map((p) => promptVersion(p.id))).size).toBe(PROMPTS.length);
  });

  it("changes when the wording changes, not when the title does", () => {
    const reworded: PromptEntry[] = PROMPTS.map((p) => (p.id === "explain-io" ? {...p, text: p.text + " Be brief."} : p));
    const retitled: PromptEntry[] = PROMPTS.map((p) => (p.id === "explain-io" ? {...p, title: "Another title"} : p));
    expect(promptVersion("explain-io", reworded)).not.toBe(promptVersion("explain-io"));
    expect(promptVersion("explain-io", retitled)).toBe(promptVersion("explain-io"));
    expect(promptVersion("problem-tag", reworded)).toBe(promptVersion("problem-tag"));
    expect(catalogVersion(reworded)).not.toBe(catalogVersion());
  });
});
