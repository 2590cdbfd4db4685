/**
 * The `counts:` section of invsync.yaml: ABC cutoffs, counts per year, the holidays
 * of the counting calendar, and the tolerances per class (the one tolerance model of
 * reconcile/tolerance.ts, resolved by class).
 *
 *   counts:
 *     cutoffs: { A: 80, B: 15, C: 5 }        # percent of the annual usage value
 *     per_year: { A: 12, B: 4, C: 1 }
 *     holidays: [2026-12-24, 2026-12-25]
 *     tolerances:
 *       A: { percent: 0 }
 *       B: { percent: 2 }
 *       C: { percent: 5, value: 50 }
 */
import { UsageError } from '../errors.js';
import { compareDecimals, addDecimals } from '../model/decimal.js';
import { toleranceConfig, type ToleranceConfig } from '../reconcile/tolerance.js';

export const CLASSES = ['A', 'B', 'C'] as const;
export type AbcClass = (typeof CLASSES)[number];

export interface CountSettings {
  /** Share of the annual usage value per class, in percent (exact decimals, summing to 100). */
  readonly cutoffs: Readonly<Record<AbcClass, string>>;
  readonly perYear: Readonly<Record<AbcClass, number>>;
  /** ISO dates on which nobody counts (weekends never count). */
  readonly holidays: readonly string[];
  readonly tolerances: ToleranceConfig;
}

export const DEFAULT_COUNT_SETTINGS: CountSettings = {
  cutoffs: { A: '80', B: '15', C: '5' },
  perYear: { A: 12, B: 4, C: 1 },
  holidays: [],
  tolerances: toleranceConfig({ classes: { A: { percent: '0' }, B: { percent: '2' }, C: { percent: '5' } } }),
};

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

export function isIsoDate(text: string): boolean {
  if (!ISO_DATE.test(text)) return false;
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text;
}

/** Reads `counts:` (absent keys keep their defaults); a bad value is a usage error naming the key. */
export function countSettings(section: unknown): CountSettings {
  if (section === undefined || section === null) return DEFAULT_COUNT_SETTINGS;
  if (typeof section !== 'object' || Array.isArray(section)) throw new UsageError('counts must be a mapping of cutoffs, per_year, holidays, tolerances');
  const obj = section as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    if (!['cutoffs', 'per_year', 'holidays', 'tolerances'].includes(key)) throw new UsageError(`counts: unknown key "${key}" (cutoffs, per_year, holidays, tolerances)`);
  }
  const cutoffs: Record<AbcClass, string> = { ...DEFAULT_COUNT_SETTINGS.cutoffs };
  for (const [k, v] of classEntries(obj.cutoffs, 'counts.cutoffs')) {
    const text = String(v).trim().replace(/%$/, '');
    if (!/^\d+(?:\.\d+)?$/.test(text)) throw new UsageError(`counts.cutoffs.${k} must be a percentage, not "${String(v)}"`);
    cutoffs[k] = text;
  }
  const sum = CLASSES.reduce((s, c) => addDecimals(s, cutoffs[c]), '0');
  if (compareDecimals(sum, '100') !== 0) throw new UsageError(`counts.cutoffs must add up to 100 (they add up to ${sum})`);
  const perYear: Record<AbcClass, number> = { ...DEFAULT_COUNT_SETTINGS.perYear };
  for (const [k, v] of classEntries(obj.per_year, 'counts.per_year')) {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1 || n > 260) throw new UsageError(`counts.per_year.${k} must be a whole number from 1 to 260, not "${String(v)}"`);
    perYear[k] = n;
  }
  const holidays: string[] = [];
  if (obj.holidays !== undefined && obj.holidays !== null) {
    if (!Array.isArray(obj.holidays)) throw new UsageError('counts.holidays must be a list of dates (YYYY-MM-DD)');
    for (const h of obj.holidays as unknown[]) {
      // YAML reads an unquoted 2026-12-25 as a date.
      const text = h instanceof Date ? h.toISOString().slice(0, 10) : String(h).trim();
      if (!isIsoDate(text)) throw new UsageError(`counts.holidays: "${text}" is not a date (YYYY-MM-DD)`);
      holidays.push(text);
    }
  }
  const classes: Record<string, unknown> = { A: { percent: '0' }, B: { percent: '2' }, C: { percent: '5' } };
  for (const [k, v] of classEntries(obj.tolerances, 'counts.tolerances')) classes[k] = v;
  return { cutoffs, perYear, holidays: [...new Set(holidays)].sort(), tolerances: toleranceConfig({ classes }) };
}

function classEntries(value: unknown, where: string): [AbcClass, unknown][] {
  if (value === undefined || value === null) return [];
  if (typeof value !== 'object' || Array.isArray(value)) throw new UsageError(`${where} must be a mapping of A, B, C`);
  return Object.entries(value as Record<string, unknown>).map(([k, v]) => {
    const cls = k.toUpperCase();
    if (!(CLASSES as readonly string[]).includes(cls)) throw new UsageError(`${where}: unknown class "${k}" (A, B, C)`);
    return [cls as AbcClass, v];
  });
}
