// Sealed packs: immutable, key-sorted JSONL files of unique records with a sorted binary key index beside them.
// `sealed/<kind>/p-<time>-<rand>.jsonl` holds the records (the same lines a segment holds), `….idx` one fixed
// 28-byte entry per record (16-byte key digest, 8-byte offset, 4-byte length whose top bit says the digest is a
// hash rather than the key itself) sorted by digest, and `….parquet`
// (made later, asynchronously) the same rows for DuckDB. The `.idx` is the commit point: a pack without one is
// an unfinished seal and is never read. Opening a kind reads only the indexes (28 bytes a record), never a pack.
import {closeSync, fstatSync, openSync, readdirSync, readSync} from "node:fs";
import {createHash} from "node:crypto";
import {join} from "node:path";
import type {RecordLocation} from "./segments.ts";

export const ENTRY_BYTES = 28;
export const PACK_NAME = /^p-\d{8}T\d{6}Z-[0-9a-f]{8}\.jsonl$/;
const HEX_KEY = /^[0-9a-f]{32}$/;

export function isHexKey(key: string): boolean {
  return HEX_KEY.test(key);
}

/** 16 bytes that order like the key for the store's own 32-hex keys (and a hash of any other key). */
export function keyDigest(key: string): Buffer {
  if (HEX_KEY.test(key)) return Buffer.from(key, "hex");
  return createHash("sha256").update(key).digest().subarray(0, 16);
}

export function sealedDir(storeDir: string, kind: string): string {
  return join(storeDir, "sealed", kind);
}

/** The committed packs of a kind (those with an index), in name order; regular files only. */
export function listPacks(dir: string): string[] {
  let entries;
  try {
    entries = readdirSync(dir, {withFileTypes: true});
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  const names = new Set(entries.filter((e) => e.isFile()).map((e) => e.name));
  return [...names]
    .filter((name) => PACK_NAME.test(name) && names.has(name.replace(/\.jsonl$/, ".idx")))
    .sort()
    .map((name) => join(dir, name));
}

export function indexPath(pack: string): string {
  return pack.replace(/\.jsonl$/, ".idx");
}

export function parquetPath(pack: string): string {
  return pack.replace(/\.jsonl$/, ".parquet");
}

/** One pack opened for lookups: its index in memory (28 bytes a record) and a descriptor on its records. */
export class Pack {
  readonly file: string;
  readonly count: number;
  readonly fd: number;
  private readonly index: Buffer;

  constructor(file: string) {
    this.file = file;
    this.index = readWhole(indexPath(file));
    if (this.index.length % ENTRY_BYTES !== 0) throw new Error(`store: ${indexPath(file)} is not a pack index (size ${this.index.length})`);
    this.count = this.index.length / ENTRY_BYTES;
    this.fd = openSync(file, "r");
  }

  /** Where the record with this key digest is, or undefined. */
  find(digest: Buffer): RecordLocation | undefined {
    const i = this.search(digest);
    return i < 0 ? undefined : this.locationAt(i);
  }

  has(digest: Buffer): boolean {
    return this.search(digest) >= 0;
  }

  locationAt(i: number): RecordLocation {
    const at = i * ENTRY_BYTES;
    const offset = this.index.readUInt32BE(at + 16) * 2 ** 32 + this.index.readUInt32BE(at + 20);
    return {file: this.file, offset, length: this.index.readUInt32BE(at + 24) & 0x7fffffff};
  }

  /** The key of entry i: the digest itself for the store's hex keys, else read from the record line. */
  keyAt(i: number): string {
    const at = i * ENTRY_BYTES;
    if ((this.index.readUInt32BE(at + 24) & 0x80000000) === 0) return this.index.toString("hex", at, at + 16);
    const location = this.locationAt(i);
    const buffer = Buffer.alloc(location.length);
    readSync(this.fd, buffer, 0, location.length, location.offset);
    return (JSON.parse(buffer.toString("utf8")) as {key: string}).key;
  }

  close(): void {
    closeSync(this.fd);
  }

  private search(digest: Buffer): number {
    const a0 = digest.readUInt32BE(0), a1 = digest.readUInt32BE(4), a2 = digest.readUInt32BE(8), a3 = digest.readUInt32BE(12);
    const index = this.index;
    let lo = 0;
    let hi = this.count - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const at = mid * ENTRY_BYTES;
      let c = index.readUInt32BE(at) - a0;
      if (c === 0) c = index.readUInt32BE(at + 4) - a1;
      if (c === 0) c = index.readUInt32BE(at + 8) - a2;
      if (c === 0) c = index.readUInt32BE(at + 12) - a3;
      if (c === 0) return mid;
      if (c < 0) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }
}

/** Encodes one index entry. */
export function indexEntry(digest: Buffer, offset: number, length: number, hashed: boolean): Buffer {
  if (length > 0x7fffffff) throw new Error(`store: a record of ${length} bytes is too large for a pack`);
  const entry = Buffer.alloc(ENTRY_BYTES);
  digest.copy(entry, 0, 0, 16);
  entry.writeUInt32BE(Math.floor(offset / 2 ** 32), 16);
  entry.writeUInt32BE(offset % 2 ** 32, 20);
  entry.writeUInt32BE((length | (hashed ? 0x80000000 : 0)) >>> 0, 24);
  return entry;
}

function readWhole(path: string): Buffer {
  const fd = openSync(path, "r");
  try {
    const size = fstatSync(fd).size;
    const buffer = Buffer.allocUnsafe(size);
    let done = 0;
    while (done < size) {
      const n = readSync(fd, buffer, done, size - done, done);
      if (n <= 0) break;
      done += n;
    }
    return buffer.subarray(0, done);
  } finally {
    closeSync(fd);
  }
}
