// Compaction: merges the segments of writers that have finished into one file, dropping duplicate keys.
// Safe while other processes read or write: inputs are deleted only after the merged file is renamed into
// place, readers keep their open descriptors, and a crash in between only leaves harmless duplicates.
import {closeSync, fsyncSync, openSync, readFileSync, renameSync, unlinkSync, writeSync} from "node:fs";
import {basename, join} from "node:path";
import {randomBytes} from "node:crypto";
import {listSegments} from "./segments.ts";

export interface CompactEffects {
  now(): Date;
  pid: number;
  isAlive(pid: number): boolean;
  ownWriterId?: string;
}

/** The pid encoded in a segment's name (`w-<time>-<pid>-<rand>.jsonl`); compacted files report 0 (done). */
export function writerPid(file: string): number {
  const parts = basename(file).split("-");
  return parts[0] === "w" ? Number(parts[2]) : 0;
}

export function isWriterAlive(pid: number): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Compacts one kind directory; returns how many segment files were merged (0 when nothing to do). */
export function compactKind(dir: string, effects: CompactEffects): number {
  const lock = acquireLock(join(dir, "..", "..", "compact.lock"), effects);
  if (!lock) return 0;
  try {
    const inputs = listSegments(dir).filter(
      (file) => !basename(file).startsWith(effects.ownWriterId ?? "\0") && !effects.isAlive(writerPid(file))
    );
    if (inputs.length < 2) return 0;
    const seen = new Set<string>();
    const lines: string[] = [];
    for (const file of inputs) {
      const text = readFileSync(file, "utf8");
      const complete = text.slice(0, text.lastIndexOf("\n") + 1);
      for (const line of complete.split("\n")) {
        if (!line) continue;
        let key: string;
        try {
          key = JSON.parse(line).key;
        } catch {
          continue; // a torn line: never a record
        }
        if (seen.has(key)) continue;
        seen.add(key);
        lines.push(line + "\n");
      }
    }
    const stamp = effects.now().toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
    const target = join(dir, `c-${stamp}-${effects.pid}-${randomBytes(3).toString("hex")}.jsonl`);
    const temp = `${target}.tmp`;
    const fd = openSync(temp, "w");
    try {
      const data = Buffer.from(lines.join(""), "utf8");
      if (writeSync(fd, data) !== data.length) throw new Error(`store: short write while compacting ${dir}`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, target);
    fsyncDir(dir);
    for (const file of inputs) unlinkSync(file);
    return inputs.length;
  } finally {
    releaseLock(lock);
  }
}

function fsyncDir(dir: string): void {
  const fd = openSync(dir, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function acquireLock(path: string, effects: CompactEffects): string | null {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, "wx");
      writeSync(fd, String(effects.pid));
      closeSync(fd);
      return path;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const holder = Number(readFileSync(path, "utf8") || 0);
      if (effects.isAlive(holder)) return null; // someone else is compacting: skip, it is only housekeeping
      try {
        unlinkSync(path); // stale lock of a dead compactor
      } catch {
        /* raced with another process removing it */
      }
    }
  }
  return null;
}

function releaseLock(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    /* already gone */
  }
}
