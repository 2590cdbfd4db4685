/**
 * Tolerances: how far a count may be from the book before it is a variance. Each limit
 * is optional; a line is within tolerance when it is within every limit that is set
 * (absolute quantity, percent of the book, value). No limit set means any difference
 * is a variance. A line exactly at a limit is within it. Limits may differ per
 * category or ABC class (the most specific wins: class, then category, then global).
 */
import { UsageError } from '../errors.js';
import { compareDecimals, toScaled } from '../model/decimal.js';

export interface Tolerance {
  /** Absolute quantity in the base unit. */
  readonly qty?: string;
  /** Percent of the book quantity (2 means 2%). */
  readonly percent?: string;
  /** Absolute value of the variance, in the currency. */
  readonly value?: string;
}

export interface ToleranceConfig {
  readonly global: Tolerance;
  readonly byCategory: Readonly<Record<string, Tolerance>>;
  readonly byClass: Readonly<Record<string, Tolerance>>;
}

export const NO_TOLERANCE: ToleranceConfig = { global: {}, byCategory: {}, byClass: {} };

const DECIMAL = /^\d+(?:\.\d+)?$/;

function parseTolerance(value: unknown, where: string): Tolerance {
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new UsageError(`${where} must be a mapping of qty, percent, value`);
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (!['qty', 'percent', 'value'].includes(key)) throw new UsageError(`${where}: unknown tolerance "${key}" (qty, percent or value)`);
    const text = String(v).trim();
    if (!DECIMAL.test(text)) throw new UsageError(`${where}.${key} must be a number of at least 0, not "${text}"`);
    out[key] = text;
  }
  return out;
}

/** From invsync.yaml `tolerances:` ({ qty, percent, value, categories: {…}, classes: {…} }) and `--tolerance`. */
export function toleranceConfig(section: unknown, flag?: string): ToleranceConfig {
  const obj = (section ?? {}) as Record<string, unknown>;
  const { categories, classes, ...global } = obj;
  const byCategory: Record<string, Tolerance> = {};
  for (const [k, v] of Object.entries((categories ?? {}) as Record<string, unknown>)) byCategory[k] = parseTolerance(v, `tolerances.categories.${k}`);
  const byClass: Record<string, Tolerance> = {};
  for (const [k, v] of Object.entries((classes ?? {}) as Record<string, unknown>)) byClass[k.toUpperCase()] = parseTolerance(v, `tolerances.classes.${k}`);
  let base = parseTolerance(global, 'tolerances');
  if (flag) {
    const fromFlag: Record<string, string> = {};
    for (const part of flag.split(',')) {
      const [key, value] = part.split('=').map((s) => s.trim());
      if (!key || value === undefined) throw new UsageError(`--tolerance takes key=value pairs, e.g. qty=1,percent=2,value=10 (got "${part}")`);
      fromFlag[key] = value.replace(/%$/, '');
    }
    base = { ...base, ...parseTolerance(fromFlag, '--tolerance') };
  }
  return { global: base, byCategory, byClass };
}

export function toleranceFor(config: ToleranceConfig, category?: string | null, abcClass?: string | null): Tolerance {
  if (abcClass && config.byClass[abcClass.toUpperCase()]) return config.byClass[abcClass.toUpperCase()]!;
  if (category) {
    // The most specific category prefix: "Plumbing/Valves" before "Plumbing".
    const parts = category.split('/');
    for (let n = parts.length; n > 0; n--) {
      const key = parts.slice(0, n).join('/');
      if (config.byCategory[key]) return config.byCategory[key]!;
    }
  }
  return config.global;
}

const abs = (v: bigint): bigint => (v < 0n ? -v : v);

/** Is a difference within every limit that is set? (No limit set: only zero is.) */
export function withinTolerance(t: Tolerance, variance: string, book: string | null, valueImpact: string | null): boolean {
  if (t.qty === undefined && t.percent === undefined && t.value === undefined) return compareDecimals(variance, '0') === 0;
  if (t.qty !== undefined && compareDecimals(absText(variance), t.qty) > 0) return false;
  if (t.percent !== undefined) {
    if (book === null || compareDecimals(book, '0') === 0) return false;
    // |variance| × 100 ≤ percent × |book|, in exact integers.
    const v = toScaled(variance);
    const b = toScaled(book);
    const p = toScaled(t.percent);
    const scale = Math.max(v.scale, b.scale + p.scale);
    const lhs = abs(v.units) * 100n * 10n ** BigInt(scale - v.scale);
    const rhs = p.units * abs(b.units) * 10n ** BigInt(scale - b.scale - p.scale);
    if (lhs > rhs) return false;
  }
  if (t.value !== undefined) {
    if (valueImpact === null) return false;
    if (compareDecimals(absText(valueImpact), t.value) > 0) return false;
  }
  return true;
}

function absText(d: string): string {
  return d.startsWith('-') ? d.slice(1) : d;
}

export type VarianceClass = 'match' | 'within_tolerance' | 'over' | 'short';

/**
 * A difference as the reports name it: `match` when it is zero (whatever the limits,
 * so a book of 0 counted as 0 is a match), `within_tolerance` when every limit set
 * holds, else `over` or `short` by its sign.
 */
export function classifyVariance(t: Tolerance, variance: string, book: string | null, valueImpact: string | null): VarianceClass {
  const sign = compareDecimals(variance, '0');
  if (sign === 0) return 'match';
  if (withinTolerance(t, variance, book, valueImpact)) return 'within_tolerance';
  return sign > 0 ? 'over' : 'short';
}
