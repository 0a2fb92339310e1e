// How many sandbox lanes the machine's memory can hold when every program uses its whole memory limit.

/** Runners a lane may hold at once: the one running a program and the spare forked ahead of need. */
export const RUNNERS_PER_LANE = 2;

export interface LaneBudget {
  /** Worst-case bytes of one lane: each runner at its ceiling, plus the lane's scratch tmpfs. */
  laneBytes: number;
  /** Lanes that fit in `usableBytes`; at least 1. */
  lanes: number;
  /** Set when fewer lanes than asked for fit: why, for the banner. */
  reduced: string | null;
}

/**
 * The memory budget of `requested` lanes. A spare runner counts at the full ceiling: it is forked with the
 * same limits and takes over a program's tests, so a lane can briefly hold two programs' worth of memory.
 */
export function laneBudget(requested: number, memoryCeilingBytes: number, scratchBytes: number, usableBytes: number): LaneBudget {
  const laneBytes = RUNNERS_PER_LANE * memoryCeilingBytes + scratchBytes;
  const fit = Math.max(1, Math.floor(usableBytes / laneBytes));
  const lanes = Math.min(requested, fit);
  const gib = (b: number) => `${(b / 2 ** 30).toFixed(1)} GiB`;
  const reduced =
    lanes < requested
      ? `${requested} lanes asked for, ${lanes} fit: each lane may hold ${RUNNERS_PER_LANE} runners of ${gib(memoryCeilingBytes)} plus ${gib(scratchBytes)} of scratch, and ${gib(usableBytes)} are usable`
      : null;
  return {laneBytes, lanes, reduced};
}
