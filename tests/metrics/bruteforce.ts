// Reference implementations by exhaustive enumeration, slow and obviously right, for the estimator tests.

/** Every k-subset of [0, n) (lexicographic). */
export function* subsets(n: number, k: number): Generator<number[]> {
  const pick: number[] = [];
  function* rec(start: number): Generator<number[]> {
    if (pick.length === k) {
      yield [...pick];
      return;
    }
    for (let i = start; i <= n - (k - pick.length); i++) {
      pick.push(i);
      yield* rec(i + 1);
      pick.pop();
    }
  }
  yield* rec(0);
}

/** Every permutation of [0, n). */
export function* permutations(n: number): Generator<number[]> {
  const items = Array.from({length: n}, (_, i) => i);
  function* rec(at: number): Generator<number[]> {
    if (at === n) {
      yield [...items];
      return;
    }
    for (let i = at; i < n; i++) {
      [items[at], items[i]] = [items[i]!, items[at]!];
      yield* rec(at + 1);
      [items[at], items[i]] = [items[i]!, items[at]!];
    }
  }
  yield* rec(0);
}

export interface Sample {
  public: boolean;
  all: boolean;
}

/** Chance that min(n, #candidates) uniform submissions from `candidates` include a correct one, by enumeration. */
export function submitBrute(candidates: readonly boolean[], n: number): number {
  const s = Math.min(n, candidates.length);
  if (s === 0) return 0;
  let solved = 0;
  let total = 0;
  for (const subset of subsets(candidates.length, s)) {
    total++;
    if (subset.some((i) => candidates[i])) solved++;
  }
  return solved / total;
}

/** pass@k by enumerating every k-subset of the samples. */
export function passAtKBrute(correct: readonly boolean[], k: number): number {
  let solved = 0;
  let total = 0;
  for (const subset of subsets(correct.length, k)) {
    total++;
    if (subset.some((i) => correct[i])) solved++;
  }
  return solved / total;
}

/** Single-turn pass n@k by enumerating every k-subset and every submission subset. */
export function passNAtKBrute(samples: readonly Sample[], n: number, k: number): number {
  return passNAtKBruteMany(samples, [n], k)[0]!;
}

/** The same for several n at once: every k-subset as a bitmask (N ≤ 20), submission enumerations memoised. */
export function passNAtKBruteMany(samples: readonly Sample[], ns: readonly number[], k: number): number[] {
  const N = samples.length;
  const draws = Math.min(k, N);
  const memo = new Map<string, number>();
  const submit = (candidates: boolean[], n: number): number => {
    // the enumeration's result depends only on how many candidates there are and how many are correct
    const key = `${candidates.length}/${candidates.filter(Boolean).length}/${n}`;
    if (!memo.has(key)) memo.set(key, submitBrute(candidates, n));
    return memo.get(key)!;
  };
  const sums = ns.map(() => 0);
  let total = 0;
  for (let mask = 0; mask < 1 << N; mask++) {
    let size = 0;
    for (let m = mask; m; m &= m - 1) size++;
    if (size !== draws) continue;
    total++;
    const candidates: boolean[] = [];
    for (let i = 0; i < N; i++) if (mask & (1 << i) && samples[i]!.public) candidates.push(samples[i]!.all);
    ns.forEach((n, i) => (sums[i]! += submit(candidates, n)));
  }
  return sums.map((sum) => sum / total);
}

/** Multi-turn pass n@k (budget in programs) by enumerating every order of the trajectories. */
export function passNAtKMultiTurnBrute(trajectories: readonly (readonly Sample[])[], n: number, k: number): number {
  let sum = 0;
  let total = 0;
  for (const order of permutations(trajectories.length)) {
    total++;
    let left = k;
    const candidates: boolean[] = [];
    for (const t of order) {
      const turns = trajectories[t]!;
      if (turns.length > left) break;
      left -= turns.length;
      const last = turns[turns.length - 1]!;
      if (last.public) candidates.push(last.all);
    }
    sum += submitBrute(candidates, n);
  }
  return sum / total;
}
