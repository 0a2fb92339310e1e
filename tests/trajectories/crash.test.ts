// The crash test: `reprompt run` SIGKILLed at random points against a fake OpenAI-compatible server, then
// finished; the store must end up as an uninterrupted run's, and no request may be paid for twice unless it
// was in flight when a kill happened.
import {spawn, type ChildProcess} from "node:child_process";
import {createHash} from "node:crypto";
import {existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync} from "node:fs";
import {join} from "node:path";
import {performance} from "node:perf_hooks";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {canonicalJson, Store} from "../../loaders/store/index.ts";
import type {TrajectoryRecord} from "../../loaders/trajectories/trajectory.ts";
import {startFakeOpenAI, type FakeChatBody, type FakeOpenAI} from "../helpers/fakeOpenAI.ts";
import {cliPath, finished, repoRoot} from "../helpers/node.ts";
import {tempDir} from "../helpers/tmp.ts";
import {maxRow, sumRow, writeProblems} from "./fixtures.ts";

const KILLS = 6;
const SAMPLES = 16;
const TRAJECTORIES = 2 * 2 * SAMPLES;
/** How each kill picks its moment, in turn. */
const MODES = ["work-timer", "in-flight", "spawn-timer", "growth", "in-flight", "work-timer"] as const;
/** A response that finished this long before a kill may still have been on its way into the store. */
const STORE_GRACE_MS = 100;

interface Seen {
  /** Which run sent it: 0 = the reference run, then the crash runs in order (requests are attributed by the
   * time they arrive: runs are strictly sequential, and a run needs a second of start-up before its first). */
  run: number;
  body: FakeChatBody;
  received: number;
  /** When the fake wrote the response (undefined: never, the client hung up first; may be just after a kill). */
  finished?: number;
}

/** Whether sample `seed` gets it right at `turn`: ~1 in 3, so some trajectories pass at once and some need 3 turns. */
function luckyAt(seed: number, turn: number): boolean {
  return createHash("sha256").update(`crash:${seed}:${turn}`).digest()[0]! % 3 === 0;
}

/**
 * The fake model. Every reply of a problem has the same number of words, so the server's completion_tokens
 * splits evenly over n choices whatever the batching (see the token-accounting test in resume.test.ts).
 * The seed and turn are in a comment, so every attempt is a distinct program with its own sandbox run.
 */
function reply(body: FakeChatBody, seed: number): string {
  const users = (body.messages ?? []).filter((m) => m.role === "user");
  const turn = users.length;
  const isSum = users[0]?.content.includes("TASK-SUM") ?? false;
  const right = luckyAt(seed, turn);
  const op = isSum ? (right ? "a + b" : "a - b") : right ? "max(a, b)" : "min(a, b)";
  return `Attempt s${seed} t${turn}.\n\n\`\`\`python\n# s${seed} t${turn}\na, b = map(int, input().split())\nprint(${op})\n\`\`\`\n`;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const random = (lo: number, hi: number) => lo + Math.random() * (hi - lo);

/** Bytes of request, execution and trajectory records in a store (what a run adds as it works). */
function workBytes(store: string): number {
  let total = 0;
  for (const kind of ["request", "execution", "trajectory"]) {
    const d = join(store, "segments", kind);
    if (!existsSync(d)) continue;
    for (const f of readdirSync(d)) {
      try {
        total += statSync(join(d, f)).size;
      } catch {
        /* compacted away */
      }
    }
  }
  return total;
}

/** Trajectory records on disk (complete lines), read without opening a Store. */
function trajectoryLines(store: string): number {
  const d = join(store, "segments", "trajectory");
  if (!existsSync(d)) return 0;
  return readdirSync(d).reduce((n, f) => n + (readFileSync(join(d, f), "utf8").match(/\n/g)?.length ?? 0), 0);
}

/** Descendants of a process (children, grandchildren, …) from /proc, to check none outlives a kill. */
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(entry));
      children.set(ppid, list);
    } catch {
      /* gone */
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const c of children.get(p) ?? []) {
      out.push(c);
      walk(c);
    }
  };
  walk(pid);
  return out;
}

function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

describe("reprompt run under SIGKILL", () => {
  const dir = tempDir("reprompt-crash-");
  const seen: Seen[] = [];
  const byBody = new WeakMap<object, Seen>();
  let run = 0;
  let fake: FakeOpenAI;
  let configPath: string;
  let experimentsDir: string;

  beforeAll(async () => {
    fake = await startFakeOpenAI({
      latencyMs: 50,
      capacity: 4,
      // Called as each chat request arrives (before it queues for capacity).
      script: (body) => {
        const entry: Seen = {run, body, received: performance.now()};
        seen.push(entry);
        byBody.set(body, entry);
        return null;
      },
      // Called for each choice just before the response is written (never when the client hung up).
      text: (body, _choice, seed) => {
        const entry = byBody.get(body);
        if (entry && entry.finished === undefined) entry.finished = performance.now();
        return reply(body, seed);
      }
    });
    const problems = writeProblems(dir, [sumRow(), maxRow()]);
    configPath = join(dir, "reprompt.config.mjs");
    const config = {
      datasets: [{kind: "jsonl", name: "t", path: problems}],
      models: [{name: "fake", backend: "openai", baseURL: fake.baseURL, model: "fake-model", concurrency: 4}]
    };
    writeFileSync(configPath, `export default ${JSON.stringify(config, null, 2)};\n`);
    experimentsDir = join(dir, "experiments");
    mkdirSync(experimentsDir);
    const experiment = {
      name: "crash-test",
      title: "Crash test",
      figure: "test",
      profiles: {
        p: {
          problems: {source: "t"},
          models: ["fake"],
          strategies: [{kind: "single"}, {kind: "multi", feedback: "binary", maxTurns: 3}],
          samples: SAMPLES,
          seed: 0
        }
      }
    };
    writeFileSync(join(experimentsDir, "crash-test.ts"), `export default ${JSON.stringify(experiment, null, 2)};\n`);
    // Without this, tsx loads the .ts definition as CommonJS and Node 20 refuses it (ERR_REQUIRE_CYCLE_MODULE):
    // see the "definitions directory without package.json" test below.
    writeFileSync(join(experimentsDir, "package.json"), `{"type": "module"}\n`);
  });
  afterAll(() => fake?.close());

  const launch = (store: string): ChildProcess =>
    spawn(process.execPath, [cliPath(), "run", "crash-test", "--profile", "p", "--lanes", "2", "--json"], {
      cwd: repoRoot,
      env: {...process.env, REPROMPT_CONFIG: configPath, REPROMPT_STORE: store, REPROMPT_EXPERIMENTS: experimentsDir},
      stdio: ["ignore", "pipe", "pipe"]
    });

  it("ends with the same store as an uninterrupted run, paying twice only for requests in flight at a kill", async () => {
    const log: string[] = [];
    const t0 = performance.now();

    // 1. The uninterrupted reference run.
    const refStore = join(dir, "store-reference");
    const refStart = performance.now();
    const ref = await finished(launch(refStore));
    const refMs = performance.now() - refStart;
    expect(ref.code, ref.stderr).toBe(0);
    const refRecord = JSON.parse(ref.stdout);
    expect(refRecord.counts.created).toBe(TRAJECTORIES);
    // Its working time (first request to exit) bounds the timed kills, so that each takes at most a slice of
    // the work and the run is still unfinished at the last kill, on fast machines as on slow ones.
    const refWorkMs = refStart + refMs - seen[0]!.received;
    const maxTimedMs = Math.max(300, Math.min(2000, refWorkMs / (KILLS + 2)));
    log.push(`reference run: ${Math.round(refMs)} ms (${Math.round(refWorkMs)} ms after its first request), ${seen.length} chat requests, ${refRecord.counts.completionsRequested} completions; timed kills within ${Math.round(maxTimedMs)} ms`);

    // 2. The same experiment into another store, killed again and again.
    const crashStore = join(dir, "store-crash");
    /** Kill time of each crash run that was killed, by run number. */
    const kills = new Map<number, number>();
    const orphans: number[] = [];
    let attempts = 0;
    while (kills.size < KILLS) {
      attempts++;
      expect(attempts, `the run kept finishing before it could be killed ${KILLS} times`).toBeLessThan(KILLS + 4);
      run++;
      const child = launch(crashStore);
      const done = finished(child);
      let exited = false;
      void done.then(() => (exited = true));
      const startedAt = performance.now();
      const before = workBytes(crashStore);
      const requestsBefore = seen.length;
      const mode = MODES[kills.size % MODES.length]!;
      /** When this run started working: its first request, or its first write to the store. */
      let workStart: number | undefined;
      const waitUntil = async (condition: () => boolean) => {
        for (;;) {
          if (workStart === undefined && (seen.length > requestsBefore || workBytes(crashStore) !== before)) workStart = performance.now();
          if (exited || condition()) return;
          await sleep(5);
        }
      };
      if (mode === "spawn-timer") {
        // From the spawn: may land in start-up (config, dataset, sandbox) or early work.
        const until = startedAt + random(300, 2000);
        await waitUntil(() => performance.now() >= until);
      } else if (mode === "work-timer") {
        // From the first request this run sends (or its first write): somewhere in the work, not in start-up.
        await waitUntil(() => workStart !== undefined);
        const until = performance.now() + random(Math.min(300, maxTimedMs / 2), maxTimedMs);
        await waitUntil(() => performance.now() >= until);
      } else if (mode === "in-flight") {
        // While one of this run's requests is being served: its answer is lost, and may be asked for again.
        const serving = () => seen.some((x) => x.run === run && x.finished === undefined);
        await waitUntil(() => serving() || performance.now() > (workStart ?? Infinity) + 3000);
        const until = performance.now() + random(0, 30);
        await waitUntil(() => performance.now() >= until);
      } else {
        // Right after the store has grown: close to a write.
        await waitUntil(() => workBytes(crashStore) !== before);
        const until = performance.now() + random(0, 300);
        await waitUntil(() => performance.now() >= until);
      }
      if (exited) {
        const r = await done;
        log.push(`attempt ${attempts}: the run finished on its own (code ${r.code}) before the kill`);
        expect(r.code, r.stderr).toBe(0);
        break;
      }
      const family = descendants(child.pid!);
      const serving = seen.filter((x) => x.run === run && x.finished === undefined).length;
      const killedAt = performance.now();
      child.kill("SIGKILL");
      const r = await done;
      expect(r.signal).toBe("SIGKILL");
      kills.set(run, killedAt);
      const grown = workBytes(crashStore) - before;
      log.push(`kill ${kills.size} (${mode}): at +${Math.round(killedAt - startedAt)} ms, store +${grown} bytes, ${trajectoryLines(crashStore)} trajectories stored, ${serving} request(s) being served, ${family.length} descendant(s)`);
      // Sandbox workers (bubblewrap --die-with-parent, or stdin EOF) must not outlive the killed run.
      const deadline = performance.now() + 5000;
      let left = family.filter(alive);
      while (left.length && performance.now() < deadline) {
        await sleep(50);
        left = family.filter(alive);
      }
      orphans.push(...left);
      for (const pid of left) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          /* gone meanwhile */
        }
      }
    }

    // 3. A final run finishes the job.
    run++;
    const finalStart = performance.now();
    const last = await finished(launch(crashStore));
    const finalMs = performance.now() - finalStart;
    expect(last.code, last.stderr).toBe(0);
    const finalRecord = JSON.parse(last.stdout);
    expect(finalRecord.trajectories).toBe(TRAJECTORIES);
    log.push(`final run: ${Math.round(finalMs)} ms, created ${finalRecord.counts.created}, reused ${finalRecord.counts.reused}, completions requested ${finalRecord.counts.completionsRequested}, reused ${finalRecord.counts.completionsReused}`);

    // 4. Same trajectories (keys and records), same requests, same executions (checked after the log below).
    const a = Store.open({dir: refStore, autoCompactAt: 0});
    const b = Store.open({dir: crashStore, autoCompactAt: 0});
    const sorted = (s: Store, kind: string) => [...s.keys(kind)].sort();
    const keySets = Object.fromEntries(["trajectory", "request", "execution"].map((kind) => [kind, {reference: sorted(a, kind), crashed: sorted(b, kind)}]));
    const refTrajectories = new Map([...a.keys("trajectory")].map((k) => [k, a.get<TrajectoryRecord>("trajectory", k)!]));
    const crashTrajectories = new Map([...b.keys("trajectory")].map((k) => [k, b.get<TrajectoryRecord>("trajectory", k)!]));
    const skipped = ["request", "trajectory", "execution"].map((k) => b.skippedLines(k));
    a.close();
    b.close();
    const turns = [...refTrajectories.values()].map((t) => t.turns.length);
    log.push(`trajectories: ${refTrajectories.size}; turns 1/2/3: ${[1, 2, 3].map((n) => turns.filter((x) => x === n).length).join("/")}; all passed: ${[...refTrajectories.values()].filter((t) => t.final.allPassed).length}`);
    for (const [kind, {reference, crashed}] of Object.entries(keySets)) {
      const missing = reference.filter((k) => !crashed.includes(k)).length;
      const extra = crashed.filter((k) => !reference.includes(k)).length;
      log.push(`${kind} keys: reference ${reference.length}, crashed ${crashed.length} (missing ${missing}, extra ${extra})`);
    }
    log.push(`torn lines skipped in the crashed store (request/trajectory/execution): ${skipped.join("/")}`);

    // 5. No completion asked for twice, except when its earlier request was in flight at a kill.
    const crash = seen.filter((s) => s.run > 0);
    const units = new Map<string, Seen[]>();
    const bodies = new Map<string, Seen[]>();
    for (const s of crash) {
      const {n, seed, ...rest} = s.body;
      const fp = canonicalJson(s.body);
      bodies.set(fp, [...(bodies.get(fp) ?? []), s]);
      for (let i = 0; i < (typeof n === "number" ? n : 1); i++) {
        const unit = canonicalJson({...rest, seed: (seed as number) + i});
        units.set(unit, [...(units.get(unit) ?? []), s]);
      }
    }
    // Allowed: the earlier copy's run was killed, and its answer had not arrived more than STORE_GRACE_MS before
    // the kill (it may not have reached the store). Never allowed: twice within one run, or after a stored answer.
    const inFlightAtKill = (earlier: Seen, later: Seen) => {
      const k = kills.get(earlier.run);
      return k !== undefined && later.run > earlier.run && (earlier.finished === undefined || earlier.finished > k - STORE_GRACE_MS);
    };
    let repeats = 0;
    const violations: string[] = [];
    for (const [unit, copies] of units) {
      copies.sort((x, y) => x.received - y.received);
      for (let i = 1; i < copies.length; i++) {
        repeats++;
        const prev = copies[i - 1]!;
        if (!inFlightAtKill(prev, copies[i]!)) {
          violations.push(
            `${unit.slice(0, 160)}…: asked at +${Math.round(prev.received - t0)} ms (answered ${prev.finished === undefined ? "never" : `+${Math.round(prev.finished - t0)} ms`}) by run ${prev.run}, and again at +${Math.round(copies[i]!.received - t0)} ms by run ${copies[i]!.run}; kills at ${[...kills].map(([r, k]) => `run ${r} +${Math.round(k - t0)}`).join(", ")} ms`
          );
        }
      }
    }
    const repeatedBodies = [...bodies.values()].filter((c) => c.length > 1).length;
    const cut = crash.filter((s) => kills.has(s.run) && (s.finished === undefined || s.finished > kills.get(s.run)!)).length;
    log.push(`crash phase: ${crash.length} chat requests (${cut} cut off by a kill), ${repeatedBodies} request bodies sent more than once, ${repeats} repeated completions, ${violations.length} not explained by a kill`);
    log.push(`orphaned sandbox processes after kills: ${orphans.length}`);
    log.push(`total: ${Math.round(performance.now() - t0)} ms`);
    console.log(`crash test\n  ${log.join("\n  ")}`);
    expect(kills.size).toBeGreaterThanOrEqual(5);
    expect(turns.some((n) => n > 1)).toBe(true);
    expect(keySets.trajectory!.reference).toHaveLength(TRAJECTORIES);
    for (const kind of ["trajectory", "request", "execution"]) expect(keySets[kind]!.crashed, `${kind} keys`).toEqual(keySets[kind]!.reference);
    for (const [key, record] of refTrajectories) expect(crashTrajectories.get(key), `trajectory ${key}`).toEqual(record);
    expect(violations).toEqual([]);
    expect(orphans).toEqual([]);
  }, 240_000);

  // Regression: a definitions folder outside the project (no package.json saying "type": "module") loads.
  it("loads a definition from a $REPROMPT_EXPERIMENTS directory without package.json", async () => {
    const bare = join(dir, "experiments-bare");
    mkdirSync(bare);
    const definition = {name: "bare", title: "Bare", figure: "test", profiles: {p: {problems: {source: "t", ids: ["sum-two"]}, models: ["human"], strategies: [{kind: "single"}], samples: 1}}};
    writeFileSync(join(bare, "bare.ts"), `export default ${JSON.stringify(definition)};\n`);
    const child = spawn(process.execPath, [cliPath(), "run", "bare", "--profile", "p", "--lanes", "1", "--json"], {
      cwd: repoRoot,
      env: {...process.env, REPROMPT_CONFIG: configPath, REPROMPT_STORE: join(dir, "store-bare"), REPROMPT_EXPERIMENTS: bare},
      stdio: ["ignore", "pipe", "pipe"]
    });
    const r = await finished(child);
    expect(r.stderr).not.toContain("ERR_REQUIRE_CYCLE_MODULE");
    expect(r.code, r.stderr).toBe(0);
  }, 30_000);
});
