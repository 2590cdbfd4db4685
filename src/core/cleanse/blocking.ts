/**
 * Similarity measures and blocking for near-duplicate search. Comparing every pair
 * of a 100,000-item master is 5·10⁹ comparisons; blocking puts only plausible pairs
 * side by side:
 *
 * - **Deletion neighbourhoods** (as SymSpell does): every key is filed under itself
 *   and under each string made by deleting one of its characters. Two keys within
 *   Damerau-Levenshtein distance 1 always share a block (a substitution or an
 *   adjacent transposition: both lose the same character; an insertion: the shorter
 *   key *is* a deletion of the longer), so the blocked search finds exactly the
 *   pairs an all-pairs search finds, in O(n·L) block entries.
 * - **Sorted neighbourhood**: keys sorted (forwards, and reversed to catch an error
 *   near the start), each compared with the next `window − 1`: catches distance-2
 *   pairs between long keys at O(n·window).
 * - **Prefix filtering** on description tokens (Bayardo et al., "Scaling up all
 *   pairs similarity search"): with each token set ordered rarest first, two sets
 *   with Jaccard ≥ t share a token among the first `|x| − ⌈t·|x|⌉ + 1` of each; only
 *   those (rare) tokens are indexed.
 *
 * A block larger than its cap is not expanded pair by pair; its members are compared
 * with their sorted neighbours instead, so the cost stays O(n log n) on any data.
 */

/**
 * Optimal-string-alignment distance (Damerau-Levenshtein with adjacent
 * transpositions, no substring edited twice), in UTF-16 code units. With `max`,
 * returns `max + 1` as soon as the distance is known to exceed it.
 */
export function editDistance(a: string, b: string, max = Number.POSITIVE_INFINITY): number {
  if (a === b) return 0;
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > max) return max + 1;
  if (la === 0) return lb;
  if (lb === 0) return la;
  if (rows[0]!.length <= lb) for (let r = 0; r < 3; r++) rows[r] = new Int32Array(lb + 1);
  // Three rolling rows: i−2, i−1, i.
  let prev2 = rows[0]!;
  let prev = rows[1]!;
  let cur = rows[2]!;
  for (let j = 0; j <= lb; j++) prev[j] = j;
  for (let i = 1; i <= la; i++) {
    cur[0] = i;
    let rowMin = i;
    const ca = a.charCodeAt(i - 1);
    const caPrev = i > 1 ? a.charCodeAt(i - 2) : -1;
    for (let j = 1; j <= lb; j++) {
      const cb = b.charCodeAt(j - 1);
      let d = prev[j - 1]! + (ca === cb ? 0 : 1);
      const del = prev[j]! + 1;
      if (del < d) d = del;
      const ins = cur[j - 1]! + 1;
      if (ins < d) d = ins;
      if (j > 1 && ca === b.charCodeAt(j - 2) && caPrev === cb) {
        const tr = prev2[j - 2]! + 1;
        if (tr < d) d = tr;
      }
      cur[j] = d;
      if (d < rowMin) rowMin = d;
    }
    if (rowMin > max) return max + 1;
    const t = prev2;
    prev2 = prev;
    prev = cur;
    cur = t;
  }
  return prev[lb]!;
}

/** Scratch rows for editDistance, grown on demand (the module is single-threaded). */
const rows: Int32Array[] = [new Int32Array(64), new Int32Array(64), new Int32Array(64)];

/** Jaccard similarity of two sorted arrays of distinct integers (token ids). Two empty sets: 0. */
export function jaccardSorted(a: readonly number[], b: readonly number[]): number {
  if (a.length === 0 || b.length === 0) return 0;
  let i = 0;
  let j = 0;
  let common = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    if (x === y) {
      common++;
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  return common / (a.length + b.length - common);
}

/** The key itself and every distinct string made by deleting one character. */
export function deletionVariants(key: string): string[] {
  const out = new Set<string>([key]);
  for (let i = 0; i < key.length; i++) out.add(key.slice(0, i) + key.slice(i + 1));
  return [...out];
}

/**
 * Deletion-neighbourhood blocks over distinct keys: each block is the (ascending)
 * list of key indices filed under one variant; blocks with one key are left out.
 * Blocks come in the order their variant was first seen, which is deterministic for
 * a given input.
 */
export function deletionBlocks(keys: readonly string[]): number[][] {
  // A single index until a second key arrives: most variants are filed once.
  const blocks = new Map<string, number | number[]>();
  for (let k = 0; k < keys.length; k++) {
    for (const v of deletionVariants(keys[k]!)) {
      const block = blocks.get(v);
      if (block === undefined) blocks.set(v, k);
      else if (typeof block === 'number') {
        if (block !== k) blocks.set(v, [block, k]);
      } else if (block[block.length - 1] !== k) block.push(k);
    }
  }
  const out: number[][] = [];
  for (const block of blocks.values()) if (typeof block !== 'number') out.push(block);
  return out;
}

/**
 * Index pairs `[i, j]` (i < j) of *distinct* keys in sorted order, each compared
 * with its next `window − 1` neighbours. `order` gives the indices in sorted order.
 */
export function sortedNeighbourhood(order: readonly number[], window: number, visit: (i: number, j: number) => void): void {
  for (let p = 0; p < order.length; p++) {
    const end = Math.min(order.length, p + window);
    for (let q = p + 1; q < end; q++) {
      const i = order[p]!;
      const j = order[q]!;
      if (i < j) visit(i, j);
      else visit(j, i);
    }
  }
}

/** Indices of `keys` sorted by key, and by reversed key (ties by index). */
export function sortedOrders(keys: readonly string[]): { forward: number[]; reversed: number[] } {
  const idx = keys.map((_, i) => i);
  const cmp = (x: string, y: string, i: number, j: number): number => (x < y ? -1 : x > y ? 1 : i - j);
  const forward = [...idx].sort((i, j) => cmp(keys[i]!, keys[j]!, i, j));
  const rev = keys.map((k) => [...k].reverse().join(''));
  const reversed = [...idx].sort((i, j) => cmp(rev[i]!, rev[j]!, i, j));
  return { forward, reversed };
}

/**
 * Every pair of keys within edit distance `max` (0 or 1) found through deletion
 * blocks: `[i, j]` with i < j, sorted. Keys need not be distinct (equal keys are
 * distance 0). The exact counterpart of an all-pairs search, at O(n·L) block entries.
 */
export function pairsWithinOneEdit(keys: readonly string[], max: 0 | 1 = 1): Array<[number, number]> {
  // Distinct keys first: equal keys share every block.
  const distinct = new Map<string, number[]>();
  keys.forEach((k, i) => {
    const list = distinct.get(k);
    if (list) list.push(i);
    else distinct.set(k, [i]);
  });
  const uniq = [...distinct.keys()];
  const seen = new Set<number>();
  const out: Array<[number, number]> = [];
  const emit = (a: number, b: number): void => {
    const [i, j] = a < b ? [a, b] : [b, a];
    const code = i * keys.length + j;
    if (seen.has(code)) return;
    seen.add(code);
    out.push([i, j]);
  };
  for (const members of distinct.values()) {
    for (let x = 0; x < members.length; x++) for (let y = x + 1; y < members.length; y++) emit(members[x]!, members[y]!);
  }
  if (max === 1) {
    for (const block of deletionBlocks(uniq)) {
      for (let x = 0; x < block.length; x++) {
        for (let y = x + 1; y < block.length; y++) {
          const a = uniq[block[x]!]!;
          const b = uniq[block[y]!]!;
          if (editDistance(a, b, 1) > 1) continue;
          for (const i of distinct.get(a)!) for (const j of distinct.get(b)!) emit(i, j);
        }
      }
    }
  }
  return out.sort((p, q) => p[0] - q[0] || p[1] - q[1]);
}
