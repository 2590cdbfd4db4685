/**
 * The item master as cleansing sees it: every staged `items` row, in load order, with
 * the SKU keyed the way the master itself writes its codes. A master that writes
 * "00123" but holds one code Excel turned into the number 123 gets that code padded
 * back to the master's width (and the cross-reference says so).
 */
import type { Db } from '../staging/database.js';
import type { MasterItem } from './matching.js';

export interface MasterRow extends MasterItem {
  readonly rowId: number;
  /** The SKU as staged, when the master's own convention changed it (123 → 00123). */
  readonly stagedSku?: string;
  readonly purchaseUom: string | null;
  readonly packSize: string | null;
  readonly tracking: string | null;
  readonly weight: string | null;
}

interface ItemRow {
  id: number;
  sku: string;
  description: string | null;
  uom: string | null;
  purchase_uom: string | null;
  pack_size: string | null;
  category: string | null;
  unit_cost: string | null;
  barcode: string | null;
  tracking: string | null;
  weight: string | null;
  flags: string | null;
}

export function readMaster(db: Db): MasterRow[] {
  const rows = db
    .prepare(
      `SELECT t.id, t.sku, t.description, t.uom, t.purchase_uom, t.pack_size, t.category, t.unit_cost, t.barcode, t.tracking, t.weight, t.flags
       FROM items t JOIN source_sheets sh ON sh.id = t.sheet_id
       ORDER BY sh.source_id, t.id`,
    )
    .all() as ItemRow[];
  const width = dominantNumericWidth(rows);
  return rows.map((r) => {
    let sku = r.sku;
    let stagedSku: string | undefined;
    // Only a code Excel stored as a number lost its zeros; a text "123" is what the master says.
    if (width !== undefined && /^\d+$/.test(sku) && sku.length < width && (r.flags ?? '').split(',').includes('code_stored_as_number')) {
      stagedSku = sku;
      sku = sku.padStart(width, '0');
    }
    return {
      rowId: r.id,
      sku,
      ...(stagedSku !== undefined ? { stagedSku } : {}),
      description: r.description ?? '',
      barcode: r.barcode,
      uom: r.uom,
      category: r.category,
      unitCost: r.unit_cost,
      purchaseUom: r.purchase_uom,
      packSize: r.pack_size,
      tracking: r.tracking,
      weight: r.weight,
    };
  });
}

/** The width most all-digit SKUs written as text have, when most of them agree. */
function dominantNumericWidth(rows: readonly ItemRow[]): number | undefined {
  const widths = new Map<number, number>();
  let digitsAsText = 0;
  for (const r of rows) {
    if (!/^\d+$/.test(r.sku) || (r.flags ?? '').split(',').includes('code_stored_as_number')) continue;
    digitsAsText++;
    widths.set(r.sku.length, (widths.get(r.sku.length) ?? 0) + 1);
  }
  let best: [number, number] | undefined;
  for (const entry of widths) if (!best || entry[1] > best[1] || (entry[1] === best[1] && entry[0] > best[0])) best = entry;
  if (!best || best[1] < 3 || best[1] < digitsAsText * 0.8) return undefined;
  // A width is a convention only when codes are zero-padded to it.
  const padded = rows.some((r) => r.sku.length === best![0] && /^0\d+$/.test(r.sku));
  return padded ? best[0] : undefined;
}
