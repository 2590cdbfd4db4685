/**
 * The export benchmark: `invsync export odoo --odoo-version 18` over a staged and
 * cleansed workspace of 200,000 products and 1,000,000 opening-stock lines, side by
 * side in the same run with the floor: the sqlite3 shell writing the rows of the
 * load files (products with their cost from the GL, categories, locations, lots, the
 * stock lines joined and sorted as the load files are) as CSV with `.mode csv`. The export also plans, runs the pre-flight checks, writes units,
 * categories, locations, lots, the cost tie-out and the manifest (with SHA-256s).
 *
 * Data (deterministic, generated straight into a staging database once and cached):
 * 200,000 SKUs (EA, one in four with a BX12 purchase unit, one in twenty lot-tracked,
 * 40 categories, a unit cost), 5 warehouses of 2,000 bins, every SKU in one bin of
 * every warehouse (1,000,000 ERP lines, a lot on the tracked ones), a GL value per
 * SKU (book value, one in fifty off by some cents). No counts: the book is the
 * opening stock.
 *
 * Exported for bench/run.ts (section `export`):
 *
 *     const r = await benchExport({ dataDir: DATA, bin: BIN, runs, measure });
 */
import fs from 'node:fs';
import path from 'node:path';
import { openDatabase } from '../src/core/staging/database.js';
import { best, cached, freshDb, succeeds, type Measure, type Measurement } from './measure.js';
import { binName, mix, money, pad, skuOf } from './synthetic.js';

export const EXPORT_SHAPE = { version: 1, skus: 200_000, warehouses: 5, binsPerWarehouse: 2_000 } as const;

export interface BenchExportOptions {
  readonly dataDir: string;
  readonly bin: string;
  readonly runs: number;
  readonly measure: Measure;
}

export type BenchRow = [label: string, rows: string, seconds: number, peakMb: number, ratio: string];


/** A staged, cleansed workspace database, as `load` and `cleanse` would leave it. */
export async function writeExportDatabase(file: string): Promise<void> {
  const db = openDatabase(file, { create: true });
  try {
    db.exec('BEGIN');
    db.prepare("INSERT INTO runs (id, command, arguments, tool_version, started_at, outcome) VALUES (1, 'load', '[]', 'bench', '2026-01-01', 'success')").run();
    db.prepare("INSERT INTO sources (id, kind, path, file_name, sha256, size_bytes, format, rows_read, rows_staged, rows_rejected, rows_skipped_blank, run_id) VALUES (1, 'erp', 'bench', 'bench.csv', '0', 0, 'csv', 0, 0, 0, 0, 1)").run();
    db.prepare("INSERT INTO source_sheets (id, source_id, name, headers, mapping) VALUES (1, 1, 'bench', '[]', '{}')").run();
    const item = db.prepare("INSERT INTO items_clean (sku, description, uom, uom_key, purchase_uom, pack_size, category, unit_cost, barcode, barcode_status, tracking) VALUES (?, ?, 'EA', 'units', ?, ?, ?, ?, NULL, NULL, ?)");
    const cost = (i: number): number => 5 + (mix(i, 99) % 25_000);
    for (let i = 1; i <= EXPORT_SHAPE.skus; i++) {
      const box = i % 4 === 0;
      item.run(skuOf(i), `bench part ${i}`, box ? 'BX12' : null, box ? '12' : null, `Bench/Category ${i % 40}`, money(cost(i)), i % 20 === 0 ? 'lot' : 'none');
    }
    const location = db.prepare("INSERT INTO locations (sheet_id, row_no, location, parent, warehouse, usage) VALUES (1, ?, ?, ?, ?, ?)");
    let row = 0;
    for (let w = 1; w <= EXPORT_SHAPE.warehouses; w++) {
      location.run(++row, `WH-${w}`, null, `WH-${w}`, 'view');
      for (let bin = 0; bin < EXPORT_SHAPE.binsPerWarehouse; bin++) location.run(++row, binName(w, bin), `WH-${w}`, `WH-${w}`, 'internal');
    }
    const erp = db.prepare("INSERT INTO erp (id, sheet_id, row_no, sku, warehouse, location, lot, qty, uom, unit_cost) VALUES (?, 1, ?, ?, ?, ?, ?, ?, 'EA', ?)");
    const quantity = db.prepare("INSERT INTO quantities (kind, row_id, spelling, sku, qty, uom, qty_base, qty_micro, base_uom, status) VALUES ('erp', ?, ?, ?, ?, 'EA', ?, ?, 'EA', 'same_unit')");
    const gl = db.prepare("INSERT INTO gl (sheet_id, row_no, sku, account, value) VALUES (1, ?, ?, '1400', ?)");
    let id = 0;
    for (let i = 1; i <= EXPORT_SHAPE.skus; i++) {
      let total = 0;
      for (let w = 1; w <= EXPORT_SHAPE.warehouses; w++) {
        const qty = 1 + (mix(i, w + 10) % 500);
        total += qty;
        const lot = i % 20 === 0 ? `L${pad(mix(i, w + 20) % 100_000, 5)}` : null;
        id++;
        erp.run(id, id, skuOf(i), `WH-${w}`, binName(w, mix(i, w) % EXPORT_SHAPE.binsPerWarehouse), lot, String(qty), money(cost(i)));
        quantity.run(id, skuOf(i), skuOf(i), String(qty), String(qty), qty * 1_000_000);
      }
      gl.run(i, skuOf(i), money(total * cost(i) + (i % 50 === 0 ? 7 : 0)));
    }
    db.prepare("INSERT INTO runs (id, command, arguments, tool_version, started_at, outcome) VALUES (2, 'cleanse', '[]', 'bench', '2026-01-01', 'success')").run();
    db.exec('COMMIT');
  } finally {
    db.close();
  }
}

/**
 * The floor: the rows of the load files, with the same values, written by the sqlite3
 * shell. Products carry the cost the export gives them (GL value ÷ opening quantity,
 * rounded to 2 places; the master's cost without either), so the shell sums the stock
 * per SKU and the GL per SKU as the export does; then categories, locations, the lots
 * of the stock lines, and the stock lines joined and sorted as the load files are.
 */
const FLOOR_SQL = `
.mode csv
.headers on
.once product.category.csv
SELECT DISTINCT 'invsync_category_' || category AS id, category AS name FROM items_clean ORDER BY 1;
.once product.product.csv
WITH qty AS (SELECT sku, sum(qty_micro) AS micro FROM quantities WHERE kind = 'erp' GROUP BY sku),
     glv AS (SELECT sku, sum(value) AS value FROM gl GROUP BY sku)
SELECT 'invsync_product_' || i.sku AS id, i.sku AS default_code, i.description AS name, i.barcode, 'consu' AS type, '1' AS is_storable, 'uom.product_uom_unit' AS "uom_id/id",
       CASE WHEN i.purchase_uom IS NULL THEN 'uom.product_uom_unit' ELSE 'uom.product_uom_dozen' END AS "uom_po_id/id", i.tracking,
       CASE WHEN q.micro > 0 AND g.value IS NOT NULL THEN round(g.value * 1000000 / q.micro, 2) ELSE i.unit_cost END AS standard_price, 'invsync_category_' || i.category AS "categ_id/id"
FROM items_clean i LEFT JOIN qty q ON q.sku = i.sku LEFT JOIN glv g ON g.sku = i.sku ORDER BY i.sku;
.once stock.location.csv
SELECT 'invsync_location_' || location AS id, location AS name, parent AS "location_id", usage FROM locations ORDER BY location;
.once stock.lot.csv
SELECT DISTINCT 'invsync_lot_' || q.sku || '_-' || e.lot AS id, e.lot AS name, 'invsync_product_' || q.sku AS "product_id/id"
FROM quantities q JOIN erp e ON e.id = q.row_id WHERE q.kind = 'erp' AND e.lot IS NOT NULL ORDER BY 1;
.once stock.quant.csv
SELECT replace(e.location, 'WH-', 'WH') AS location_id, 'invsync_product_' || q.sku AS "product_id/id", CASE WHEN e.lot IS NULL THEN '' ELSE 'invsync_lot_' || q.sku || '_-' || e.lot END AS "lot_id/id", q.qty AS inventory_quantity
FROM quantities q JOIN erp e ON e.id = q.row_id WHERE q.kind = 'erp' ORDER BY 1, 2, 3;
`;

/**
 * The floor the ratio was taken against until this version: products with the master's
 * cost and the stock lines only (no cost from the GL, no categories, locations or lots).
 * Still measured, so that figures stay comparable with earlier runs.
 */
const NARROW_FLOOR_SQL = `
.mode csv
.headers on
.once products.csv
SELECT 'invsync_product_' || sku AS id, sku AS default_code, description AS name, barcode, 'consu' AS type, '1' AS is_storable, 'uom.product_uom_unit' AS "uom_id/id",
       CASE WHEN purchase_uom IS NULL THEN 'uom.product_uom_unit' ELSE 'uom.product_uom_dozen' END AS "uom_po_id/id", tracking, unit_cost AS standard_price, 'invsync_category_' || category AS "categ_id/id"
FROM items_clean ORDER BY sku;
.once quants.csv
SELECT replace(e.location, 'WH-', 'WH') AS location_id, 'invsync_product_' || q.sku AS "product_id/id", CASE WHEN e.lot IS NULL THEN '' ELSE 'invsync_lot_' || q.sku || '_-' || e.lot END AS "lot_id/id", q.qty AS inventory_quantity
FROM quantities q JOIN erp e ON e.id = q.row_id WHERE q.kind = 'erp' ORDER BY 1, 2, 3;
`;

export async function benchExport(options: BenchExportOptions): Promise<{ rows: BenchRow[]; notes: string[] }> {
  const { dataDir, bin, runs, measure } = options;
  const source = await cached(path.join(dataDir, `export-v${EXPORT_SHAPE.version}.db`), writeExportDatabase);
  const work = path.join(dataDir, 'export-work');
  fs.mkdirSync(work, { recursive: true });
  const copy = (): string => {
    const db = freshDb(path.join(work, 'export.db'));
    fs.copyFileSync(source, db);
    return db;
  };
  const lines = `${(EXPORT_SHAPE.skus).toLocaleString('en-US')} + ${(EXPORT_SHAPE.skus * EXPORT_SHAPE.warehouses).toLocaleString('en-US')}`;
  const rows: BenchRow[] = [];
  const notes: string[] = [];
  let floor: Measurement | undefined;
  let narrow: Measurement | undefined;
  if (succeeds('sqlite3', ['-version'])) {
    floor = best(runs, () => measure('sqlite3', [copy()], { cwd: work, input: FLOOR_SQL }));
    rows.push(['sqlite3 shell .mode csv, same rows (floor)', lines, floor.seconds, floor.peakMb, '1.00x']);
    narrow = best(runs, () => measure('sqlite3', [copy()], { cwd: work, input: NARROW_FLOOR_SQL }));
    rows.push(['  products (master cost) + stock lines only', lines, narrow.seconds, narrow.peakMb, `${(narrow.seconds / floor.seconds).toFixed(2)}x`]);
  } else {
    notes.push('sqlite3 shell not installed (apt-get install sqlite3): no floor for the export ratio');
  }
  const exported = best(runs, () => {
    const db = copy();
    return measure(process.execPath, [bin, 'export', 'odoo', '--odoo-version', '18', '--out', path.join(work, 'odoo'), '--db', db, '--quiet'], { cwd: work });
  });
  rows.push(['invsync export odoo (18.0)', lines, exported.seconds, exported.peakMb, floor ? `${(exported.seconds / floor.seconds).toFixed(2)}x` : '']);
  // The same with V8's old space capped: how much of the peak is garbage not yet collected.
  const capped = best(runs, () => {
    const db = copy();
    return measure(process.execPath, ['--max-old-space-size=256', bin, 'export', 'odoo', '--odoo-version', '18', '--out', path.join(work, 'odoo'), '--db', db, '--quiet'], { cwd: work });
  });
  rows.push(['  the same, --max-old-space-size=256', lines, capped.seconds, capped.peakMb, floor ? `${(capped.seconds / floor.seconds).toFixed(2)}x` : '']);
  if (floor && narrow) notes.push(`export against the narrower floor used until this version (products with the master's cost and stock lines only): ${(exported.seconds / narrow.seconds).toFixed(2)}x`);
  notes.push(`export: ${EXPORT_SHAPE.skus.toLocaleString('en-US')} products and ${(EXPORT_SHAPE.skus * EXPORT_SHAPE.warehouses).toLocaleString('en-US')} stock lines (every load file, pre-flight, cost tie-out, manifest with SHA-256s); target within 3x of the floor and under 400 MB`);
  return { rows, notes };
}
