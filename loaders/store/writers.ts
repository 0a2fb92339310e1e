// Writer identity and leases: who writes a segment or holds a claim, and whether they are still alive.
// Identity is host + pid + start time (the writer id also carries a random suffix); liveness on a shared file
// system cannot be a local pid check, so every writer renews a lease (its file's mtime) while it is open, and
// a writer whose lease has not been renewed for `leaseMs` is dead wherever it ran. On the same host a dead pid
// ends the lease at once (a killed run's work is taken over without waiting for the expiry).
import {closeSync, mkdirSync, openSync, readFileSync, statSync, utimesSync, writeFileSync, writeSync} from "node:fs";
import {hostname} from "node:os";
import {join} from "node:path";

export interface WriterInfo {
  id: string;
  host: string;
  pid: number;
  started: string;
  closed?: string;
}

export interface LeaseEffects {
  now(): Date;
  /** Local process liveness (only consulted for writers on this host). */
  isAlive(pid: number): boolean;
  host: string;
  leaseMs: number;
}

export const DEFAULT_LEASE_MS = 60_000;

export function isPidAlive(pid: number): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

export const defaultLeaseEffects: LeaseEffects = {now: () => new Date(), isAlive: isPidAlive, host: hostname(), leaseMs: DEFAULT_LEASE_MS};

export function writersDir(storeDir: string): string {
  return join(storeDir, "writers");
}

/** Registers a writer (creates its lease file). */
export function registerWriter(storeDir: string, info: WriterInfo): void {
  mkdirSync(writersDir(storeDir), {recursive: true});
  writeFileSync(join(writersDir(storeDir), `${info.id}.json`), JSON.stringify(info) + "\n");
}

/** Renews a writer's lease: its file's mtime is the heartbeat. */
export function renewLease(storeDir: string, id: string, now: Date): void {
  try {
    utimesSync(join(writersDir(storeDir), `${id}.json`), now, now);
  } catch {
    /* the file was removed by `store` housekeeping of a writer thought dead: nothing to renew */
  }
}

/** Marks a writer closed: its segments are finished and its claims free, without waiting for the lease. */
export function closeWriter(storeDir: string, info: WriterInfo, now: Date): void {
  try {
    const fd = openSync(join(writersDir(storeDir), `${info.id}.json`), "w");
    writeSync(fd, JSON.stringify({...info, closed: now.toISOString()}) + "\n");
    closeSync(fd);
  } catch {
    /* best effort: the lease expires anyway */
  }
}

/** Reads a writer's lease; null when it has none (never registered, or removed). */
export function readWriter(storeDir: string, id: string): {info: WriterInfo; heartbeat: number} | null {
  const path = join(writersDir(storeDir), `${id}.json`);
  try {
    const heartbeat = statSync(path).mtimeMs;
    const info = JSON.parse(readFileSync(path, "utf8")) as WriterInfo;
    return {info, heartbeat};
  } catch {
    return null;
  }
}

/** Whether writer `id` may still append to its segments or work on its claims. */
export function isWriterLive(storeDir: string, id: string, effects: LeaseEffects): boolean {
  const lease = readWriter(storeDir, id);
  if (!lease) return false;
  if (lease.info.closed) return false;
  if (lease.info.host === effects.host && !effects.isAlive(lease.info.pid)) return false;
  return effects.now().getTime() - lease.heartbeat < effects.leaseMs;
}
