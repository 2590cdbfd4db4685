/**
 * Duplicate items inside the item master, grouped into clusters with their evidence.
 *
 * Evidence rules (each pair of rows is evidence of one kind):
 *
 * - `key_collision`: two rows with the same match key (`AB-100`, `ab 100`, the same
 *   SKU twice). The only rule that can merge automatically: a cluster whose rows
 *   all share one key *and* agree on every attribute (same description once
 *   normalised, same unit, same valid barcode or none, same unit cost, same category
 *   or none) is `auto_merge`; anything else goes to review.
 * - `same_barcode`: one valid GTIN (compared in its 14-digit form) under different
 *   keys. Invalid barcodes are reported as findings and are never evidence.
 * - `same_description`: the same normalised description (same set of word tokens)
 *   under different keys.
 * - `near_duplicate`: match keys within Damerau-Levenshtein (OSA) distance 1, or 2
 *   when both keys have at least 8 characters, *and* description tokens with
 *   Jaccard similarity ≥ 0.6.
 *
 * Two vetoes keep the description rules from flagging what is not a duplicate:
 * - **Category**: `same_description` and `near_duplicate` need the categories to
 *   agree (or one to be blank). "Gasket" in *Pump spares* and "Gasket" in *Valve
 *   spares* are two items that share a vague description; a duplicate created twice
 *   still shares its category. Keys and barcodes ignore this veto.
 * - **Size variants**: `near_duplicate` is refused when each description has a
 *   token with digits the other lacks (`BOLT M6X20` vs `BOLT M6X25` under `B-1001`
 *   and `B-1002`): sequential SKUs for sizes of one product look alike on both
 *   counts but are different items.
 *
 * Scale: no rule compares all pairs. Key collisions, barcodes and identical
 * descriptions are hash groups (a barcode or description shared by more than
 * `maxGroup` rows is a placeholder or a generic text: reported, not evidence).
 * Near-duplicate candidates come from three blockings (see blocking.ts):
 *   1. the key's deletion neighbourhood crossed with the description's prefix
 *      tokens: every pair at key distance ≤ 1 that can reach the Jaccard threshold
 *      shares a block, so distance ≤ 1 is found exactly;
 *   2. a sorted neighbourhood over keys, forwards and reversed (window 10);
 *   3. the prefix tokens alone (prefix filtering): every pair that can reach the
 *      Jaccard threshold, so distance 2 is found exactly too while no token block
 *      exceeds `maxTokenBlock`.
 * A block over its cap is walked as a sorted neighbourhood (by key) instead of pair
 * by pair, and reported. Pairs are joined into clusters with union-find.
 *
 * Output is deterministic: members sorted by (SKU, row), clusters by their first
 * member, evidence by rule and pair.
 */
import { canonicalDecimal } from '../model/decimal.js';
import { combineHash, editDistance, forEachBlock, sortedNeighbourhood, writeVariantHashes } from './blocking.js';
import { validateGtin, type GtinReason } from './gtin.js';
import type { MasterItem } from './matching.js';
import { compareText, displaySku, matchKey, resolveNormaliseRules, type NormaliseRules } from './normalise.js';

export type ClusterRule = 'key_collision' | 'same_barcode' | 'same_description' | 'near_duplicate';
export const CLUSTER_RULES: readonly ClusterRule[] = ['key_collision', 'same_barcode', 'same_description', 'near_duplicate'];

export interface ClusterMember {
  /** The SKU as the master writes it (outer whitespace removed). */
  readonly sku: string;
  /** The row's position in the master list given. */
  readonly index: number;
}

export interface ClusterEvidence {
  readonly rule: ClusterRule;
  /** The two SKUs, in member order. */
  readonly pair: readonly [string, string];
  /** Their rows in the master list. */
  readonly rows: readonly [number, number];
  /** 1 for keys, barcodes and identical descriptions; the description Jaccard for near duplicates. */
  readonly score: number;
  /** What matched: the key, the GTIN-14, the description, or `distance=1 jaccard=0.667`. */
  readonly detail: string;
}

export type ClusterDecision = 'auto_merge' | 'review';

/** Why a cluster is not merged automatically. */
export type ReviewReason = 'different_keys' | 'description_differs' | 'uom_differs' | 'barcode_differs' | 'cost_differs' | 'category_differs';

export interface DuplicateCluster {
  /** 1, 2, … in output order. */
  readonly id: number;
  readonly members: readonly ClusterMember[];
  readonly evidence: readonly ClusterEvidence[];
  /** The member with the most complete attributes; ties: the smallest SKU, then row. */
  readonly survivor: ClusterMember;
  readonly decision: ClusterDecision;
  /** Empty for auto_merge. */
  readonly reasons: readonly ReviewReason[];
}

export type ClusterFinding =
  | { readonly kind: 'blank_sku'; readonly index: number }
  | { readonly kind: 'invalid_barcode'; readonly index: number; readonly sku: string; readonly barcode: string; readonly reason: GtinReason }
  /** A block too large to expand pair by pair (a generic description, a shared placeholder barcode …): handled by sorted neighbourhood, or skipped for hash groups. */
  | { readonly kind: 'oversized_block'; readonly rule: ClusterRule; readonly value: string; readonly size: number };

export interface ClusterStats {
  readonly items: number;
  readonly distinctKeys: number;
  /** Row pairs examined by the near-duplicate search (before dedup). */
  readonly candidatePairs: number;
  readonly nearDuplicatePairs: number;
}

export interface ClusterResult {
  readonly clusters: readonly DuplicateCluster[];
  readonly findings: readonly ClusterFinding[];
  readonly stats: ClusterStats;
}

export interface ClusterOptions {
  readonly rules?: Partial<NormaliseRules>;
  /** Description Jaccard for near duplicates. Default 0.6. */
  readonly minJaccard?: number;
  /** Key length from which distance 2 is allowed. Default 8. */
  readonly longKeyLength?: number;
  /** Sorted-neighbourhood window. Default 10. */
  readonly window?: number;
  /** Largest deletion-neighbourhood block expanded pair by pair. Default 256. */
  readonly maxKeyBlock?: number;
  /** Largest description-token block expanded pair by pair. Default 64. */
  readonly maxTokenBlock?: number;
  /** Largest same-barcode or same-description group taken as evidence. Default 20. */
  readonly maxGroup?: number;
  /** The category veto on description evidence. Default true. */
  readonly categoryVeto?: boolean;
  /** The size-variant veto on near duplicates. Default true. */
  readonly sizeVariantVeto?: boolean;
  /** How units compare (plug in the unit catalogue). Default: trimmed, lower case, trailing dots dropped. */
  readonly uomKey?: (uom: string) => string;
}

interface Settings {
  readonly minJaccard: number;
  readonly longKeyLength: number;
  readonly window: number;
  readonly maxKeyBlock: number;
  readonly maxTokenBlock: number;
  readonly maxGroup: number;
  readonly categoryVeto: boolean;
  readonly sizeVariantVeto: boolean;
}

function settings(options: ClusterOptions): Settings {
  return {
    minJaccard: options.minJaccard ?? 0.6,
    longKeyLength: options.longKeyLength ?? 8,
    window: Math.max(2, options.window ?? 10),
    maxKeyBlock: options.maxKeyBlock ?? 256,
    maxTokenBlock: options.maxTokenBlock ?? 64,
    maxGroup: options.maxGroup ?? 20,
    categoryVeto: options.categoryVeto ?? true,
    sizeVariantVeto: options.sizeVariantVeto ?? true,
  };
}

/** Rows of the master prepared once: keys, token sets, attributes in comparable form. */
export interface PreparedMaster {
  readonly n: number;
  readonly sku: readonly string[];
  /** Match key per row; '' for a blank SKU (left out of every rule). */
  readonly key: readonly string[];
  /** Distinct non-blank keys, sorted; and each row's position in it (−1 for blank). */
  readonly keys: readonly string[];
  readonly keyId: Int32Array;
  readonly rowsOfKey: readonly (readonly number[])[];
  /** Description token ids per row, ascending; ids are ranked rarest first. */
  readonly tokens: readonly (readonly number[])[];
  /** Token id → whether the token has a digit. */
  readonly tokenHasDigit: readonly boolean[];
  readonly tokenText: readonly string[];
  /** Tokens in their written order joined by one space: the description as shown in evidence. */
  readonly description: readonly string[];
  /** The set of tokens (ids joined): equal keys mean the same description once normalised, word order aside. */
  readonly descriptionKey: readonly string[];
  /**
   * 1 where the description is generic: the same on more than `maxGroup` rows
   * ("N/A", "Spare part"). A generic description is evidence of nothing, neither
   * as `same_description` nor towards a `near_duplicate`.
   */
  readonly genericDescription: Uint8Array;
  readonly category: readonly string[];
  readonly uom: readonly string[];
  /** GTIN-14 when valid, '' otherwise. */
  readonly gtin: readonly string[];
  /** Barcode as compared for consistency: GTIN-14, else the trimmed text, else ''. */
  readonly barcode: readonly string[];
  readonly cost: readonly string[];
  readonly findings: readonly ClusterFinding[];
}

/** Upper-case word tokens: letters and digits, everything else separates. */
function differentGtins(p: PreparedMaster, i: number, j: number): boolean {
  const a = p.gtin[i]!;
  const b = p.gtin[j]!;
  return a !== '' && b !== '' && a !== b;
}

export function descriptionTokens(description: string): string[] {
  const text = description
    .normalize('NFKC')
    .toUpperCase()
    // 1/2", 1/2'' and 1/2in are one size: inch marks become IN
    .replace(/(\p{N})\s*(?:"|''|″|INCH(?:ES)?\b)/gu, '$1 IN');
  // Fractions and decimals stay one token: "1/2" is not "1" and "2", "2.5" is not "2" and "5".
  return text.match(/[\p{L}\p{N}]+(?:[.,/]\p{N}+)*/gu) ?? [];
}

function defaultUomKey(uom: string): string {
  return uom.trim().toLowerCase().replace(/\.+$/, '').replace(/\s+/g, ' ');
}

function costKey(cost: string | null | undefined): string {
  const text = (cost ?? '').trim();
  return /^[+-]?(?:\d+\.?\d*|\.\d+)$/.test(text) ? canonicalDecimal(text) : text;
}

export function prepareMaster(items: readonly MasterItem[], options: ClusterOptions = {}): PreparedMaster {
  const rules = resolveNormaliseRules(options.rules);
  const uomKey = options.uomKey ?? defaultUomKey;
  const n = items.length;
  const sku: string[] = new Array(n);
  const key: string[] = new Array(n);
  const rawTokens: string[][] = new Array(n);
  const description: string[] = new Array(n);
  const category: string[] = new Array(n);
  const uom: string[] = new Array(n);
  const gtin: string[] = new Array(n);
  const barcode: string[] = new Array(n);
  const cost: string[] = new Array(n);
  const findings: ClusterFinding[] = [];
  const frequency = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const item = items[i]!;
    sku[i] = displaySku(item.sku ?? '');
    key[i] = matchKey(sku[i]!, rules);
    if (key[i] === '') findings.push({ kind: 'blank_sku', index: i });
    const words = descriptionTokens(item.description ?? '');
    description[i] = words.join(' ');
    const unique = [...new Set(words)];
    rawTokens[i] = unique;
    for (const t of unique) frequency.set(t, (frequency.get(t) ?? 0) + 1);
    category[i] = (item.category ?? '').normalize('NFKC').trim().replace(/\s+/g, ' ').toUpperCase();
    uom[i] = uomKey(item.uom ?? '');
    cost[i] = costKey(item.unitCost);
    const rawBarcode = (item.barcode ?? '').trim();
    const check = validateGtin(rawBarcode);
    gtin[i] = check.gtin14 ?? '';
    barcode[i] = check.gtin14 ?? rawBarcode;
    if (!check.valid && check.reason !== 'blank') findings.push({ kind: 'invalid_barcode', index: i, sku: sku[i]!, barcode: rawBarcode, reason: check.reason! });
  }
  // Token ids ranked by (frequency, text): an ascending id list is rarest first.
  const tokenText = [...frequency.keys()].sort((a, b) => frequency.get(a)! - frequency.get(b)! || compareText(a, b));
  const idOf = new Map(tokenText.map((t, id) => [t, id]));
  const tokens = rawTokens.map((ts) => ts.map((t) => idOf.get(t)!).sort((a, b) => a - b));
  const tokenHasDigit = tokenText.map((t) => /\p{N}/u.test(t));
  const keys = [...new Set(key.filter((k) => k !== ''))].sort(); // default sort: UTF-16 code units, as compareText
  const position = new Map(keys.map((k, id) => [k, id]));
  const keyId = new Int32Array(n);
  const rowsOfKey: number[][] = keys.map(() => []);
  for (let i = 0; i < n; i++) {
    const id = key[i] === '' ? -1 : position.get(key[i]!)!;
    keyId[i] = id;
    if (id >= 0) rowsOfKey[id]!.push(i);
  }
  const descriptionKey = tokens.map((t) => t.join(','));
  const groupSize = new Map<string, number>();
  for (const d of descriptionKey) if (d !== '') groupSize.set(d, (groupSize.get(d) ?? 0) + 1);
  const maxGroup = settings(options).maxGroup;
  const genericDescription = Uint8Array.from(descriptionKey, (d) => (d !== '' && groupSize.get(d)! > maxGroup ? 1 : 0));
  return { n, sku, key, keys, keyId, rowsOfKey, tokens, tokenHasDigit, tokenText, description, descriptionKey, genericDescription, category, uom, gtin, barcode, cost, findings };
}

export interface NearDuplicatePair {
  readonly i: number;
  readonly j: number;
  readonly distance: number;
  readonly jaccard: number;
}

export interface NearDuplicateSearch {
  /** Pairs (i < j), sorted. */
  readonly pairs: readonly NearDuplicatePair[];
  readonly candidatePairs: number;
  readonly oversized: readonly ClusterFinding[];
}

/**
 * The near-duplicate rule over a prepared master: every row pair with different
 * keys within the allowed key distance, description Jaccard ≥ `minJaccard`, and no
 * veto. Exact at key distance ≤ 1 while no (variant, token) block exceeds
 * `maxKeyBlock`; exact at distance 2 as well while no token block exceeds
 * `maxTokenBlock`. Beyond the caps, pairs may be missed, never invented.
 */
export function nearDuplicatePairs(p: PreparedMaster, options: ClusterOptions = {}): NearDuplicateSearch {
  const s = settings(options);
  const minJ = s.minJaccard - 1e-9;

  // Rows with a key, renumbered in key order: rows of one key are contiguous, and
  // rows with similar keys sit close in memory. Token sets go into one flat array.
  const row = Int32Array.from(
    p.rowsOfKey.flatMap((rows) => rows),
    (r) => r,
  );
  const m = row.length;
  const kid = new Int32Array(m);
  const cat = new Int32Array(m);
  const tokStart = new Int32Array(m + 1);
  const categoryIds = new Map<string, number>([['', 0]]);
  for (let x = 0; x < m; x++) {
    const r = row[x]!;
    kid[x] = p.keyId[r]!;
    const c = p.category[r]!;
    let id = categoryIds.get(c);
    if (id === undefined) categoryIds.set(c, (id = categoryIds.size));
    cat[x] = id;
    tokStart[x + 1] = tokStart[x]! + (p.genericDescription[r] ? 0 : p.tokens[r]!.length);
  }
  const tok = new Int32Array(tokStart[m]!);
  for (let x = 0; x < m; x++) if (!p.genericDescription[row[x]!]) tok.set(p.tokens[row[x]!]!, tokStart[x]!);
  const digit = Uint8Array.from(p.tokenHasDigit, (d) => (d ? 1 : 0));
  const keyStart = new Int32Array(p.keys.length + 1);
  for (let x = 0; x < m; x++) keyStart[kid[x]! + 1]!++;
  for (let k = 0; k < p.keys.length; k++) keyStart[k + 1]! += keyStart[k]!;

  // Accepted pairs may be found by several blocks: deduplicated once at the end.
  const accepted: NearDuplicatePair[] = [];
  const oversized: ClusterFinding[] = [];
  let candidatePairs = 0;

  /** Verifies one pair (local indices): cheap description tests first, the key distance last. */
  const check = (x: number, y: number): void => {
    if (kid[x] === kid[y]) return;
    candidatePairs++;
    const cx = cat[x]!;
    const cy = cat[y]!;
    if (s.categoryVeto && cx !== 0 && cy !== 0 && cx !== cy) return;
    const a0 = tokStart[x]!;
    const a1 = tokStart[x + 1]!;
    const b0 = tokStart[y]!;
    const b1 = tokStart[y + 1]!;
    const la = a1 - a0;
    const lb = b1 - b0;
    if (la === 0 || lb === 0 || (la < lb ? la < s.minJaccard * lb - 1e-9 : lb < s.minJaccard * la - 1e-9)) return;
    // Jaccard and the size-variant test in one merge of the two sorted token lists.
    let i = a0;
    let j = b0;
    let common = 0;
    let onlyA = 0;
    let onlyB = 0;
    while (i < a1 && j < b1) {
      const ta = tok[i]!;
      const tb = tok[j]!;
      if (ta === tb) {
        common++;
        i++;
        j++;
      } else if (ta < tb) {
        onlyA |= digit[ta]!;
        i++;
      } else {
        onlyB |= digit[tb]!;
        j++;
      }
    }
    for (; i < a1; i++) onlyA |= digit[tok[i]!]!;
    for (; j < b1; j++) onlyB |= digit[tok[j]!]!;
    const jaccard = common / (la + lb - common);
    if (jaccard < minJ) return;
    // Any number in one description only is another size ("Check valve 1" / "1 1/4").
    if (s.sizeVariantVeto && (onlyA || onlyB)) return;
    // Two different valid barcodes are two products, whatever the descriptions say.
    if (differentGtins(p, row[x]!, row[y]!)) return;
    const ka = p.keys[kid[x]!]!;
    const kb = p.keys[kid[y]!]!;
    const max = allowedDistance(ka, kb, s);
    const distance = editDistance(ka, kb, max);
    if (distance > max) return;
    const ri = row[x]!;
    const rj = row[y]!;
    accepted.push(ri < rj ? { i: ri, j: rj, distance, jaccard } : { i: rj, j: ri, distance, jaccard });
  };

  /** A block of local indices, ascending (so in key order): every pair, or when too large a sorted neighbourhood. */
  const expand = (ids: Int32Array, length: number, cap: number, label: () => string): void => {
    if (length > cap) {
      oversized.push({ kind: 'oversized_block', rule: 'near_duplicate', value: label(), size: length });
      for (let a = 0; a < length; a++) {
        const end = Math.min(length, a + s.window);
        for (let b = a + 1; b < end; b++) check(ids[a]!, ids[b]!);
      }
      return;
    }
    for (let a = 0; a < length; a++) for (let b = a + 1; b < length; b++) check(ids[a]!, ids[b]!);
  };

  // Prefix tokens per row (prefix filtering): a pair reaching minJaccard shares one.
  const prefix = new Int32Array(m);
  for (let x = 0; x < m; x++) {
    const t = tokStart[x + 1]! - tokStart[x]!;
    prefix[x] = Math.min(t, t - Math.ceil(s.minJaccard * t - 1e-9) + 1);
  }

  // 1. Deletion neighbourhoods of the key crossed with the prefix tokens: every pair
  //    at key distance ≤ 1 whose descriptions can reach minJaccard shares a
  //    (variant, token) block, and few other pairs do.
  const variantStart = new Int32Array(p.keys.length + 1);
  const variantData: number[] = [];
  const scratch: number[] = [];
  for (let k = 0; k < p.keys.length; k++) {
    const count = writeVariantHashes(p.keys[k]!, scratch);
    for (let v = 0; v < count; v++) variantData.push(scratch[v]!);
    variantStart[k + 1] = variantData.length;
  }
  let entryCount = 0;
  for (let x = 0; x < m; x++) entryCount += (variantStart[kid[x]! + 1]! - variantStart[kid[x]!]!) * prefix[x]!;
  const hashes = new Int32Array(entryCount);
  const ids = new Int32Array(entryCount);
  let e = 0;
  for (let x = 0; x < m; x++) {
    const v1 = variantStart[kid[x]! + 1]!;
    for (let v = variantStart[kid[x]!]!; v < v1; v++) {
      for (let k = 0; k < prefix[x]!; k++) {
        hashes[e] = combineHash(variantData[v]!, tok[tokStart[x]! + k]!);
        ids[e++] = x;
      }
    }
  }
  forEachBlock(hashes, ids, (block, length) => expand(block, length, s.maxKeyBlock, () => `key~${p.keys[kid[block[0]!]!]}`));

  // 2. Sorted neighbourhood over the distinct keys (sorted already), forwards and
  //    reversed: distance 2 between long keys, whatever the description blocks held.
  const longPair = (ka: number, kb: number): void => {
    if (p.keys[ka]!.length < s.longKeyLength || p.keys[kb]!.length < s.longKeyLength) return;
    for (let x = keyStart[ka]!; x < keyStart[ka + 1]!; x++) for (let y = keyStart[kb]!; y < keyStart[kb + 1]!; y++) check(x, y);
  };
  sortedNeighbourhood(identity(p.keys.length), s.window, longPair);
  sortedNeighbourhood(reversedOrder(p.keys), s.window, longPair);

  // 3. Prefix tokens alone: pairs whose descriptions can reach minJaccard, at any key distance.
  const tokenCount = p.tokenText.length;
  const start = new Int32Array(tokenCount + 1);
  for (let x = 0; x < m; x++) for (let k = 0; k < prefix[x]!; k++) start[tok[tokStart[x]! + k]! + 1]!++;
  for (let t = 0; t < tokenCount; t++) start[t + 1]! += start[t]!;
  const members = new Int32Array(start[tokenCount]!);
  const fill = start.slice(0, tokenCount);
  for (let x = 0; x < m; x++) for (let k = 0; k < prefix[x]!; k++) members[fill[tok[tokStart[x]! + k]!]!++] = x;
  for (let t = 0; t < tokenCount; t++) {
    const length = start[t + 1]! - start[t]!;
    if (length > 1) expand(members.subarray(start[t]!, start[t + 1]!), length, s.maxTokenBlock, () => `token:${p.tokenText[t]}`);
  }

  accepted.sort((a, b) => a.i - b.i || a.j - b.j);
  const pairs = accepted.filter((q, k) => k === 0 || q.i !== accepted[k - 1]!.i || q.j !== accepted[k - 1]!.j);
  return { pairs, candidatePairs, oversized };
}

function identity(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** Indices of sorted keys, ordered by the reversed key. */
function reversedOrder(keys: readonly string[]): number[] {
  const reversed = keys.map((k) => {
    let r = '';
    for (let c = k.length - 1; c >= 0; c--) r += k[c];
    return r;
  });
  return identity(keys.length).sort((i, j) => compareText(reversed[i]!, reversed[j]!) || i - j);
}

function allowedDistance(a: string, b: string, s: Settings): number {
  return Math.min(a.length, b.length) >= s.longKeyLength ? 2 : 1;
}

/** Categories agree, or one is blank. */
function compatible(a: string, b: string): boolean {
  return a === '' || b === '' || a === b;
}

class UnionFind {
  private readonly parent: Int32Array;
  constructor(n: number) {
    this.parent = new Int32Array(n);
    for (let i = 0; i < n; i++) this.parent[i] = i;
  }
  find(x: number): number {
    let root = x;
    while (this.parent[root] !== root) root = this.parent[root]!;
    while (this.parent[x] !== root) {
      const next = this.parent[x]!;
      this.parent[x] = root;
      x = next;
    }
    return root;
  }
  union(a: number, b: number): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra === rb) return;
    // The smaller root survives: components do not depend on the order of unions.
    if (ra < rb) this.parent[rb] = ra;
    else this.parent[ra] = rb;
  }
}

interface RawEvidence {
  readonly rule: ClusterRule;
  readonly i: number;
  readonly j: number;
  readonly score: number;
  readonly detail: string;
}

/** Finds duplicate clusters in the item master. */
export function clusterDuplicates(items: readonly MasterItem[], options: ClusterOptions = {}): ClusterResult {
  const s = settings(options);
  const p = prepareMaster(items, options);
  const findings: ClusterFinding[] = [...p.findings];
  const evidence: RawEvidence[] = [];
  const memberOrder = (a: number, b: number): number => compareText(p.sku[a]!, p.sku[b]!) || a - b;

  // (a) Key collisions: star from the first row (in member order) of each key.
  for (const rows of p.rowsOfKey) {
    if (rows.length < 2) continue;
    const sorted = [...rows].sort(memberOrder);
    for (let x = 1; x < sorted.length; x++) evidence.push({ rule: 'key_collision', i: sorted[0]!, j: sorted[x]!, score: 1, detail: p.key[sorted[0]!]! });
  }

  // (b) One valid barcode under different keys; (c1) one description under different keys.
  const groups = (rule: 'same_barcode' | 'same_description', valueOf: (i: number) => string, detailOf: (i: number) => string, pairOk: (i: number, j: number) => boolean): void => {
    const byValue = new Map<string, number[]>();
    for (let i = 0; i < p.n; i++) {
      const v = valueOf(i);
      if (v === '' || p.keyId[i]! < 0) continue;
      const list = byValue.get(v);
      if (list) list.push(i);
      else byValue.set(v, [i]);
    }
    for (const rows of byValue.values()) {
      if (rows.length < 2) continue;
      if (rows.length > s.maxGroup) {
        if (new Set(rows.map((r) => p.keyId[r])).size > 1) findings.push({ kind: 'oversized_block', rule, value: detailOf(rows[0]!), size: rows.length });
        continue;
      }
      const sorted = [...rows].sort(memberOrder);
      // Every pair that may pair joins the cluster; evidence is kept for the pairs
      // that join two parts (a spanning forest), not for all k² pairs.
      const local = new UnionFind(sorted.length);
      for (let y = 1; y < sorted.length; y++) {
        for (let x = 0; x < y; x++) {
          const i = sorted[x]!;
          const j = sorted[y]!;
          if (p.keyId[i] === p.keyId[j] || !pairOk(i, j) || local.find(x) === local.find(y)) continue;
          local.union(x, y);
          evidence.push({ rule, i, j, score: 1, detail: detailOf(i) });
        }
      }
    }
  };
  groups('same_barcode', (i) => p.gtin[i]!, (i) => p.gtin[i]!, () => true);
  groups(
    'same_description',
    (i) => p.descriptionKey[i]!,
    (i) => p.description[i]!,
    (i, j) => (!s.categoryVeto || compatible(p.category[i]!, p.category[j]!)) && !differentGtins(p, i, j),
  );

  // (c2) Near duplicates.
  const near = nearDuplicatePairs(p, options);
  findings.push(...near.oversized);
  for (const pair of near.pairs) {
    evidence.push({ rule: 'near_duplicate', i: pair.i, j: pair.j, score: round3(pair.jaccard), detail: `distance=${pair.distance} jaccard=${round3(pair.jaccard).toFixed(3)}` });
  }

  // Clusters: union-find over every piece of evidence.
  const uf = new UnionFind(p.n);
  for (const ev of evidence) uf.union(ev.i, ev.j);
  const byRoot = new Map<number, number[]>();
  for (let i = 0; i < p.n; i++) {
    if (p.keyId[i]! < 0) continue;
    const r = uf.find(i);
    const list = byRoot.get(r);
    if (list) list.push(i);
    else byRoot.set(r, [i]);
  }
  const evidenceByRoot = new Map<number, RawEvidence[]>();
  for (const ev of evidence) {
    const r = uf.find(ev.i);
    const list = evidenceByRoot.get(r);
    if (list) list.push(ev);
    else evidenceByRoot.set(r, [ev]);
  }

  const ruleRank = new Map(CLUSTER_RULES.map((r, k) => [r, k]));
  const built = [...byRoot]
    .filter(([, rows]) => rows.length > 1)
    .map(([root, rows]) => {
      rows.sort(memberOrder);
      const rank = new Map(rows.map((r, k) => [r, k]));
      const member = (i: number): ClusterMember => ({ sku: p.sku[i]!, index: i });
      const ev = evidenceByRoot
        .get(root)!
        .map((e) => (rank.get(e.i)! <= rank.get(e.j)! ? e : { ...e, i: e.j, j: e.i }))
        .sort((a, b) => ruleRank.get(a.rule)! - ruleRank.get(b.rule)! || rank.get(a.i)! - rank.get(b.i)! || rank.get(a.j)! - rank.get(b.j)!)
        .map((e): ClusterEvidence => ({ rule: e.rule, pair: [p.sku[e.i]!, p.sku[e.j]!], rows: [e.i, e.j], score: e.score, detail: e.detail }));
      const reasons = reviewReasons(p, rows);
      return {
        members: rows.map(member),
        evidence: ev,
        survivor: member(survivorOf(p, rows)),
        decision: (reasons.length === 0 ? 'auto_merge' : 'review') as ClusterDecision,
        reasons,
      };
    })
    .sort((a, b) => compareText(a.members[0]!.sku, b.members[0]!.sku) || a.members[0]!.index - b.members[0]!.index);
  const clusters: DuplicateCluster[] = built.map((c, k) => ({ id: k + 1, ...c }));

  return {
    clusters,
    findings: sortFindings(findings),
    stats: { items: p.n, distinctKeys: p.keys.length, candidatePairs: near.candidatePairs, nearDuplicatePairs: near.pairs.length },
  };
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** Why rows may not merge automatically; empty means one key and agreeing attributes. */
function reviewReasons(p: PreparedMaster, rows: readonly number[]): ReviewReason[] {
  const reasons: ReviewReason[] = [];
  const distinct = (values: (i: number) => string, ignoreBlank: boolean): number => new Set(rows.map(values).filter((v) => !ignoreBlank || v !== '')).size;
  if (distinct((i) => p.key[i]!, false) > 1) reasons.push('different_keys');
  if (distinct((i) => p.descriptionKey[i]!, false) > 1) reasons.push('description_differs');
  if (distinct((i) => p.uom[i]!, false) > 1) reasons.push('uom_differs');
  if (distinct((i) => p.barcode[i]!, true) > 1) reasons.push('barcode_differs');
  if (distinct((i) => p.cost[i]!, false) > 1) reasons.push('cost_differs');
  if (distinct((i) => p.category[i]!, true) > 1) reasons.push('category_differs');
  return reasons;
}

/** Completeness: description, valid barcode, unit, category, unit cost present. */
function completeness(p: PreparedMaster, i: number): number {
  return [p.description[i], p.gtin[i], p.uom[i], p.category[i], p.cost[i]].filter((v) => v !== '').length;
}

/** Rows are in member order (SKU, row): the first with the highest completeness. */
function survivorOf(p: PreparedMaster, rows: readonly number[]): number {
  let best = rows[0]!;
  let bestScore = completeness(p, best);
  for (const r of rows) {
    const score = completeness(p, r);
    if (score > bestScore) {
      best = r;
      bestScore = score;
    }
  }
  return best;
}

const FINDING_ORDER = { blank_sku: 0, invalid_barcode: 1, oversized_block: 2 } as const;

function sortFindings(findings: ClusterFinding[]): ClusterFinding[] {
  const index = (f: ClusterFinding): number => ('index' in f ? f.index : -1);
  const label = (f: ClusterFinding): string => (f.kind === 'oversized_block' ? `${f.rule}\u0000${f.value}` : '');
  return [...findings].sort((a, b) => FINDING_ORDER[a.kind] - FINDING_ORDER[b.kind] || index(a) - index(b) || compareText(label(a), label(b)));
}
