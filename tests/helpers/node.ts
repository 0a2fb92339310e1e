// Spawning TypeScript entry points the way users run them (node + tsx), for multi-process tests.
import {spawn, type ChildProcess, type SpawnOptions} from "node:child_process";
import {join, resolve} from "node:path";

export const repoRoot = resolve(import.meta.dirname, "..", "..");

export function spawnTs(script: string, args: string[] = [], options: SpawnOptions = {}): ChildProcess {
  return spawn(process.execPath, ["--import", "tsx", resolve(repoRoot, script), ...args], {
    cwd: repoRoot,
    stdio: ["ignore", "pipe", "pipe"],
    ...options
  });
}

export function cliPath(): string {
  return join(repoRoot, "bin", "reprompt.js");
}

/** Collects stdout/stderr and resolves with the exit code (or signal). */
export function finished(child: ChildProcess): Promise<{code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string}> {
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d) => (stdout += d));
  child.stderr?.on("data", (d) => (stderr += d));
  return new Promise((resolvePromise, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => resolvePromise({code, signal, stdout, stderr}));
  });
}
