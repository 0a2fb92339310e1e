// Finding, fetching (only when asked), validating and fingerprinting the GGUF file of the embedded llama backend.
import {createHash} from "node:crypto";
import {existsSync, statSync} from "node:fs";
import {open} from "node:fs/promises";
import {basename, isAbsolute, resolve} from "node:path";
import type {GgufFileInfo, ResolveModelFileOptions} from "node-llama-cpp";

/** The project's `models/` folder: where `reprompt models pull` puts files and where bare names are looked up. */
export const DEFAULT_MODELS_DIR = resolve(import.meta.dirname, "..", "..", "models");

/** Suggested code models (notes §3.4): Q4_K_M of the official Qwen2.5-Coder instruct GGUF repos. */
export const SUGGESTED_MODELS = {
  smoke: "hf:Qwen/Qwen2.5-Coder-0.5B-Instruct-GGUF:Q4_K_M",
  small: "hf:Qwen/Qwen2.5-Coder-1.5B-Instruct-GGUF:Q4_K_M"
} as const;

/** Errors about the model file itself (absent, not fetched, malformed); message is meant for the user as is. */
export class LlamaModelFileError extends Error {
  override readonly name = "LlamaModelFileError";
}

export type ResolveModelFileFn = (uriOrPath: string, options: ResolveModelFileOptions) => Promise<string>;
export type ReadGgufFileInfoFn = (path: string, options: {logWarnings?: boolean; readTensorInfo?: boolean}) => Promise<GgufFileInfo>;

/** `hf:` / `huggingface:` / URL references are remote: fetching them needs network, so only on request. */
export function isRemoteModelRef(model: string): boolean {
  return /^(hf:|huggingface:|https?:\/\/)/i.test(model);
}

export function pullCommand(ref: string): string {
  return `reprompt models pull ${ref}`;
}

async function loadNodeLlamaCpp(): Promise<typeof import("node-llama-cpp")> {
  return import("node-llama-cpp");
}

/**
 * Turns the configured model into a local file path without touching the network: a local path (absolute,
 * relative to the working directory, or relative to modelsDir), or a remote reference already in modelsDir.
 * A remote reference that is absent fails at once (the library would otherwise try to fetch and, offline, hang).
 */
export async function locateModelFile(model: string, modelsDir: string, resolveFn?: ResolveModelFileFn): Promise<string> {
  if (!isRemoteModelRef(model)) {
    const candidates = isAbsolute(model) ? [model] : [resolve(model), resolve(modelsDir, model)];
    const found = candidates.find((c) => existsSync(c) && statSync(c).isFile());
    if (found) return found;
    throw new LlamaModelFileError(`model file not found: ${model} (looked at ${candidates.join(", ")})`);
  }
  const resolveModel = resolveFn ?? (await loadNodeLlamaCpp()).resolveModelFile;
  try {
    return await withTimeout(resolveModel(model, {directory: modelsDir, download: false, cli: false}), 10_000, "looking up the model file");
  } catch (error) {
    throw new LlamaModelFileError(
      `model ${model} is not downloaded in ${modelsDir} (downloads happen only on request). ` +
        `Fetch it with \`${pullCommand(model)}\` (or set download: true in the llama backend config), ` +
        `or point "model" at a local .gguf file. [${(error as Error).message}]`
    );
  }
}

/** Recurrent architectures have no attention heads or feed-forward length: only their basic keys are required. */
const RECURRENT_ARCHITECTURES = new Set(["mamba", "mamba2", "rwkv6", "rwkv6qwen2", "rwkv7", "arwkv7"]);

/**
 * Keys whose absence must be caught before `loadModel`: for llama-like architectures a missing
 * `feed_forward_length` or `attention.head_count` is a native GGML_ASSERT that aborts the whole process
 * (exit 134, uncatchable; notes §3.3.4); the others give poor errors later.
 */
export function requiredGgufKeys(architecture: string): string[] {
  const base = ["general.architecture", "tokenizer.ggml.model", "tokenizer.ggml.tokens"];
  if (RECURRENT_ARCHITECTURES.has(architecture)) return [...base, `${architecture}.block_count`, `${architecture}.embedding_length`];
  return [
    ...base,
    `${architecture}.context_length`,
    `${architecture}.embedding_length`,
    `${architecture}.block_count`,
    `${architecture}.feed_forward_length`,
    `${architecture}.attention.head_count`
  ];
}

function lookup(metadata: unknown, dotted: string): unknown {
  let node: unknown = metadata;
  for (const part of dotted.split(".")) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

/** Reads the GGUF header in JS and rejects files llama.cpp would crash on, naming the file and the key. */
export async function validateGgufFile(path: string, readInfo?: ReadGgufFileInfoFn): Promise<GgufFileInfo> {
  const read = readInfo ?? (await loadNodeLlamaCpp()).readGgufFileInfo;
  let info: GgufFileInfo;
  try {
    info = await read(path, {logWarnings: false, readTensorInfo: false});
  } catch (error) {
    throw new LlamaModelFileError(`${path} is not a readable GGUF file: ${(error as Error).message}`);
  }
  const architecture = lookup(info.metadata, "general.architecture");
  const keys = requiredGgufKeys(typeof architecture === "string" ? architecture : "");
  const missing = keys.filter((key) => lookup(info.metadata, key) === undefined);
  if (missing.length > 0) {
    throw new LlamaModelFileError(
      `${path} is a malformed GGUF file: missing metadata key ${missing.map((k) => `"${k}"`).join(", ")} ` +
        `(llama.cpp would abort the process loading it)`
    );
  }
  return info;
}

/** Identity of the file's content, cheap on multi-GB files: size plus a hash of the first MiB (the header). */
export async function fingerprintModelFile(path: string): Promise<string> {
  const size = statSync(path).size;
  const handle = await open(path, "r");
  try {
    const buffer = Buffer.alloc(Math.min(size, 1 << 20));
    await handle.read(buffer, 0, buffer.length, 0);
    return `${size}-${createHash("sha256").update(buffer).digest("hex").slice(0, 12)}`;
  } finally {
    await handle.close();
  }
}

export function modelFileLabel(path: string): string {
  return basename(path);
}

export interface PullOptions {
  modelsDir?: string;
  /** Fail when no byte arrived for this long (offline, the library's own download never ends). Default 60 s. */
  stallTimeoutMs?: number;
  /** Overall limit; default none (a 1.5B Q4 model is ~1 GB). */
  timeoutMs?: number;
  /** Progress display: a bar on a TTY, periodic lines otherwise, or nothing. Default "auto". */
  progress?: "auto" | "bar" | "lines" | "none";
  stream?: NodeJS.WritableStream & {isTTY?: boolean};
  signal?: AbortSignal;
  resolveModelFile?: ResolveModelFileFn;
}

/**
 * Downloads (or finds) a remote model into modelsDir and returns its local path: the one place that talks
 * to the network, for `reprompt models pull` and for `download: true`.
 */
export async function pullModel(ref: string, options: PullOptions = {}): Promise<string> {
  const modelsDir = options.modelsDir ?? DEFAULT_MODELS_DIR;
  const stream = options.stream ?? process.stderr;
  const mode = options.progress === undefined || options.progress === "auto" ? (stream.isTTY ? "bar" : "lines") : options.progress;
  const resolveModel = options.resolveModelFile ?? (await loadNodeLlamaCpp()).resolveModelFile;
  const progress = await createProgress(mode, ref, stream);
  const controller = new AbortController();
  const stallMs = options.stallTimeoutMs ?? 60_000;
  let stallTimer: NodeJS.Timeout | undefined;
  let failStall: (error: Error) => void = () => {};
  const stalled = new Promise<never>((_, reject) => (failStall = reject));
  const armStall = (): void => {
    clearTimeout(stallTimer);
    stallTimer = setTimeout(() => {
      const error = new LlamaModelFileError(`download of ${ref} stalled: no data for ${Math.round(stallMs / 1000)} s (is the network reachable?)`);
      controller.abort(error);
      failStall(error);
    }, stallMs);
  };
  const onAbort = (): void => controller.abort(options.signal?.reason);
  options.signal?.addEventListener("abort", onAbort, {once: true});
  armStall();
  try {
    const download = resolveModel(ref, {
      directory: modelsDir,
      download: "auto",
      cli: false,
      signal: controller.signal,
      onProgress: ({totalSize, downloadedSize}) => {
        armStall();
        progress.update(downloadedSize, totalSize);
      }
    });
    const raced = Promise.race([download, stalled]);
    const path = await (options.timeoutMs ? withTimeout(raced, options.timeoutMs, `downloading ${ref}`) : raced);
    progress.done(`model ready: ${path}`);
    return path;
  } catch (error) {
    progress.done(`download of ${ref} failed`);
    throw error;
  } finally {
    clearTimeout(stallTimer);
    options.signal?.removeEventListener("abort", onAbort);
  }
}

interface Progress {
  update(done: number, total: number): void;
  done(message: string): void;
}

const mb = (bytes: number): string => (bytes / 1e6).toFixed(1);

async function createProgress(mode: string, ref: string, stream: NodeJS.WritableStream): Promise<Progress> {
  if (mode === "none") return {update: () => {}, done: () => {}};
  if (mode === "bar") {
    const {default: cliProgress} = await import("cli-progress");
    const bar = new cliProgress.SingleBar(
      {format: `${ref} [{bar}] {percentage}% {done}/{all} MB`, stream, hideCursor: true},
      cliProgress.Presets.shades_classic
    );
    let started = false;
    return {
      update(done, total) {
        if (!started) bar.start(Math.max(total, 1), 0, {done: "0", all: mb(total)});
        started = true;
        bar.setTotal(Math.max(total, 1));
        bar.update(done, {done: mb(done), all: mb(total)});
      },
      done(message) {
        if (started) bar.stop();
        stream.write(`${message}\n`);
      }
    };
  }
  // Lines: one every 10 % or 30 s, so logs of non-interactive runs stay short but show life.
  let lastPct = -10;
  let lastAt = 0;
  stream.write(`downloading ${ref}\n`);
  return {
    update(done, total) {
      const pct = total > 0 ? Math.floor((100 * done) / total) : 0;
      const now = Date.now();
      if (pct >= lastPct + 10 || now - lastAt >= 30_000 || (done === total && pct !== lastPct)) {
        lastPct = pct;
        lastAt = now;
        stream.write(`  ${ref}: ${pct}% (${mb(done)}/${mb(total)} MB)\n`);
      }
    },
    done(message) {
      stream.write(`${message}\n`);
    }
  };
}

/** Our own deadline: some library calls cannot be cancelled (an offline download ignores its signal). */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${Math.round(ms / 1000)} s ${what}`)), ms);
    timer.unref?.();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
