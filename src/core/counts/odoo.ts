/**
 * The accepted count results as Odoo's physical inventory import (`stock.quant` in
 * inventory mode), one row per counted quant: location, product, lot and the
 * counted quantity in the product's unit.
 *
 * Columns are the technical field names, which the import maps in 17.0, 18.0 and 19.0
 * alike (19.0 renamed the label of inventory_quantity to "Counted", so a label header
 * would not map there). Only fields of `_get_inventory_fields_create()` appear: any
 * other column (the template's Quantity or Difference) makes Odoo refuse the row
 * ("Quant's creation is restricted"). `inventory_quantity` records the count; the
 * stock changes when someone clicks Apply in Physical Inventory, which books the
 * difference against the inventory-adjustment location. `accounting_date` (from
 * stock_account) dates the valuation entries on the day of the count.
 *
 * References: what the opening-stock export (`export odoo`) creates, the way its own
 * stock.quant files write them, since this file is imported after those: location_id
 * by the complete name of the export's location (`NORTH/Stock/D-04-03`, or the
 * warehouse's `NORTH/Stock` for stock kept per warehouse), product_id/id and lot_id/id
 * by the export's external ids (export/refs.ts works them out with the export's plan).
 * Sources: addons/stock/models/stock_quant.py, addons/stock_account/models/
 * stock_quant.py (17.0, 18.0, 19.0); ../shared/reference/odoo-formats.md section 6.
 */
import { quantColumns } from '../export/headers.js';
import { canonicalDecimal, toScaled, fromScaled } from '../model/decimal.js';

export type OdooVersion = 17 | 18 | 19;

/** The export's stock.quant columns in count mode (Apply stays a person's click), with the count day as accounting_date. */
export const ODOO_QUANT_COLUMNS = quantColumns('count', true);

export interface QuantCountRow {
  /** Complete name of the export's location. */
  readonly locationRef: string;
  readonly sku: string;
  /** External ids of the export's product and lot ('' for no lot). */
  readonly productRef: string;
  readonly lotRef: string;
  /** Counted quantity in the product's unit (its base unit), exact. */
  readonly counted: string;
  readonly countedOn: string;
}

/**
 * The header and rows of the import file for a version. The fields are the same in
 * the three versions; the precision is not: 17.0 and 18.0 round a quantity to its
 * unit's rounding, 19.0 to the one 'Product Unit' precision. `decimals` gives the
 * version's decimals for a SKU; a count with more is rounded half-up (as Odoo would
 * on saving) and counted in `rounded`.
 */
export function odooQuantImport(rows: readonly QuantCountRow[], decimals: (sku: string) => number): { columns: readonly string[]; rows: string[][]; rounded: number } {
  let rounded = 0;
  const out = rows.map((r) => {
    const places = decimals(r.sku);
    const qty = roundHalfUp(r.counted, places);
    if (qty !== canonicalDecimal(r.counted)) rounded++;
    return [r.locationRef, r.productRef, r.lotRef, qty, r.countedOn];
  });
  return { columns: ODOO_QUANT_COLUMNS, rows: out, rounded };
}

/** An exact decimal rounded half away from zero to `places` decimals, in canonical form. */
export function roundHalfUp(value: string, places: number): string {
  const s = toScaled(value);
  if (s.scale <= places) return canonicalDecimal(value);
  const div = 10n ** BigInt(s.scale - places);
  const negative = s.units < 0n;
  const magnitude = negative ? -s.units : s.units;
  const q = (magnitude + div / 2n) / div;
  return canonicalDecimal(fromScaled({ units: negative ? -q : q, scale: places }));
}

export function odooImportFileName(version: OdooVersion): string {
  return `stock.quant-count-odoo${version}.csv`;
}
