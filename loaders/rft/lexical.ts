// The lexical stand-in for statement embeddings: character 3-gram TF-IDF vectors (opt-in, never paper-equivalent).

/** Lower case, letters and digits only, single spaces: wording matters, layout and punctuation do not. */
export function lexicalText(text: string): string {
  return ` ${text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, " ").trim()} `;
}

function grams(text: string, n = 3): Map<string, number> {
  const out = new Map<string, number>();
  const t = lexicalText(text);
  for (let i = 0; i + n <= t.length; i++) {
    const g = t.slice(i, i + n);
    out.set(g, (out.get(g) ?? 0) + 1);
  }
  return out;
}

/**
 * Sparse L2-normalised TF-IDF vectors of character 3-grams over the given corpus (sublinear tf, smoothed idf
 * as in scikit-learn). The IDF comes from the texts passed together, so boilerplate every statement shares
 * ("the first line contains…") weighs little; pass training and evaluation statements in one call.
 */
export function lexicalVectors(texts: readonly string[]): Array<Map<number, number>> {
  const counts = texts.map((t) => grams(t));
  const index = new Map<string, number>();
  const df: number[] = [];
  for (const c of counts) {
    for (const g of c.keys()) {
      let id = index.get(g);
      if (id === undefined) {
        id = df.length;
        index.set(g, id);
        df.push(0);
      }
      df[id]!++;
    }
  }
  const n = texts.length;
  return counts.map((c) => {
    const v = new Map<number, number>();
    let norm = 0;
    for (const [g, tf] of c) {
      const id = index.get(g)!;
      const w = (1 + Math.log(tf)) * (Math.log((1 + n) / (1 + df[id]!)) + 1);
      v.set(id, w);
      norm += w * w;
    }
    norm = Math.sqrt(norm) || 1;
    for (const [id, w] of v) v.set(id, w / norm);
    return v;
  });
}
