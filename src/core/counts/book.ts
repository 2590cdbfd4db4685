/**
 * The book a cycle count compares with, per sku × warehouse × location × lot: the
 * cleansed quantities (canonical SKUs, base units, exact millionths) of the WMS bins
 * where a WMS covers the warehouse, else of the ERP, the same choice of book as the
 * reconciliation (reconcile/engine.ts). In-transit stock is on no shelf and is left
 * out. Locations compare as keys: case, spaces and back slashes do not matter.
 */
import { LOC_KEY, USABLE_SQL, lineWarehouse } from '../cleanse/sql.js';
import type { Db } from '../staging/database.js';

export interface BookLine {
  readonly sku: string;
  readonly warehouse: string;
  readonly location: string;
  readonly locKey: string;
  readonly lot: string;
  readonly bookMicro: bigint;
}


/**
 * Builds temp.count_place_book: the book per sku × warehouse × location × lot (a
 * warehouse-level line has the warehouse as its location), from the side that is the
 * book in each warehouse, stored in that order (rowid order is key order, so later
 * reads need no sort); and temp.count_cost: the ERP's unit cost per sku × warehouse.
 * One statement over both sides: no intermediate table of every line.
 */
export function prepareBook(db: Db): void {
  // A line's warehouse: its own, else the location master's, else the first part of its path, else the location; spelled as the master spells it.
  const rawWarehouse = (t: string): string => lineWarehouse(t, 'l.warehouse', 'count_wh');
  const warehouseOf = (t: string): string => `coalesce((SELECT w.warehouse FROM count_wh w WHERE w.key = upper(${rawWarehouse(t)})), ${rawWarehouse(t)})`;
  const side = (kind: 'erp' | 'wms'): string => `
    SELECT q.sku, ${warehouseOf('t')} AS warehouse, coalesce(${LOC_KEY('t.location')}, '') AS loc_key, coalesce(l.location, t.location, '') AS location, coalesce(t.lot, '') AS lot, q.qty_micro AS qty
    FROM quantities q JOIN ${kind} t ON t.id = q.row_id
    LEFT JOIN count_loc l ON l.key = ${LOC_KEY('t.location')}
    WHERE q.kind = '${kind}' AND q.status IN ${USABLE_SQL}
      AND coalesce(lower(replace(replace(trim(t.status), ' ', '_'), '-', '_')), 'available') NOT IN ('in_transit', 'intransit', 'transit')`;
  db.exec(`
DROP TABLE IF EXISTS temp.count_loc;
CREATE TEMP TABLE count_loc AS SELECT ${LOC_KEY('location')} AS key, max(location) AS location, max(warehouse) AS warehouse FROM locations GROUP BY 1;
CREATE INDEX temp.count_loc_key ON count_loc(key);
DROP TABLE IF EXISTS temp.count_wh;
CREATE TEMP TABLE count_wh AS SELECT upper(trim(warehouse)) AS key, max(warehouse) AS warehouse FROM locations WHERE warehouse IS NOT NULL GROUP BY 1;
CREATE INDEX temp.count_wh_key ON count_wh(key);
DROP TABLE IF EXISTS temp.count_wms_wh;
CREATE TEMP TABLE count_wms_wh AS SELECT DISTINCT warehouse FROM (${side('wms')});
DROP TABLE IF EXISTS temp.count_place_book;
CREATE TEMP TABLE count_place_book AS
  SELECT b.sku, b.warehouse, CASE WHEN b.loc_key = '' THEN upper(b.warehouse) ELSE b.loc_key END AS loc_key,
         max(CASE WHEN b.location = '' THEN b.warehouse ELSE b.location END) AS location, b.lot, sum(b.qty) AS qty
  FROM (SELECT * FROM (${side('erp')}) WHERE warehouse NOT IN (SELECT warehouse FROM count_wms_wh) UNION ALL ${side('wms')}) b
  GROUP BY b.sku, b.warehouse, 3, b.lot
  ORDER BY b.sku, b.warehouse, 3, b.lot;
DROP TABLE IF EXISTS temp.count_cost;
CREATE TEMP TABLE count_cost AS
  SELECT q.sku, upper(coalesce(nullif(trim(e.warehouse), ''), '')) AS wh, min(e.unit_cost) AS cost
  FROM quantities q JOIN erp e ON e.id = q.row_id WHERE q.kind = 'erp' AND q.sku IS NOT NULL AND e.unit_cost IS NOT NULL GROUP BY 1, 2;
CREATE INDEX temp.count_cost_key ON count_cost(sku, wh);
`);
}

/** SQL for a place's unit cost (`b` a row of count_place_book): the ERP's in its warehouse, else the item master's. */
export const PLACE_COST = `coalesce((SELECT k.cost FROM count_cost k WHERE k.sku = b.sku AND k.wh = upper(b.warehouse)), (SELECT i.unit_cost FROM items_clean i WHERE i.sku = b.sku))`;
