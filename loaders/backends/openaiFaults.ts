// Fault classes, retry decisions, backoff and secret redaction for the openai backend (pure functions, no I/O).
import {APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError} from "openai";

/**
 * Fault classes counted in `stats().faults`. HTTP 4xx are counted under their status ("401", "429", …), all
 * 5xx under "5xx". The others are named because no status code tells them apart.
 */
export type FaultKind =
  | "5xx"
  | "timeout"
  | "connection"
  | "malformed"
  | "empty_choices"
  | "truncated_stream"
  | "short_n"
  | "n_rejected"
  | "unknown"
  | `${number}`;

/** A classified failure of one HTTP attempt. */
export interface Fault {
  kind: FaultKind;
  retryable: boolean;
  status: number | null;
  /** The server's or the transport's explanation, not yet redacted. */
  detail: string;
  /** Server-requested wait (retry-after-ms / retry-after), if any. */
  retryAfterMs: number | null;
  /** Nothing listens at the address (ECONNREFUSED): retried at most MAX_REFUSED_RETRIES times, then fatal. */
  refused?: boolean;
}

/** A refused connection is retried this often at most (a server restarting), not with the full backoff budget. */
export const MAX_REFUSED_RETRIES = 1;

/** The innermost error code of a transport failure (fetch wraps the socket error in `cause`, sometimes twice). */
export function connectionCode(error: unknown): string | null {
  for (let e = error, depth = 0; e && typeof e === "object" && depth < 5; e = (e as {cause?: unknown}).cause, depth++) {
    const code = (e as {code?: unknown}).code;
    if (typeof code === "string") return code;
  }
  return null;
}

/** A short reason for a transport failure: its code, or its message. */
export function connectionDetail(error: unknown): string {
  const code = connectionCode(error);
  if (code) return code;
  const messages: string[] = [];
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) messages.push(e.message);
  return messages.join(": ") || String(error);
}

/** Raised inside an attempt when a 200 response cannot be used; classified like a transport fault. */
export class ResponseFault extends Error {
  constructor(
    readonly kind: "malformed" | "empty_choices",
    detail: string
  ) {
    super(detail);
    this.name = "ResponseFault";
  }
}

/**
 * What a caller of the backend sees when a request fails for good. It carries no cause object on purpose:
 * SDK errors hold request options and headers, and the message has been redacted.
 */
export class OpenAIBackendError extends Error {
  constructor(
    message: string,
    readonly fault: FaultKind | "aborted" | "closed" | "config",
    readonly status: number | null = null,
    readonly attempts = 0
  ) {
    super(message);
    this.name = "OpenAIBackendError";
  }
}

/** llama.cpp builds before `n_cmpl` answer n > 1 with this (HTTP 500): a capability answer, not a crash. */
const N_REJECTED = /only one completion choice is allowed/i;
/** Characters of a server's error text kept in a fault's detail. */
export const MAX_DETAIL_CHARS = 1000;

/** Statuses the SDK (and we) consider transient: timeout, conflict, rate limit, any server error. */
export function retryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

export function faultKindForStatus(status: number): FaultKind {
  return status >= 500 ? "5xx" : (`${status}` as FaultKind);
}

/**
 * Reads the server's requested wait. `retry-after-ms` (OpenAI's own) wins; `retry-after` may be seconds or an
 * HTTP date, resolved against the injected clock so tests need no real time.
 */
export function parseRetryAfter(headers: Headers | undefined, nowMs: number): number | null {
  if (!headers) return null;
  const ms = headers.get("retry-after-ms");
  if (ms !== null && ms.trim() !== "" && Number.isFinite(Number(ms)) && Number(ms) >= 0) return Number(ms);
  const value = headers.get("retry-after")?.trim();
  if (!value) return null;
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - nowMs) : null;
}

/**
 * Classifies one attempt's failure. `timedOut` is set when our own per-attempt deadline fired: we abort the
 * request ourselves because the SDK's timer stops at the response headers and would not cover a stalled body.
 */
export function classify(error: unknown, timedOut: boolean, nowMs: number): Fault {
  const fault = (kind: FaultKind, retryable: boolean, detail: string, status: number | null = null, retryAfterMs: number | null = null): Fault => ({
    kind,
    retryable,
    status,
    // A server's error body can be anything (a 200 KB HTML page): only its start goes into messages.
    detail: detail.length > MAX_DETAIL_CHARS ? `${detail.slice(0, MAX_DETAIL_CHARS)}…[${detail.length - MAX_DETAIL_CHARS} more characters]` : detail,
    retryAfterMs
  });
  if (timedOut) return fault("timeout", true, "no complete response within the timeout");
  if (error instanceof ResponseFault) return fault(error.kind, true, error.message);
  if (error instanceof APIConnectionTimeoutError) return fault("timeout", true, "no response within the timeout");
  if (error instanceof APIUserAbortError) return fault("unknown", false, "aborted");
  if (error instanceof APIConnectionError) {
    const cause = (error as {cause?: {message?: string; code?: string}}).cause;
    const code = connectionCode(error);
    const f = fault("connection", true, [error.message, code ?? cause?.message].filter(Boolean).join(": "));
    return code === "ECONNREFUSED" ? {...f, refused: true} : f;
  }
  if (error instanceof APIError && typeof error.status === "number") {
    const body = error.error as {message?: unknown} | undefined;
    const detail = typeof body?.message === "string" ? body.message : error.message;
    if (N_REJECTED.test(detail)) return fault("n_rejected", false, detail, error.status);
    const retryable = retryableStatus(error.status);
    const retryAfter = retryable ? parseRetryAfter(error.headers, nowMs) : null;
    return fault(faultKindForStatus(error.status), retryable, detail, error.status, retryAfter);
  }
  if (error instanceof SyntaxError) return fault("malformed", true, `response body is not valid JSON (${error.message})`);
  if (error instanceof Error) {
    const cause = (error as {cause?: {code?: string; message?: string}}).cause;
    // undici: the body stream ended early ("terminated", cause UND_ERR_SOCKET "other side closed").
    if (error.message === "terminated" || cause?.code === "UND_ERR_SOCKET" || cause?.code === "ECONNRESET") {
      return fault("truncated_stream", true, `connection closed mid-response (${cause?.message ?? error.message})`);
    }
    return fault("unknown", false, error.message);
  }
  return fault("unknown", false, String(error));
}

export interface BackoffPolicy {
  baseMs: number;
  capMs: number;
  maxRetryAfterMs: number;
}

/**
 * Wait before retry number `retry` (0-based). A server's Retry-After is honoured (plus ≤ 10 % jitter so that a
 * burst of rate-limited requests does not come back in lockstep), clamped to `maxRetryAfterMs`; otherwise
 * exponential with "equal jitter": half the step fixed, half random, capped at `capMs`.
 */
export function backoffMs(retry: number, fault: Fault, policy: BackoffPolicy, random: () => number): number {
  if (fault.retryAfterMs !== null) {
    const wait = Math.min(fault.retryAfterMs, policy.maxRetryAfterMs);
    return wait + random() * Math.min(wait * 0.1, policy.baseMs);
  }
  const step = Math.min(policy.capMs, policy.baseMs * 2 ** retry);
  return step / 2 + (random() * step) / 2;
}

/**
 * Removes a secret from text before it leaves the backend. Besides the exact key, tokens that share a long
 * piece with it are masked, since providers echo keys partially ("Incorrect API key provided: sk-abc1***wxyz").
 */
export function redact(text: string, secret: string | null): string {
  if (!secret || secret.length < 4) return text;
  let out = text.split(secret).join("[redacted]");
  const piece = Math.min(6, secret.length);
  if (secret.length < 8) return out;
  out = out.replace(/[^\s"'`,;()<>[\]{}]+/g, (token) => {
    for (let i = 0; i + piece <= token.length; i++) {
      if (secret.includes(token.slice(i, i + piece))) return "[redacted]";
    }
    return token;
  });
  return out;
}
