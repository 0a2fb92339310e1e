// 25 shard processes (`reprompt run --shard i/25`) on one store against a fake OpenAI server: together they
// do the run exactly once, an unsharded run afterwards sends no request, and the figure equals that of an
// unsharded-only run on a fresh store.
import {createHash} from "node:crypto";
import {mkdirSync, writeFileSync} from "node:fs";
import {join} from "node:path";
import pLimit from "p-limit";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {STUDY_INSTRUCTION_GRID} from "../../loaders/prompts/index.ts";
import {startFakeOpenAI, type FakeChatBody, type FakeOpenAI} from "../helpers/fakeOpenAI.ts";
import {cliPath, finished, repoRoot, spawnTs} from "../helpers/node.ts";
import {tempDir} from "../helpers/tmp.ts";
import {MAX_CORRECT, MAX_WRONG, maxRow, SUM_CORRECT, SUM_WRONG, sumRow, writeProblems} from "../trajectories/fixtures.ts";

const SHARDS = 25;
const dir = tempDir("reprompt-shards-");
const experimentsDir = join(dir, "experiments");
// The figure loaders read experiments by name: this small profile stands in for multi-vs-single.
const EXPERIMENT = "multi-vs-single";
let fake: FakeOpenAI;

/** Right or wrong code for the problem in the conversation; which one depends on the seed and the turn. */
function reply(body: FakeChatBody, _choice: number, seed: number): string {
  const users = (body.messages ?? []).filter((m) => m.role === "user");
  const isSum = users[0]?.content.includes("TASK-SUM") ?? false;
  const right = createHash("sha256").update(`${seed}:${users.length}`).digest()[0]! % 3 === 0;
  const code = isSum ? (right ? SUM_CORRECT : SUM_WRONG) : right ? MAX_CORRECT : MAX_WRONG;
  return `Attempt ${users.length}.\n\n\`\`\`python\n${code}\`\`\`\n`;
}

/** Completions the server handed out (a request with n = 4 hands out 4). */
const completionsServed = () => fake.chatRequests().reduce((sum, r) => sum + (typeof r.body?.n === "number" ? r.body.n : 1), 0);

function env(store: string): NodeJS.ProcessEnv {
  return {...process.env, REPROMPT_STORE: store, REPROMPT_CONFIG: join(dir, "reprompt.config.mjs"), REPROMPT_EXPERIMENTS: experimentsDir, CI: process.env.CI ?? ""};
}

async function reprompt(args: string[], store: string) {
  const result = await finished(spawnTs(cliPath(), args, {env: env(store)}));
  if (result.code !== 0) throw new Error(`reprompt ${args.join(" ")} exited ${result.code}: ${result.stderr}`);
  return result;
}

beforeAll(async () => {
  fake = await startFakeOpenAI({text: reply});
  const problems = writeProblems(dir, [sumRow(), maxRow()]);
  writeFileSync(
    join(dir, "reprompt.config.mjs"),
    `export default ${JSON.stringify({datasets: [{kind: "jsonl", name: "t", path: problems}], models: [{name: "m", backend: "openai", baseURL: fake.baseURL, model: "fake-model", maxRetries: 0}]})};\n`
  );
  mkdirSync(experimentsDir, {recursive: true});
  // Different first prompts for the two strategies, so no two shards ever need the same completion.
  const profile = {
    problems: {source: "t"},
    models: ["m"],
    strategies: [{kind: "single", instruction: STUDY_INSTRUCTION_GRID[0]}, {kind: "multi", feedback: "binary", maxTurns: 2}],
    samples: 6,
    nk: [[1, 2], [2, 4]]
  };
  writeFileSync(join(experimentsDir, `${EXPERIMENT}.ts`), `export default ${JSON.stringify({name: EXPERIMENT, title: "Shard test", figure: EXPERIMENT, profiles: {p: profile}})};\n`);
}, 60_000);
afterAll(() => fake?.close());

describe("sharded runs", () => {
  const shared = join(dir, "shared-store");
  const fresh = join(dir, "fresh-store");
  let shardCompletions = 0;
  let created = 0;

  it(`${SHARDS} shard processes on one store do the run once between them`, async () => {
    const limit = pLimit(5); // 25 processes, a few at a time: the machine has 2 cores
    const results = await Promise.all(
      Array.from({length: SHARDS}, (_, i) => limit(() => reprompt(["run", EXPERIMENT, "--profile", "p", "--shard", `${i}/${SHARDS}`, "--lanes", "1", "--json"], shared)))
    );
    const records = results.map((r) => JSON.parse(r.stdout.trim().split("\n").at(-1)!));
    created = records.reduce((n, r) => n + r.counts.created, 0);
    const planned = records[0].trajectories;
    expect(planned).toBe(2 * 2 * 6);
    expect(records.every((r) => r.trajectories === planned)).toBe(true);
    expect(records.map((r) => r.shard)).toEqual(Array.from({length: SHARDS}, (_, i) => ({index: i, count: SHARDS})));
    // Every unit was run by exactly one shard.
    expect(created).toBe(planned);
    shardCompletions = completionsServed();
    expect(shardCompletions).toBe(records.reduce((n, r) => n + r.counts.completionsRequested, 0));
  }, 600_000);

  it("an unsharded run afterwards sends no request and records the run", async () => {
    const before = fake.chatRequests().length;
    const {stdout} = await reprompt(["run", EXPERIMENT, "--profile", "p", "--lanes", "1", "--json"], shared);
    const record = JSON.parse(stdout);
    expect(fake.chatRequests().length).toBe(before);
    expect(record.counts).toMatchObject({created: 0, reused: created, completionsRequested: 0});
  }, 120_000);

  it("an unsharded-only run on a fresh store asks for as many completions as the shards did, and the figures are equal", async () => {
    const before = completionsServed();
    await reprompt(["run", EXPERIMENT, "--profile", "p", "--lanes", "1"], fresh);
    expect(completionsServed() - before).toBe(shardCompletions);
    const tableOf = async (store: string) => {
      const {stdout} = await finished(spawnTs("tests/distribution/figureOf.ts", [], {env: env(store), cwd: repoRoot}));
      return JSON.parse(stdout);
    };
    const [sharded, unsharded] = [await tableOf(shared), await tableOf(fresh)];
    expect(sharded.rows.length).toBeGreaterThan(0);
    expect(sharded.rows.some((r: {mean: number}) => r.mean > 0 && r.mean < 1)).toBe(true);
    for (const t of [sharded, unsharded]) delete t.provenance.finishedAt;
    expect(sharded).toEqual(unsharded);
  }, 300_000);
});
