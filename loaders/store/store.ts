// The store: content-addressed records of every kind, durable the moment `put` returns, shared by processes.
import {closeSync, fsyncSync, mkdirSync, openSync, writeFileSync} from "node:fs";
import {hostname} from "node:os";
import {join} from "node:path";
import {randomBytes} from "node:crypto";
import {contentKey} from "./keys.ts";
import {listSegments, readRecordLine, recordLine, scanSegment, SegmentWriter, type RecordLocation} from "./segments.ts";
import {compactKind, isWriterAlive, writerPid} from "./compact.ts";

/** Side effects a test may replace: the clock, the writer id and process liveness. */
export interface StoreEffects {
  now(): Date;
  pid: number;
  randomSuffix(): string;
  isAlive(pid: number): boolean;
}

export interface StoreOptions {
  /** The store directory (created when missing). */
  dir: string;
  /** fsync after every write: survives power loss, not only a killed process. Off by default (slower). */
  sync?: boolean;
  /** Compact a kind automatically when it has at least this many finished segments (0 = never). */
  autoCompactAt?: number;
  effects?: Partial<StoreEffects>;
}

const defaultEffects: StoreEffects = {
  now: () => new Date(),
  pid: process.pid,
  randomSuffix: () => randomBytes(3).toString("hex"),
  isAlive: isWriterAlive
};

const KIND_PATTERN = /^[a-z][a-z0-9_]*$/;

interface KindState {
  index: Map<string, RecordLocation>;
  fds: Map<string, number>;
  scanned: Map<string, number>;
  writer?: SegmentWriter;
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
  private readonly sync: boolean;
  private readonly autoCompactAt: number;
  private readonly kinds = new Map<string, KindState>();
  private registered = false;
  private closed = false;

  private constructor(options: StoreOptions) {
    this.dir = options.dir;
    this.effects = {...defaultEffects, ...options.effects};
    this.sync = options.sync ?? false;
    this.autoCompactAt = options.autoCompactAt ?? 24;
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
    return this.state(kind).index.has(key);
  }

  /** The stored record, or undefined. Records are immutable: the first one stored under a key wins. */
  get<T>(kind: string, key: string): T | undefined {
    const state = this.state(kind);
    const location = state.index.get(key);
    if (!location) return undefined;
    const fd = state.fds.get(location.file)!;
    return readRecordLine(fd, location).data as T;
  }

  /** Stores `data` under the key of `material` unless that key is already stored. Durable on return. */
  put<T>(kind: string, material: unknown, data: T): {key: string; created: boolean} {
    const key = this.key(kind, material);
    const created = this.putWithKeys(kind, [{key, data}]).length === 1;
    return {key, created};
  }

  /** Stores several records with one write (all or none land); returns the keys that were new. */
  putWithKeys(kind: string, records: Array<{key: string; data: unknown}>): string[] {
    this.assertOpen();
    const state = this.state(kind);
    const fresh = new Map<string, unknown>();
    for (const {key, data} of records) if (!state.index.has(key) && !fresh.has(key)) fresh.set(key, data);
    if (fresh.size === 0) return [];
    const writer = this.writerFor(kind, state);
    const ts = this.effects.now().toISOString();
    const keys = [...fresh.keys()];
    const locations = writer.append(keys.map((key) => recordLine(key, ts, fresh.get(key))));
    if (this.sync) fsyncSync(state.fds.get(writer.path)!);
    keys.forEach((key, i) => state.index.set(key, locations[i]));
    state.scanned.set(writer.path, locations[locations.length - 1].offset + locations[locations.length - 1].length + 1);
    return keys;
  }

  keys(kind: string): string[] {
    return [...this.state(kind).index.keys()];
  }

  count(kind: string): number {
    return this.state(kind).index.size;
  }

  *entries<T>(kind: string): Generator<[string, T]> {
    for (const key of this.keys(kind)) yield [key, this.get<T>(kind, key)!];
  }

  /** Lines that were not whole records when read (a torn write after power loss); they are ignored. */
  skippedLines(kind: string): number {
    return this.state(kind).skippedLines;
  }

  /** Picks up records other processes wrote since this kind was last read. */
  refresh(kind?: string): void {
    const kinds = kind ? [kind] : [...this.kinds.keys()];
    for (const k of kinds) this.scanKind(k, this.state(k));
  }

  /** Merges finished writers' segments of every loaded kind into one file each (safe while others run). */
  compact(kinds: string[] = [...this.kinds.keys()]): Record<string, number> {
    const merged: Record<string, number> = {};
    for (const kind of kinds) {
      merged[kind] = compactKind(this.kindDir(kind), {...this.effects, ownWriterId: this.writerId});
      this.refresh(kind);
    }
    return merged;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const state of this.kinds.values()) {
      state.writer?.close();
      for (const fd of state.fds.values()) closeSync(fd);
    }
    this.kinds.clear();
  }

  kindDir(kind: string): string {
    return join(this.dir, "segments", checkKind(kind));
  }

  private state(kind: string): KindState {
    this.assertOpen();
    let state = this.kinds.get(kind);
    if (!state) {
      checkKind(kind);
      state = {index: new Map(), fds: new Map(), scanned: new Map(), skippedLines: 0};
      this.kinds.set(kind, state);
      if (this.autoCompactAt > 0) this.maybeCompact(kind);
      this.scanKind(kind, state);
    }
    return state;
  }

  private maybeCompact(kind: string): void {
    const finished = listSegments(this.kindDir(kind)).filter((file) => !this.effects.isAlive(writerPid(file)));
    if (finished.length >= this.autoCompactAt) compactKind(this.kindDir(kind), {...this.effects, ownWriterId: this.writerId});
  }

  private scanKind(kind: string, state: KindState): void {
    for (const file of listSegments(this.kindDir(kind))) {
      let fd = state.fds.get(file);
      if (fd === undefined) {
        try {
          fd = openSync(file, "r");
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === "ENOENT") continue; // compacted away meanwhile
          throw error;
        }
        state.fds.set(file, fd);
      }
      const {entries, end, skipped} = scanSegment(fd, file, state.scanned.get(file) ?? 0);
      state.scanned.set(file, end);
      state.skippedLines += skipped;
      for (const {key, location} of entries) if (!state.index.has(key)) state.index.set(key, location);
    }
  }

  private writerFor(kind: string, state: KindState): SegmentWriter {
    if (state.writer) return state.writer;
    if (!this.registered) {
      mkdirSync(join(this.dir, "writers"), {recursive: true});
      const info = {pid: this.effects.pid, host: hostname(), started: this.effects.now().toISOString()};
      writeFileSync(join(this.dir, "writers", `${this.writerId}.json`), JSON.stringify(info) + "\n");
      this.registered = true;
    }
    mkdirSync(this.kindDir(kind), {recursive: true});
    const writer = new SegmentWriter(join(this.kindDir(kind), `${this.writerId}.jsonl`));
    state.writer = writer;
    state.fds.set(writer.path, openSync(writer.path, "r"));
    return writer;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error("store: used after close()");
  }
}

function checkKind(kind: string): string {
  if (!KIND_PATTERN.test(kind)) throw new Error(`store: invalid record kind ${JSON.stringify(kind)} (use lower_snake_case)`);
  return kind;
}
