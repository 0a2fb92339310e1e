// Worst-case time of every parser that reads untrusted text (model replies, program output, problem files, HTTP
// bodies): an adversarial corpus and a seeded fuzz, each asserting about-linear growth and a generous bound.
import {describe, expect, it} from "vitest";
import {redact} from "../../loaders/backends/openaiFaults.ts";
import {contentHead} from "../../loaders/backends/openaiResponseCap.ts";
import {escapeControls, terminalBlock} from "../../loaders/cli/terminal.ts";
import {parseProblemsJsonl} from "../../loaders/datasets/jsonl.ts";
import {pythonStringList} from "../../loaders/datasets/taco.ts";
import {parseTrace, renderLdb} from "../../loaders/feedback/ldb.ts";
import {fenced} from "../../loaders/feedback/text.ts";
import {nonCodeFraction, normaliseProgram} from "../../loaders/metrics/diversity.ts";
import {Rng} from "../../loaders/metrics/prng.ts";
import {extractCode, isCodeLine, MAX_CODE_LINE_CHARS, nonCodeText} from "../../loaders/prompts/extract.ts";
import {assertLinearTime} from "../helpers/linearTime.ts";

/** Everything a reply goes through on its way to a verdict and to the site's metrics. */
function parseReply(text: string): void {
  extractCode(text);
  nonCodeText(text);
  nonCodeFraction(text);
  normaliseProgram(text);
}

const F = "```";
/** Adversarial replies, each a family indexed by size n (one repeated unit per step). */
const REPLY_CORPUS: Record<string, (n: number) => string> = {
  // the issue's reproduction: `(\[.*\])*` backtracked exponentially (27 pairs took 2 s)
  "subscript pairs": (n) => `print(1)\na${"[]".repeat(n)}x`,
  "tuple targets with open subscripts": (n) => `print(1)\na${",a[".repeat(n)}x`,
  "tuple targets with closed subscripts": (n) => `print(1)\na${", a[]".repeat(n)} x`,
  "annotations without `=`": (n) => `print(1)\na[${"]: a".repeat(n)}`,
  "for with many `in`": (n) => `print(1)\nfor ${" in ".repeat(n)}x`,
  "if with many colons": (n) => `print(1)\nif ${": ".repeat(n)}x`,
  "spaces before a final character in a block": (n) => `${F}python\nprint(1)${" ".repeat(n)}x\n${F}`,
  "spaces at the end of an unterminated block": (n) => `${F}python\nprint(1)\n${" \n".repeat(n)}`,
  "fence lines": (n) => `${F}\n`.repeat(n),
  "alternating fence kinds": (n) => `${F}python\n~~~\n`.repeat(n),
  "one line of backticks": (n) => "`".repeat(n),
  "triple quotes": (n) => `print(1)\n${'"""'.repeat(n)}`,
  "many short statement lines": (n) => "x = 1\n".repeat(n),
  "many long subscript lines": (n) => `print(1)\n${`a${"[]".repeat(500)}x\n`.repeat(n / 8)}`
};

describe("reply parsing (extraction, prose share, program normalisation) is linear-time", () => {
  for (const [name, make] of Object.entries(REPLY_CORPUS)) {
    it(name, () => {
      assertLinearTime(make, parseReply, {start: 8, doublings: 10, budgetMs: 3000});
    });
  }

  it("one statement line is classified in linear time up to the line cap", () => {
    // Below the cap, so the patterns themselves are measured, not the cap.
    for (const make of [(n: number) => `a${"[]".repeat(n)}x`, (n: number) => `a${",a[".repeat(n)}x`, (n: number) => `for ${" in ".repeat(n)}x`]) {
      expect(make(MAX_CODE_LINE_CHARS / 8).length).toBeLessThanOrEqual(MAX_CODE_LINE_CHARS);
      assertLinearTime((n) => Array.from({length: 50}, () => make(n)), (lines) => lines.forEach(isCodeLine), {start: 8, doublings: 6, budgetMs: 3000});
    }
  });

  it("the issue's reply is judged promptly and not taken for code", () => {
    const reply = `print(1)\na${"[]".repeat(40)}x`;
    const started = performance.now();
    expect(extractCode(reply)).toEqual({code: null, method: "none"});
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

/** Tokens that exercise every construct the parsers look for. */
const TOKENS = ["[", "]", "[]", "(", ")", ":", "=", "==", "+=", ",", " ", "\t", "a", "_x", ".", "*", "`", F, "~~~", "\n", "\n", "#",
  "'", '"', '"""', "\\", "for ", " in ", "if ", "print(", "def ", "import ", "```python\n"];

function fuzzText(rng: Rng, tokens: number): string {
  let out = "";
  for (let i = 0; i < tokens; i++) out += TOKENS[rng.nextUint32() % TOKENS.length];
  return out;
}

describe("seeded fuzz", () => {
  it("random replies: time grows linearly with their length", () => {
    // The same 20 seeds at every size, so each doubling measures the same kinds of text, only longer.
    assertLinearTime(
      (n) => Array.from({length: 20}, (_, seed) => fuzzText(new Rng(1234, seed), n)),
      (texts) => texts.forEach(parseReply),
      {start: 64, doublings: 8, budgetMs: 5000}
    );
  });

  it("random lines: the linear-time statement patterns agree with the original regexes where those are fast", () => {
    // The patterns before the RE2 rewrite, as a reference on short lines (backtracking is harmless there).
    const reference = [
      /^#/, /^@[\w.]+/, /^[)\]}]/, /^[rbfuRBFU]{0,2}("""|''')/, /^(async\s+)?def\s+\w+\s*\(/, /^class\s+\w+\s*(\(.*\))?\s*:/,
      /^import\s+[\w.]+(\s+as\s+\w+)?(\s*,\s*[\w.]+(\s+as\s+\w+)?)*\s*(#.*)?$/, /^from\s+[\w.]+\s+import\s+\S/,
      /^(if|elif|while)\b.*:\s*(#.*)?$/, /^(else|try|finally)\s*:/, /^except\b.*:\s*(#.*)?$/, /^for\s+.+\s+in\s+.+:\s*(#.*)?$/,
      /^with\s+.+:\s*(#.*)?$/, /^(pass|break|continue)\s*(#.*)?$/, /^(return|raise|assert|global|nonlocal|del|yield)\b/,
      /^[A-Za-z_][\w.]*(\[.*\])*(\(|\s*(=(?!=)|[-+*/%&|^@]=|\/\/=|\*\*=|>>=|<<=|:\s*[\w.[\], ]+\s*=))/,
      /^[A-Za-z_][\w.]*(\s*\[.*?\])?(\s*,\s*\*?[A-Za-z_][\w.]*(\s*\[.*?\])?)+\s*=/
    ];
    const lineTokens = TOKENS.filter((t) => !t.includes("\n"));
    const rng = new Rng(99);
    let agreedCode = 0;
    for (let i = 0; i < 20_000; i++) {
      let line = "";
      const length = 1 + (rng.nextUint32() % 10);
      for (let j = 0; j < length; j++) line += lineTokens[rng.nextUint32() % lineTokens.length];
      const expected = reference.some((re) => re.test(line));
      expect(isCodeLine(line), JSON.stringify(line)).toBe(expected);
      if (expected) agreedCode++;
    }
    expect(agreedCode).toBeGreaterThan(1000); // the fuzz reached the code side, not only prose
  });
});

describe("other untrusted-text parsers are linear-time", () => {
  it("program output rendered as feedback", () => {
    assertLinearTime((n) => `${"\n".repeat(n)}${"x\n".repeat(n)}`, (out) => fenced("Your output", out, 1000), {start: 1024, doublings: 8, budgetMs: 2000});
  });

  it("an LDB trace written by the traced program", () => {
    const trace = (n: number) => ({
      blocks: Array.from({length: n}, (_, i) => ({index: i, function: "f", line: i, lines: ["x = 1"], pre: {x: "[]".repeat(20)}, post: {x: "1"}})),
      truncated_events: false,
      error: null
    });
    assertLinearTime(trace, (raw) => renderLdb(parseTrace(raw)!), {start: 64, doublings: 8, budgetMs: 2000});
  });

  it("Python string lists in dataset rows (TACO tags)", () => {
    for (const make of [(n: number) => `'${'"'.repeat(n)}`, (n: number) => `"'\\`.repeat(n), (n: number) => `'${"\\'".repeat(n)}`]) {
      assertLinearTime(make, pythonStringList, {start: 256, doublings: 8, budgetMs: 2000});
    }
  });

  it("Python string lists: the scanner finds what the original regex found", () => {
    const reference = (text: string) => [...text.matchAll(/'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"/g)].map((m) => (m[1] ?? m[2])!.replace(/\\(.)/g, "$1"));
    const alphabet = ["'", '"', "\\", "a", ",", " ", "[", "]", "\n"];
    const rng = new Rng(7);
    for (let i = 0; i < 20_000; i++) {
      let text = "";
      const length = rng.nextUint32() % 16;
      for (let j = 0; j < length; j++) text += alphabet[rng.nextUint32() % alphabet.length];
      expect(pythonStringList(text), JSON.stringify(text)).toEqual(reference(text));
    }
  });

  it("problem JSONL files: many lines and one long line", () => {
    const row = (statement: string, id: string) =>
      JSON.stringify({id, dataset: "t", io_mode: "stdio", description: statement, public_tests: [], private_tests: []});
    assertLinearTime((n) => Array.from({length: n}, (_, i) => row("x", `p${i}`)).join("\n"), (text) => parseProblemsJsonl(text, "f.jsonl"), {start: 16, doublings: 8, budgetMs: 3000});
    assertLinearTime((n) => row(" ".repeat(n * 64) + "x", "p"), (text) => parseProblemsJsonl(text, "f.jsonl"), {start: 16, doublings: 8, budgetMs: 3000});
  });

  it("the head of an oversize reply is decoded in linear time", () => {
    for (const make of [(n: number) => `{"content":"${"\\u00e9\\n".repeat(n)}`, (n: number) => `${'"content"'.repeat(n)}`, (n: number) => `{"content":"${"\\".repeat(n)}`]) {
      assertLinearTime(make, contentHead, {start: 256, doublings: 7, budgetMs: 2000});
    }
  });

  it("terminal escaping of untrusted output is linear-time", () => {
    assertLinearTime((n) => "\u001b[2J\u009b\u202e\r\n".repeat(n), (text) => terminalBlock(escapeControls(text), 1 << 30), {start: 256, doublings: 6, budgetMs: 2000});
  });

  it("HTTP error bodies are redacted in linear time", () => {
    const secret = "sk-0123456789abcdef";
    assertLinearTime((n) => `${"sk-0123".repeat(n)} ${"a".repeat(n * 8)}`, (body) => redact(body, secret), {start: 64, doublings: 8, budgetMs: 3000});
  });
});
