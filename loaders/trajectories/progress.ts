// Progress of long runs: a bar on a terminal, a line every few seconds in logs (CI, Framework loaders).
import cliProgress from "cli-progress";

export interface ProgressState {
  done: number;
  total: number;
  tokens: number;
  faults: Record<string, number>;
}

export interface ProgressSink {
  /** `total`: trajectories this run must compute; `reused`: those already in the store (not counted as progress). */
  start(label: string, total: number, reused?: number): void;
  update(state: ProgressState): void;
  stop(state: ProgressState): void;
}

function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return "?";
  const s = Math.round(seconds);
  return s >= 3600 ? `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60)}m` : s >= 60 ? `${Math.floor(s / 60)}m${s % 60}s` : `${s}s`;
}

function faultText(faults: Record<string, number>): string {
  const parts = Object.entries(faults).filter(([, n]) => n > 0).map(([k, n]) => `${k}×${n}`);
  return parts.length ? ` · faults ${parts.join(" ")}` : "";
}

/** Below this much elapsed time or work a rate says nothing (one trajectory in 1 ms is not 1000/s). */
const MIN_RATE_SECONDS = 1;

/** Trajectories per second of this run's own work, or null while there is too little to tell. */
export function rateOf(done: number, elapsedS: number): number | null {
  return done > 0 && elapsedS >= MIN_RATE_SECONDS ? done / elapsedS : null;
}

/** Time left at the current rate: "?" until there is a rate, "0s" when nothing is left. */
export function etaText(state: ProgressState, elapsedS: number): string {
  if (state.done >= state.total) return "0s";
  const rate = rateOf(state.done, elapsedS);
  return rate === null ? "?" : formatDuration((state.total - state.done) / rate);
}

function rateText(done: number, elapsedS: number): string {
  const rate = rateOf(done, elapsedS);
  return rate === null ? "–" : rate.toFixed(1);
}

/** The line a log gets: done/total (this run's work only), rate, tokens, faults and ETA. */
export function progressLine(label: string, state: ProgressState, elapsedS: number): string {
  const pct = state.total ? Math.floor((100 * state.done) / state.total) : 100;
  return `[${label}] ${state.done}/${state.total} trajectories (${pct}%) · ${rateText(state.done, elapsedS)}/s · ${state.tokens.toLocaleString("en")} tokens · ETA ${etaText(state, elapsedS)}${faultText(state.faults)}`;
}

/** A bar when `stream` is a TTY, otherwise a line every `everyMs` (and at the end). */
export function createProgress(stream: NodeJS.WriteStream = process.stderr, everyMs = 5000, now: () => number = () => Date.now()): ProgressSink {
  let label = "";
  let started = 0;
  let lastLine = 0;
  let bar: cliProgress.SingleBar | null = null;
  return {
    start(l, total, reused = 0) {
      stream.write(`[${l}] ${total} trajectories to run${reused ? ` (${reused} already in the store)` : ""}\n`);
      label = l;
      started = now();
      lastLine = started;
      if (stream.isTTY) {
        bar = new cliProgress.SingleBar(
          {stream, format: `${l} [{bar}] {value}/{total} · {rate}/s · {tokens} tokens · ETA {eta}{faults}`, hideCursor: true},
          cliProgress.Presets.shades_classic
        );
        bar.start(total, 0, {rate: "–", tokens: "0", eta: "?", faults: ""});
      }
    },
    update(state) {
      const elapsed = (now() - started) / 1000;
      if (bar) {
        bar.update(state.done, {rate: rateText(state.done, elapsed), tokens: state.tokens.toLocaleString("en"), eta: etaText(state, elapsed), faults: faultText(state.faults)});
      } else if (now() - lastLine >= everyMs) {
        lastLine = now();
        stream.write(progressLine(label, state, elapsed) + "\n");
      }
    },
    stop(state) {
      if (bar) {
        bar.update(state.done);
        bar.stop();
      } else {
        stream.write(progressLine(label, state, (now() - started) / 1000) + " · done\n");
      }
    }
  };
}

/** For tests and quiet runs. */
export const silentProgress: ProgressSink = {start() {}, update() {}, stop() {}};
