/**
 * External ids of the records the load files create. Odoo prefixes an id without a
 * dot with `__import__.` and reads an id with a dot as `module.name` (refusing an
 * installed module's prefix), so every id here is dot-free and built from the
 * record's natural key only: the same key gives the same id on every run, and
 * importing the files again updates the records instead of duplicating them.
 *
 * The key is escaped injectively: letters, digits and `-` stay, `_` becomes `__`,
 * any other character becomes `_` and two hex digits per UTF-8 byte ("A/B" →
 * "A_2fB"). Distinct keys (PLB-1088 and PLB1088, "a b" and "a_b") never share an id.
 */

const KEEP = /[A-Za-z0-9-]/;
const encoder = new TextEncoder();

const PLAIN = /^[A-Za-z0-9-]*$/;

export function escapeKey(key: string): string {
  if (PLAIN.test(key)) return key;
  let out = '';
  for (const ch of key) {
    if (KEEP.test(ch)) out += ch;
    else if (ch === '_') out += '__';
    else for (const byte of encoder.encode(ch)) out += `_${byte.toString(16).padStart(2, '0')}`;
  }
  return out;
}

/** Joins escaped parts: `_-` cannot occur inside an escaped key (`_` is always followed by `_` or a hex digit). */
const SEP = '_-';

export const externalId = {
  product: (sku: string): string => `invsync_product_${escapeKey(sku)}`,
  category: (path: string): string => `invsync_category_${escapeKey(path)}`,
  uomCategory: (key: string): string => `invsync_uom_category_${escapeKey(key)}`,
  uom: (key: string): string => `invsync_uom_${escapeKey(key)}`,
  warehouse: (name: string): string => `invsync_warehouse_${escapeKey(name)}`,
  location: (path: string): string => `invsync_location_${escapeKey(path)}`,
  lot: (sku: string, lot: string): string => `invsync_lot_${escapeKey(sku)}${SEP}${escapeKey(lot)}`,
  residualMove: (): string => 'invsync_opening_cost_residual',
};
