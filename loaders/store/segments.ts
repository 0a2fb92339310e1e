// Append-only segment files: one JSON line per record, one file per (writer process, record kind).
// Why not a DuckDB database file: DuckDB lets one process hold a file and locks out every other process,
// readers included, so a long experiment would block every page loader. Segments never lock: each writer
// owns its files, a record is one write() of one complete line (a killed process cannot leave half of it),
// and readers only trust lines that end in a newline.
import {closeSync, fstatSync, lstatSync, openSync, readdirSync, readSync, writeSync} from "node:fs";
import {join} from "node:path";

export const SEGMENT_SUFFIX = ".jsonl";
const KEY_PREFIX = '{"key":"';
/**
 * The store's own segment names: a writer's `w-<time>-<pid>-<rand>[-<seq>].jsonl` and the legacy compacted
 * `c-<time>-<pid>-<rand>.jsonl`. Nothing else in a kind directory is ever read, sealed or deleted.
 */
export const SEGMENT_NAME = /^(w|c)-\d{8}T\d{6}Z-\d+-[0-9a-f]{6}(-\d{1,6})?\.jsonl$/;

/** Where one record's line sits, so it can be read back without parsing the whole file. */
export interface RecordLocation {
  file: string;
  offset: number;
  length: number;
}

/** Serialises a record as exactly one line; the key comes first so scans can read it without JSON.parse. */
export function recordLine(key: string, ts: string, data: unknown): string {
  const body = JSON.stringify(data);
  if (body === undefined) throw new Error(`store: record ${key} has no JSON representation`);
  return `${KEY_PREFIX}${key}","ts":${JSON.stringify(ts)},"data":${body}}\n`;
}

/** Appends whole lines to one file; each call is a single write() so a kill leaves no partial record. */
export class SegmentWriter {
  readonly path: string;
  private fd: number;
  private size: number;

  constructor(path: string) {
    this.path = path;
    this.fd = openSync(path, "a");
    this.size = fstatSync(this.fd).size;
  }

  /** Writes the lines and returns where each landed. Throws (disk full) rather than leave a short write. */
  append(lines: string[]): RecordLocation[] {
    const buffers = lines.map((line) => Buffer.from(line, "utf8"));
    const all = Buffer.concat(buffers);
    const written = writeSync(this.fd, all, 0, all.length);
    if (written !== all.length) {
      throw new Error(`store: short write to ${this.path} (${written} of ${all.length} bytes; disk full?)`);
    }
    const locations: RecordLocation[] = [];
    let offset = this.size;
    for (const b of buffers) {
      locations.push({file: this.path, offset, length: b.length - 1});
      offset += b.length;
    }
    this.size = offset;
    return locations;
  }

  close(): void {
    closeSync(this.fd);
  }
}

/**
 * Lists the segment files of one kind directory (none when it does not exist yet): regular files with the
 * store's own names only (never a symlink, never a foreign file), in name order (= writer start order).
 */
export function listSegments(dir: string): string[] {
  let entries;
  try {
    entries = readdirSync(dir, {withFileTypes: true});
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  return entries
    .filter((entry) => entry.isFile() && SEGMENT_NAME.test(entry.name))
    .map((entry) => entry.name)
    .sort()
    .map((name) => join(dir, name));
}

/** True when `path` is a real directory (lstat: a symlink is not), so housekeeping never follows links. */
export function isRealDirectory(path: string): boolean {
  try {
    return lstatSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** A writer's segment number (0 for its first segment, n for `…-<n>.jsonl` after rotations). */
export function segmentSeq(file: string): number {
  const match = /-[0-9a-f]{6}-(\d+)\.jsonl$/.exec(file);
  return match ? Number(match[1]) : 0;
}

/** The writer id a segment belongs to (`w-…-<rand>` without the rotation number), or null for legacy files. */
export function segmentWriter(file: string): string | null {
  const name = file.slice(file.lastIndexOf("/") + 1);
  const match = /^(w-\d{8}T\d{6}Z-\d+-[0-9a-f]{6})(?:-(\d+))?\.jsonl$/.exec(name);
  return match ? match[1] : null;
}

/** Reads complete lines of a segment from `from` onwards; returns their keys, locations and the new end. */
export function scanSegment(
  fd: number,
  file: string,
  from: number
): {entries: Array<{key: string; location: RecordLocation}>; end: number; skipped: number} {
  const entries: Array<{key: string; location: RecordLocation}> = [];
  const {end, skipped} = forEachRecord(fd, file, from, (key, location) => {
    entries.push({key, location});
  });
  return {entries, end, skipped};
}

/**
 * Streams the complete record lines of a segment from `from` (1 MiB reads, never the whole file); `visit`
 * may return false to stop early. Returns where reading stopped (the start of the first unread line).
 */
export function forEachRecord(
  fd: number,
  file: string,
  from: number,
  visit: (key: string, location: RecordLocation) => boolean | void
): {end: number; skipped: number} {
  const size = fstatSync(fd).size;
  let skipped = 0;
  let position = from;
  const chunkSize = 1 << 20;
  let carry = Buffer.alloc(0);
  let carryStart = from;
  while (position < size) {
    const chunk = Buffer.alloc(Math.min(chunkSize, size - position));
    const read = readSync(fd, chunk, 0, chunk.length, position);
    if (read <= 0) break;
    position += read;
    const data = carry.length ? Buffer.concat([carry, chunk.subarray(0, read)]) : chunk.subarray(0, read);
    let lineStart = 0;
    for (let i = data.indexOf(10); i !== -1; i = data.indexOf(10, lineStart)) {
      const line = data.subarray(lineStart, i);
      const key = keyOfLine(line);
      const location = {file, offset: carryStart + lineStart, length: i - lineStart};
      lineStart = i + 1;
      if (key === null) skipped++;
      else if (visit(key, location) === false) return {end: carryStart + lineStart, skipped};
    }
    carry = Buffer.from(data.subarray(lineStart));
    carryStart += lineStart;
  }
  // A trailing fragment without its newline is a record still being written (or torn by a crash): not yet.
  return {end: carryStart, skipped};
}

/** The key of a record line, or null when the line is not a whole record with a string key. */
export function keyOfLine(line: Buffer): string | null {
  if (line.length < KEY_PREFIX.length + 2 || line.toString("utf8", 0, KEY_PREFIX.length) !== KEY_PREFIX) return null;
  const close = line.indexOf(34, KEY_PREFIX.length); // the closing quote of the key
  if (close <= KEY_PREFIX.length || line.subarray(KEY_PREFIX.length, close).includes(92)) return null; // no key, or escaped
  if (line[line.length - 1] !== 125) return null; // a record line always ends with "}"
  return line.toString("utf8", KEY_PREFIX.length, close);
}

/** Reads one record line back and parses it. */
export function readRecordLine(fd: number, location: RecordLocation): {key: string; ts: string; data: unknown} {
  const buffer = Buffer.alloc(location.length);
  const read = readSync(fd, buffer, 0, location.length, location.offset);
  if (read !== location.length) throw new Error(`store: ${location.file} is shorter than its index says`);
  return JSON.parse(buffer.toString("utf8"));
}
