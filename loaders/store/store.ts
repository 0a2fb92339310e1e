// The store: content-addressed records of every kind, durable the moment `put` returns, shared by processes.
// Records live in sealed packs (key-sorted, unique, indexed: packs.ts) and in the live tail: the segments
// writers are appending to. Opening a kind loads the packs' indexes (28 bytes a record) and scans only the
// live tail, so it costs the same at any size. Dedup rule (every reader: get, views, exports, merge): a sealed
// record wins; among unsealed copies of a key, the one in the earliest segment file name (then offset) wins.
import {closeSync, fstatSync, fsyncSync, mkdirSync, openSync} from "node:fs";
import {hostname} from "node:os";
import {join} from "node:path";
import {randomBytes} from "node:crypto";
import {contentKey} from "./keys.ts";
import {keyDigest, listPacks, Pack, sealedDir} from "./packs.ts";
import {latestManifest, Manifest} from "./manifest.ts";
import {listSegments, readRecordLine, recordLine, scanSegment, segmentSeq, segmentWriter, SegmentWriter, type RecordLocation} from "./segments.ts";
import {sealKind, type SealResult} from "./seal.ts";
import {closeWriter, DEFAULT_LEASE_MS, isPidAlive, isWriterLive, registerWriter, renewLease, type LeaseEffects, type WriterInfo} from "./writers.ts";
import {releaseClaim, tryClaim} from "./claims.ts";

/** Side effects a test may replace: the clock, the writer id, process liveness, the lease and the log. */
export interface StoreEffects {
  now(): Date;
  pid: number;
  randomSuffix(): string;
  isAlive(pid: number): boolean;
  host: string;
  leaseMs: number;
  log(message: string): void;
}

export interface StoreOptions {
  /** The store directory (created when missing). */
  dir: string;
  /** fsync after every write: survives power loss, not only a killed process. Off by default (slower). */
  sync?: boolean;
  /** Seal a kind's finished segments when it is opened and has at least this many (0 = never). */
  autoCompactAt?: number;
  /** Seal this writer's own segments on close (default true). */
  sealOnClose?: boolean;
  /** A writer starts a new segment (and seals the old one) past this size. */
  segmentBytes?: number;
  effects?: Partial<StoreEffects>;
}

const defaultEffects: StoreEffects = {
  now: () => new Date(),
  pid: process.pid,
  randomSuffix: () => randomBytes(3).toString("hex"),
  isAlive: isPidAlive,
  host: hostname(),
  leaseMs: DEFAULT_LEASE_MS,
  log: (message) => process.stderr.write(message + "\n")
};

const KIND_PATTERN = /^[a-z][a-z0-9_]*$/;
const KEY_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;

interface KindState {
  /** One index over most packs (manifest.ts), and the packs it does not cover yet. */
  manifest: Manifest | null;
  packs: Pack[];
  /** Unsealed records by key (never a key that is in a pack). */
  live: Map<string, RecordLocation>;
  fds: Map<string, number>;
  scanned: Map<string, number>;
  writer?: SegmentWriter;
  segment: number;
  skippedLines: number;
}

/** Timestamp usable in file names that sorts in time order. */
export function compactTimestamp(date: Date): string {
  return date.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
}

export class Store {
  readonly dir: string;
  readonly writerId: string;
  private readonly effects: StoreEffects;
  private readonly options: StoreOptions;
  private readonly kinds = new Map<string, KindState>();
  private readonly written = new Set<string>();
  private readonly held = new Set<string>();
  private info?: WriterInfo;
  private heartbeat?: NodeJS.Timeout;
  private lastRenew = 0;
  private closed = false;

  private constructor(options: StoreOptions) {
    this.dir = options.dir;
    this.options = options;
    this.effects = {...defaultEffects, ...options.effects};
    this.writerId = `w-${compactTimestamp(this.effects.now())}-${this.effects.pid}-${this.effects.randomSuffix()}`;
    mkdirSync(join(this.dir, "segments"), {recursive: true});
  }

  static open(options: StoreOptions): Store {
    return new Store(options);
  }

  /** The key a record of this kind made from this material has (whether or not it is stored). */
  key(kind: string, material: unknown): string {
    return contentKey(checkKind(kind), material);
  }

  has(kind: string, key: string): boolean {
    const state = this.state(kind);
    if (state.live.has(key)) return true;
    return this.inPacks(state, key);
  }

  /** The stored record, or undefined. Records are immutable: see the dedup rule above. */
  get<T>(kind: string, key: string): T | undefined {
    return this.read(kind, key)?.data as T | undefined;
  }

  /** The stored record with its write time (what `store merge` copies), or undefined. */
  read(kind: string, key: string): {key: string; ts: string; data: unknown} | undefined {
    const state = this.state(kind);
    const digest = keyDigest(key);
    const found = state.manifest?.find(digest);
    if (found) {
      const record = readRecordLine(found.fd, found.location);
      if (record.key === key) return record;
    }
    for (const pack of state.packs) {
      const location = pack.find(digest);
      if (!location) continue;
      const record = readRecordLine(pack.fd, location);
      if (record.key === key) return record;
    }
    const location = state.live.get(key);
    if (!location) return undefined;
    return readRecordLine(state.fds.get(location.file)!, location);
  }

  /** Sealed and live record counts of a kind (for `reprompt store stats`). */
  stats(kind: string): {sealed: number; live: number; packs: number; manifestPacks: number} {
    const state = this.state(kind);
    const manifest = state.manifest?.count ?? 0;
    return {sealed: manifest + state.packs.reduce((n, p) => n + p.count, 0), live: state.live.size, packs: state.packs.length + (state.manifest?.packs.length ?? 0), manifestPacks: state.manifest?.packs.length ?? 0};
  }

  /** Stores `data` under the key of `material` unless that key is already stored. Durable on return. */
  put<T>(kind: string, material: unknown, data: T): {key: string; created: boolean} {
    const key = this.key(kind, material);
    const created = this.putWithKeys(kind, [{key, data}]).length === 1;
    return {key, created};
  }

  /** Stores several records with one write (all or none land); returns the keys that were new. */
  putWithKeys(kind: string, records: Array<{key: string; data: unknown}>, options: {ts?: string} = {}): string[] {
    this.assertOpen();
    const state = this.state(kind);
    const fresh = new Map<string, unknown>();
    for (const {key, data} of records) {
      if (!KEY_PATTERN.test(key)) throw new Error(`store: invalid key ${JSON.stringify(key).slice(0, 80)} for ${kind} (letters, digits, _ and -)`);
      if (!fresh.has(key) && !this.has(kind, key)) fresh.set(key, data);
    }
    if (fresh.size > 0) {
      const writer = this.writerFor(kind, state);
      const ts = options.ts ?? this.effects.now().toISOString();
      const keys = [...fresh.keys()];
      const locations = writer.append(keys.map((key) => recordLine(key, ts, fresh.get(key))));
      if (this.options.sync) fsyncSync(state.fds.get(writer.path)!);
      if (fstatSync(state.fds.get(writer.path)!).nlink === 0) {
        keys.forEach((key, i) => state.live.set(key, locations[i]));
        this.rescue(kind, state, writer.path);
        return keys;
      }
      keys.forEach((key, i) => state.live.set(key, locations[i]));
      const last = locations[locations.length - 1];
      state.scanned.set(writer.path, last.offset + last.length + 1);
      this.renew();
      if (last.offset + last.length >= (this.options.segmentBytes ?? 64 << 20)) this.rotate(kind, state);
    }
    for (const {key} of records) this.release(kind, key);
    return [...fresh.keys()];
  }

  /** Every key of a kind, streamed (sealed ones in key order, then the live tail). */
  *keys(kind: string): Generator<string> {
    const state = this.state(kind);
    const manifest = state.manifest;
    if (manifest) {
      for (let i = 0; i < manifest.count; i++) {
        const hex = manifest.hexKeyAt(i);
        if (hex !== null) yield hex;
        else {
          const {fd, location} = manifest.entryAt(i);
          yield readRecordLine(fd, location).key;
        }
      }
    }
    for (const pack of [...state.packs]) {
      for (let i = 0; i < pack.count; i++) yield pack.keyAt(i);
    }
    yield* [...state.live.keys()];
  }

  count(kind: string): number {
    const state = this.state(kind);
    return (state.manifest?.count ?? 0) + state.packs.reduce((n, pack) => n + pack.count, 0) + state.live.size;
  }

  *entries<T>(kind: string): Generator<[string, T]> {
    for (const key of this.keys(kind)) yield [key, this.get<T>(kind, key)!];
  }

  /** Lines that were not whole records when read (a torn write after power loss); they are ignored. */
  skippedLines(kind: string): number {
    return this.state(kind).skippedLines;
  }

  /** Picks up records other processes wrote (and packs they sealed) since this kind was last read. */
  refresh(kind?: string): void {
    const kinds = kind ? [kind] : [...this.kinds.keys()];
    for (const k of kinds) this.load(k, this.state(k));
  }

  /** Seals finished segments of the given kinds (default: loaded ones); returns segments sealed per kind. */
  compact(kinds: string[] = [...this.kinds.keys()]): Record<string, number> {
    const merged: Record<string, number> = {};
    for (const kind of kinds) {
      merged[kind] = this.seal(kind).segments;
      this.refresh(kind);
    }
    return merged;
  }

  /** Seals one kind's finished segments (never throws: a failure is logged and skipped). */
  seal(kind: string, step?: (name: string) => void): SealResult {
    this.register();
    const own = this.kinds.get(kind)?.writer?.path;
    const liveness = new Map<string, boolean>();
    const files = listSegments(this.kindDir(kind));
    const isFinished = (file: string) => {
      if (file === own) return false;
      const writer = segmentWriter(file);
      if (writer === null) return true;
      if (writer === this.writerId) return true; // our rotated-past segments
      if (files.some((other) => segmentWriter(other) === writer && segmentSeq(other) > segmentSeq(file))) return true; // rotated past
      if (!liveness.has(writer)) liveness.set(writer, isWriterLive(this.dir, writer, this.lease()));
      return !liveness.get(writer);
    };
    const renew = () => this.renew(true);
    return sealKind({storeDir: this.dir, kind, isFinished, writerId: this.writerId, lease: this.lease(), log: this.effects.log, step, renew});
  }

  /**
   * Claims one work unit for this process: "stored" when its record already exists, "held" when a live
   * writer (another run) is on it, "claimed" when this process should do it (the claim ends with its put).
   */
  claim(kind: string, key: string): "claimed" | "held" | "stored" {
    if (this.has(kind, key)) return "stored";
    this.register();
    if (tryClaim(this.dir, checkKind(kind), key, this.writerId, this.lease()) === "held") return "held";
    this.held.add(`${kind}/${key}`);
    this.refresh(kind);
    if (this.has(kind, key)) {
      this.release(kind, key);
      return "stored";
    }
    return "claimed";
  }

  /** Gives up a claim without storing (the work failed: another run may take it). */
  release(kind: string, key: string): void {
    if (!this.held.delete(`${kind}/${key}`)) return;
    releaseClaim(this.dir, kind, key, this.writerId);
  }

  /** Waits until a unit another run holds is stored ("stored") or its claim has passed to us ("claimed"). */
  async waitFor(kind: string, key: string, pollMs = 250): Promise<"stored" | "claimed"> {
    for (;;) {
      this.refresh(kind);
      const outcome = this.claim(kind, key);
      if (outcome !== "held") return outcome;
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }

  close(): void {
    if (this.closed) return;
    for (const claim of [...this.held]) {
      const [kind, key] = claim.split("/");
      this.release(kind, key);
    }
    for (const state of this.kinds.values()) {
      state.writer?.close();
      state.writer = undefined;
    }
    // sealed while this writer's lease still holds the seal lock; then the lease is ended
    if (this.options.sealOnClose ?? true) for (const kind of this.written) this.seal(kind);
    if (this.heartbeat) clearInterval(this.heartbeat);
    if (this.info) closeWriter(this.dir, this.info, this.effects.now());
    this.closed = true;
    for (const state of this.kinds.values()) {
      for (const fd of state.fds.values()) closeSync(fd);
      for (const pack of state.packs) pack.close();
      state.manifest?.close();
    }
    this.kinds.clear();
  }

  kindDir(kind: string): string {
    return join(this.dir, "segments", checkKind(kind));
  }

  private lease(): LeaseEffects {
    return {now: this.effects.now, isAlive: this.effects.isAlive, host: this.effects.host, leaseMs: this.effects.leaseMs};
  }

  private state(kind: string): KindState {
    this.assertOpen();
    let state = this.kinds.get(kind);
    if (!state) {
      checkKind(kind);
      state = {manifest: null, packs: [], live: new Map(), fds: new Map(), scanned: new Map(), segment: 0, skippedLines: 0};
      this.kinds.set(kind, state);
      const sealAt = this.options.autoCompactAt ?? 1;
      if (sealAt > 0 && listSegments(this.kindDir(kind)).length >= sealAt) this.seal(kind);
      this.load(kind, state);
    }
    return state;
  }

  /** Opens new packs, forgets live copies now sealed, and scans the live tail from where it was left. */
  private load(kind: string, state: KindState): void {
    const sealed = sealedDir(this.dir, kind);
    const before = (state.manifest?.count ?? 0) + state.packs.length;
    const fresh = openLatestManifest(sealed, state.manifest?.name);
    if (fresh) {
      state.manifest?.close();
      state.manifest = fresh;
      const covered = new Set(state.manifest.packs);
      for (const pack of state.packs.filter((p) => covered.has(p.file))) pack.close();
      state.packs = state.packs.filter((p) => !covered.has(p.file));
    }
    const known = new Set([...state.packs.map((p) => p.file), ...(state.manifest?.packs ?? [])]);
    for (const file of listPacks(sealed)) if (!known.has(file)) state.packs.push(new Pack(file));
    const grew = (state.manifest?.count ?? 0) + state.packs.length !== before;
    const files = listSegments(this.kindDir(kind));
    const present = new Set(files);
    for (const [file, fd] of state.fds) {
      if (present.has(file) || file === state.writer?.path) continue;
      // sealed (and deleted) by someone: its records are in a pack now, unless they were duplicates
      for (const [key, location] of state.live) if (location.file === file && this.inPacks(state, key)) state.live.delete(key);
      if (![...state.live.values()].some((l) => l.file === file)) {
        closeSync(fd);
        state.fds.delete(file);
        state.scanned.delete(file);
      }
    }
    if (grew) for (const key of state.live.keys()) if (this.inPacks(state, key)) state.live.delete(key);
    for (const file of files) {
      let fd = state.fds.get(file);
      if (fd === undefined) {
        try {
          fd = openSync(file, "r");
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === "ENOENT") continue; // sealed away meanwhile
          throw error;
        }
        state.fds.set(file, fd);
      }
      const {entries, end, skipped} = scanSegment(fd, file, state.scanned.get(file) ?? 0);
      state.scanned.set(file, end);
      state.skippedLines += skipped;
      for (const {key, location} of entries) if (!state.live.has(key) && !this.inPacks(state, key)) state.live.set(key, location);
    }
  }

  private inPacks(state: KindState, key: string): boolean {
    if (state.packs.length === 0 && !state.manifest) return false;
    const digest = keyDigest(key);
    return (state.manifest?.has(digest) ?? false) || state.packs.some((pack) => pack.has(digest));
  }

  private register(): void {
    if (this.info) return;
    this.info = {id: this.writerId, host: this.effects.host, pid: this.effects.pid, started: this.effects.now().toISOString()};
    registerWriter(this.dir, this.info);
    this.lastRenew = Date.now();
    this.heartbeat = setInterval(() => this.renew(true), Math.max(50, this.effects.leaseMs / 4));
    this.heartbeat.unref();
  }

  private renew(force = false): void {
    if (!this.info || this.closed) return;
    if (!force && Date.now() - this.lastRenew < this.effects.leaseMs / 8) return;
    this.lastRenew = Date.now();
    renewLease(this.dir, this.writerId, this.effects.now());
  }

  private writerFor(kind: string, state: KindState): SegmentWriter {
    if (state.writer) return state.writer;
    this.register();
    this.written.add(kind);
    mkdirSync(this.kindDir(kind), {recursive: true});
    const suffix = state.segment ? `-${state.segment}` : "";
    const writer = new SegmentWriter(join(this.kindDir(kind), `${this.writerId}${suffix}.jsonl`));
    state.writer = writer;
    state.fds.set(writer.path, openSync(writer.path, "r"));
    return writer;
  }

  /**
   * Our segment was sealed away while we still wrote to it (our lease ran out: a paused process): copy every
   * record of it that no pack holds into a new segment, read back through the descriptor we still have.
   */
  private rescue(kind: string, state: KindState, lost: string): void {
    this.effects.log(`store: ${lost} was sealed while this process still wrote to it; re-writing its unsealed records`);
    state.writer?.close();
    state.writer = undefined;
    state.segment++;
    this.load(kind, state);
    const fd = state.fds.get(lost)!;
    const orphans = [...state.live].filter(([, location]) => location.file === lost);
    if (orphans.length === 0) return;
    const writer = this.writerFor(kind, state);
    const lines = orphans.map(([, location]) => {
      const record = readRecordLine(fd, location);
      return recordLine(record.key, record.ts, record.data);
    });
    const locations = writer.append(lines);
    orphans.forEach(([key], i) => state.live.set(key, locations[i]));
    const last = locations[locations.length - 1];
    state.scanned.set(writer.path, last.offset + last.length + 1);
  }

  /** Starts a new segment and seals the finished one, so no segment (and no live tail) grows without bound. */
  private rotate(kind: string, state: KindState): void {
    state.writer?.close();
    state.writer = undefined;
    state.segment++;
    this.seal(kind);
    this.load(kind, state);
  }

  private assertOpen(): void {
    if (this.closed) throw new Error("store: used after close()");
  }
}

/** The newest manifest when it is not `current`; retried when a sealer replaced it while we opened it. */
function openLatestManifest(dir: string, current: string | undefined): Manifest | null {
  for (let attempt = 0; ; attempt++) {
    const latest = latestManifest(dir);
    if (!latest || latest === current) return null;
    try {
      return new Manifest(dir, latest);
    } catch (error) {
      if (attempt >= 3 || (error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
  }
}

function checkKind(kind: string): string {
  if (!KIND_PATTERN.test(kind)) throw new Error(`store: invalid record kind ${JSON.stringify(kind)} (use lower_snake_case)`);
  return kind;
}
