/**
 * Scaling check for duplicate clustering, run by hand or by the benchmark (not by
 * the test suite): `benchClusters(n)` builds a synthetic item master of `n` rows of
 * which about 3 % are planted duplicates, clusters it, and returns timings and
 * recall. It prints nothing. The data is deterministic (seeded generator), so two
 * runs time the same work.
 *
 * Realistic on purpose where blocking is weakest: SKUs are dense sequential numbers
 * per category (many keys one edit apart), descriptions come from a small
 * vocabulary with sizes (many near-identical descriptions), and sizes of one
 * product sit under consecutive SKUs.
 */
import { mulberry32 } from '../fixtures/generator/prng.js';
import { performance } from 'node:perf_hooks';
import { clusterDuplicates, nearDuplicatePairs, prepareMaster, type ClusterResult, type NearDuplicateSearch } from '../src/core/cleanse/clusters.js';
import { gs1CheckDigit, validateGtin } from '../src/core/cleanse/gtin.js';
import type { MasterItem } from '../src/core/cleanse/matching.js';

export const PLANTED_KINDS = ['key_collision', 'key_collision_conflict', 'same_barcode', 'near_duplicate', 'same_description'] as const;
export type PlantedKind = (typeof PLANTED_KINDS)[number];

export interface PlantedDuplicate {
  readonly kind: PlantedKind;
  /** Rows in the returned master. */
  readonly original: number;
  readonly duplicate: number;
}

export interface SyntheticMaster {
  readonly items: readonly MasterItem[];
  readonly planted: readonly PlantedDuplicate[];
}

export interface BenchClustersResult {
  readonly items: number;
  readonly planted: number;
  /** Planted duplicates whose two rows ended in one cluster. */
  readonly found: number;
  readonly foundByKind: Readonly<Record<PlantedKind, { planted: number; found: number }>>;
  readonly clusters: number;
  readonly autoMerge: number;
  readonly review: number;
  readonly candidatePairs: number;
  readonly nearDuplicatePairs: number;
  /** clusterDuplicates end to end (best of the runs). */
  readonly seconds: number;
  /** The near-duplicate search alone, after preparation (best of the runs). */
  readonly nearDuplicateSeconds: number;
  /** Preparation alone: keys, tokens, barcodes (best of the runs). */
  readonly prepareSeconds: number;
}


const NOUNS = ['BOLT', 'NUT', 'WASHER', 'SCREW', 'BEARING', 'FILTER', 'VALVE', 'GASKET', 'HOSE', 'CABLE', 'FUSE', 'RELAY', 'SWITCH', 'BRACKET', 'CLAMP', 'SPRING', 'PIN', 'RIVET', 'SEAL', 'ORING', 'PUMP', 'MOTOR', 'BELT', 'PULLEY', 'GEAR', 'SHAFT', 'COUPLING', 'NOZZLE', 'FITTING', 'ELBOW', 'TEE', 'FLANGE', 'HINGE', 'HANDLE', 'KNOB', 'LAMP', 'SENSOR', 'CONNECTOR', 'TERMINAL', 'PLUG'];
const MATERIALS = ['STEEL', 'STAINLESS', 'BRASS', 'COPPER', 'NYLON', 'PVC', 'ALUMINIUM', 'ZINC', 'RUBBER', 'CAST IRON'];
const FINISHES = ['ZP', 'GALV', 'BLACK', 'PLAIN', 'PAINTED', 'ANODISED', 'POLISHED', ''];
const QUALIFIERS = ['HEX', 'HEAVY DUTY', 'DIN 933', 'ISO 4017', 'SELF LOCKING', 'HIGH TEMP', 'FOOD GRADE', 'ATEX', 'IP67', ''];
const CATEGORIES = ['FAS', 'BRG', 'FLT', 'VLV', 'HYD', 'ELC', 'PNE', 'MEC', 'SEA', 'PWR', 'TLS', 'SAF', 'LUB', 'PIP', 'INS', 'CTL', 'LGT', 'WLD', 'PKG', 'CLN'];
const UOMS = ['EA', 'EA', 'EA', 'BOX', 'PK', 'KG', 'M'];

/** A synthetic master of `n` rows, about 3 % of them planted duplicates of another row. */
export function syntheticMaster(n: number, seed = 20240601): SyntheticMaster {
  const rnd = mulberry32(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;
  const int = (lo: number, hi: number): number => lo + Math.floor(rnd() * (hi - lo + 1));
  const duplicates = Math.round(n * 0.03);
  const originals = n - duplicates;
  const items: MasterItem[] = [];
  const next = new Map<string, number>();
  let barcodeSerial = 0;
  const gtin13 = (): string => {
    const data = `54${String(1_000_000_000 + barcodeSerial++).slice(1)}`;
    return data + gs1CheckDigit(data);
  };

  while (items.length < originals) {
    // A product in one to four sizes, under consecutive SKUs.
    const category = pick(CATEGORIES);
    const numeric = rnd() < 0.15;
    const counter = numeric ? 'NUM' : category;
    const material = pick(MATERIALS);
    const noun = pick(NOUNS);
    const finish = pick(FINISHES);
    const qualifier = pick(QUALIFIERS);
    const uom = pick(UOMS);
    const a = int(3, 60);
    const b = int(5, 300);
    const sizes = int(1, 4);
    for (let k = 0; k < sizes && items.length < originals; k++) {
      const seq = (next.get(counter) ?? 10_000) + int(1, 3);
      next.set(counter, seq);
      const sku = numeric ? `00${400_000 + seq}` : `${category}-${seq}`;
      const size = `${a}X${b + 25 * k}`;
      const description = [material, noun, qualifier, size, finish].filter((w) => w !== '').join(' ');
      const roll = rnd();
      const barcode = roll < 0.5 ? gtin13() : roll < 0.51 ? `54${int(10_000_000, 99_999_999)}${int(100, 999)}` : null;
      items.push({ sku, description, barcode, uom, category, unitCost: (int(5, 500_000) / 100).toFixed(2) });
    }
  }

  const planted: { kind: PlantedKind; original: number; duplicate: number }[] = [];
  const kinds: [PlantedKind, number][] = [
    ['key_collision', 0.25],
    ['key_collision_conflict', 0.1],
    ['same_barcode', 0.2],
    ['near_duplicate', 0.3],
    ['same_description', 0.15],
  ];
  for (let d = 0; d < duplicates; d++) {
    const original = int(0, originals - 1);
    const base = items[original]!;
    let r = rnd();
    let kind: PlantedKind = 'same_description';
    for (const [k, share] of kinds) {
      if (r < share) {
        kind = k;
        break;
      }
      r -= share;
    }
    if (kind === 'same_barcode' && !validateGtin(base.barcode).valid) kind = 'near_duplicate';
    let dup: MasterItem;
    switch (kind) {
      case 'key_collision':
        dup = { ...base, sku: respell(base.sku, rnd) };
        break;
      case 'key_collision_conflict':
        dup = { ...base, sku: respell(base.sku, rnd), unitCost: (Number(base.unitCost) * 1.1).toFixed(2) };
        break;
      case 'same_barcode':
        dup = { ...base, sku: `X-${900_000 + d}`, description: reword(base.description, rnd) };
        break;
      case 'near_duplicate':
        dup = { ...base, sku: typo(base.sku, rnd), description: reword(base.description, rnd), barcode: null };
        break;
      case 'same_description':
        dup = { ...base, sku: `Y-${800_000 + d}`, description: base.description.toLowerCase(), barcode: null };
        break;
    }
    planted.push({ kind, original, duplicate: items.length });
    items.push(dup);
  }

  // Shuffle so that duplicates are not all at the end (Fisher-Yates, seeded).
  const order = items.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const position = new Int32Array(order.length);
  order.forEach((from, to) => (position[from] = to));
  return {
    items: order.map((from) => items[from]!),
    planted: planted.map((p) => ({ ...p, original: position[p.original]!, duplicate: position[p.duplicate]! })),
  };
}

/** Same key, other spelling: case, separator. */
function respell(sku: string, rnd: () => number): string {
  const r = rnd();
  if (r < 0.4) return sku.toLowerCase();
  if (r < 0.7) return sku.replace('-', ' ');
  return sku.includes('-') ? sku.replace('-', '') : `${sku.slice(0, 2)}-${sku.slice(2)}`;
}

/** One keying error: swap two adjacent characters or change one digit. */
function typo(sku: string, rnd: () => number): string {
  const digits = [...sku].map((c, i) => (/\d/.test(c) ? i : -1)).filter((i) => i >= 0);
  const at = digits[Math.max(1, Math.floor(rnd() * digits.length))] ?? sku.length - 1;
  if (rnd() < 0.5 && at > 0 && /\d/.test(sku[at - 1]!) && sku[at - 1] !== sku[at]) {
    return sku.slice(0, at - 1) + sku[at] + sku[at - 1] + sku.slice(at + 1);
  }
  const digit = String((Number(sku[at]) + 1 + Math.floor(rnd() * 8)) % 10);
  return sku.slice(0, at) + digit + sku.slice(at + 1);
}

/** The same description written by someone else: word order, case, punctuation. */
function reword(description: string, rnd: () => number): string {
  const words = description.split(' ');
  const r = rnd();
  if (r < 0.4 && words.length > 2) [words[0], words[1]] = [words[1]!, words[0]!];
  const change = rnd();
  if (change < 0.3 && words.length > 4) words.splice(words.length - 1, 1);
  else if (change < 0.6) words.push('NEW');
  const text = words.join(rnd() < 0.5 ? ', ' : ' ');
  return rnd() < 0.5 ? text.toLowerCase() : text;
}

/**
 * Clusters a synthetic master of `n` rows; returns timings and recall. Prints
 * nothing. Timings are the best of `runs` (default 3): the machine's noise (other
 * processes, garbage collection) only ever adds time.
 */
export function benchClusters(n: number, runs = 3): BenchClustersResult {
  const { items, planted } = syntheticMaster(n);
  let result: ClusterResult | undefined;
  let seconds = Number.POSITIVE_INFINITY;
  let prepareSeconds = Number.POSITIVE_INFINITY;
  let nearDuplicateSeconds = Number.POSITIVE_INFINITY;
  let near: NearDuplicateSearch | undefined;
  for (let r = 0; r < Math.max(1, runs); r++) {
    const t0 = performance.now();
    result = clusterDuplicates(items);
    const t1 = performance.now();
    const prepared = prepareMaster(items);
    const t2 = performance.now();
    near = nearDuplicatePairs(prepared);
    const t3 = performance.now();
    seconds = Math.min(seconds, (t1 - t0) / 1000);
    prepareSeconds = Math.min(prepareSeconds, (t2 - t1) / 1000);
    nearDuplicateSeconds = Math.min(nearDuplicateSeconds, (t3 - t2) / 1000);
  }

  const clusterOf = new Map<number, number>();
  for (const c of result!.clusters) for (const m of c.members) clusterOf.set(m.index, c.id);
  const foundByKind = Object.fromEntries(PLANTED_KINDS.map((k) => [k, { planted: 0, found: 0 }])) as Record<PlantedKind, { planted: number; found: number }>;
  let found = 0;
  for (const p of planted) {
    const hit = clusterOf.has(p.original) && clusterOf.get(p.original) === clusterOf.get(p.duplicate);
    foundByKind[p.kind].planted++;
    if (hit) {
      found++;
      foundByKind[p.kind].found++;
    }
  }
  return {
    items: items.length,
    planted: planted.length,
    found,
    foundByKind,
    clusters: result!.clusters.length,
    autoMerge: result!.clusters.filter((c) => c.decision === 'auto_merge').length,
    review: result!.clusters.filter((c) => c.decision === 'review').length,
    candidatePairs: near!.candidatePairs,
    nearDuplicatePairs: near!.pairs.length,
    seconds,
    nearDuplicateSeconds,
    prepareSeconds,
  };
}
