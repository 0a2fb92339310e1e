// The demo profile's stand-in for the evaluation set (TACO test in the paper profile): planted problems with known answers.
import {mulberry32} from "../metrics/prng.ts";
import type {Problem, TestCase} from "../datasets/index.ts";
import {normaliseDifficulty} from "../datasets/index.ts";
import {RftError} from "./conversation.ts";

/**
 * Why planted: the demo benchmark is the training split of the demo profile, and no real evaluation set is
 * available offline. So the stand-in is five problems whose status is known in advance:
 * - two rewrites of demo problems with the same task and tests: true duplicates that decontamination should
 *   flag and cross-testing confirm, so their demo problems are removed. One is light (the same sentences with
 *   new nouns and variable names, as a re-posted problem looks), one heavy (new story and wording): a
 *   sentence-embedding model should catch both; the lexical stand-in catches only the light one, and the page
 *   shows that miss rather than hiding it;
 * - one look-alike that reuses a demo problem's story but asks for something else (different answers): it
 *   should be flagged and then cleared by cross-testing, so its demo problem is kept;
 * - two unrelated problems that must not be flagged.
 */
export const DEMO_EVAL_NAME = "planted stand-in (2 rewrites of demo problems, 1 look-alike, 2 unrelated)";

export interface PlantedTruth {
  id: string;
  /** The demo problem it copies or imitates, if any. */
  of: string | null;
  expect: "removed" | "kept";
  why: string;
}

export const DEMO_EVAL_TRUTH: readonly PlantedTruth[] = [
  {id: "planted-rare-coins", of: "demo-005-unique-stamps", expect: "removed", why: "light rewrite (re-posted problem): new nouns and variable names, same sentences, task and tests"},
  {id: "planted-village-roads", of: "demo-017-guild-merges", expect: "removed", why: "heavy rewrite: new story, wording and names, same task and tests"},
  {id: "planted-calm-blocks-count", of: "demo-002-calm-stretch", expect: "kept", why: "look-alike: same story, counts maximal calm blocks instead of the longest"},
  {id: "planted-digit-sum", of: null, expect: "kept", why: "unrelated"},
  {id: "planted-word-order", of: null, expect: "kept", why: "unrelated"}
];

function examples(tests: TestCase[]): string {
  return "Examples\n\n" + tests.map((t) => `Input\n\n${t.input.trimEnd()}\n\nOutput\n\n${t.output.trimEnd()}`).join("\n\n");
}

function planted(id: string, statement: string, tests: Problem["tests"], level: string, solutions: string[], limits: {timeLimitS: number | null; memoryLimitBytes: number | null}): Problem {
  return {
    dataset: "rft-demo-eval",
    id,
    split: "eval-stand-in",
    name: id,
    url: null,
    statement: `${statement}\n\n${examples(tests.public)}`,
    ioMode: "stdio",
    fnName: null,
    starterCode: null,
    tests,
    timeLimitS: limits.timeLimitS,
    memoryLimitBytes: limits.memoryLimitBytes,
    difficulty: normaliseDifficulty({level, tags: []}),
    multipleAnswersSuspected: false,
    solutions: solutions.map((code) => ({code, language: "PYTHON3", label: "correct" as const, recordedVerdict: null, recordedFailedTest: null, note: null})),
    origin: {repo: "reprompt", path: "loaders/rft/demoEval.ts", note: "planted evaluation stand-in for the demo RFT build"}
  };
}

const RARE_COINS = `Mira has inherited a tin full of old coins from her aunt. Every coin carries a mint code, and coins of the same issue share the same code. Mira considers a coin a true rarity if no other coin in the tin has the same mint code.

Count how many coins in the tin are true rarities.

Input

The first line contains an integer m (1 ≤ m ≤ 2·10^5) — the number of coins.

The second line contains m integers a_1, a_2, ..., a_m (1 ≤ a_i ≤ 10^9) — the mint codes.

Output

Print one integer — the number of mint codes that occur exactly once.`;

const VILLAGES = `A valley has k villages, numbered from 1 to k. At first there are no roads, so each village is a region on its own. Then r roads are built, one after another. A road between villages x and y joins the region of x and the region of y into a single region; when x and y are already in the same region nothing changes.

Right after each road is opened, the valley's surveyor reports how many villages the most populous region contains. Produce the surveyor's reports.

Input

The first line holds two integers k and r (1 ≤ k, r ≤ 2·10^5).

Each of the following r lines holds two integers x and y (1 ≤ x, y ≤ k), the villages linked by the road. x and y may be equal.

Output

Output r lines: the j-th of them is the number of villages in the largest region after the j-th road has been built.`;

const CALM_COUNT = `The weather station on Kestrel Island recorded the noon temperature for n consecutive days: t_1, t_2, ..., t_n. The islanders call a block of consecutive days calm if, inside the block, the temperatures of every two neighbouring days differ by at most d degrees (in either direction). A calm block is maximal if adding the day just before it or just after it would make it not calm (or there is no such day).

Every day belongs to exactly one maximal calm block. Count the maximal calm blocks.

Input

The first line contains two integers n and d (1 ≤ n ≤ 2·10^5, 0 ≤ d ≤ 10^9).

The second line contains n integers t_1, t_2, ..., t_n (−10^9 ≤ t_i ≤ 10^9).

Output

Print one integer — the number of maximal calm blocks.`;

const DIGIT_SUM = `A receipt printer prints a single non-negative integer N that can have up to 10^5 digits. The shop wants a checksum: the sum of the decimal digits of N.

Input

One line with the integer N, without leading zeros (N = 0 is written as 0).

Output

Print the sum of the digits of N.`;

const WORD_ORDER = `A poet writes one line of lowercase words separated by one or more spaces and asks you to read it backwards word by word.

Input

One line of at most 10^5 characters: lowercase words separated by spaces, possibly with extra spaces at the start or the end. There is at least one word.

Output

Print the words in reverse order, separated by single spaces.`;

function calmTest(d: number, t: number[]): TestCase {
  let blocks = 1;
  for (let i = 1; i < t.length; i++) if (Math.abs(t[i]! - t[i - 1]!) > d) blocks++;
  return {input: `${t.length} ${d}\n${t.join(" ")}\n`, output: `${blocks}\n`};
}

function digitTest(n: string): TestCase {
  return {input: `${n}\n`, output: `${[...n].reduce((s, c) => s + Number(c), 0)}\n`};
}

function wordTest(line: string): TestCase {
  return {input: `${line}\n`, output: `${line.trim().split(/ +/).reverse().join(" ")}\n`};
}

/** The stand-in set, built from the demo problems it rewrites (their tests are reused, not copied into code). */
export function demoEvalProblems(demo: readonly Problem[]): Problem[] {
  const byId = (id: string) => {
    const found = demo.find((p) => p.id === id);
    if (!found) throw new RftError(`the demo evaluation stand-in needs demo problem ${id}, which is not in the demo benchmark`);
    return found;
  };
  const stamps = byId("demo-005-unique-stamps");
  const guilds = byId("demo-017-guild-merges");
  const random = mulberry32(2024);
  const big = Array.from({length: 200_000}, (_, i) => (i * 7919) % 13);
  const small = Array.from({length: 25}, () => Math.floor(random() * 21) - 10);
  const calmTests = [
    calmTest(1, [1, 2, 3, 4, 10, 20, 21]),
    calmTest(0, [5]),
    calmTest(0, [3, 3, 3, 3, 3]),
    calmTest(3, [0, 10, 0, 10, 0, 10]),
    calmTest(1_000_000_000, [-1_000_000_000, 1_000_000_000, 0, 5]),
    calmTest(5, small),
    calmTest(4, big)
  ];
  const longDigits = Array.from({length: 100_000}, (_, i) => (i === 0 ? 1 + Math.floor(random() * 9) : Math.floor(random() * 10))).join("");
  const digitTests = ["123", "0", "7", "99", "1000000000000000000000", "5".repeat(1000), longDigits].map(digitTest);
  const wordTests = ["the quick brown fox", "a", "hello world", "  spaced   out words  ", "one two three four five six"].map(wordTest);
  const own = {timeLimitS: 2, memoryLimitBytes: 268_435_456};
  return [
    planted("planted-rare-coins", RARE_COINS, structuredClone(stamps.tests), "EASY", [], stamps),
    planted("planted-village-roads", VILLAGES, structuredClone(guilds.tests), "MEDIUM_HARD", [], guilds),
    planted(
      "planted-calm-blocks-count",
      CALM_COUNT,
      {public: calmTests.slice(0, 1), private: calmTests.slice(1), generated: []},
      "EASY",
      ["import sys\nd = sys.stdin.read().split()\nn, k = int(d[0]), int(d[1])\nt = list(map(int, d[2:2 + n]))\nprint(1 + sum(1 for i in range(1, n) if abs(t[i] - t[i - 1]) > k))\n"],
      own
    ),
    planted("planted-digit-sum", DIGIT_SUM, {public: digitTests.slice(0, 1), private: digitTests.slice(1), generated: []}, "EASY", ["print(sum(map(int, input().strip())))\n"], own),
    planted("planted-word-order", WORD_ORDER, {public: wordTests.slice(0, 1), private: wordTests.slice(1), generated: []}, "EASY", ["print(' '.join(input().split()[::-1]))\n"], own)
  ];
}
