/**
 * The deterministic building blocks of the benchmarks' generated data (reconcile,
 * export): a hash of two integers instead of a random generator, so that any line can
 * be made again from its indexes, and the names and amounts built from it.
 */

export const AISLES = 'ABCDEFGHIJKLMNOPQRST';

/** A 32-bit hash of two small integers (murmur3's finaliser over a mix of both). */
export function mix(a: number, b: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b + 0x632be5ab, 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

export const pad = (n: number, width: number): string => String(n).padStart(width, '0');
export const skuOf = (i: number): string => `SKU-${pad(i, 6)}`;
/** Bin `bin` (0-based) of warehouse `w`: `WH-1/A-01-01` … 100 bins an aisle, 5 levels a bay. */
export const binName = (w: number, bin: number): string => `WH-${w}/${AISLES[Math.floor(bin / 100)]}-${pad((Math.floor(bin / 5) % 20) + 1, 2)}-${pad((bin % 5) + 1, 2)}`;
/** Cents as a decimal amount: 1234 → "12.34", -5 → "-0.05". */
export const money = (cents: number): string => `${cents < 0 ? '-' : ''}${Math.floor(Math.abs(cents) / 100)}.${pad(Math.abs(cents) % 100, 2)}`;
