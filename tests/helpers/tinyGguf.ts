// Writes a tiny random-weight llama-architecture GGUF v3 (ChatML, byte-fallback SPM vocab) for backend tests.
import {mulberry32} from "../../loaders/metrics/prng.ts";
import {writeFileSync} from "node:fs";

/** Shape of the generated model; the defaults give a ~0.5 MB file that loads in well under a second. */
export interface TinyGgufOptions {
  /** Total vocabulary size (≥ 301: 5 special + 256 byte + 40 normal tokens; the rest are `<unusedN>`). */
  vocab?: number;
  dim?: number;
  layers?: number;
  heads?: number;
  headsKv?: number;
  ff?: number;
  contextLength?: number;
  /** Seed of the weight PRNG: the same seed gives a byte-identical file. */
  seed?: number;
  /** Std of the random weights; small values give near-uniform logits, so samples vary with the seed. */
  scale?: number;
  /** Metadata keys to leave out (to build malformed files on purpose). */
  omitKeys?: string[];
}

/** Why these ids: eos must be `<|im_end|>` so ChatML turns end; everything else follows the notes §4. */
export const TINY_TOKENS = {unk: 0, bos: 1, eos: 4, imStart: 3, imEnd: 4} as const;

const CHATML_TEMPLATE =
  "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}" +
  "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

const T = {U32: 4, I32: 5, F32: 6, BOOL: 7, STRING: 8, ARRAY: 9} as const;
const ALIGN = 32;

type Value =
  | {t: "u32"; v: number}
  | {t: "f32"; v: number}
  | {t: "bool"; v: boolean}
  | {t: "str"; v: string}
  | {t: "strs"; v: string[]}
  | {t: "f32s"; v: number[]}
  | {t: "i32s"; v: number[]};

/** Growable little-endian byte sink. */
class Sink {
  private chunks: Buffer[] = [];
  length = 0;
  push(b: Buffer): void {
    this.chunks.push(b);
    this.length += b.length;
  }
  u32(v: number): void {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(v);
    this.push(b);
  }
  i32(v: number): void {
    const b = Buffer.alloc(4);
    b.writeInt32LE(v);
    this.push(b);
  }
  u64(v: number): void {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(v));
    this.push(b);
  }
  f32(v: number): void {
    const b = Buffer.alloc(4);
    b.writeFloatLE(v);
    this.push(b);
  }
  str(s: string): void {
    const b = Buffer.from(s, "utf8");
    this.u64(b.length);
    this.push(b);
  }
  pad(): void {
    const rem = this.length % ALIGN;
    if (rem !== 0) this.push(Buffer.alloc(ALIGN - rem));
  }
  bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

function writeValue(s: Sink, value: Value): void {
  switch (value.t) {
    case "u32": s.u32(T.U32); s.u32(value.v); break;
    case "f32": s.u32(T.F32); s.f32(value.v); break;
    case "bool": s.u32(T.BOOL); s.push(Buffer.from([value.v ? 1 : 0])); break;
    case "str": s.u32(T.STRING); s.str(value.v); break;
    case "strs": s.u32(T.ARRAY); s.u32(T.STRING); s.u64(value.v.length); value.v.forEach((x) => s.str(x)); break;
    case "f32s": s.u32(T.ARRAY); s.u32(T.F32); s.u64(value.v.length); value.v.forEach((x) => s.f32(x)); break;
    case "i32s": s.u32(T.ARRAY); s.u32(T.I32); s.u64(value.v.length); value.v.forEach((x) => s.i32(x)); break;
  }
}


/** SPM vocabulary: specials, 256 byte-fallback tokens, single characters (so any text tokenizes), padding. */
function vocabulary(size: number): {tokens: string[]; scores: number[]; types: number[]} {
  const tokens = ["<unk>", "<s>", "</s>", "<|im_start|>", "<|im_end|>"];
  const types = [2, 3, 3, 3, 3];
  for (let b = 0; b < 256; b++) {
    tokens.push(`<0x${b.toString(16).toUpperCase().padStart(2, "0")}>`);
    types.push(6);
  }
  const normal = ["\u2581", ..."abcdefghijklmnopqrstuvwxyz", ..."0123456789", "\u2581x", "re", "de"];
  for (const piece of normal) {
    tokens.push(piece);
    types.push(1);
  }
  if (size < tokens.length) throw new Error(`tiny GGUF vocab must be ≥ ${tokens.length}`);
  for (let i = 0; tokens.length < size; i++) {
    tokens.push(`<unused${i}>`);
    types.push(5);
  }
  const scores = tokens.map((tok, i) => (types[i] === 1 ? -i / 100 + tok.length : 0));
  return {tokens, scores, types};
}

/** Builds the GGUF bytes; see the notes §4 for the layout and which keys are required. */
export function tinyGgufBytes(options: TinyGgufOptions = {}): Buffer {
  const V = options.vocab ?? 320;
  const E = options.dim ?? 64;
  const L = options.layers ?? 2;
  const H = options.heads ?? 4;
  const Hkv = options.headsKv ?? H;
  const F = options.ff ?? 128;
  const ctx = options.contextLength ?? 2048;
  const d = E / H;
  if (!Number.isInteger(d)) throw new Error("dim must be divisible by heads");
  const rand = mulberry32(options.seed ?? 1234);
  const scale = options.scale ?? 0.02;
  const normal = (): number => {
    const u = Math.max(rand(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand()) * scale;
  };
  const vocab = vocabulary(V);

  const kv: Array<[string, Value]> = [
    ["general.architecture", {t: "str", v: "llama"}],
    ["general.name", {t: "str", v: "tiny-test-model"}],
    ["general.alignment", {t: "u32", v: ALIGN}],
    ["general.file_type", {t: "u32", v: 0}],
    ["llama.context_length", {t: "u32", v: ctx}],
    ["llama.embedding_length", {t: "u32", v: E}],
    ["llama.block_count", {t: "u32", v: L}],
    ["llama.feed_forward_length", {t: "u32", v: F}],
    ["llama.attention.head_count", {t: "u32", v: H}],
    ["llama.attention.head_count_kv", {t: "u32", v: Hkv}],
    ["llama.attention.layer_norm_rms_epsilon", {t: "f32", v: 1e-5}],
    ["llama.rope.dimension_count", {t: "u32", v: d}],
    ["llama.rope.freq_base", {t: "f32", v: 10000}],
    ["llama.vocab_size", {t: "u32", v: V}],
    ["tokenizer.ggml.model", {t: "str", v: "llama"}],
    ["tokenizer.ggml.tokens", {t: "strs", v: vocab.tokens}],
    ["tokenizer.ggml.scores", {t: "f32s", v: vocab.scores}],
    ["tokenizer.ggml.token_type", {t: "i32s", v: vocab.types}],
    ["tokenizer.ggml.bos_token_id", {t: "u32", v: TINY_TOKENS.bos}],
    ["tokenizer.ggml.eos_token_id", {t: "u32", v: TINY_TOKENS.eos}],
    ["tokenizer.ggml.unknown_token_id", {t: "u32", v: TINY_TOKENS.unk}],
    ["tokenizer.ggml.padding_token_id", {t: "u32", v: TINY_TOKENS.unk}],
    ["tokenizer.ggml.add_bos_token", {t: "bool", v: false}],
    ["tokenizer.chat_template", {t: "str", v: CHATML_TEMPLATE}]
  ];
  const omit = new Set(options.omitKeys ?? []);
  const meta = kv.filter(([k]) => !omit.has(k));

  // Tensors: [name, dims in ggml order (ne0 = row length), init].
  const tensors: Array<[string, number[], "one" | "rand"]> = [["token_embd.weight", [E, V], "rand"]];
  for (let n = 0; n < L; n++) {
    tensors.push(
      [`blk.${n}.attn_norm.weight`, [E], "one"],
      [`blk.${n}.attn_q.weight`, [E, H * d], "rand"],
      [`blk.${n}.attn_k.weight`, [E, Hkv * d], "rand"],
      [`blk.${n}.attn_v.weight`, [E, Hkv * d], "rand"],
      [`blk.${n}.attn_output.weight`, [H * d, E], "rand"],
      [`blk.${n}.ffn_norm.weight`, [E], "one"],
      [`blk.${n}.ffn_gate.weight`, [E, F], "rand"],
      [`blk.${n}.ffn_up.weight`, [E, F], "rand"],
      [`blk.${n}.ffn_down.weight`, [F, E], "rand"]
    );
  }
  tensors.push(["output_norm.weight", [E], "one"], ["output.weight", [E, V], "rand"]);

  const out = new Sink();
  out.push(Buffer.from("GGUF", "ascii"));
  out.u32(3);
  out.u64(tensors.length);
  out.u64(meta.length);
  for (const [key, value] of meta) {
    out.str(key);
    writeValue(out, value);
  }
  let offset = 0;
  const datas: Buffer[] = [];
  for (const [name, dims, init] of tensors) {
    const count = dims.reduce((a, b) => a * b, 1);
    const data = Buffer.alloc(count * 4);
    for (let i = 0; i < count; i++) data.writeFloatLE(init === "one" ? 1 : normal(), i * 4);
    out.str(name);
    out.u32(dims.length);
    dims.forEach((x) => out.u64(x));
    out.u32(0); // GGML_TYPE_F32
    out.u64(offset);
    const padded = Math.ceil(data.length / ALIGN) * ALIGN;
    datas.push(data, Buffer.alloc(padded - data.length));
    offset += padded;
  }
  out.pad();
  datas.forEach((b) => out.push(b));
  return out.bytes();
}

/** Writes the tiny model to `path` and returns the path. */
export function writeTinyGguf(path: string, options: TinyGgufOptions = {}): string {
  writeFileSync(path, tinyGgufBytes(options));
  return path;
}

/** The malformed variant: without `llama.attention.head_count`, llama.cpp would abort the process natively. */
export function writeMalformedGguf(path: string, missingKey = "llama.attention.head_count"): string {
  return writeTinyGguf(path, {omitKeys: [missingKey]});
}
