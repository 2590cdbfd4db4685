/**
 * The reconciliation benchmark: `invsync reconcile` over 1,000,000 lines per side
 * (counts, book, GL), side by side in the same run with
 *
 *   - the floor: the fastest single SQL statement over the same staged and cleansed
 *     tables that compares the three sides, run by the sqlite3 shell and written out
 *     as CSV: a UNION ALL of the sides grouped by key (several times faster than a
 *     FULL OUTER JOIN over indexes), a row per key with the variance and a status;
 *   - pandas, where python3 has it (Debian: python3-pandas): the same outer merges
 *     over the three CSV files, written out as CSV.
 *
 * Data (deterministic, cached in the data folder, written as streams): 200,000 SKUs
 * (uom EA, a unit cost) in 5 warehouses of 2,000 bins each (`WH-1/A-01-01`); every
 * SKU has one bin in every warehouse, so the book has 1,000,000 distinct sku ×
 * location lines (one in ten with a lot). The counts walk the same keys bin by bin
 * with about 2% variances: 0.4% of the book's lines not counted, 0.6% over, 0.6%
 * short, and 0.4% counted in a bin where the book has none (1,000,000 count lines in
 * expectation). The GL has one value per sku × warehouse (about 1,000,000 rows): book
 * value, 1.8% of them off by some cents and 0.2% missing.
 *
 * Each measurement runs in its own process (the caller's `measure`, under
 * /usr/bin/time). Staging and cleansing are set-up: measured once, reported as a note.
 *
 * Exported for bench/run.ts:
 *
 *     const r = await benchReconcile({ dataDir: DATA, bin: BIN, runs, measure });
 *     for (const [label, n, s, mb, ratio] of r.rows) row(label, n, fmt(s), rate(...), fmt(mb, 0), ratio);
 *     lines.push(...r.notes);
 */
import fs from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import { best, cached, freshDb, succeeds, type Measure, type Measurement } from './measure.js';
import { binName, mix, money, pad, skuOf } from './synthetic.js';
import { DEFAULT_MAX_DETAIL_ROWS } from '../src/core/reports/reconcile-workbook.js';

export type ReconcileMeasurement = Measurement;
export type { Measure };

export interface BenchReconcileOptions {
  /** Folder for the generated inputs (cached), the database and the reports. */
  dataDir: string;
  /** The invsync script (bin/invsync), run with this process's node. */
  bin: string;
  /** Runs per measurement; the fastest is reported, with the highest peak memory. */
  runs: number;
  measure: Measure;
}

export type BenchRow = [label: string, rows: string, seconds: number, peakMb: number, ratio: string];

export interface BenchReconcileResult {
  rows: BenchRow[];
  notes: string[];
}

/** The generated data's shape. Changing the generator changes VERSION (the cached files' names). */
export const RECONCILE_SHAPE = { version: 1, skus: 200_000, warehouses: 5, binsPerWarehouse: 2_000 } as const;
const USABLE = "('same_unit', 'converted', 'unit_assumed')";

// ---------------------------------------------------------------------------------
// Deterministic data.

const warehouseOf = (w: number): string => `WH-${w}`;
/** Unit cost in cents: 0.05 … 250.04. */
const costCents = (i: number): number => 5 + (mix(i, 99) % 25_000);

/** A book line of SKU i in warehouse w (1-based both). */
function bookLine(i: number, w: number): { bin: number; qty: number; lot: string } {
  return {
    bin: mix(i, w) % RECONCILE_SHAPE.binsPerWarehouse,
    qty: 1 + (mix(i, w + 10) % 500),
    lot: i % 10 === 0 ? `L${pad(mix(i, w + 20) % 100_000, 5)}` : '',
  };
}

/** What the count makes of the book line: 0.4% not counted, 0.6% over, 0.6% short, 0.4% also counted in another bin. */
function countOf(i: number, w: number, qty: number, bin: number): { qty: number | null; extraBin: number | null } {
  const r = mix(i, w + 30) % 1000;
  if (r < 4) return { qty: null, extraBin: null };
  if (r < 10) return { qty: qty + 1 + (r % 5), extraBin: null };
  if (r < 16) return { qty: Math.max(0, qty - 1 - (r % 3)), extraBin: null };
  if (r < 20) return { qty, extraBin: (bin + 1 + r) % RECONCILE_SHAPE.binsPerWarehouse };
  return { qty, extraBin: null };
}

/** A buffered stream writer that waits for 'drain' when the stream asks to. */
async function writeLines(file: string, header: string, body: (put: (line: string) => Promise<void> | void) => Promise<void>): Promise<void> {
  const out = fs.createWriteStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 });
  const failed = new Promise<never>((_, reject) => out.once('error', reject));
  failed.catch(() => undefined);
  let buffer = `${header}\n`;
  const flush = async (): Promise<void> => {
    const chunk = buffer;
    buffer = '';
    if (!out.write(chunk)) await Promise.race([once(out, 'drain'), failed]);
  };
  await body((line) => {
    buffer += `${line}\n`;
    if (buffer.length >= 1 << 16) return flush();
  });
  await flush();
  out.end();
  await Promise.race([once(out, 'close'), failed]);
}

export async function writeReconcileItems(file: string): Promise<void> {
  await writeLines(file, 'sku,description,uom,category,unit_cost', async (put) => {
    for (let i = 1; i <= RECONCILE_SHAPE.skus; i++) {
      const p = put(`${skuOf(i)},bench part ${i},EA,cat-${i % 40},${money(costCents(i))}`);
      if (p) await p;
    }
  });
}

export async function writeReconcileLocations(file: string): Promise<void> {
  await writeLines(file, 'location,warehouse,usage', async (put) => {
    for (let w = 1; w <= RECONCILE_SHAPE.warehouses; w++) {
      for (let bin = 0; bin < RECONCILE_SHAPE.binsPerWarehouse; bin++) {
        const p = put(`${binName(w, bin)},${warehouseOf(w)},internal`);
        if (p) await p;
      }
    }
  });
}

/** The book: per warehouse, per SKU (an ERP extract's order). */
export async function writeReconcileErp(file: string): Promise<void> {
  await writeLines(file, 'sku,warehouse,location,lot,qty,uom,unit_cost', async (put) => {
    for (let w = 1; w <= RECONCILE_SHAPE.warehouses; w++) {
      for (let i = 1; i <= RECONCILE_SHAPE.skus; i++) {
        const b = bookLine(i, w);
        const p = put(`${skuOf(i)},${warehouseOf(w)},${binName(w, b.bin)},${b.lot},${b.qty},EA,${money(costCents(i))}`);
        if (p) await p;
      }
    }
  });
}

/** The counts: per warehouse, bin by bin (the order a count walks). */
export async function writeReconcileCounts(file: string): Promise<void> {
  const n = RECONCILE_SHAPE.skus;
  await writeLines(file, 'sku,warehouse,location,lot,qty,uom', async (put) => {
    for (let w = 1; w <= RECONCILE_SHAPE.warehouses; w++) {
      // Every count line of the warehouse as bin × 2^18 + sku (×2 + 1 for a line in another bin), sorted.
      const keys: number[] = [];
      for (let i = 1; i <= n; i++) {
        const b = bookLine(i, w);
        const c = countOf(i, w, b.qty, b.bin);
        if (c.qty !== null) keys.push((b.bin * 262_144 + i) * 2);
        if (c.extraBin !== null) keys.push((c.extraBin * 262_144 + i) * 2 + 1);
      }
      const sorted = Float64Array.from(keys).sort();
      for (const key of sorted) {
        const extra = key % 2 === 1;
        const i = Math.floor(key / 2) % 262_144;
        const b = bookLine(i, w);
        const c = countOf(i, w, b.qty, b.bin);
        const line = extra
          ? `${skuOf(i)},${warehouseOf(w)},${binName(w, c.extraBin!)},${b.lot},${1 + (mix(i, w + 50) % 20)},EA`
          : `${skuOf(i)},${warehouseOf(w)},${binName(w, b.bin)},${b.lot},${c.qty},EA`;
        const p = put(line);
        if (p) await p;
      }
    }
  });
}

/** The GL: a value per sku × warehouse, the book's value with 1.8% off by some cents and 0.2% missing. */
export async function writeReconcileGl(file: string): Promise<void> {
  await writeLines(file, 'sku,warehouse,account,value', async (put) => {
    for (let i = 1; i <= RECONCILE_SHAPE.skus; i++) {
      for (let w = 1; w <= RECONCILE_SHAPE.warehouses; w++) {
        const r = mix(i, w + 40) % 1000;
        if (r < 2) continue;
        const value = bookLine(i, w).qty * costCents(i) + (r < 20 ? (r % 2 === 0 ? 1 : -1) * (1 + r * 7) : 0);
        const p = put(`${skuOf(i)},${warehouseOf(w)},1400,${money(value)}`);
        if (p) await p;
      }
    }
  });
}

// ---------------------------------------------------------------------------------
// Baselines.

/**
 * The floor, as one statement for the sqlite3 shell: the staged lines of each side
 * with their cleansed quantities (millionths), UNION ALL, grouped per key; the
 * quantity leg per sku × warehouse × location × lot (counts against the book), the
 * value leg per sku × warehouse (book quantity × unit cost against the GL, the GL's
 * SKUs through the cross-reference); a row per key with the variance and a status.
 */
export const FLOOR_SQL = `
WITH s AS (
  SELECT q.sku AS sku, t.warehouse AS wh, t.location AS loc, coalesce(t.lot, '') AS lot, q.qty_micro AS p, NULL AS b, NULL AS cents
  FROM quantities q JOIN counts t ON t.id = q.row_id
  WHERE q.kind = 'counts' AND q.status IN ${USABLE}
  UNION ALL
  SELECT q.sku, t.warehouse, t.location, coalesce(t.lot, ''), NULL, q.qty_micro, CAST(round(t.unit_cost * 100) AS INTEGER)
  FROM quantities q JOIN erp t ON t.id = q.row_id
  WHERE q.kind = 'erp' AND q.status IN ${USABLE}
),
qty AS (
  SELECT sku, wh, loc, lot, sum(p) AS p, sum(b) AS b, min(cents) AS cents FROM s GROUP BY sku, wh, loc, lot
),
val AS (
  SELECT sku, wh, sum(bq) AS bq, sum(bv) AS bv, sum(gv) AS gv FROM (
    SELECT sku, wh, b AS bq, b * cents AS bv, NULL AS gv FROM s WHERE b IS NOT NULL
    UNION ALL
    SELECT coalesce(x.canonical_sku, g.sku), coalesce(g.warehouse, ''), NULL, NULL, CAST(round(g.value * 100) AS INTEGER) * 1000000
    FROM gl g LEFT JOIN sku_xref x ON x.spelling = g.sku WHERE g.sku IS NOT NULL
  ) GROUP BY sku, wh
)
SELECT 'quantity' AS leg, sku, wh AS warehouse, loc AS location, lot, p / 1e6 AS physical_or_book_value, b / 1e6 AS book_or_gl_value,
       (coalesce(p, 0) - coalesce(b, 0)) / 1e6 AS variance, cents / 100.0 AS unit_cost,
       CASE WHEN p IS NULL THEN 'missing_in_count' WHEN b IS NULL THEN 'missing_in_book' WHEN p = b THEN 'match' WHEN p > b THEN 'over' ELSE 'short' END AS status
FROM qty
UNION ALL
SELECT 'value', sku, wh, '', '', bv / 1e8, gv / 1e8, (coalesce(gv, 0) - coalesce(bv, 0)) / 1e8, NULL,
       CASE WHEN gv IS NULL THEN 'missing_in_gl' WHEN bq IS NULL THEN 'missing_in_book' WHEN gv = bv THEN 'match' WHEN gv > bv THEN 'over' ELSE 'short' END
FROM val`;

/** The pandas baseline: argv counts.csv erp.csv gl.csv variance.csv valuation.csv. */
export const PANDAS_SCRIPT = `
import sys
import numpy as np
import pandas as pd

counts_csv, erp_csv, gl_csv, variance_csv, valuation_csv = sys.argv[1:6]
text = {'sku': str, 'warehouse': str, 'location': str, 'lot': str, 'uom': str, 'account': str}
keys = ['sku', 'warehouse', 'location', 'lot']

counts = pd.read_csv(counts_csv, dtype=text, keep_default_na=False)
erp = pd.read_csv(erp_csv, dtype=text, keep_default_na=False)
gl = pd.read_csv(gl_csv, dtype=text, keep_default_na=False)

# Quantity leg: counts against the book per sku x warehouse x location x lot.
physical = counts.groupby(keys, as_index=False).agg(physical_qty=('qty', 'sum'))
book = erp.groupby(keys, as_index=False).agg(book_qty=('qty', 'sum'), unit_cost=('unit_cost', 'min'))
q = physical.merge(book, on=keys, how='outer')
q['qty_variance'] = q['physical_qty'].fillna(0) - q['book_qty'].fillna(0)
q['value_impact'] = (q['qty_variance'] * q['unit_cost']).round(2)
q['status'] = np.select(
    [q['physical_qty'].isna(), q['book_qty'].isna(), q['qty_variance'] == 0, q['qty_variance'] > 0],
    ['missing_in_count', 'missing_in_book', 'match', 'over'],
    default='short',
)
q.to_csv(variance_csv, index=False)

# Value leg: book quantity x unit cost against the GL per sku x warehouse.
erp['book_value'] = erp['qty'] * erp['unit_cost']
bv = erp.groupby(['sku', 'warehouse'], as_index=False).agg(book_qty=('qty', 'sum'), unit_cost=('unit_cost', 'min'), book_value=('book_value', 'sum'))
gv = gl.groupby(['sku', 'warehouse'], as_index=False).agg(gl_value=('value', 'sum'))
v = bv.merge(gv, on=['sku', 'warehouse'], how='outer')
v['value_variance'] = (v['gl_value'].fillna(0) - v['book_value'].fillna(0)).round(2)
v['status'] = np.select(
    [v['gl_value'].isna(), v['book_value'].isna(), v['value_variance'] == 0, v['value_variance'] > 0],
    ['missing_in_gl', 'missing_in_book', 'match', 'over'],
    default='short',
)
v.to_csv(valuation_csv, index=False)
`;

// ---------------------------------------------------------------------------------
// The benchmark.

const fmt = (n: number, digits = 2): string => n.toFixed(digits);
const count = (n: number): string => n.toLocaleString('en-US');
const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const lineCount = (file: string): number => {
  // Data rows of a CSV without quoted line breaks (the generated and written files here).
  const fd = fs.openSync(file, 'r');
  const buffer = Buffer.alloc(1 << 20);
  let n = 0;
  try {
    for (let read; (read = fs.readSync(fd, buffer, 0, buffer.length, null)) > 0; ) for (let i = 0; i < read; i++) if (buffer[i] === 10) n++;
  } finally {
    fs.closeSync(fd);
  }
  return n - 1;
};

export async function benchReconcile(options: BenchReconcileOptions): Promise<BenchReconcileResult> {
  const { dataDir, bin, runs, measure } = options;
  fs.mkdirSync(dataDir, { recursive: true });
  const v = `v${RECONCILE_SHAPE.version}`;
  const items = await cached(path.join(dataDir, `reconcile-${v}-items.csv`), writeReconcileItems);
  const locations = await cached(path.join(dataDir, `reconcile-${v}-locations.csv`), writeReconcileLocations);
  const erp = await cached(path.join(dataDir, `reconcile-${v}-erp.csv`), writeReconcileErp);
  const counts = await cached(path.join(dataDir, `reconcile-${v}-counts.csv`), writeReconcileCounts);
  const gl = await cached(path.join(dataDir, `reconcile-${v}-gl.csv`), writeReconcileGl);
  const sides = { counts: lineCount(counts), erp: lineCount(erp), gl: lineCount(gl) };
  const totalLines = sides.counts + sides.erp + sides.gl;

  // Set-up: stage and cleanse into a fresh database (measured once, not compared).
  const work = path.join(dataDir, 'reconcile-work');
  const outDir = path.join(work, 'out');
  fs.mkdirSync(outDir, { recursive: true });
  const db = freshDb(path.join(dataDir, 'reconcile.db'));
  const node = process.execPath;
  let loadSeconds = 0;
  let loadPeak = 0;
  for (const [file, kind] of [[items, 'items'], [locations, 'locations'], [erp, 'erp'], [counts, 'counts'], [gl, 'gl']] as const) {
    const m = measure(node, [bin, 'load', file, '--as', kind, '--quiet', '--db', db], { cwd: work });
    loadSeconds += m.seconds;
    loadPeak = Math.max(loadPeak, m.peakMb);
  }
  const cleanse = measure(node, [bin, 'cleanse', '--quiet', '--db', db], { cwd: work });

  // invsync reconcile: the whole command (comparison, CSV, JSON, xlsx).
  const reconcile = best(runs, () => measure(node, [bin, 'reconcile', '--quiet', '--db', db, '--out', outDir], { cwd: work }));

  // The floor: one statement in the sqlite3 shell, over the same database, written as CSV.
  const rows: BenchRow[] = [];
  const notes: string[] = [];
  const totalLabel = count(totalLines);
  let floor: ReconcileMeasurement | undefined;
  const floorCsv = path.join(work, 'floor.csv');
  if (succeeds('sqlite3', ['-version'])) {
    floor = best(runs, () => measure('sqlite3', ['-csv', '-header', db, 'PRAGMA cache_size = -16384', `.output ${floorCsv}`, FLOOR_SQL], { cwd: work }));
    rows.push(['sqlite3 shell, one UNION ALL statement (floor)', totalLabel, floor.seconds, floor.peakMb, '1.00x']);
  } else {
    notes.push('sqlite3 shell not installed (apt-get install sqlite3): no floor for the reconcile ratio');
  }
  const ratio = (m: ReconcileMeasurement): string => (floor ? `${fmt(m.seconds / floor.seconds)}x` : '-');
  rows.push(['invsync reconcile: 1M lines per side', totalLabel, reconcile.seconds, reconcile.peakMb, ratio(reconcile)]);

  // pandas, where a python3 has it: the one on PATH, or Debian's, where apt-get installs python3-pandas.
  let pandas: ReconcileMeasurement | undefined;
  const python = ['python3', '/usr/bin/python3'].find((p) => succeeds(p, ['-c', 'import pandas']));
  if (python) {
    const script = path.join(dataDir, 'reconcile-pandas.py');
    fs.writeFileSync(script, PANDAS_SCRIPT);
    pandas = best(runs, () => measure(python, [script, counts, erp, gl, path.join(work, 'pandas-variance.csv'), path.join(work, 'pandas-valuation.csv')], { cwd: work }));
    rows.push(['pandas: read, outer merges, write csv', totalLabel, pandas.seconds, pandas.peakMb, ratio(pandas)]);
  } else {
    notes.push('pandas not available to python3 (apt-get install python3-pandas): no pandas baseline');
  }

  // What reconcile wrote.
  const summary = JSON.parse(fs.readFileSync(path.join(outDir, 'summary.json'), 'utf8')) as { counts_by_status: Record<string, number>; valuation: { lines: number }; lines_compared: number };
  const quantityLines = Object.values(summary.counts_by_status).reduce((a, b) => a + b, 0);
  const xlsxBytes = fs.statSync(path.join(outDir, 'variance.xlsx')).size;
  const floorRows = floor ? lineCount(floorCsv) : 0;

  notes.push(
    `reconcile inputs: ${count(sides.counts)} count lines, ${count(sides.erp)} book lines, ${count(sides.gl)} GL rows, ${count(RECONCILE_SHAPE.skus)} items, ${count(RECONCILE_SHAPE.warehouses * RECONCILE_SHAPE.binsPerWarehouse)} bins; set-up (not timed): load ${fmt(loadSeconds)} s (peak ${fmt(loadPeak, 0)} MB), cleanse ${fmt(cleanse.seconds)} s (peak ${fmt(cleanse.peakMb, 0)} MB)`,
    `reconcile wrote ${count(quantityLines)} quantity lines (variance.csv ${mb(fs.statSync(path.join(outDir, 'variance.csv')).size)}), ${count(summary.valuation.lines)} valuation lines (valuation.csv ${mb(fs.statSync(path.join(outDir, 'valuation.csv')).size)}), variance.xlsx ${mb(xlsxBytes)} (streaming writer); ` +
      (quantityLines > DEFAULT_MAX_DETAIL_ROWS
        ? `the Quantity and Valuation sheets show ${count(DEFAULT_MAX_DETAIL_ROWS)} lines each (of ${count(quantityLines)} and ${count(summary.valuation.lines)}): every line that is not a match first, then matches in order; a note on top of each sheet says so, and every line is in the CSV files`
        : `the Quantity sheet holds all ${count(quantityLines)} lines (cap ${count(DEFAULT_MAX_DETAIL_ROWS)})`) +
      (floor ? `; the floor wrote ${count(floorRows)} rows` : ''),
    `reconcile: ${fmt(reconcile.seconds)} s, ${fmt(reconcile.peakMb, 0)} MB peak` +
      (floor ? `; ${fmt(reconcile.seconds / floor.seconds)}x the floor (target 2.5x)` : '') +
      (pandas ? `; pandas ${fmt(pandas.seconds)} s, ${fmt(pandas.peakMb, 0)} MB (target: faster than pandas)` : '') +
      ' (target peak under 500 MB)',
  );
  return { rows, notes };
}
