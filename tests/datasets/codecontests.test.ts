import {join} from "node:path";
import {DuckDBInstance} from "@duckdb/node-api";
import {describe, expect, it} from "vitest";
import {parseConfig} from "../../loaders/config/index.ts";
import {DatasetReadError, loadSource, readCodeContests, type DatasetLoad, type DatasetSource} from "../../loaders/datasets/index.ts";
import {tempDir} from "../helpers/tmp.ts";

// Fixtures are written with DuckDB in the real dataset's column order and Parquet types (see loaders/datasets/codecontests.ts).
const q = (s: string) => `'${s.replaceAll("'", "''")}'`;
const strs = (xs: string[]) => `[${xs.map(q).join(", ")}]::VARCHAR[]`;
const tests = (input: string[], output: string[]) => `{'input': ${strs(input)}, 'output': ${strs(output)}}`;
const sols = (pairs: [number, string][]) =>
  `{'language': [${pairs.map(([l]) => l).join(", ")}]::BIGINT[], 'solution': ${strs(pairs.map(([, s]) => s))}}`;
const NO_TIME = "NULL::STRUCT(seconds BIGINT, nanos BIGINT)";
const time = (seconds: number, nanos: number) => `{'seconds': ${seconds}::BIGINT, 'nanos': ${nanos}::BIGINT}`;

type Row = Record<string, string>;

function row(overrides: Row): Row {
  return {
    name: q("1_A. Theatre Square"),
    description: q("Cover the square."),
    public_tests: tests(["6 6 4\n"], ["4\n"]),
    private_tests: tests([], []),
    generated_tests: tests([], []),
    source: "2::BIGINT",
    difficulty: "7::BIGINT",
    solutions: sols([]),
    incorrect_solutions: sols([]),
    cf_contest_id: "1::BIGINT",
    cf_index: q("A"),
    cf_points: "0.0::DOUBLE",
    cf_rating: "1000::BIGINT",
    cf_tags: strs(["math"]),
    is_description_translated: "false",
    untranslated_description: q(""),
    time_limit: time(1, 0),
    memory_limit_bytes: "256000000::BIGINT",
    input_file: q(""),
    output_file: q(""),
    ...overrides
  };
}

async function writeParquet(path: string, rows: Row[], drop: string[] = []): Promise<string> {
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  const selects = rows.map((r) => `SELECT ${Object.entries(r).filter(([c]) => !drop.includes(c)).map(([c, v]) => `${v} AS ${c}`).join(", ")}`);
  await connection.run(`COPY (${selects.join(" UNION ALL ")}) TO ${q(path)} (FORMAT parquet)`);
  connection.closeSync();
  instance.closeSync();
  return path;
}

const dir = tempDir();

const mainRows = [
  row({
    name: q("1548_E. Gregor and the Two Painters"),
    description: q("Two painters paint a grid."),
    public_tests: tests(["1\n"], ["2\n"]),
    private_tests: tests(["3\n", "4\n"], ["5\n", "6\n"]),
    generated_tests: tests(["7\n"], ["8\n"]),
    difficulty: "11::BIGINT",
    solutions: sols([[2, "int main(){}"], [3, "print(2)"], [1, "print 2"], [3, "print(1+1)"]]),
    incorrect_solutions: sols([[3, "print(3)"], [4, "class Main {}"], [3, "print(4)"]]),
    cf_contest_id: "1548::BIGINT",
    cf_index: q("E"),
    cf_rating: "2400::BIGINT",
    cf_tags: strs(["data structures", "divide and conquer"]),
    time_limit: time(2, 500_000_000),
    memory_limit_bytes: "256000000::BIGINT"
  }),
  row({name: q("120_F. Spiders"), input_file: q("input.txt"), output_file: q("output.txt")}),
  row({name: q("2_B. Nothing to run"), public_tests: tests([], [])}),
  row({
    name: q("p00001 List of Top 3 Hills"),
    source: "6::BIGINT",
    difficulty: "0::BIGINT",
    cf_contest_id: "0::BIGINT",
    cf_index: q(""),
    cf_rating: "0::BIGINT",
    cf_tags: strs([]),
    time_limit: time(0, 0),
    memory_limit_bytes: "0::BIGINT"
  }),
  row({name: q("brcktsrm"), source: "1::BIGINT", difficulty: "1::BIGINT", cf_contest_id: "0::BIGINT", cf_index: q(""), cf_rating: "0::BIGINT", time_limit: NO_TIME})
];

describe("CodeContests Parquet reader", () => {
  it("maps a problem: tests by kind, Python 3 solutions by label, limits, difficulty, id and url", async () => {
    const file = await writeParquet(join(dir, "test-00000-of-00001.parquet"), mainRows);
    const {problems, skipped} = await readCodeContests({path: file, split: "test"});
    expect(skipped).toEqual({file_io: 1, no_tests: 1});
    expect(problems.map((p) => p.id)).toEqual(["1548_E", "p00001 List of Top 3 Hills", "brcktsrm"]);
    const [cf, aizu, codechef] = problems;
    expect(cf).toMatchObject({
      dataset: "CodeContests",
      split: "test",
      name: "1548_E. Gregor and the Two Painters",
      url: "https://codeforces.com/problemset/problem/1548/E",
      statement: "Two painters paint a grid.",
      ioMode: "stdio",
      fnName: null,
      timeLimitS: 2.5,
      memoryLimitBytes: 256000000
    });
    expect(cf.tests).toEqual({
      public: [{input: "1\n", output: "2\n"}],
      private: [{input: "3\n", output: "5\n"}, {input: "4\n", output: "6\n"}],
      generated: [{input: "7\n", output: "8\n"}]
    });
    expect(cf.solutions.map((s) => [s.label, s.code, s.language])).toEqual([
      ["correct", "print(2)", "PYTHON3"],
      ["correct", "print(1+1)", "PYTHON3"],
      ["incorrect", "print(3)", "PYTHON3"],
      ["incorrect", "print(4)", "PYTHON3"]
    ]);
    expect(cf.difficulty).toMatchObject({label: "rating 2400", level: null, rating: 2400, tags: ["data structures", "divide and conquer"]});
    expect(cf.origin).toMatchObject({file: "test-00000-of-00001.parquet", row: 0, source: "CODEFORCES", difficulty: {code: 11, name: "E"}});
    // No rating: the dataset's own grade is the label, never mapped onto TACO levels; zero limits mean "not given".
    expect(aizu).toMatchObject({url: null, timeLimitS: null, memoryLimitBytes: null, difficulty: {label: "unknown", rating: null}});
    expect(codechef).toMatchObject({timeLimitS: null, difficulty: {label: "CodeContests EASY", level: null}});
    expect(codechef.origin).toMatchObject({row: 4, source: "CODECHEF"});
  });

  it("caps solutions per label deterministically and stops at the problem limit", async () => {
    const file = await writeParquet(join(dir, "capped.parquet"), mainRows);
    const {problems} = await readCodeContests({path: file, split: "test", maxSolutionsPerLabel: 1, limit: 1});
    expect(problems).toHaveLength(1);
    expect(problems[0].solutions.map((s) => s.code)).toEqual(["print(2)", "print(3)"]);
    expect(problems[0].origin).toMatchObject({python3Solutions: {correct: {kept: 1, total: 2}, incorrect: {kept: 1, total: 2}}});
  });

  it("reads a glob of train shards in path order", async () => {
    const shards = join(dir, "shards");
    await import("node:fs").then((fs) => fs.mkdirSync(shards));
    await writeParquet(join(shards, "train-00001-of-00002.parquet"), [row({name: q("3_C. Second")})]);
    await writeParquet(join(shards, "train-00000-of-00002.parquet"), [row({name: q("3_B. First")})]);
    const {problems} = await readCodeContests({path: join(shards, "train-*.parquet"), split: "train"});
    expect(problems.map((p) => [p.id, p.split])).toEqual([["3_B", "train"], ["3_C", "train"]]);
  });

  it("names the dataset, file and column when a column is missing", async () => {
    const file = await writeParquet(join(dir, "no-input-file.parquet"), [row({})], ["input_file"]);
    await expect(readCodeContests({path: file, split: "test"})).rejects.toThrow(DatasetReadError);
    await expect(readCodeContests({path: file, split: "test"})).rejects.toThrow(/^CodeContests: .*no-input-file\.parquet: missing column `input_file`/);
  });

  it("names the row, problem and field when test lists do not pair up", async () => {
    const file = await writeParquet(join(dir, "unpaired.parquet"), [row({}), row({name: q("4_D. Odd"), private_tests: tests(["1\n", "2\n"], ["3\n"])})]);
    await expect(readCodeContests({path: file, split: "test"})).rejects.toThrow(
      /CodeContests: .*unpaired\.parquet: row 1 \("4_D\. Odd"\): field `private_tests`: 2 inputs but 1 outputs/
    );
  });

  it("says when nothing matches a local path", async () => {
    await expect(readCodeContests({path: join(dir, "nope-*.parquet"), split: "test"})).rejects.toThrow(/no file matches this path/);
    await expect(readCodeContests({path: join(dir, "nope.parquet"), split: "test"})).rejects.toThrow(/nope\.parquet: file not found/);
  });

  it("fails fast on an hf:// path it cannot reach, saying how to download the files", async () => {
    const started = Date.now();
    const attempt = readCodeContests({path: "hf://datasets/deepmind/code_contests/data/no-such-split-*.parquet", split: "test"});
    await expect(attempt).rejects.toThrow(/huggingface-cli download deepmind\/code_contests --repo-type dataset --include 'data\/test-\*' --local-dir/);
    expect(Date.now() - started).toBeLessThan(10_000);
    // Our own timeout bounds a network that does not answer at all.
    const timed = readCodeContests({path: "hf://datasets/deepmind/code_contests/data/test-*.parquet", split: "valid", remoteTimeoutMs: 1});
    await expect(timed).rejects.toThrow(/no answer within 1 ms[\s\S]*--include 'data\/valid-\*'/);
  });

  it("is a configurable source whose skips are reported, not silent", async () => {
    const file = await writeParquet(join(dir, "configured.parquet"), mainRows);
    const config = parseConfig({datasets: [{kind: "codecontests", name: "cc-test", path: file, split: "test", limit: 10}]}, "c.js");
    const reports: [DatasetSource, DatasetLoad][] = [];
    const problems = await loadSource(config.datasets[0], {report: (source, load) => reports.push([source, load])});
    // Two of the rows have public tests only: nothing hidden to judge a final program on, so they are skipped too.
    expect(problems.map((p) => p.id)).toEqual(["1548_E"]);
    expect(reports).toHaveLength(1);
    expect(reports[0][1].skipped).toEqual({file_io: 1, no_tests: 1, no_hidden_tests: 2});
    expect(() => parseConfig({datasets: [{kind: "codecontests", name: "cc", path: file}]}, "c.js")).toThrow(/c\.js: datasets\[0\]\.split: /);
  });
});
