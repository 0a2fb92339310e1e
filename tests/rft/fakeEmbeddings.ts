// A fake OpenAI-compatible /v1/embeddings server (node:http, 127.0.0.1, port 0) with deterministic hash embeddings, for decontamination tests.
import {createHash} from "node:crypto";
import {createServer, type Server} from "node:http";
import {listenOnLoopback} from "../helpers/fakeOpenAI.ts";

const STOPWORDS = new Set("the and one two with from that this for are his her she read print output input line lines integer integers number numbers single".split(" "));

/**
 * A deterministic stand-in for a sentence-embedding model: content words (lower case, no stopwords or
 * I/O boilerplate) and their bigrams hashed into `dims` buckets, L2-normalised. Texts sharing most words get cosine near 1, unrelated ones near 0.
 */
export function hashEmbedding(text: string, dims = 1024): number[] {
  const v = new Array<number>(dims).fill(0);
  const words = text
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 2 && !STOPWORDS.has(w));
  const bump = (feature: string) => {
    const h = createHash("sha256").update(feature).digest();
    v[h.readUInt32LE(0) % dims]! += 1;
  };
  words.forEach((w, i) => {
    bump(w);
    if (i > 0) bump(`${words[i - 1]} ${w}`);
  });
  const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0)) || 1;
  return v.map((x) => x / norm);
}

export interface EmbeddingRequestRecord {
  path: string;
  model: string | undefined;
  inputs: string[];
  encodingFormat: string | undefined;
  authorization: string | undefined;
}

export interface FakeEmbeddings {
  baseURL: string;
  requests: EmbeddingRequestRecord[];
  close(): Promise<void>;
}

export async function startFakeEmbeddings(options: {dims?: number; failWith?: number} = {}): Promise<FakeEmbeddings> {
  const requests: EmbeddingRequestRecord[] = [];
  const send = (res: import("node:http").ServerResponse, status: number, body: unknown) => {
    const text = JSON.stringify(body);
    res.writeHead(status, {"content-type": "application/json", "content-length": Buffer.byteLength(text)});
    res.end(text);
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const path = (req.url ?? "/").split("?")[0]!;
      if (req.method !== "POST" || path !== "/v1/embeddings") return send(res, 404, {error: {message: `no route ${req.method} ${path}`}});
      let body: {model?: string; input?: string | string[]; encoding_format?: string};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      } catch {
        return send(res, 400, {error: {message: "body is not JSON"}});
      }
      const inputs = typeof body.input === "string" ? [body.input] : (body.input ?? []);
      requests.push({path, model: body.model, inputs, encodingFormat: body.encoding_format, authorization: req.headers.authorization});
      if (options.failWith) return send(res, options.failWith, {error: {message: `injected HTTP ${options.failWith}`}});
      send(res, 200, {
        object: "list",
        model: body.model ?? "fake-embed",
        data: inputs.map((text, index) => ({object: "embedding", index, embedding: hashEmbedding(text, options.dims)})).reverse(),
        usage: {prompt_tokens: inputs.length, total_tokens: inputs.length}
      });
    });
  });
  const {baseURL, close} = await listenOnLoopback(server);
  return {baseURL, requests, close};
}
