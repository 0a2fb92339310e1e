// A dependency-free fake OpenAI-compatible server (node:http, 127.0.0.1, port 0) with scripted faults, for backend tests and benches.
import {createServer, type IncomingMessage, type Server, type ServerResponse} from "node:http";
import type {AddressInfo, Socket} from "node:net";

/** The chat request body as the fake sees it (only the fields it uses are typed). */
export interface FakeChatBody {
  model?: string;
  messages?: Array<{role: string; content: string}>;
  n?: number;
  seed?: number;
  [key: string]: unknown;
}

/** One request as received: kept for "no request twice" and "what was sent" assertions. */
export interface RecordedRequest {
  ordinal: number;
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: FakeChatBody | null;
  rawBody: string;
  /** What the fake answered with (the fault's kind, or "ok"). */
  answer: string;
}

/** What to do with one chat request instead of (or before) answering it normally. */
export type FakeFault =
  | {kind: "status"; status: number; message?: string; headers?: Record<string, string>}
  | {kind: "rate_limit"; status?: 429 | 503; retryAfterMs?: number; retryAfter?: string}
  /** Wait this long before answering normally (longer than the client timeout → the client gives up). */
  | {kind: "delay"; ms: number}
  /** 200 with a complete body that is not valid JSON. */
  | {kind: "malformed"}
  /** 200, headers and half the JSON, then the socket is destroyed. */
  | {kind: "truncated"}
  /** 200, headers and half the JSON, then nothing until the client hangs up (a stalled body). */
  | {kind: "stall"}
  | {kind: "empty_choices"}
  /** Answer with one choice whatever `n` was (Ollama). */
  | {kind: "ignore_n"}
  /** Answer with this many choices (fewer than asked). */
  | {kind: "short"; choices: number}
  /** llama.cpp before `n_cmpl`: HTTP 500 "Only one completion choice is allowed" when n > 1. */
  | {kind: "only_one_choice"};

export type TextScript = (request: FakeChatBody, choiceIndex: number, seed: number) => string;

export interface FakeOpenAIOptions {
  /** Fixed service time of every chat request, in ms (after queueing for capacity). */
  latencyMs?: number;
  /** Requests served at once; the rest queue (like a server's slots). Default unlimited. */
  capacity?: number;
  /** How the server treats `n`: honour (vLLM), ignore (Ollama), reject when n > 1 (old llama.cpp). */
  nMode?: "honour" | "ignore" | "reject";
  /** Whether `usage` is reported (total completion tokens over all choices, as servers do). */
  usage?: boolean;
  text?: TextScript;
  /** Faults for the first chat requests, one each, in order (consumed as they arrive). */
  faults?: FakeFault[];
  /** Per-request script, consulted after `faults` is exhausted; null/undefined = answer normally. */
  script?: (body: FakeChatBody, ordinal: number) => FakeFault | null | undefined;
  models?: string[];
  /** Extra fields of every `/v1/models` entry (e.g. vLLM's `root`): what the server says it serves. */
  modelFields?: Record<string, unknown>;
}

export interface FakeOpenAI {
  /** Base URL including /v1, as the SDK wants it. */
  baseURL: string;
  requests: RecordedRequest[];
  chatRequests(): RecordedRequest[];
  /** Most chat requests being served at once (bounded by capacity). */
  peakActive(): number;
  /** Most chat requests open at once, served or queued: what the client had in flight. */
  peakInFlight(): number;
  /** Swaps what `/v1/models` reports from now on (another checkpoint behind the same name). */
  setModelFields(fields: Record<string, unknown>): void;
  close(): Promise<void>;
}

/** Default reply: depends only on the prompt, the choice's seed and index, so tests can predict it. */
export const defaultText: TextScript = (request, choiceIndex, seed) => {
  const last = request.messages?.at(-1)?.content ?? "";
  return `reply seed=${seed} choice=${choiceIndex} to ${last.slice(0, 40)}`;
};

const words = (s: string) => s.split(/\s+/).filter(Boolean).length;

export async function startFakeOpenAI(options: FakeOpenAIOptions = {}): Promise<FakeOpenAI> {
  const latencyMs = options.latencyMs ?? 0;
  const capacity = options.capacity ?? Infinity;
  const nMode = options.nMode ?? "honour";
  const text = options.text ?? defaultText;
  let modelFields: Record<string, unknown> = {...options.modelFields};
  const faults = [...(options.faults ?? [])];
  const requests: RecordedRequest[] = [];
  let active = 0;
  let inFlight = 0;
  let peakActive = 0;
  let peakInFlight = 0;
  let chatOrdinal = 0;
  const waiting: Array<() => void> = [];

  const acquire = async () => {
    if (active >= capacity) await new Promise<void>((resolve) => waiting.push(resolve));
    active++;
    peakActive = Math.max(peakActive, active);
  };
  const release = () => {
    active--;
    waiting.shift()?.();
  };
  const sleep = (ms: number, res: ServerResponse) =>
    new Promise<void>((resolve) => {
      if (ms <= 0) return resolve();
      const timer = setTimeout(resolve, ms);
      res.once("close", () => {
        clearTimeout(timer);
        resolve();
      });
    });
  const sendJSON = (res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}) => {
    if (res.destroyed) return;
    const body = JSON.stringify(value);
    res.writeHead(status, {"content-type": "application/json", "content-length": Buffer.byteLength(body), ...headers});
    res.end(body);
  };
  const errorBody = (status: number, message: string) => ({error: {code: status, message, type: status >= 500 ? "server_error" : "invalid_request_error"}});

  const completion = (body: FakeChatBody, choices: number) => {
    const seed = typeof body.seed === "number" ? body.seed : 0;
    const texts = Array.from({length: choices}, (_, i) => text(body, i, seed + i));
    const prompt = (body.messages ?? []).reduce((n, m) => n + words(m.content), 0);
    const out = texts.reduce((n, t) => n + words(t), 0);
    return {
      id: `chatcmpl-fake-${chatOrdinal}`,
      object: "chat.completion",
      created: 1_700_000_000,
      model: body.model ?? "fake-model",
      system_fingerprint: "fp_fake",
      choices: texts.map((t, index) => ({index, message: {role: "assistant", content: t}, finish_reason: "stop", logprobs: null})),
      ...(options.usage === false ? {} : {usage: {prompt_tokens: prompt, completion_tokens: out, total_tokens: prompt + out}})
    };
  };

  const handleChat = async (record: RecordedRequest, res: ServerResponse) => {
    const body = record.body ?? {};
    const fault = faults.shift() ?? options.script?.(body, record.ordinal) ?? null;
    record.answer = fault?.kind ?? "ok";
    const asked = typeof body.n === "number" ? body.n : 1;
    await acquire();
    try {
      await sleep(latencyMs, res);
      if (res.destroyed) return;
      if (fault?.kind === "delay") await sleep(fault.ms, res);
      if (res.destroyed) return;
      switch (fault?.kind) {
        case "status":
          return sendJSON(res, fault.status, errorBody(fault.status, fault.message ?? `injected HTTP ${fault.status}`), fault.headers);
        case "rate_limit": {
          const headers: Record<string, string> = {};
          if (fault.retryAfterMs !== undefined) headers["retry-after-ms"] = String(fault.retryAfterMs);
          if (fault.retryAfter !== undefined) headers["retry-after"] = fault.retryAfter;
          const status = fault.status ?? 429;
          return sendJSON(res, status, errorBody(status, "Rate limit reached, slow down"), headers);
        }
        case "malformed": {
          const garbled = '{"id": "chatcmpl-x", "choices": [{"index": 0, "message": {"content": "hel';
          res.writeHead(200, {"content-type": "application/json", "content-length": Buffer.byteLength(garbled)});
          return void res.end(garbled);
        }
        case "truncated": {
          const full = JSON.stringify(completion(body, asked));
          res.writeHead(200, {"content-type": "application/json", "content-length": Buffer.byteLength(full)});
          res.write(full.slice(0, Math.floor(full.length / 2)));
          // Give the half body time to leave before the connection dies mid-JSON.
          await new Promise((resolve) => setTimeout(resolve, 5));
          return void res.socket?.destroy();
        }
        case "stall": {
          const full = JSON.stringify(completion(body, asked));
          res.writeHead(200, {"content-type": "application/json", "content-length": Buffer.byteLength(full)});
          res.write(full.slice(0, Math.floor(full.length / 2)));
          return void (await new Promise((resolve) => res.once("close", resolve)));
        }
        case "empty_choices":
          return sendJSON(res, 200, {...completion(body, 0), choices: []});
        case "only_one_choice":
          if (asked > 1) return sendJSON(res, 500, errorBody(500, "Only one completion choice is allowed"));
          return sendJSON(res, 200, completion(body, 1));
        case "ignore_n":
          return sendJSON(res, 200, completion(body, 1));
        case "short":
          return sendJSON(res, 200, completion(body, Math.min(asked, fault.choices)));
        default:
          if (asked > 1 && nMode === "reject") {
            record.answer = "only_one_choice";
            return sendJSON(res, 500, errorBody(500, "Only one completion choice is allowed"));
          }
          return sendJSON(res, 200, completion(body, nMode === "ignore" ? 1 : asked));
      }
    } finally {
      release();
    }
  };

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const rawBody = Buffer.concat(chunks).toString("utf8");
      let body: FakeChatBody | null = null;
      try {
        body = rawBody ? (JSON.parse(rawBody) as FakeChatBody) : null;
      } catch {
        body = null;
      }
      const path = (req.url ?? "/").split("?")[0];
      const record: RecordedRequest = {ordinal: requests.length, method: req.method ?? "GET", path, headers: {...req.headers}, body, rawBody, answer: "ok"};
      requests.push(record);
      if (req.method === "GET" && path === "/v1/models") {
        const data = (options.models ?? ["fake-model"]).map((id) => ({id, object: "model", created: 0, owned_by: "fake", ...modelFields}));
        return sendJSON(res, 200, {object: "list", data});
      }
      if (req.method === "POST" && path === "/v1/chat/completions") {
        if (!body) return sendJSON(res, 400, errorBody(400, "request body is not JSON"));
        record.ordinal = chatOrdinal++;
        inFlight++;
        peakInFlight = Math.max(peakInFlight, inFlight);
        void handleChat(record, res)
          .catch(() => res.destroy())
          .finally(() => inFlight--);
        return;
      }
      sendJSON(res, 404, errorBody(404, `no route ${req.method} ${path}`));
    });
  });
  const {baseURL, close} = await listenOnLoopback(server);

  return {
    baseURL,
    requests,
    chatRequests: () => requests.filter((r) => r.path === "/v1/chat/completions"),
    peakActive: () => peakActive,
    peakInFlight: () => peakInFlight,
    setModelFields: (fields) => {
      modelFields = {...fields};
    },
    close
  };
}

/**
 * Listens on 127.0.0.1 (a free port) and returns the `/v1` base URL and a close() that also ends kept-alive
 * connections, so a test's server never holds the process open. Shared by every fake server in the tests.
 */
export async function listenOnLoopback(server: Server): Promise<{baseURL: string; close: () => Promise<void>}> {
  const sockets = new Set<Socket>();
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const {port} = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      })
  };
}
