import {describe, expect, it} from "vitest";
import {
  consecutiveSimilarities,
  distinctProgramRate,
  editSimilarity,
  levenshtein,
  nonCodeFraction,
  normaliseProgram,
  stripPythonComments,
  tokensPerSolvedProblem
} from "../../loaders/metrics/index.ts";

/** Textbook full-matrix Levenshtein, for cross-checking the one-row version. */
function levenshteinMatrix(a: string, b: string): number {
  const d = Array.from({length: a.length + 1}, (_, i) => Array.from({length: b.length + 1}, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
  }
  return d[a.length]![b.length]!;
}

describe("comment removal and normalisation", () => {
  it("strips # comments but keeps # inside string literals of every kind", () => {
    const code = [
      "x = '#not a comment'  # a comment",
      'y = "say \\"#hi\\""  # another',
      "z = '''",
      "# inside a triple-quoted string",
      "'''",
      'w = r"\\"#raw"',
      "# whole-line comment",
      "print(x)   "
    ].join("\n");
    const stripped = stripPythonComments(code);
    expect(stripped).toContain("x = '#not a comment'  \n");
    expect(stripped).toContain('y = "say \\"#hi\\""  \n');
    expect(stripped).toContain("# inside a triple-quoted string");
    expect(stripped).toContain('w = r"\\"#raw"');
    expect(stripped).not.toContain("a comment\n");
    expect(stripped).not.toContain("another");
    expect(stripped).not.toContain("whole-line");
  });

  it("drops blank lines and trailing whitespace", () => {
    expect(normaliseProgram("a = 1   \n\n   \n# c\nb = 2 # two\n\r\n")).toBe("a = 1\nb = 2");
  });
});

describe("edit similarity", () => {
  it("Levenshtein matches the full-matrix definition, both argument orders", () => {
    const words = ["", "a", "kitten", "sitting", "saturday", "sunday", "def f(x):\n  return x", "def g(x):\n  return x + 1", "ab", "ba", "aaaa"];
    for (const a of words) for (const b of words) expect(levenshtein(a, b), `${a} / ${b}`).toBe(levenshteinMatrix(a, b));
    expect(levenshtein("kitten", "sitting")).toBe(3);
  });

  it("similarity is 1 − distance / longer length, 1 for identical (even empty) strings", () => {
    expect(editSimilarity("abc", "abc")).toBe(1);
    expect(editSimilarity("", "")).toBe(1);
    expect(editSimilarity("abc", "")).toBe(0);
    expect(editSimilarity("kitten", "sitting")).toBeCloseTo(1 - 3 / 7, 14);
  });

  it("consecutive similarities ignore comments and blank lines", () => {
    const turn1 = "def f(x):\n    return x\n";
    const turn2 = "# fixed\ndef f(x):\n\n    return x   # same code\n";
    const turn3 = "def f(x):\n    return x + 1\n";
    const sims = consecutiveSimilarities([turn1, turn2, turn3]);
    expect(sims).toHaveLength(2);
    expect(sims[0]).toBe(1);
    expect(sims[1]).toBeCloseTo(1 - 4 / normaliseProgram(turn3).length, 14);
    expect(consecutiveSimilarities(["x"])).toEqual([]);
  });
});

describe("distinct programs, prose share and tokens per solved problem", () => {
  it("distinct rate counts programs equal after normalisation once", () => {
    expect(distinctProgramRate(["a = 1", "a = 1  # c", "\na = 1\n", "a = 2"])).toBe(0.5);
    expect(distinctProgramRate([])).toBeNull();
  });

  it("non-code fraction counts characters outside fenced blocks (fences are code)", () => {
    const prose = "Here is code:\n"; // 14 characters
    const block = "```python\nprint(1)\n```\n"; // 23 characters
    expect(nonCodeFraction(prose + block)).toBeCloseTo(14 / 37, 14);
    expect(nonCodeFraction(block)).toBe(0);
    expect(nonCodeFraction("just words")).toBe(1);
    expect(nonCodeFraction("")).toBe(0);
    // an unclosed fence runs to the end; ~~~ fences work; a ``` line inside a ~~~ block does not close it
    expect(nonCodeFraction("ab\n```\ncode")).toBeCloseTo(3 / 11, 14);
    expect(nonCodeFraction("~~~\n```\n~~~\nxy")).toBeCloseTo(2 / 14, 14);
    // characters are code points: an emoji is one character
    expect(nonCodeFraction("😀\n```\nx\n```\n")).toBeCloseTo(2 / 12, 14);
  });

  it("tokens per solved problem divides all tokens by the problems solved, null when none", () => {
    expect(
      tokensPerSolvedProblem([
        {tokens: 100, solved: true},
        {tokens: 300, solved: false},
        {tokens: 200, solved: true}
      ])
    ).toBe(300);
    expect(tokensPerSolvedProblem([{tokens: 50, solved: false}])).toBeNull();
  });
});
