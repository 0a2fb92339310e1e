// Claims: a lease on one work unit (`claims/<kind>/<key>`), so concurrent runs never do the same unit twice.
// A claim file names its holder's writer id; it is valid while that writer's lease lives (writers.ts), so a
// killed holder's units are taken over once its lease expires (at once on the same host). Taking over is
// atomic: the stale file is renamed away (only one taker's rename succeeds) before a new one is created.
import {closeSync, mkdirSync, openSync, readFileSync, renameSync, unlinkSync, writeSync} from "node:fs";
import {join} from "node:path";
import {randomBytes} from "node:crypto";
import {isWriterLive, type LeaseEffects} from "./writers.ts";

export type ClaimOutcome = "claimed" | "held";

function claimPath(storeDir: string, kind: string, key: string): string {
  return join(storeDir, "claims", kind, key);
}

function holderOf(path: string): string | null {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return null;
  }
}

/** Tries to claim a unit for `writerId`; "held" when a live writer (another run) holds it. */
export function tryClaim(storeDir: string, kind: string, key: string, writerId: string, lease: LeaseEffects): ClaimOutcome {
  const path = claimPath(storeDir, kind, key);
  mkdirSync(join(storeDir, "claims", kind), {recursive: true});
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, "wx");
      writeSync(fd, writerId);
      closeSync(fd);
      return "claimed";
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const holder = holderOf(path);
    if (holder === null) continue; // released meanwhile: try again
    if (holder === writerId) return "claimed";
    if (holder !== "" && isWriterLive(storeDir, holder, lease)) return "held";
    // an empty file is a claim whose holder died between create and write
    const stale = `${path}.stale-${randomBytes(4).toString("hex")}`;
    try {
      renameSync(path, stale);
      if (holderOf(stale) !== holder) {
        renameSync(stale, path); // we moved a fresh claim of someone else: put it back
        return "held";
      }
      unlinkSync(stale);
    } catch {
      /* another taker won the rename: try again */
    }
  }
  return "held";
}

/** Gives a claim up (after its record is stored, or when its work failed). Only the holder's own claim. */
export function releaseClaim(storeDir: string, kind: string, key: string, writerId: string): void {
  const path = claimPath(storeDir, kind, key);
  if (holderOf(path) !== writerId) return;
  try {
    unlinkSync(path);
  } catch {
    /* already gone */
  }
}
