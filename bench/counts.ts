/**
 * The cycle count benchmark:
 *   - `invsync count plan` over a year for 100,000 SKUs × 3 locations (300,000
 *     SKU-locations; Pareto usage so about 20% of SKUs are A, counted 12 times);
 *   - `invsync count ingest` of 50,000 counted lines (a counts CSV of the first 50,000
 *     tasks by due date, about 3% of them off by one, so recounts are created).
 * Each measured command runs in its own process under /usr/bin/time (wall time, peak
 * RSS). Staging, cleansing and the counted-lines file are set-up, made once.
 *
 * Data (deterministic, cached in the data folder): SKU-000001 … SKU-100000 (EA, a unit
 * cost), three warehouses WH-1..WH-3 with one bin per SKU each (`WH-2/B-07-03`), one
 * in ten lines with a lot, one in a thousand with a book of 0; 300,000 issue moves
 * in the year before 2026-06-30 whose sizes fall off as a power law of the SKU rank.
 */
import fs from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import Database from 'better-sqlite3';
import { best, cached, freshDb, type Measure, type Measurement } from './measure.js';

export interface BenchCountsOptions {
  readonly dataDir: string;
  readonly bin: string;
  readonly runs: number;
  readonly measure: Measure;
}

export interface BenchCountsResult {
  /** label, count, seconds, peak MB */
  readonly rows: readonly [string, string, number, number][];
  readonly notes: readonly string[];
}

const SKUS = 100_000;
const WAREHOUSES = 3;
const INGEST_LINES = 50_000;
const AS_OF = '2026-06-30';

async function writeLines(file: string, header: string, lines: (emit: (line: string) => Promise<void>) => Promise<void>): Promise<void> {
  const out = fs.createWriteStream(file);
  let buffer = `${header}\n`;
  const emit = async (line: string): Promise<void> => {
    buffer += `${line}\n`;
    if (buffer.length > 1 << 16) {
      if (!out.write(buffer)) await once(out, 'drain');
      buffer = '';
    }
  };
  await lines(emit);
  out.end(buffer);
  await once(out, 'finish');
}

const sku = (i: number): string => `SKU-${String(i).padStart(6, '0')}`;
const bin = (i: number, w: number): string => `WH-${w}/${String.fromCharCode(65 + ((i + w) % 8))}-${String(((i * 7 + w) % 40) + 1).padStart(2, '0')}-${String(((i * 13 + w) % 6) + 1).padStart(2, '0')}-${i}`;
const cost = (i: number): string => `${1 + ((i * 37) % 400)}.${String((i * 11) % 100).padStart(2, '0')}`;

async function writeInputs(dir: string): Promise<{ items: string; erp: string; moves: string }> {
  const items = await cached(path.join(dir, 'counts-items-100k.csv'), (f) =>
    writeLines(f, 'sku,description,uom,unit_cost', async (emit) => {
      for (let i = 1; i <= SKUS; i++) await emit(`${sku(i)},Item ${i},EA,${cost(i)}`);
    }),
  );
  const erp = await cached(path.join(dir, 'counts-erp-300k.csv'), (f) =>
    writeLines(f, 'sku,warehouse,location,lot,qty,unit_cost', async (emit) => {
      for (let i = 1; i <= SKUS; i++) {
        for (let w = 1; w <= WAREHOUSES; w++) {
          const qty = (i * w) % 1000 === 0 ? 0 : 1 + ((i * 31 + w * 17) % 500);
          await emit(`${sku(i)},WH-${w},${bin(i, w)},${i % 10 === 0 ? `L${i}-${w}` : ''},${qty},${cost(i)}`);
        }
      }
    }),
  );
  const moves = await cached(path.join(dir, 'counts-moves-300k.csv'), (f) =>
    writeLines(f, 'sku,date,qty,type,location', async (emit) => {
      for (let m = 0; m < 300_000; m++) {
        // SKU rank r gets issues of size ~ 1/r^0.8: a long tail.
        const i = 1 + ((m * 7919) % SKUS);
        const qty = Math.max(1, Math.round(20000 / Math.pow(i, 0.8)));
        const day = 1 + (m % 28);
        const month = 1 + (m % 12);
        const year = month >= 7 ? 2025 : 2026;
        await emit(`${sku(i)},${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')},-${qty},issue,${bin(i, 1 + (m % WAREHOUSES))}`);
      }
    }),
  );
  return { items, erp, moves };
}

export async function benchCounts(options: BenchCountsOptions): Promise<BenchCountsResult> {
  const { dataDir, bin: BIN, runs, measure } = options;
  const inputs = await writeInputs(dataDir);
  // The staged and cleansed workspace, made once (cached as a database file).
  const base = path.join(dataDir, 'counts-base.db');
  if (!fs.existsSync(base)) {
    const temp = freshDb(`${base}.tmp`);
    for (const [file, kind] of [
      [inputs.items, 'items'],
      [inputs.erp, 'erp'],
      [inputs.moves, 'moves'],
    ] as const) {
      measure(process.execPath, [BIN, 'load', file, '--as', kind, '--quiet', '--db', temp]);
    }
    const cleanse = measure(process.execPath, [BIN, 'cleanse', '--quiet', '--db', temp], { cwd: dataDir });
    process.stderr.write(`counts bench set-up: cleanse ${cleanse.seconds.toFixed(1)} s\n`);
    checkpoint(temp);
    fs.renameSync(temp, base);
  }
  const copy = (target: string): string => {
    freshDb(target);
    fs.copyFileSync(base, target);
    return target;
  };
  const planDb = path.join(dataDir, 'counts-plan.db');
  const plan = best(runs, () => measure(process.execPath, [BIN, 'count', 'plan', '--as-of', AS_OF, '--days', '365', '--quiet', '--db', copy(planDb)], { cwd: dataDir }));
  checkpoint(planDb);
  const db = new Database(planDb, { readonly: true });
  const tasks = (db.prepare('SELECT count(*) AS n FROM count_tasks').get() as { n: number }).n;
  const perClass = db.prepare('SELECT p.class, count(*) AS n FROM count_tasks t JOIN count_places p ON p.id = t.place_id GROUP BY p.class ORDER BY p.class').all() as { class: string; n: number }[];
  // The counted lines: the first 50,000 tasks by due date, 3% off by one.
  const countsFile = path.join(dataDir, 'counts-ingest-50k.csv');
  const rows = db
    .prepare('SELECT p.sku, p.location, p.lot, p.book_micro, t.due_date FROM count_tasks t JOIN count_places p ON p.id = t.place_id WHERE t.round = 1 ORDER BY t.due_date, t.id LIMIT ?')
    .all(INGEST_LINES) as { sku: string; location: string; lot: string; book_micro: number; due_date: string }[];
  db.close();
  await writeLines(countsFile, 'sku,location,lot,counted,count date', async (emit) => {
    let n = 0;
    for (const r of rows) await emit(`${r.sku},${r.location},${r.lot},${r.book_micro / 1e6 + (n++ % 33 === 0 ? 1 : 0)},${r.due_date}`);
  });
  const ingestDb = path.join(dataDir, 'counts-ingest.db');
  const ingest = best(runs, () => {
    freshDb(ingestDb);
    fs.copyFileSync(planDb, ingestDb);
    return measure(process.execPath, [BIN, 'count', 'ingest', countsFile, '--quiet', '--db', ingestDb], { cwd: dataDir });
  });
  const result: [string, string, number, number][] = [
    [`invsync count plan: ${SKUS / 1000}k SKUs × ${WAREHOUSES} locations, 1 year`, tasks.toLocaleString('en-US'), plan.seconds, plan.peakMb],
    ['invsync count ingest: 50k counted lines', INGEST_LINES.toLocaleString('en-US'), ingest.seconds, ingest.peakMb],
  ];
  return {
    rows: result,
    notes: [
      `count plan: ${tasks.toLocaleString('en-US')} tasks (${perClass.map((c) => `${c.class} ${c.n.toLocaleString('en-US')}`).join(', ')}) in ${plan.seconds.toFixed(2)} s, ${plan.peakMb.toFixed(0)} MB; count ingest of 50k lines: ${ingest.seconds.toFixed(2)} s, ${ingest.peakMb.toFixed(0)} MB (targets 20 s and 400 MB each)`,
    ],
  };
}

/** Folds the WAL into the database file so that a plain copy holds everything. */
function checkpoint(file: string): void {
  const db = new Database(file);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}

export type { Measurement };
