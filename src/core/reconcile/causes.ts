/**
 * Variance causes: hints, each with the evidence that suggested it, for a human to
 * confirm (spec: "Three-way reconciliation"; reference/domain.md §3.5). A wrong hint
 * is worse than none, so every test is exact: quantities are compared as BigInt-scaled
 * decimals, ratios by cross-multiplication (a × f = b), never through floats.
 *
 * Quantity leg, one cause per line, in this precedence:
 *   1. pairing (one-to-one): misplaced, then lot_mismatch, then duplicate_sku;
 *   2. sign: physical = −book, both non-zero;
 *   3. uom_factor: physical = book × f or book = physical × f, f one of the item's factors;
 *   4. a decimal slide (×10^k) that is not a factor of the item: no hint;
 *   5. transposition: integers ≥ 10, the same multiset of digits, variance divisible by 9.
 * Only lines whose status is over, short, missing_in_count or missing_in_book take part;
 * the others (match, within_tolerance, unmapped, missing_in_gl) are never touched, and
 * neither is a line the caller marked in_transit. Every function is pure in its result:
 * the causes do not depend on the order of the input lines.
 */
import { canonicalDecimal, fromScaled, toScaled, type Scaled } from '../model/decimal.js';
import type { Cause, QuantityLine, Status, SyncLine, ValuationLine } from './types.js';

/** The exact decimal factors that make a uom_factor plausible for an item (pack sizes, 12, 10/100/1000). */
export interface ItemFactors {
  sku: string;
  factors: readonly string[];
}

export interface QuantityCauseContext {
  /** The item's factors (see ItemFactors); empty when none is known. */
  factors: (sku: string) => readonly string[];
  /** The other SKUs of the item's duplicate cluster (sent to review); empty when none. */
  twins: (sku: string) => readonly string[];
}

export interface ValuationCauseContext {
  /** The quantity the GL values for the SKU in the warehouse, null when the GL gives none. */
  glQty: (sku: string, warehouse: string) => string | null;
}

export interface SyncCauseContext {
  factors: (sku: string) => readonly string[];
}

/** A factors lookup over a list of ItemFactors (factors of repeated SKUs are merged). */
export function factorLookup(items: readonly ItemFactors[]): (sku: string) => readonly string[] {
  const bySku = new Map<string, string[]>();
  for (const item of items) {
    const list = bySku.get(item.sku) ?? [];
    list.push(...item.factors);
    bySku.set(item.sku, list);
  }
  return (sku) => bySku.get(sku) ?? [];
}

/** Statuses that can carry a quantity cause (and take part in pairing). */
const HINTED: ReadonlySet<Status> = new Set<Status>(['over', 'short', 'missing_in_count', 'missing_in_book']);
const VALUED: ReadonlySet<Status> = new Set<Status>(['over', 'short']);

// ---------------------------------------------------------------------------------
// Exact arithmetic on scaled decimals

const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

function parse(text: string | null | undefined): Scaled | null {
  if (text === null || text === undefined) return null;
  const t = text.trim();
  return DECIMAL.test(t) ? toScaled(t) : null;
}

function align(a: Scaled, b: Scaled): [bigint, bigint] {
  const s = Math.max(a.scale, b.scale);
  return [a.units * 10n ** BigInt(s - a.scale), b.units * 10n ** BigInt(s - b.scale)];
}

function equal(a: Scaled, b: Scaled): boolean {
  const [x, y] = align(a, b);
  return x === y;
}

/** a × f = b, exactly: a.u·f.u / 10^(sa+sf) = b.u / 10^sb. */
function timesEquals(a: Scaled, f: Scaled, b: Scaled): boolean {
  return a.units * f.units * 10n ** BigInt(b.scale) === b.units * 10n ** BigInt(a.scale + f.scale);
}

/** k ≥ 1 with |big| = |small| × 10^k and the same sign, else null. */
function slideExponent(small: Scaled, big: Scaled): number | null {
  const [x, y] = align(small, big);
  if (x === 0n || y % x !== 0n) return null;
  const q = y / x;
  const digits = q.toString();
  return q > 1n && /^10+$/.test(digits) ? digits.length - 1 : null;
}

function abs(a: Scaled): Scaled {
  return a.units < 0n ? { units: -a.units, scale: a.scale } : a;
}

// ---------------------------------------------------------------------------------
// Evidence wording: a typographic minus, a plus on signed variances

function show(t: string): string {
  const c = canonicalDecimal(t);
  return c.startsWith('-') ? `\u2212${c.slice(1)}` : c;
}

function signed(t: string): string {
  const c = canonicalDecimal(t);
  return c.startsWith('-') ? `\u2212${c.slice(1)}` : c === '0' ? '0' : `+${c}`;
}

/** Money with at least two decimals (never rounded). */
function money(t: string): string {
  const c = canonicalDecimal(t);
  const negative = c.startsWith('-');
  const [int = '0', frac = ''] = (negative ? c.slice(1) : c).split('.');
  return `${negative ? '\u2212' : ''}${int}.${frac.padEnd(2, '0')}`;
}

function place(warehouse: string, location: string): string {
  return location || warehouse;
}

// ---------------------------------------------------------------------------------
// Deterministic ordering (code-unit comparison, never locale-dependent)

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function cmpKeys(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < a.length; i++) {
    const c = cmp(a[i]!, b[i]!);
    if (c !== 0) return c;
  }
  return 0;
}

function lineKey(l: QuantityLine): string[] {
  return [l.warehouse, l.sku, l.location, l.lot, l.uom, l.book_qty ?? '', l.physical_qty ?? '', l.qty_variance, l.status];
}

/** A partner is chosen by location, lot, sku (then the rest of the line, for ties). */
function partnerKey(l: QuantityLine): string[] {
  return [l.location, l.lot, l.sku, l.warehouse, l.uom, l.book_qty ?? '', l.physical_qty ?? '', l.qty_variance, l.status];
}

// ---------------------------------------------------------------------------------
// Per-line hints (shared by the quantity leg and the systems leg)

export interface Hint {
  cause: Cause;
  evidence: string;
}

interface Sides {
  /** The side the variance is measured from: variance = actual − expected. */
  actualLabel: string;
  expectedLabel: string;
}

/**
 * sign, then uom_factor, then (unless the two are a decimal slide) transposition, for
 * one pair of quantities; null when none applies.
 */
export function quantityHint(actualText: string | null, expectedText: string | null, factors: readonly string[], sides: Sides = { actualLabel: 'counted', expectedLabel: 'book' }): Hint | null {
  const actual = parse(actualText);
  const expected = parse(expectedText);
  if (!actual || !expected || actual.units === 0n || expected.units === 0n) return null;
  const a = `${sides.actualLabel} ${show(fromScaled(actual))}`;
  const e = `${sides.expectedLabel} ${show(fromScaled(expected))}`;

  // sign: actual = −expected
  if (equal(actual, { units: -expected.units, scale: expected.scale })) {
    return { cause: 'sign', evidence: `${a} against ${e}: the same quantity with the opposite sign` };
  }

  const positive = actual.units > 0n && expected.units > 0n;

  // uom_factor: actual = expected × f or expected = actual × f, f one of the item's factors
  if (positive) {
    for (const raw of factors) {
      const f = parse(raw);
      if (!f || f.units <= 0n || equal(f, { units: 1n, scale: 0 })) continue;
      const fx = show(fromScaled(f));
      if (timesEquals(expected, f, actual)) return { cause: 'uom_factor', evidence: `${a} = ${e} × ${fx} (a factor of the item)` };
      if (timesEquals(actual, f, expected)) return { cause: 'uom_factor', evidence: `${e} = ${a} × ${fx} (a factor of the item)` };
    }
  }

  // A decimal slide that is not one of the item's factors: no hint (not a transposition).
  if (slideExponent(actual, expected) !== null || slideExponent(expected, actual) !== null) return null;

  // transposition: integers ≥ 10, a permutation of the same digits, variance divisible by 9
  if (positive && actual.scale === 0 && expected.scale === 0 && actual.units >= 10n && expected.units >= 10n && actual.units !== expected.units) {
    const sorted = (n: bigint): string => n.toString().split('').sort().join('');
    const variance = actual.units - expected.units;
    if (sorted(actual.units) === sorted(expected.units) && variance % 9n === 0n) {
      const v = signed(variance.toString());
      return { cause: 'transposition', evidence: `${a}, ${e}: the same digits in another order; variance ${v} = 9 × ${show((variance / 9n).toString())}` };
    }
  }
  return null;
}

function setHint(line: { cause: Cause | ''; evidence?: string }, hint: Hint | null): void {
  if (hint) {
    line.cause = hint.cause;
    line.evidence = hint.evidence;
  } else {
    line.cause = '';
    delete line.evidence;
  }
}

// ---------------------------------------------------------------------------------
// Quantity leg

interface Node {
  line: QuantityLine;
  /** The absolute variance, canonical (a bucket key). */
  magnitude: string;
  negative: boolean;
  paired: boolean;
}

function uomCompatible(a: QuantityLine, b: QuantityLine): boolean {
  return a.uom === b.uom || a.uom === '' || b.uom === '';
}

/**
 * Pairs nodes within buckets (pairs only ever form inside one bucket): each unpaired
 * node, in canonical order, takes the unpaired partner with the opposite variance that
 * the relation accepts and that sorts first by location, lot, sku.
 */
function pairWithin(nodes: readonly Node[], bucket: (n: Node) => string, related: (a: QuantityLine, b: QuantityLine) => boolean, onPair: (a: Node, b: Node) => void): void {
  const buckets = new Map<string, Node[]>();
  for (const n of nodes) {
    if (n.paired) continue;
    const key = `${bucket(n)}\u0000${n.magnitude}`;
    const list = buckets.get(key);
    if (list) list.push(n);
    else buckets.set(key, [n]);
  }
  for (const list of buckets.values()) {
    if (list.length < 2) continue;
    const byPartner = [...list].sort((x, y) => cmpKeys(partnerKey(x.line), partnerKey(y.line)));
    for (const n of list) {
      if (n.paired) continue;
      const m = byPartner.find((c) => !c.paired && c !== n && c.negative !== n.negative && uomCompatible(n.line, c.line) && related(n.line, c.line));
      if (!m) continue;
      n.paired = true;
      m.paired = true;
      onPair(n, m);
    }
  }
}

/**
 * Sets cause and evidence on the quantity lines whose status is over, short,
 * missing_in_count or missing_in_book (recomputed: cleared when no hint applies);
 * other lines and lines marked in_transit are left as they are.
 */
export function assignQuantityCauses(lines: QuantityLine[], context: QuantityCauseContext): void {
  const eligible = lines.filter((l) => HINTED.has(l.status) && l.cause !== 'in_transit');
  for (const l of eligible) setHint(l, null);

  const nodes: Node[] = [];
  for (const line of eligible) {
    const v = parse(line.qty_variance);
    if (!v || v.units === 0n) continue;
    nodes.push({ line, magnitude: fromScaled(abs(v)), negative: v.units < 0n, paired: false });
  }
  nodes.sort((a, b) => cmpKeys(lineKey(a.line), lineKey(b.line)));

  const key = (...parts: string[]): string => JSON.stringify(parts);
  const lotText = (l: QuantityLine): string => (l.lot ? ` of lot ${l.lot}` : '');

  // misplaced: same SKU and warehouse (and lot), another location, exactly the opposite variance
  pairWithin(
    nodes,
    (n) => key(n.line.warehouse, n.line.sku, n.line.lot),
    (a, b) => a.location !== b.location,
    (a, b) => {
      for (const [x, y] of [[a, b], [b, a]] as const) {
        x.line.cause = 'misplaced';
        x.line.evidence = `${signed(x.line.qty_variance)}${lotText(x.line)} here, ${signed(y.line.qty_variance)} in ${place(y.line.warehouse, y.line.location)}`;
      }
    },
  );

  // lot_mismatch: same SKU and location, different lots, exactly the opposite variance
  pairWithin(
    nodes,
    (n) => key(n.line.warehouse, n.line.sku, n.line.location),
    (a, b) => a.lot !== b.lot,
    (a, b) => {
      for (const [x, y] of [[a, b], [b, a]] as const) {
        x.line.cause = 'lot_mismatch';
        x.line.evidence = `${signed(x.line.qty_variance)} of lot ${x.line.lot || '(none)'} here, ${signed(y.line.qty_variance)} of lot ${y.line.lot || '(none)'} in the same location`;
      }
    },
  );

  // duplicate_sku: a twin SKU (same review cluster) in the same warehouse and location
  const twinCache = new Map<string, ReadonlySet<string>>();
  const twinsOf = (sku: string): ReadonlySet<string> => {
    let set = twinCache.get(sku);
    if (!set) {
      set = new Set(context.twins(sku));
      twinCache.set(sku, set);
    }
    return set;
  };
  pairWithin(
    nodes,
    (n) => key(n.line.warehouse, n.line.location),
    (a, b) => a.sku !== b.sku && (twinsOf(a.sku).has(b.sku) || twinsOf(b.sku).has(a.sku)),
    (a, b) => {
      for (const [x, y] of [[a, b], [b, a]] as const) {
        x.line.cause = 'duplicate_sku';
        x.line.evidence = `${signed(x.line.qty_variance)} here, ${signed(y.line.qty_variance)} under its twin ${y.line.sku} in ${place(y.line.warehouse, y.line.location)}`;
      }
    },
  );

  // per-line hints for the rest
  const factorCache = new Map<string, readonly string[]>();
  for (const n of nodes) {
    if (n.paired) continue;
    const sku = n.line.sku;
    let factors = factorCache.get(sku);
    if (!factors) {
      factors = context.factors(sku);
      factorCache.set(sku, factors);
    }
    setHint(n.line, quantityHint(n.line.physical_qty, n.line.book_qty, factors));
  }
}

// ---------------------------------------------------------------------------------
// Valuation leg

/**
 * cost_mismatch on over/short valuation lines whose quantity is not in question (the
 * GL's quantity, when it gives one, equals book_qty) so that the value difference is a
 * difference of unit cost: book_qty non-zero, book and GL values non-zero, of the same
 * sign, and different. Other eligible lines get no cause; other statuses are untouched.
 */
export function assignValuationCauses(lines: ValuationLine[], context: ValuationCauseContext): void {
  for (const line of lines) {
    if (!VALUED.has(line.status) || line.cause === 'in_transit') continue;
    setHint(line, valuationHint(line, context));
  }
}

function valuationHint(line: ValuationLine, context: ValuationCauseContext): Hint | null {
  const qty = parse(line.book_qty);
  const cost = parse(line.unit_cost);
  const book = parse(line.book_value);
  const gl = parse(line.gl_value);
  if (!qty || !cost || !book || !gl) return null;
  if (qty.units === 0n || book.units === 0n || gl.units === 0n) return null;
  if (book.units < 0n !== gl.units < 0n || equal(book, gl)) return null;
  const glQtyText = context.glQty(line.sku, line.warehouse);
  if (glQtyText !== null) {
    const glQty = parse(glQtyText);
    if (!glQty || !equal(glQty, qty)) return null;
  }
  const evidence = `book ${show(line.book_qty!)} × ${money(line.unit_cost!)} = ${money(line.book_value!)}, GL ${money(line.gl_value!)}`;
  return { cause: 'cost_mismatch', evidence: glQtyText !== null ? `${evidence} for the same quantity` : evidence };
}

// ---------------------------------------------------------------------------------
// Systems leg (ERP against WMS)

/** sign, uom_factor, transposition on ERP vs WMS lines (variance = wms − erp). */
export function assignSyncCauses(lines: SyncLine[], context: SyncCauseContext): void {
  for (const line of lines) {
    if (!HINTED.has(line.status) || line.cause === 'in_transit') continue;
    setHint(line, quantityHint(line.wms_qty, line.erp_qty, context.factors(line.sku), { actualLabel: 'WMS', expectedLabel: 'ERP' }));
  }
}
