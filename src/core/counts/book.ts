/**
 * The book a cycle count compares with, per sku × warehouse × location × lot: the
 * cleansed quantities (canonical SKUs, base units, exact millionths) of the WMS bins
 * where a WMS covers the warehouse, else of the ERP, the same choice of book as the
 * reconciliation (reconcile/engine.ts). In-transit stock is on no shelf and is left
 * out. Locations compare as keys: case, spaces and back slashes do not matter.
 */
import type { Db } from '../staging/database.js';
import { canonicalDecimal } from '../model/decimal.js';

export interface BookLine {
  readonly sku: string;
  readonly warehouse: string;
  readonly location: string;
  readonly locKey: string;
  readonly lot: string;
  readonly bookMicro: bigint;
}

const USABLE = "('same_unit', 'converted', 'unit_assumed')";
const LOC_KEY = (column: string): string => `upper(replace(replace(replace(trim(${column}), ' ', ''), char(9), ''), '\\', '/'))`;

/** A location as a key, the same normalisation as the SQL above. */
export function locationKey(location: string): string {
  return location.trim().replace(/[ \t]/g, '').replace(/\\/g, '/').toUpperCase();
}

/** Builds temp.count_book: every usable erp and wms line with its warehouse and location key. */
function prepare(db: Db): void {
  const warehouseOf = (t: string): string =>
    `coalesce(nullif(trim(${t}.warehouse), ''), l.warehouse, (SELECT w.warehouse FROM count_wh w WHERE w.key = upper(substr(${LOC_KEY(`${t}.location`)}, 1, instr(${LOC_KEY(`${t}.location`)} || '/', '/') - 1))), ${t}.location, '')`;
  db.exec(`
DROP TABLE IF EXISTS temp.count_loc;
CREATE TEMP TABLE count_loc AS SELECT ${LOC_KEY('location')} AS key, max(location) AS location, max(warehouse) AS warehouse FROM locations GROUP BY 1;
CREATE INDEX temp.count_loc_key ON count_loc(key);
DROP TABLE IF EXISTS temp.count_wh;
CREATE TEMP TABLE count_wh AS SELECT DISTINCT upper(trim(warehouse)) AS key, warehouse FROM locations WHERE warehouse IS NOT NULL;
DROP TABLE IF EXISTS temp.count_book;
CREATE TEMP TABLE count_book (side TEXT NOT NULL, sku TEXT NOT NULL, warehouse TEXT NOT NULL, loc_key TEXT NOT NULL, location TEXT NOT NULL, lot TEXT NOT NULL, qty INTEGER NOT NULL);
`);
  for (const [side, kind] of [
    ['E', 'erp'],
    ['W', 'wms'],
  ] as const) {
    db.exec(`
INSERT INTO count_book (side, sku, warehouse, loc_key, location, lot, qty)
SELECT '${side}', q.sku, ${warehouseOf('t')}, coalesce(${LOC_KEY('t.location')}, ''), coalesce(l.location, t.location, ''), coalesce(t.lot, ''), q.qty_micro
FROM quantities q JOIN ${kind} t ON t.id = q.row_id
LEFT JOIN count_loc l ON l.key = ${LOC_KEY('t.location')}
WHERE q.kind = '${kind}' AND q.status IN ${USABLE}
  AND coalesce(lower(replace(replace(trim(t.status), ' ', '_'), '-', '_')), 'available') NOT IN ('in_transit', 'intransit', 'transit');`);
  }
  // A warehouse spelled in another case is the location master's warehouse.
  db.exec(`
UPDATE count_book SET warehouse = (SELECT w.warehouse FROM count_wh w WHERE w.key = upper(count_book.warehouse))
WHERE EXISTS (SELECT 1 FROM count_wh w WHERE w.key = upper(count_book.warehouse) AND w.warehouse <> count_book.warehouse);`);
}

/** Book lines in SKU, warehouse, location, lot order; a warehouse-level line has the warehouse as its location. */
export function* readBook(db: Db): Generator<BookLine> {
  prepare(db);
  const rows = db
    .prepare(
      `WITH book_side AS (SELECT warehouse, CASE WHEN max(side = 'W') THEN 'W' ELSE 'E' END AS side FROM count_book GROUP BY warehouse)
       SELECT b.sku, b.warehouse, CASE WHEN b.loc_key = '' THEN upper(b.warehouse) ELSE b.loc_key END AS loc_key,
              max(CASE WHEN b.location = '' THEN b.warehouse ELSE b.location END) AS location, b.lot, sum(b.qty) AS qty
       FROM count_book b JOIN book_side s ON s.warehouse = b.warehouse AND s.side = b.side
       GROUP BY b.sku, b.warehouse, 3, b.lot
       ORDER BY b.sku, b.warehouse, 3, b.lot`,
    )
    .safeIntegers(true);
  for (const r of rows.iterate() as Iterable<{ sku: string; warehouse: string; loc_key: string; location: string; lot: string; qty: bigint }>) {
    yield { sku: r.sku, warehouse: r.warehouse, location: r.location, locKey: r.loc_key, lot: r.lot, bookMicro: r.qty };
  }
}

/** Unit cost per sku × warehouse: the ERP's where it gives one, else the item master's. */
export function unitCosts(db: Db): (sku: string, warehouse: string) => string | null {
  const erp = new Map<string, string>();
  const rows = db
    .prepare(
      `SELECT q.sku, coalesce(nullif(trim(e.warehouse), ''), '') AS warehouse, min(e.unit_cost) AS cost
       FROM quantities q JOIN erp e ON e.id = q.row_id WHERE q.kind = 'erp' AND q.sku IS NOT NULL AND e.unit_cost IS NOT NULL GROUP BY 1, 2`,
    )
    .all() as { sku: string; warehouse: string; cost: string }[];
  for (const r of rows) erp.set(`${r.sku}\u0000${r.warehouse.toUpperCase()}`, canonicalDecimal(r.cost));
  const master = new Map<string, string>();
  for (const r of db.prepare('SELECT sku, unit_cost FROM items_clean WHERE unit_cost IS NOT NULL').all() as { sku: string; unit_cost: string }[]) master.set(r.sku, canonicalDecimal(r.unit_cost));
  return (sku, warehouse) => erp.get(`${sku}\u0000${warehouse.toUpperCase()}`) ?? master.get(sku) ?? null;
}
