// A cap on response bytes for the openai backend: a flood is cut off while it streams and kept as its head only.
import type {DecodedResponse} from "./openaiRequest.ts";

/** Bytes allowed per requested token: UTF-8 (≤ 4) and JSON escaping (`\uXXXX` is 6 per code unit) with margin. */
export const BYTES_PER_TOKEN = 24;
/** Room for the envelope (ids, usage, reasoning fields) beside the text. */
export const ENVELOPE_BYTES = 256 << 10;
/** Cap when a request names no max_tokens. */
export const DEFAULT_CAP_BYTES = 32 << 20;
/** How much of an oversize reply is kept. */
export const HEAD_BYTES = 64 << 10;

/** The byte cap of one chat request body (as sent): from max_tokens × n, with a margin. */
export function responseCapBytes(body: unknown): number {
  let parsed: {max_tokens?: unknown; max_completion_tokens?: unknown; n?: unknown} = {};
  try {
    parsed = typeof body === "string" ? JSON.parse(body) : {};
  } catch {
    /* not JSON: the default cap */
  }
  const tokens = Number(parsed.max_tokens ?? parsed.max_completion_tokens);
  const n = Number.isInteger(parsed.n) && (parsed.n as number) > 0 ? (parsed.n as number) : 1;
  if (!(tokens > 0)) return DEFAULT_CAP_BYTES;
  return tokens * n * BYTES_PER_TOKEN + ENVELOPE_BYTES;
}

/** Thrown while reading a reply that passed its cap; carries the first HEAD_BYTES of it. */
export class OversizeReply extends Error {
  constructor(
    readonly capBytes: number,
    readonly seenBytes: number,
    readonly head: string
  ) {
    super(`the reply passed its size cap of ${capBytes} bytes (max_tokens × n with margin) and was cut off`);
    this.name = "OversizeReply";
  }
}

/**
 * A fetch whose response bodies error with OversizeReply once they pass the request's cap; the connection is
 * then cancelled, so memory stays bounded by the cap whatever the server sends.
 */
export function cappedFetch(inner: typeof globalThis.fetch): typeof globalThis.fetch {
  return async (input, init) => {
    const response = await inner(input, init);
    if (!response.body) return response;
    const cap = responseCapBytes(init?.body);
    const declared = Number(response.headers.get("content-length"));
    const source = response.body.getReader();
    const head: Uint8Array[] = [];
    let headBytes = 0;
    let seen = 0;
    const fail = (controller: ReadableStreamDefaultController<Uint8Array>) => {
      const text = new TextDecoder().decode(concat(head, headBytes).subarray(0, HEAD_BYTES));
      controller.error(new OversizeReply(cap, seen, text));
      void source.cancel().catch(() => {});
    };
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const {done, value} = await source.read();
        if (done) return controller.close();
        seen += value.byteLength;
        if (headBytes < HEAD_BYTES) {
          head.push(value);
          headBytes += value.byteLength;
        }
        if (seen > cap || declared > cap) return fail(controller);
        controller.enqueue(value);
      },
      cancel: (reason) => source.cancel(reason)
    });
    return new Response(body, {status: response.status, statusText: response.statusText, headers: response.headers});
  };
}

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/**
 * The start of the first choice's text in a cut-off chat completion: the JSON string after `"content":"`,
 * decoded up to where the head ends ("" when the head holds none). Linear in the head's length.
 */
export function contentHead(head: string): string {
  const match = /"content"\s*:\s*"/.exec(head);
  if (!match) return "";
  let i = match.index + match[0].length;
  let out = "";
  while (i < head.length) {
    const c = head[i]!;
    if (c === '"') break;
    if (c !== "\\") {
      out += c;
      i++;
      continue;
    }
    const e = head[i + 1];
    if (e === undefined) break;
    if (e === "u") {
      const hex = head.slice(i + 2, i + 6);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) break;
      out += String.fromCharCode(parseInt(hex, 16));
      i += 6;
    } else {
      out += ({n: "\n", t: "\t", r: "\r", b: "\b", f: "\f"} as Record<string, string>)[e] ?? e;
      i += 2;
    }
  }
  return out;
}

/** The decoded form of an oversize reply: one choice holding the head of its text, marked `oversize`. */
export function oversizeDecoded(reply: OversizeReply): DecodedResponse {
  return {
    choices: [{position: 0, text: contentHead(reply.head), finishReason: "oversize", reasoning: null}],
    promptTokens: null,
    completionTokens: null,
    serverModel: null,
    systemFingerprint: null,
    responseId: null
  };
}

/** The OversizeReply behind an error the SDK raised while reading the body (it may wrap it), or null. */
export function oversizeOf(error: unknown): OversizeReply | null {
  for (let e = error, depth = 0; e && depth < 5; e = (e as {cause?: unknown}).cause, depth++) {
    if (e instanceof OversizeReply) return e;
  }
  return null;
}
