import {mkdirSync} from "node:fs";
import {join} from "node:path";
import {DuckDBInstance} from "@duckdb/node-api";
import {describe, expect, it} from "vitest";
import {parseConfig} from "../../loaders/config/index.ts";
import {DatasetReadError, loadSourceReport, parseMemoryLimit, parseTimeLimit, readTaco} from "../../loaders/datasets/index.ts";
import {tempDir} from "../helpers/tmp.ts";

// Fixtures follow BAAI/TACO's Parquet layout (config ALL): every column a string, JSON and Python literals inside strings.
const COLUMNS = [
  "question", "solutions", "starter_code", "input_output", "difficulty", "raw_tags", "name", "source", "tags", "skill_types",
  "url", "Expected Auxiliary Space", "time_limit", "date", "picture_num", "memory_limit", "Expected Time Complexity"
];
const q = (s: string | null) => (s === null ? "NULL::VARCHAR" : `'${s.replaceAll("'", "''")}'`);

type Row = Record<string, string | null>;

function row(overrides: Row): Row {
  return {
    question: "Add two numbers.",
    solutions: JSON.stringify(["a, b = map(int, input().split())\nprint(a + b)"]),
    starter_code: "",
    input_output: JSON.stringify({inputs: ["1 2\n"], outputs: ["3\n"]}),
    difficulty: "EASY",
    raw_tags: "['math']",
    name: "A plus B",
    source: "codeforces",
    tags: "['Mathematics']",
    skill_types: "[]",
    url: "https://codeforces.com/problemset/problem/1/A",
    "Expected Auxiliary Space": null,
    time_limit: "1 second",
    date: "2020-10-04",
    picture_num: "0",
    memory_limit: "256 megabytes",
    "Expected Time Complexity": null,
    ...overrides
  };
}

async function writeParquet(path: string, rows: Row[], drop: string[] = []): Promise<string> {
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  const columns = COLUMNS.filter((c) => !drop.includes(c));
  const selects = rows.map((r) => `SELECT ${columns.map((c) => `${q(r[c] ?? null)} AS "${c}"`).join(", ")}`);
  await connection.run(`COPY (${selects.join(" UNION ALL ")}) TO ${q(path)} (FORMAT parquet)`);
  connection.closeSync();
  instance.closeSync();
  return path;
}

const dir = tempDir();

const rows = [
  row({
    name: "Sums",
    input_output: JSON.stringify({inputs: ["1 2\n", "3 4\n", "5 6\n"], outputs: ["3\n", "7\n", "11\n"]}),
    solutions: JSON.stringify(["print(1)", "print(2)", "print(3)"]),
    difficulty: "MEDIUM_HARD",
    tags: "['Sorting', 'Greedy algorithms']",
    time_limit: "2 seconds",
    memory_limit: "256 megabytes"
  }),
  row({
    name: null,
    url: "https://www.codewars.com/kata/add",
    source: "codewars",
    input_output: JSON.stringify({fn_name: "add", inputs: [[1, 2], [3, 4], [[5], {"6": 7}]], outputs: [[3], [7], 12]}),
    starter_code: "def add(a, b):\n\t",
    difficulty: "EASY",
    tags: "[]",
    time_limit: null,
    memory_limit: null,
    picture_num: "2"
  }),
  row({name: "No tests", input_output: ""}),
  row({
    name: "Lines",
    input_output: JSON.stringify({inputs: [["3", "1 2 3"]], outputs: [["6"]]}),
    difficulty: "UNKNOWN_DIFFICULTY",
    solutions: "",
    time_limit: "1 second",
    memory_limit: "512 megabytes"
  })
];

describe("TACO Parquet reader", () => {
  it("maps stdio and call-based problems: first test public, the rest private", async () => {
    const file = await writeParquet(join(dir, "test-00000-of-00001.parquet"), rows);
    const {problems, skipped, flagged} = await readTaco({path: file, split: "test"});
    expect(skipped).toEqual({no_tests: 1});
    expect(flagged).toEqual({statement_has_pictures: 1});
    expect(problems.map((p) => p.id)).toEqual(["test-0", "test-1", "test-3"]);
    const [stdio, call, lines] = problems;

    expect(stdio).toMatchObject({dataset: "TACO", split: "test", name: "Sums", ioMode: "stdio", fnName: null, starterCode: null, timeLimitS: 2, memoryLimitBytes: 256 * 2 ** 20});
    expect(stdio.tests).toEqual({
      public: [{input: "1 2\n", output: "3\n"}],
      private: [{input: "3 4\n", output: "7\n"}, {input: "5 6\n", output: "11\n"}],
      generated: []
    });
    expect(stdio.solutions.map((s) => [s.label, s.code, s.language])).toEqual([["correct", "print(1)", "PYTHON3"], ["correct", "print(2)", "PYTHON3"], ["correct", "print(3)", "PYTHON3"]]);
    expect(stdio.difficulty).toMatchObject({label: "MEDIUM_HARD", level: "MEDIUM_HARD", tags: ["Sorting", "Greedy algorithms"]});

    // Call-based: input is the JSON argument list; output is kept exactly as TACO gives it, list-wrapped or not.
    expect(call).toMatchObject({name: null, ioMode: "function", fnName: "add", starterCode: "def add(a, b):\n\t", timeLimitS: null, memoryLimitBytes: null});
    expect(call.tests.public).toEqual([{input: "[1,2]", output: "[3]"}]);
    expect(call.tests.private).toEqual([{input: "[3,4]", output: "[7]"}, {input: '[[5],{"6":7}]', output: "12"}]);
    expect(call.difficulty).toMatchObject({label: "EASY", level: "EASY"});
    expect(call.origin).toMatchObject({file: "test-00000-of-00001.parquet", row: 1, source: "codewars", pictures: 2});

    // Stdio lists of lines are joined as TACO's checker does; a single test is the public one.
    expect(lines.tests).toEqual({public: [{input: "3\n1 2 3", output: "6"}], private: [], generated: []});
    expect(lines).toMatchObject({solutions: [], timeLimitS: 1, memoryLimitBytes: 512 * 2 ** 20});
    expect(lines.difficulty).toMatchObject({label: "UNKNOWN_DIFFICULTY", level: null});
  });

  it("filters difficulties (counted) while ids keep their place in the split", async () => {
    const file = await writeParquet(join(dir, "filtered.parquet"), rows);
    const {problems, skipped} = await readTaco({path: file, split: "test", difficulties: ["EASY"]});
    expect(problems.map((p) => p.id)).toEqual(["test-1"]);
    expect(skipped).toEqual({not_in_difficulties: 2, no_tests: 1});
  });

  it("numbers rows across shards in path order, and honours limit and the solution cap", async () => {
    const shards = join(dir, "shards");
    mkdirSync(shards);
    await writeParquet(join(shards, "train-00000-of-00002.parquet"), [rows[0], rows[1]]);
    await writeParquet(join(shards, "train-00001-of-00002.parquet"), [rows[3]]);
    const all = await readTaco({path: join(shards, "train-*.parquet"), split: "train", maxSolutionsPerLabel: 2});
    expect(all.problems.map((p) => p.id)).toEqual(["train-0", "train-1", "train-2"]);
    expect(all.problems[0].solutions.map((s) => s.code)).toEqual(["print(1)", "print(2)"]);
    expect(all.problems[0].origin).toMatchObject({solutions: {kept: 2, total: 3}});
    const limited = await readTaco({path: join(shards, "train-*.parquet"), split: "train", limit: 1});
    expect(limited.problems.map((p) => p.id)).toEqual(["train-0"]);
  });

  it("treats malformed JSON as an error naming the dataset, file, row, problem and field", async () => {
    const file = await writeParquet(join(dir, "bad.parquet"), [rows[0], row({name: "Broken", input_output: '{"inputs": ["1\\n"'})]);
    const attempt = readTaco({path: file, split: "test"});
    await expect(attempt).rejects.toThrow(DatasetReadError);
    await expect(readTaco({path: file, split: "test"})).rejects.toThrow(/^TACO: .*bad\.parquet: row 1 \("Broken"\): field `input_output`: not valid JSON/);

    const badSolutions = await writeParquet(join(dir, "bad-solutions.parquet"), [row({name: "Sols", solutions: "['print(1)']"})]);
    await expect(readTaco({path: badSolutions, split: "test"})).rejects.toThrow(/row 0 \("Sols"\): field `solutions`: not valid JSON/);
    const uneven = await writeParquet(join(dir, "uneven.parquet"), [row({name: "Uneven", input_output: JSON.stringify({inputs: ["1"], outputs: []})})]);
    await expect(readTaco({path: uneven, split: "test"})).rejects.toThrow(/row 0 \("Uneven"\): field `input_output`: 1 inputs but 0 outputs/);
  });

  it("can count bad rows instead, when asked", async () => {
    const file = join(dir, "bad.parquet");
    const {problems, skipped} = await readTaco({path: file, split: "test", skipBadRows: true});
    expect(problems.map((p) => p.id)).toEqual(["test-0"]);
    expect(skipped).toEqual({malformed_input_output: 1});
  });

  it("names the dataset, file and column when a column is missing", async () => {
    const file = await writeParquet(join(dir, "no-io.parquet"), [rows[0]], ["input_output"]);
    await expect(readTaco({path: file, split: "test"})).rejects.toThrow(/^TACO: .*no-io\.parquet: missing column `input_output`/);
  });

  it("fails fast on an hf:// path it cannot reach, saying how to download the files", async () => {
    const started = Date.now();
    await expect(readTaco({path: "hf://datasets/BAAI/TACO/ALL/no-such-split-*.parquet", split: "test"})).rejects.toThrow(
      /huggingface-cli download BAAI\/TACO --repo-type dataset --include 'ALL\/test-\*' --local-dir/
    );
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it("parses TACO's limit strings, or gives null", () => {
    expect([parseTimeLimit("2 seconds"), parseTimeLimit("1 second"), parseTimeLimit("0.5 seconds"), parseTimeLimit("1500 milliseconds")]).toEqual([2, 1, 0.5, 1.5]);
    expect([parseTimeLimit(null), parseTimeLimit(""), parseTimeLimit("unlimited"), parseTimeLimit("0 seconds")]).toEqual([null, null, null, null]);
    expect([parseMemoryLimit("256 megabytes"), parseMemoryLimit("64 MB"), parseMemoryLimit(null), parseMemoryLimit("lots")]).toEqual([268435456, 64 * 2 ** 20, null, null]);
  });

  it("is a configurable source with optional difficulties", async () => {
    const file = join(dir, "test-00000-of-00001.parquet");
    const config = parseConfig({datasets: [{kind: "taco", name: "taco-hard", path: file, split: "test", difficulties: ["MEDIUM_HARD"]}]}, "c.js");
    const load = await loadSourceReport(config.datasets[0]);
    expect(load.problems.map((p) => p.id)).toEqual(["test-0"]);
    expect(() => parseConfig({datasets: [{kind: "taco", name: "t", path: file, split: "test", difficulties: ["EASYISH"]}]}, "c.js")).toThrow(
      /c\.js: datasets\[0\]\.difficulties\[0\]: /
    );
    expect(() => parseConfig({datasets: [{kind: "apps", name: "t", path: file}]}, "c.js")).toThrow(/c\.js: datasets\[0\]\.kind: /);
  });
});
