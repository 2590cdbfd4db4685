/**
 * Every staged quantity in its item's base unit. Each line of erp, wms, counts, gl
 * and moves gets one row in `quantities`: the canonical SKU, the quantity and unit as
 * written, the quantity in the base unit, and a status. Lines that cannot be
 * converted stay there with the reason, so they are left out of the reconciliation
 * with a reason, never dropped.
 *
 * Rounding: HALF-UP, what Odoo's stock moves use when they turn a move's quantity
 * into the product's unit (`product_qty`). Conversions here describe stock that
 * exists, so a quantity must not grow by rounding; `uom convert` keeps UP, the
 * default of `_compute_quantity`, for people checking Odoo's own results.
 */
import { convertQuantity, type Catalogue, type Dialect, type ItemConversions, type OdooVersion } from '../uom/index.js';
import { BatchInserter } from '../staging/store.js';
import { canonicalDecimal, toScaled } from '../model/decimal.js';
import type { Db } from '../staging/database.js';

export const QUANTITY_KINDS = ['erp', 'wms', 'counts', 'gl', 'moves'] as const;
export type QuantityKind = (typeof QUANTITY_KINDS)[number];

/** Statuses whose base quantity can be used. */
export const USABLE_STATUSES = ['same_unit', 'converted', 'unit_assumed'] as const;

export interface QuantityBalance {
  readonly lines: number;
  readonly usable: number;
  readonly heldBack: Readonly<Record<string, number>>;
}

export interface ItemUnits {
  readonly uom: string | null;
  readonly conversions: ItemConversions;
}

interface LineRow {
  id: number;
  sku: string | null;
  qty: string;
  uom: string | null;
  unit_in_cell: string | null;
  format: string;
}

const PLAN_LIMIT = 100_000;
const PAGE_ROWS = 20_000;

export function convertStagedQuantities(
  db: Db,
  options: {
    readonly catalogue: Catalogue;
    readonly odooVersion: OdooVersion;
    /** Spelling → canonical SKU, for spellings whose mapping can be used. */
    readonly canonical: ReadonlyMap<string, string>;
    /** Spelling → why it cannot be used (review pending, unmapped). */
    readonly heldBack: ReadonlyMap<string, string>;
    readonly items: ReadonlyMap<string, ItemUnits>;
    readonly onProgress?: (kind: string, lines: number) => void;
  },
): Record<QuantityKind, QuantityBalance> {
  db.exec('DELETE FROM quantities');
  // A million rows go in faster without the index, which is built once at the end.
  db.exec('DROP INDEX IF EXISTS quantities_by_kind_row');
  const inserter = new BatchInserter(db, 'quantities', ['kind', 'row_id', 'spelling', 'sku', 'qty', 'uom', 'qty_base', 'qty_micro', 'base_uom', 'status', 'reason']);
  // qty_micro: the base quantity in millionths, an integer SQL can sum exactly.
  const insert = {
    run: (kind: string, rowId: number, spelling: string | null, sku: string | null, qty: string, uom: string | null, qtyBase: string | null, base: string | null, status: string, reason: string | null): void =>
      inserter.add([kind, rowId, spelling, sku, qty, uom, qtyBase, qtyBase === null ? null : toMicro(qtyBase), base, status, reason]),
  };
  // Per item and unit: what the first conversion showed (same unit? the target's decimals).
  const plans = new Map<string, { same: boolean; decimals: number }>();
  const result = {} as Record<QuantityKind, QuantityBalance>;
  for (const kind of QUANTITY_KINDS) {
    // Pages by id: better-sqlite3 allows no writes while a statement is being iterated.
    const page = db.prepare(
      `SELECT t.id, t.sku, t.qty, t.uom, t.qty_unit_in_cell AS unit_in_cell, s.format
       FROM ${kind} t JOIN source_sheets sh ON sh.id = t.sheet_id JOIN sources s ON s.id = sh.source_id
       WHERE t.qty IS NOT NULL AND t.id > ? ORDER BY t.id LIMIT ${PAGE_ROWS}`,
    );
    function* lines(): Generator<LineRow> {
      let after = 0;
      while (true) {
        const rows = page.all(after) as LineRow[];
        yield* rows;
        if (rows.length < PAGE_ROWS) return;
        after = rows[rows.length - 1]!.id;
      }
    }
    let count = 0;
    let usable = 0;
    const heldBack: Record<string, number> = {};
    const hold = (line: LineRow, sku: string | null, unit: string | null, status: string, reason: string): void => {
      insert.run(kind, line.id, line.sku, sku, line.qty, unit, null, null, status, reason);
      heldBack[status] = (heldBack[status] ?? 0) + 1;
    };
    for (const line of lines()) {
      if (++count % 50_000 === 0) options.onProgress?.(kind, count);
      const unit = line.uom ?? line.unit_in_cell;
      const spelling = line.sku;
      if (spelling === null) {
        hold(line, null, unit, 'unmapped_sku', 'no SKU');
        continue;
      }
      const sku = options.canonical.get(spelling);
      if (sku === undefined) {
        const why = options.heldBack.get(spelling) ?? 'unmapped_sku';
        hold(line, null, unit, why, `SKU "${spelling}" ${why === 'review_sku' ? 'is waiting for a review decision' : 'is in no item master'}`);
        continue;
      }
      const item = options.items.get(sku);
      const base = item?.uom ?? null;
      if (unit === null) {
        insert.run(kind, line.id, spelling, sku, line.qty, null, line.qty, base, 'unit_assumed', base ? `no unit written: taken as the base unit ${base}` : 'no unit written and no base unit');
        usable++;
        continue;
      }
      if (base === null) {
        hold(line, sku, unit, 'no_base_unit', `the item master gives ${sku} no unit`);
        continue;
      }
      const dialect: Dialect | undefined = line.format === 'x12' ? 'x12' : undefined;
      const planKey = `${sku}\u0000${unit}\u0000${dialect ?? ''}`;
      const plan = plans.get(planKey);
      // Same unit and no more decimals than the unit rounds to: Odoo's rounding leaves it as it is.
      if (plan?.same && decimalPlaces(line.qty) <= plan.decimals) {
        insert.run(kind, line.id, spelling, sku, line.qty, unit, canonicalDecimal(line.qty), base, 'same_unit', null);
        usable++;
        continue;
      }
      const converted = convertQuantity({
        qty: line.qty,
        from: unit,
        to: base,
        sku,
        itemConversions: item!.conversions,
        rounding: 'HALF-UP',
        odooVersion: options.odooVersion,
        catalogue: options.catalogue,
        ...(dialect ? { dialect } : {}),
      });
      if (!plan && converted.ok) {
        if (plans.size >= PLAN_LIMIT) plans.clear();
        plans.set(planKey, { same: converted.from.key === converted.to.key, decimals: converted.rounding.decimals });
      }
      if (!converted.ok) {
        hold(line, sku, unit, converted.reason.replace(/-/g, '_'), converted.message);
        continue;
      }
      const same = converted.from.key === converted.to.key;
      // Exact decimal, canonical form ("24", not "24.00"): the unit's rounding says its precision.
      insert.run(kind, line.id, spelling, sku, line.qty, unit, canonicalDecimal(converted.qty), base, same ? 'same_unit' : 'converted', same ? null : `${line.qty} ${unit} = ${converted.qty} ${base}`);
      usable++;
    }
    result[kind] = { lines: count, usable, heldBack };
  }
  inserter.flush();
  db.exec('CREATE INDEX quantities_by_kind_row ON quantities(kind, row_id)');
  return result;
}

function decimalPlaces(qty: string): number {
  const dot = qty.indexOf('.');
  return dot < 0 ? 0 : qty.length - dot - 1;
}

/** An exact decimal in millionths (units' roundings are at most 6 decimals; more is cut, not rounded as a float). */
export function toMicro(decimal: string): bigint {
  const scaled = toScaled(decimal);
  return scaled.scale <= 6 ? scaled.units * 10n ** BigInt(6 - scaled.scale) : scaled.units / 10n ** BigInt(scaled.scale - 6);
}
