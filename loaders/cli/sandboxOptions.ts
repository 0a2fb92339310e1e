// Flags shared by every command that runs programs: lanes and the sandbox's strictness.
import type {Command} from "commander";
import {SandboxPool} from "../execution/index.ts";

export interface SandboxFlags {
  lanes?: string;
  allowDegradedSandbox?: boolean;
  bubblewrap?: "auto" | "always" | "never";
}

export function addSandboxFlags(command: Command): Command {
  return command
    .option("--lanes <n>", "parallel sandbox workers (default: number of cores)")
    .option("--bubblewrap <mode>", "auto | always | never (default auto: use it where it works)")
    .option("--allow-degraded-sandbox", "run even without Landlock/seccomp (unsafe for untrusted code)");
}

export function startPool(flags: SandboxFlags): Promise<SandboxPool> {
  const lanes = flags.lanes === undefined ? undefined : Number(flags.lanes);
  if (lanes !== undefined && !(Number.isInteger(lanes) && lanes > 0)) throw new Error(`--lanes must be a positive integer, got ${flags.lanes}`);
  if (flags.bubblewrap && !["auto", "always", "never"].includes(flags.bubblewrap)) {
    throw new Error(`--bubblewrap must be auto, always or never, got ${flags.bubblewrap}`);
  }
  return SandboxPool.start({lanes, allowDegraded: flags.allowDegradedSandbox, bubblewrap: flags.bubblewrap});
}
