// The figures' SQL path (aggregates in DuckDB) gives the same tables as the JS path it replaced (kept in
// ./reference as the reference implementation) on the demo profile, run into a fresh store.
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {DuckDBInstance} from "@duckdb/node-api";
import {calibrationTable} from "../../loaders/figures/calibration.ts";
import {explorerParquet} from "../../loaders/figures/explorer.ts";
import {cotRetryTable, feedbackGranularityTable, multiVsSingleTable} from "../../loaders/figures/multiTurn.ts";
import {cotSizeDifficultyTable, singleTurnGridTable} from "../../loaders/figures/singleTurnGrid.ts";
import {sqlString} from "../../loaders/store/index.ts";
import {tempDir} from "../helpers/tmp.ts";
import * as reference from "./reference/index.ts";
import {writeFileSync} from "node:fs";
import {join} from "node:path";

const dir = tempDir("reprompt-figures-sql-");
const previous = process.env.REPROMPT_STORE;
beforeAll(() => {
  process.env.REPROMPT_STORE = join(dir, "store");
});
afterAll(() => {
  if (previous === undefined) delete process.env.REPROMPT_STORE;
  else process.env.REPROMPT_STORE = previous;
});

/** A run record's finish time is the time of the call that returned it; everything else must match. */
function comparable<T extends {provenance?: {finishedAt?: string; sandbox?: string}}>(table: T): T {
  return {...table, ...(table.provenance ? {provenance: {...table.provenance, finishedAt: "(call time)", sandbox: "(call)"}} : {})};
}

async function parquetRows(bytes: Buffer): Promise<unknown[]> {
  const file = join(dir, `t-${Math.random().toString(36).slice(2)}.parquet`);
  writeFileSync(file, bytes);
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    return (await connection.runAndReadAll(`SELECT * FROM read_parquet(${sqlString(file)})`)).getRowObjectsJson();
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

describe("figures over SQL equal the JS reference on the demo profile", () => {
  const tables = [
    ["single-turn grid", () => singleTurnGridTable("demo"), () => reference.singleTurnGridTable("demo")],
    ["CoT by size and difficulty", () => cotSizeDifficultyTable("demo"), () => reference.cotSizeDifficultyTable("demo")],
    // The page's missing-profile note (status, explorer inputs) is not part of the JS reference's table.
    ["calibration", async () => {
      const table = await calibrationTable("demo");
      if (table.status !== "ok") throw new Error(`calibration: ${table.status}`);
      const {status: _status, explorer: _explorer, ...rest} = table;
      return rest;
    }, () => reference.calibrationTable("demo")],
    ["multi vs single", () => multiVsSingleTable("demo"), () => reference.multiVsSingleTable("demo")],
    ["feedback granularity", () => feedbackGranularityTable("demo"), () => reference.feedbackGranularityTable("demo")],
    ["CoT-retry", () => cotRetryTable("demo"), () => reference.cotRetryTable("demo")]
  ] as const;
  for (const [name, sql, js] of tables) {
    it(name, async () => {
      const ours = await sql();
      const theirs = await js();
      expect(comparable(ours as never)).toEqual(comparable(theirs as never));
      // Not vacuous: the table has rows with numbers in them.
      expect(JSON.stringify(ours)).toMatch(/"(value|mean|gain|difference)":0\.\d/);
    }, 600_000);
  }

  it("trajectory explorer", async () => {
    const ours = await parquetRows(await explorerParquet(undefined, "demo"));
    const theirs = await reference.explorerRows(undefined, "demo");
    expect(ours.length).toBeGreaterThan(0);
    expect(ours).toEqual(await parquetRows(await reference.rowsToParquet(theirs)));
  }, 600_000);
});
