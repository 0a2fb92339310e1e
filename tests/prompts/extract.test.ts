// Code extraction from realistic model replies, and the non-code text left around the code.
import {describe, expect, it} from "vitest";
import {extractCode, fencedBlocks, isBareCode, nonCodeText, type ExtractionMethod} from "../../loaders/prompts/index.ts";

const F = "```";

interface Case {
  name: string;
  reply: string;
  code: string | null;
  method: ExtractionMethod;
}

const CASES: Case[] = [
  {
    name: "prose then one python block",
    reply: `Here is my solution. We sum the numbers.\n\n${F}python\nn = int(input())\nprint(sum(map(int, input().split())))\n${F}\n\nThis runs in O(n).`,
    code: "n = int(input())\nprint(sum(map(int, input().split())))\n",
    method: "fenced-python"
  },
  {
    name: "several python blocks: the last one wins (weak-then-better)",
    reply: `Brute force:\n${F}python\nprint(slow())\n${F}\nIts weakness is O(n^2). Better:\n${F}python\nprint(fast())\n${F}\n`,
    code: "print(fast())\n",
    method: "fenced-python"
  },
  {
    name: "a later non-python output example does not hide the last python block",
    reply: `${F}python\nprint(42)\n${F}\n\nFor the sample the program prints:\n${F}text\n42\n${F}\n`,
    code: "print(42)\n",
    method: "fenced-python"
  },
  {
    name: "```text output example before the python block",
    reply: `Expected output for example 1:\n${F}text\n3\n1 2 3\n${F}\nCode:\n${F}python\nprint(3)\nprint(1, 2, 3)\n${F}`,
    code: "print(3)\nprint(1, 2, 3)\n",
    method: "fenced-python"
  },
  {
    name: "py tag",
    reply: `Solution:\n${F}py\nimport sys\nprint(len(sys.stdin.read().split()))\n${F}`,
    code: "import sys\nprint(len(sys.stdin.read().split()))\n",
    method: "fenced-python"
  },
  {
    name: "Python3 tag with an info string",
    reply: `${F}Python3 title="solution.py"\ndef main():\n    print(1)\n\nmain()\n${F}`,
    code: "def main():\n    print(1)\n\nmain()\n",
    method: "fenced-python"
  },
  {
    name: "~~~ fences",
    reply: `Answer:\n~~~python\nx = int(input())\nprint(x * 2)\n~~~\n`,
    code: "x = int(input())\nprint(x * 2)\n",
    method: "fenced-python"
  },
  {
    name: "CRLF line ends",
    reply: `Code:\r\n${F}python\r\na, b = map(int, input().split())\r\nprint(a + b)\r\n${F}\r\n`,
    code: "a, b = map(int, input().split())\nprint(a + b)\n",
    method: "fenced-python"
  },
  {
    name: "fence indented inside a numbered list",
    reply: `1. Read input.\n2. Final code:\n\n   ${F}python\n   def solve():\n       return 1\n   print(solve())\n   ${F}\n`,
    code: "def solve():\n    return 1\nprint(solve())\n",
    method: "fenced-python"
  },
  {
    name: "empty python block is skipped in favour of the earlier one",
    reply: `${F}python\nprint('ok')\n${F}\n\n${F}python\n\n${F}\n`,
    code: "print('ok')\n",
    method: "fenced-python"
  },
  {
    name: "untagged block that looks like python",
    reply: `Here you go:\n${F}\nimport sys\nfor line in sys.stdin:\n    print(line.strip()[::-1])\n${F}`,
    code: "import sys\nfor line in sys.stdin:\n    print(line.strip()[::-1])\n",
    method: "fenced-any"
  },
  {
    name: "untagged sample output block is not code",
    reply: `The answer for the sample is\n${F}\n3\n${F}\nbecause 1 + 2 = 3.`,
    code: null,
    method: "none"
  },
  {
    name: "C++ answer is not taken as Python",
    reply: `${F}cpp\n#include <bits/stdc++.h>\nclass A {};\nint main() { return 0; }\n${F}`,
    code: null,
    method: "none"
  },
  {
    name: "unterminated final fence (ran out of tokens)",
    reply: `Let me write it.\n\n${F}python\nn = int(input())\nfor i in range(n):\n    print(i`,
    code: "n = int(input())\nfor i in range(n):\n    print(i\n",
    method: "unterminated-fence"
  },
  {
    name: "a complete python block beats a truncated rewrite after it",
    reply: `${F}python\nprint(1)\n${F}\nActually, a cleaner version:\n${F}python\nprint(`,
    code: "print(1)\n",
    method: "fenced-python"
  },
  {
    name: "missing closing fence before the next python block",
    reply: `${F}python\nprint('draft')\n${F}python\nprint('final')\n${F}\n`,
    code: "print('final')\n",
    method: "fenced-python"
  },
  {
    name: "bare code, no prose",
    reply: `import sys\n\ndef main():\n    """Read n; print n squared."""\n    n = int(sys.stdin.readline())\n    print(n * n)\n\nif __name__ == "__main__":\n    main()\n`,
    code: `import sys\n\ndef main():\n    """Read n; print n squared."""\n    n = int(sys.stdin.readline())\n    print(n * n)\n\nif __name__ == "__main__":\n    main()\n`,
    method: "bare-code"
  },
  {
    name: "bare function-mode answer",
    reply: `class Solution:\n    def checkPerfectNumber(self, num: int) -> bool:\n        return num in (6, 28, 496, 8128, 33550336)`,
    code: `class Solution:\n    def checkPerfectNumber(self, num: int) -> bool:\n        return num in (6, 28, 496, 8128, 33550336)\n`,
    method: "bare-code"
  },
  {
    name: "unfenced code with a line of prose is not bare code",
    reply: `Here is the code:\nn = int(input())\nprint(n)`,
    code: null,
    method: "none"
  },
  {
    name: "reasoning only, no code",
    reply: `The problem asks for the sum of pairs. Tags: math, combinatorics. Edge cases: n = 1, where no pair exists, so print 0.`,
    code: null,
    method: "none"
  },
  {
    name: "empty reply",
    reply: "",
    code: null,
    method: "none"
  }
];

describe("extractCode", () => {
  it.each(CASES)("$name", ({reply, code, method}) => {
    expect(extractCode(reply)).toEqual({code, method});
  });

  it("covers at least 15 realistic replies", () => {
    expect(CASES.length).toBeGreaterThanOrEqual(15);
  });

  it("does not treat inline triple backticks in prose as a fence", () => {
    expect(fencedBlocks("Wrap code in ```python``` blocks, e.g. this sentence.")).toEqual([]);
  });

  it("closes a fence only with the same character and at least the same length", () => {
    const reply = `~~~~python\nprint("${F}")\n${F}\n~~~\nprint(2)\n~~~~\n`;
    expect(extractCode(reply).code).toBe(`print("${F}")\n${F}\n~~~\nprint(2)\n`);
  });

  it("keeps C-like untagged code out of the python fallbacks", () => {
    expect(isBareCode("int main() {\n  return 0;\n}")).toBe(false);
    expect(extractCode(`${F}\npublic static void main(String[] a) { System.out.println(1); }\n${F}`).method).toBe("none");
  });
});

describe("nonCodeText", () => {
  it("drops every fenced block with its fences", () => {
    const reply = `Intro.\n${F}text\n3\n${F}\nMiddle.\n${F}python\nprint(3)\n${F}\nEnd.`;
    expect(nonCodeText(reply)).toBe("Intro.\nMiddle.\nEnd.");
  });

  it("drops an unterminated block to the end, normalises CRLF, and gives '' for bare code", () => {
    expect(nonCodeText(`Plan:\r\n${F}python\r\nprint(`)).toBe("Plan:");
    expect(nonCodeText("import sys\nprint(sys.argv)")).toBe("");
    expect(nonCodeText("Just prose.")).toBe("Just prose.");
  });
});
