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
 *   pairs an all-pairs search finds, in O(n·L) block entries. Variants are filed by
 *   a 30-bit hash and grouped with a linear radix sort: a hash collision can only
 *   add a candidate (every candidate is verified), never lose one.
 * - **Sorted neighbourhood**: keys sorted (forwards, and reversed to catch an error
 *   near the start), each compared with the next `window − 1`: O(n·window).
 * - **Prefix filtering** on description tokens (Bayardo, Ma, Srikant, "Scaling up
 *   all pairs similarity search", WWW 2007): with each token set ordered rarest
 *   first, two sets with Jaccard ≥ t share a token among the first
 *   `|x| − ⌈t·|x|⌉ + 1` of each; only those (rare) tokens need indexing.
 *
 * clusters.ts combines them; a block over its cap is walked as a sorted
 * neighbourhood instead of pair by pair, so the cost stays near-linear on any data.
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
  return Math.min(prev[lb]!, max + 1);
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

/** fmix32 from MurmurHash3: spreads the bits of a 32-bit value. */
function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const HASH_BITS = 30;
const HASH_MASK = (1 << HASH_BITS) - 1;

/**
 * 30-bit hashes of a key and of each of its one-character deletions, sorted and
 * without repeats, computed in O(L) from prefix and suffix polynomial hashes. Equal
 * strings always hash equal, so blocks built on these hashes never lose a pair; a
 * collision only puts two unrelated keys side by side, and every candidate pair is
 * verified anyway.
 */
export function variantHashes(key: string): number[] {
  const out = new Array<number>(key.length + 1);
  const count = writeVariantHashes(key, out);
  out.length = count;
  return out;
}

/** `variantHashes` written into `out` from index 0; returns how many were written. */
export function writeVariantHashes(key: string, out: { [index: number]: number; length: number }): number {
  const L = key.length;
  if (pre.length <= L) {
    pre = new Int32Array(2 * L + 2);
    pow = new Int32Array(2 * L + 2);
  }
  pre[0] = 0;
  pow[0] = 1;
  for (let k = 0; k < L; k++) {
    pre[k + 1] = (Math.imul(pre[k]!, HASH_BASE) + key.charCodeAt(k) + 1) | 0;
    pow[k + 1] = Math.imul(pow[k]!, HASH_BASE);
  }
  out[0] = finish(pre[L]!, L);
  let count = 1;
  let suffix = 0; // hash of key[i+1..L), each character weighted as in the full key
  for (let i = L - 1; i >= 0; i--) {
    out[count++] = finish((Math.imul(pre[i]!, pow[L - 1 - i]!) + suffix) | 0, L - 1);
    suffix = (suffix + Math.imul(key.charCodeAt(i) + 1, pow[L - 1 - i]!)) | 0;
  }
  // Insertion sort (a dozen values), then drop repeats.
  for (let a = 1; a < count; a++) {
    const v = out[a]!;
    let b = a - 1;
    while (b >= 0 && out[b]! > v) {
      out[b + 1] = out[b]!;
      b--;
    }
    out[b + 1] = v;
  }
  let unique = count === 0 ? 0 : 1;
  for (let a = 1; a < count; a++) if (out[a] !== out[unique - 1]) out[unique++] = out[a]!;
  return unique;
}

const HASH_BASE = 0x01000193;
let pre = new Int32Array(64);
let pow = new Int32Array(64);

function finish(h: number, length: number): number {
  return mix(h ^ Math.imul(length + 1, 0x9e3779b1)) & HASH_MASK;
}

/** A block hash combined with another id (a token): still 30 bits. */
export function combineHash(h: number, other: number): number {
  return mix(h ^ Math.imul(other + 1, 0x27d4eb2f)) & HASH_MASK;
}

/**
 * Groups ids by hash. `hashes[k]` (30-bit) and `ids[k]` form entry k; entries must
 * be given in ascending id order. Sorts them by hash (a stable two-pass radix sort:
 * linear time, ids stay ascending within a hash), then calls `visit` once per group
 * of two or more distinct ids, in hash order, with the ids in `ids[0..length)` of a
 * buffer reused between calls. Far faster than filing millions of strings in a Map,
 * and deterministic.
 */
export function forEachBlock(hashes: Int32Array, ids: Int32Array, visit: (ids: Int32Array, length: number) => void): void {
  const n = hashes.length;
  const [sortedHashes, sortedIds] = radixSort(hashes, ids);
  let buffer = new Int32Array(16);
  let start = 0;
  while (start < n) {
    const hash = sortedHashes[start]!;
    let end = start + 1;
    while (end < n && sortedHashes[end] === hash) end++;
    if (end - start > 1) {
      if (buffer.length < end - start) buffer = new Int32Array(2 * (end - start));
      let length = 0;
      for (let k = start; k < end; k++) {
        const id = sortedIds[k]!;
        if (length === 0 || buffer[length - 1] !== id) buffer[length++] = id;
      }
      if (length > 1) visit(buffer, length);
    }
    start = end;
  }
}

const DIGIT_BITS = 15;
const DIGIT_MASK = (1 << DIGIT_BITS) - 1;

/** Stable LSD radix sort of 30-bit hashes (two 15-bit digits), carrying ids along. */
function radixSort(hashes: Int32Array, ids: Int32Array): [Int32Array, Int32Array] {
  const n = hashes.length;
  let h = hashes.slice();
  let v = ids.slice();
  let h2 = new Int32Array(n);
  let v2 = new Int32Array(n);
  const count = new Int32Array(DIGIT_MASK + 2);
  for (let shift = 0; shift < HASH_BITS; shift += DIGIT_BITS) {
    count.fill(0);
    for (let k = 0; k < n; k++) count[((h[k]! >>> shift) & DIGIT_MASK) + 1]!++;
    for (let d = 1; d < count.length; d++) count[d]! += count[d - 1]!;
    for (let k = 0; k < n; k++) {
      const at = count[(h[k]! >>> shift) & DIGIT_MASK]!++;
      h2[at] = h[k]!;
      v2[at] = v[k]!;
    }
    [h, h2] = [h2, h];
    [v, v2] = [v2, v];
  }
  return [h, v];
}

/** `forEachBlock`, collected into arrays (for tests and small inputs). */
export function blocksOf(hashes: Int32Array, ids: Int32Array): number[][] {
  const out: number[][] = [];
  forEachBlock(hashes, ids, (block, length) => out.push(Array.from(block.subarray(0, length))));
  return out;
}

/**
 * Deletion-neighbourhood blocks over distinct keys: each block lists (ascending)
 * the key indices filed under one variant hash; blocks with one key are left out.
 * Two keys within edit distance 1 always share a block.
 */
export function deletionBlocks(keys: readonly string[]): number[][] {
  const lists = keys.map(variantHashes);
  const total = lists.reduce((sum, h) => sum + h.length, 0);
  const hashes = new Int32Array(total);
  const ids = new Int32Array(total);
  let k = 0;
  lists.forEach((hs, id) => {
    for (const h of hs) {
      hashes[k] = h;
      ids[k++] = id;
    }
  });
  return blocksOf(hashes, ids);
}

/**
 * Sorted neighbourhood: given indices in sorted order, visits each with its next
 * `window − 1` neighbours, as `(i, j)` with i < j.
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
