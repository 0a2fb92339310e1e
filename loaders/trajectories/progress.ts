// Progress of long runs: a bar on a terminal, a line every few seconds in logs (CI, Framework loaders).
import cliProgress from "cli-progress";

export interface ProgressState {
  done: number;
  total: number;
  tokens: number;
  faults: Record<string, number>;
}

export interface ProgressSink {
  start(label: string, total: number): void;
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

/** The line a log gets: done/total, rate, tokens, faults and ETA. */
export function progressLine(label: string, state: ProgressState, elapsedS: number): string {
  const rate = state.done / Math.max(elapsedS, 1e-9);
  const eta = (state.total - state.done) / rate;
  const pct = state.total ? Math.floor((100 * state.done) / state.total) : 100;
  return `[${label}] ${state.done}/${state.total} trajectories (${pct}%) · ${rate.toFixed(1)}/s · ${state.tokens.toLocaleString("en")} tokens · ETA ${formatDuration(eta)}${faultText(state.faults)}`;
}

/** A bar when `stream` is a TTY, otherwise a line every `everyMs` (and at the end). */
export function createProgress(stream: NodeJS.WriteStream = process.stderr, everyMs = 5000, now: () => number = () => Date.now()): ProgressSink {
  let label = "";
  let started = 0;
  let lastLine = 0;
  let bar: cliProgress.SingleBar | null = null;
  return {
    start(l, total) {
      label = l;
      started = now();
      lastLine = started;
      if (stream.isTTY) {
        bar = new cliProgress.SingleBar(
          {stream, format: `${l} [{bar}] {value}/{total} · {rate}/s · {tokens} tokens · ETA {eta_formatted}{faults}`, hideCursor: true},
          cliProgress.Presets.shades_classic
        );
        bar.start(total, 0, {rate: "0.0", tokens: "0", faults: ""});
      } else {
        stream.write(`[${l}] ${total} trajectories to run\n`);
      }
    },
    update(state) {
      const elapsed = (now() - started) / 1000;
      if (bar) {
        bar.update(state.done, {rate: (state.done / Math.max(elapsed, 1e-9)).toFixed(1), tokens: state.tokens.toLocaleString("en"), faults: faultText(state.faults)});
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
