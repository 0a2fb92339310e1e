// Sealing: streams finished segments of one kind into key-sorted packs of unique records, then deletes them.
// Bounded in memory (a batch holds at most `batchRecords` keys and reads 1 MiB at a time), safe while others
// read and write (inputs are deleted only after the pack's index is renamed into place, and readers keep their
// descriptors), and never fatal: a failure is logged, its temp files removed, and the store stays as it was.
// A kill at any point leaves an openable store: at worst an unfinished pack without an index (ignored, and
// removed by the next seal) or inputs whose records are already sealed (dropped as duplicates next time).
// Only the store's own file names are touched, through real directories (lstat: never a symlink).
import {closeSync, fsyncSync, lstatSync, mkdirSync, openSync, readdirSync, readSync, renameSync, unlinkSync, writeSync} from "node:fs";
import {join} from "node:path";
import {randomBytes} from "node:crypto";
import {indexEntry, indexPath, isHexKey, keyDigest, listPacks, Pack, PACK_NAME, sealedDir} from "./packs.ts";
import {latestManifest, Manifest, writeManifest} from "./manifest.ts";
import {forEachRecord, isRealDirectory, listSegments, type RecordLocation} from "./segments.ts";
import {isWriterLive, type LeaseEffects} from "./writers.ts";

export interface SealOptions {
  storeDir: string;
  kind: string;
  /** Whether a segment is finished (its writer closed, rotated past it, or lost its lease). */
  isFinished(file: string): boolean;
  /** The sealing process's writer id (holds the lock while it seals). */
  writerId: string;
  lease: LeaseEffects;
  log(message: string): void;
  batchRecords?: number;
  batchBytes?: number;
  /** Renews the sealer's lease (sealing is synchronous: the heartbeat timer cannot fire meanwhile). */
  renew?(): void;
  /** Fold packs into the manifest once this many are outside it (default 8). */
  manifestAt?: number;
  /** Test hook: called at each step so a test can kill the process there. */
  step?(name: string): void;
}

export interface SealResult {
  segments: number;
  records: number;
  duplicates: number;
  packs: number;
}

const NOTHING: SealResult = {segments: 0, records: 0, duplicates: 0, packs: 0};
const TEMP_NAME = /^[pm]-\d{8}T\d{6}Z-[0-9a-f]{8}\.(jsonl|idx|json|parquet)\.tmp(-[A-Za-z0-9_-]+)?$/;

/** Seals a kind's finished segments; returns what it did (all zero when there was nothing, or it failed). */
export function sealKind(options: SealOptions): SealResult {
  const {storeDir, kind, log} = options;
  const segmentsDir = join(storeDir, "segments", kind);
  const outDir = sealedDir(storeDir, kind);
  if (!isRealDirectory(segmentsDir)) {
    if (exists(segmentsDir)) log(`store: ${segmentsDir} is not a real directory (a symlink?): not sealed`);
    return NOTHING;
  }
  mkdirSync(outDir, {recursive: true});
  if (!isRealDirectory(outDir)) {
    log(`store: ${outDir} is not a real directory (a symlink?): not sealed`);
    return NOTHING;
  }
  const lock = join(outDir, "seal.lock");
  if (!acquireLock(lock, options)) return NOTHING;
  const temps: string[] = [];
  const opened: Pack[] = [];
  try {
    removeLeftovers(outDir, options);
    const inputs = listSegments(segmentsDir).filter((file) => options.isFinished(file));
    if (inputs.length === 0) {
      updateManifest(outDir, options);
      return NOTHING;
    }
    for (const file of listPacks(outDir)) opened.push(new Pack(file));
    const ends = new Map<string, number>();
    const result = sealInputs(inputs, opened, outDir, temps, options, ends);
    options.step?.("sealed");
    if (lockHolder(lock) !== options.writerId) throw new Error("lost the seal lock (lease expired)");
    for (const file of inputs) {
      // a writer thought dead that still appends (a paused process whose lease ran out) keeps its file
      if (lstatSync(file).size !== ends.get(file)) {
        log(`store: ${file} grew while it was sealed; kept (its writer is alive after all)`);
        continue;
      }
      unlinkSync(file);
    }
    fsyncDir(segmentsDir);
    updateManifest(outDir, options);
    return {...result, segments: inputs.length};
  } catch (error) {
    log(`store: sealing ${kind} failed and was skipped (${(error as Error).message}); the store is unchanged`);
    for (const temp of temps) removeQuietly(temp);
    return NOTHING;
  } finally {
    for (const pack of opened) pack.close();
    removeQuietly(lock);
  }
}

function sealInputs(inputs: string[], packs: Pack[], outDir: string, temps: string[], options: SealOptions, ends: Map<string, number>): Omit<SealResult, "segments"> {
  const batchRecords = options.batchRecords ?? 500_000;
  const batchBytes = options.batchBytes ?? 256 << 20;
  let batch = new Map<string, RecordLocation>();
  let bytes = 0;
  let records = 0;
  let duplicates = 0;
  let made = 0;
  let seen = 0;
  const fds = new Map<string, number>();
  const flush = () => {
    if (batch.size === 0) return;
    const pack = writePack(batch, fds, outDir, temps, options);
    packs.push(pack);
    records += batch.size;
    made++;
    batch = new Map();
    bytes = 0;
  };
  try {
    for (const file of inputs) {
      const fd = openSync(file, "r");
      fds.set(file, fd);
      const size = lstatSync(file).size;
      const {end} = forEachRecord(fd, file, 0, (key, location) => {
        if (++seen % 4096 === 0) options.renew?.();
        const digest = keyDigest(key);
        if (batch.has(key) || packs.some((p) => p.has(digest))) {
          duplicates++; // the first stored (earliest segment name, then offset) wins, as in every reader
          return;
        }
        batch.set(key, location);
        bytes += location.length + 1;
        if (batch.size >= batchRecords || bytes >= batchBytes) flush();
      });
      // the size seen before reading: a torn tail (end < size) is dropped with the file, a later append is not
      ends.set(file, Math.max(end, size));
    }
    flush();
  } finally {
    for (const fd of fds.values()) closeSync(fd);
  }
  return {records, duplicates, packs: made};
}

/** Writes one pack (records in key-digest order) and commits it by renaming its index into place. */
function writePack(batch: Map<string, RecordLocation>, fds: Map<string, number>, outDir: string, temps: string[], options: SealOptions): Pack {
  const sorted = [...batch.entries()].map(([key, location]) => ({digest: keyDigest(key), hashed: !isHexKey(key), location}));
  sorted.sort((a, b) => Buffer.compare(a.digest, b.digest));
  const name = `p-${stamp(options.lease.now())}-${randomBytes(4).toString("hex")}`;
  const pack = join(outDir, `${name}.jsonl`);
  const dataTemp = `${pack}.tmp`;
  const indexTemp = `${indexPath(pack)}.tmp`;
  temps.push(dataTemp, indexTemp, pack);
  const index = Buffer.alloc(sorted.length * 28);
  const out = openSync(dataTemp, "w");
  try {
    let buffer = Buffer.allocUnsafe(1 << 20);
    let used = 0;
    let offset = 0;
    const drain = () => {
      writeAll(out, buffer.subarray(0, used));
      used = 0;
    };
    sorted.forEach(({digest, hashed, location}, i) => {
      if (i % 4096 === 4095) options.renew?.();
      const need = location.length + 1;
      if (used + need > buffer.length) drain();
      if (need > buffer.length) buffer = Buffer.allocUnsafe(need);
      const read = readSync(fds.get(location.file)!, buffer, used, location.length, location.offset);
      if (read !== location.length) throw new Error(`${location.file} is shorter than it was when scanned`);
      buffer[used + location.length] = 10;
      used += need;
      indexEntry(digest, offset, location.length, hashed).copy(index, i * 28);
      offset += need;
    });
    drain();
    fsyncSync(out);
  } finally {
    closeSync(out);
  }
  options.renew?.();
  options.step?.("pack-written");
  const indexFd = openSync(indexTemp, "w");
  try {
    writeAll(indexFd, index);
    fsyncSync(indexFd);
  } finally {
    closeSync(indexFd);
  }
  // commit only while the lock is still ours: a sealer whose lease lapsed (a stalled machine) must not add a
  // pack next to the one its successor is writing from the same segments
  if (lockHolder(join(outDir, "seal.lock")) !== options.writerId) throw new Error("lost the seal lock (lease expired)");
  renameSync(dataTemp, pack);
  options.step?.("pack-renamed");
  renameSync(indexTemp, indexPath(pack)); // the commit point
  fsyncDir(outDir);
  temps.length = 0;
  options.step?.("pack-committed");
  return new Pack(pack);
}

/** Folds packs into the kind's manifest once enough are outside it (a merge of 28-byte entries, no records). */
function updateManifest(outDir: string, options: SealOptions): void {
  const latest = latestManifest(outDir);
  const manifest = latest ? new Manifest(outDir, latest) : null;
  try {
    const covered = new Set(manifest?.packs ?? []);
    const outside = listPacks(outDir).filter((pack) => !covered.has(pack));
    if (outside.length >= (options.manifestAt ?? 8)) writeManifest(outDir, manifest, outside, stamp(options.lease.now()));
  } finally {
    manifest?.close();
  }
}

/** Removes what killed sealers left: temp files, and packs whose index never landed (uncommitted). */
function removeLeftovers(outDir: string, options: SealOptions): void {
  const names = new Set(readdirSync(outDir, {withFileTypes: true}).filter((e) => e.isFile()).map((e) => e.name));
  for (const name of names) {
    const path = join(outDir, name);
    if (TEMP_NAME.test(name)) {
      // a Parquet conversion still under way keeps touching its temp file; only a stale one is removed
      if (name.includes(".parquet.") && options.lease.now().getTime() - lstatSync(path).mtimeMs < options.lease.leaseMs) continue;
      removeQuietly(path);
    } else if (PACK_NAME.test(name) && !names.has(name.replace(/\.jsonl$/, ".idx"))) {
      removeQuietly(path);
    }
  }
}

function acquireLock(path: string, options: SealOptions): boolean {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, "wx");
      writeSync(fd, options.writerId);
      closeSync(fd);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const holder = lockHolder(path);
      if (holder === null) continue; // released meanwhile
      if (isWriterLive(options.storeDir, holder, options.lease)) return false; // someone else is sealing
      removeQuietly(path); // the lock of a dead sealer
    }
  }
  return false;
}

function lockHolder(path: string): string | null {
  try {
    const fd = openSync(path, "r");
    try {
      const buffer = Buffer.alloc(200);
      return buffer.toString("utf8", 0, readSync(fd, buffer, 0, 200, 0));
    } finally {
      closeSync(fd);
    }
  } catch {
    return null;
  }
}

function writeAll(fd: number, data: Buffer): void {
  let done = 0;
  while (done < data.length) done += writeSync(fd, data, done, data.length - done);
}

function fsyncDir(dir: string): void {
  const fd = openSync(dir, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    /* already gone */
  }
}

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

function stamp(date: Date): string {
  return date.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
}
