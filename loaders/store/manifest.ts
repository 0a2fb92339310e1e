// The kind manifest: one sorted key index over many packs, so a lookup is one binary search however many packs
// a kind has. `m-<time>-<rand>.json` lists the packs it covers (in order: an entry's pack number is a position
// in that list) and `m-….idx` holds one 32-byte entry per record (16-byte digest, 4-byte pack number, 8-byte
// offset, 4-byte length with the hashed-key bit). The sealer rebuilds it by merging the previous manifest with
// the newer packs' indexes (a k-way merge of sorted files, 32 bytes a record: no record is read); the `.json`
// is the commit point. Packs a manifest does not cover yet are looked up one by one (packs.ts).
import {closeSync, fstatSync, openSync, readdirSync, readFileSync, readSync, renameSync, unlinkSync, writeFileSync, writeSync} from "node:fs";
import {basename, join} from "node:path";
import {randomBytes} from "node:crypto";
import {ENTRY_BYTES, indexPath} from "./packs.ts";
import type {RecordLocation} from "./segments.ts";

export const MANIFEST_ENTRY = 32;
const MANIFEST_NAME = /^m-\d{8}T\d{6}Z-[0-9a-f]{8}\.json$/;

export class Manifest {
  readonly packs: string[];
  readonly count: number;
  readonly fds: number[];
  readonly name: string;
  private readonly index: Buffer;

  constructor(dir: string, name: string) {
    this.name = name;
    const listed = JSON.parse(readFileSync(join(dir, name), "utf8")) as {packs: string[]};
    this.packs = listed.packs.map((p) => join(dir, p));
    this.index = readWhole(join(dir, name.replace(/\.json$/, ".idx")));
    if (this.index.length % MANIFEST_ENTRY !== 0) throw new Error(`store: ${name} has a torn index`);
    this.count = this.index.length / MANIFEST_ENTRY;
    this.fds = this.packs.map((p) => openSync(p, "r"));
  }

  find(digest: Buffer): {fd: number; location: RecordLocation} | undefined {
    const i = search(this.index, MANIFEST_ENTRY, this.count, digest);
    if (i < 0) return undefined;
    const at = i * MANIFEST_ENTRY;
    const pack = this.index.readUInt32BE(at + 16);
    const offset = this.index.readUInt32BE(at + 20) * 2 ** 32 + this.index.readUInt32BE(at + 24);
    return {fd: this.fds[pack], location: {file: this.packs[pack], offset, length: this.index.readUInt32BE(at + 28) & 0x7fffffff}};
  }

  has(digest: Buffer): boolean {
    return search(this.index, MANIFEST_ENTRY, this.count, digest) >= 0;
  }

  /** Entry i as a key (hex digest) or null when the key was hashed (read it from the record instead). */
  hexKeyAt(i: number): string | null {
    const at = i * MANIFEST_ENTRY;
    return this.index.readUInt32BE(at + 28) & 0x80000000 ? null : this.index.toString("hex", at, at + 16);
  }

  entryAt(i: number): {fd: number; location: RecordLocation} {
    const at = i * MANIFEST_ENTRY;
    return this.find(this.index.subarray(at, at + 16))!;
  }

  close(): void {
    for (const fd of this.fds) closeSync(fd);
  }
}

/** The newest committed manifest of a kind directory, or null. */
export function latestManifest(dir: string): string | null {
  let names: string[];
  try {
    names = readdirSync(dir, {withFileTypes: true}).filter((e) => e.isFile() && MANIFEST_NAME.test(e.name)).map((e) => e.name);
  } catch {
    return null;
  }
  return names.sort().pop() ?? null;
}

/** Writes a manifest covering `packs` (the previous manifest's packs first); removes older manifests. */
export function writeManifest(dir: string, previous: Manifest | null, packs: string[], stamp: string): string {
  const all = [...(previous?.packs ?? []), ...packs];
  const sources: Array<{buffer: Buffer; width: number; pack: (at: number) => number; count: number}> = [];
  if (previous) {
    const buffer = readWhole(join(dir, previous.name.replace(/\.json$/, ".idx")));
    sources.push({buffer, width: MANIFEST_ENTRY, pack: (at) => buffer.readUInt32BE(at + 16), count: buffer.length / MANIFEST_ENTRY});
  }
  packs.forEach((pack, j) => {
    const buffer = readWhole(indexPath(pack));
    const number = (previous?.packs.length ?? 0) + j;
    sources.push({buffer, width: ENTRY_BYTES, pack: () => number, count: buffer.length / ENTRY_BYTES});
  });
  const total = sources.reduce((n, s) => n + s.count, 0);
  const out = Buffer.alloc(total * MANIFEST_ENTRY);
  const cursor = sources.map(() => 0);
  for (let written = 0; written < total; written++) {
    let best = -1;
    for (let s = 0; s < sources.length; s++) {
      if (cursor[s] >= sources[s].count) continue;
      if (best < 0) {
        best = s;
        continue;
      }
      const a = cursor[s] * sources[s].width;
      const b = cursor[best] * sources[best].width;
      if (sources[s].buffer.compare(sources[best].buffer, b, b + 16, a, a + 16) < 0) best = s;
    }
    const source = sources[best];
    const at = cursor[best]++ * source.width;
    const to = written * MANIFEST_ENTRY;
    source.buffer.copy(out, to, at, at + 16);
    out.writeUInt32BE(source.pack(at), to + 16);
    if (source.width === MANIFEST_ENTRY) source.buffer.copy(out, to + 20, at + 20, at + 32);
    else source.buffer.copy(out, to + 20, at + 16, at + 28);
  }
  const name = `m-${stamp}-${randomBytes(4).toString("hex")}`;
  const fd = openSync(join(dir, `${name}.idx.tmp`), "w");
  try {
    let done = 0;
    while (done < out.length) done += writeSync(fd, out, done, out.length - done);
  } finally {
    closeSync(fd);
  }
  renameSync(join(dir, `${name}.idx.tmp`), join(dir, `${name}.idx`));
  writeFileSync(join(dir, `${name}.json.tmp`), JSON.stringify({packs: all.map((p) => basename(p))}) + "\n");
  renameSync(join(dir, `${name}.json.tmp`), join(dir, `${name}.json`)); // the commit point
  for (const entry of readdirSync(dir)) {
    if (/^m-\d{8}T\d{6}Z-[0-9a-f]{8}\.(json|idx)(\.tmp)?$/.test(entry) && !entry.startsWith(name)) {
      try {
        unlinkSync(join(dir, entry)); // readers of an older manifest hold its data in memory already
      } catch {
        /* gone */
      }
    }
  }
  return name;
}

export function search(index: Buffer, width: number, count: number, digest: Buffer): number {
  const a0 = digest.readUInt32BE(0), a1 = digest.readUInt32BE(4), a2 = digest.readUInt32BE(8), a3 = digest.readUInt32BE(12);
  let lo = 0;
  let hi = count - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const at = mid * width;
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

export function readWhole(path: string): Buffer {
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
