/**
 * `npm run bench`: speed and memory of staging, side by side with baselines in the
 * same run, reported as ratios. Not a test: it prints figures and exits 0.
 *
 *   - a generated 1,000,000-row erp CSV through `invsync load`, against the sqlite3
 *     shell's `.import` of the same file (the raw floor);
 *   - the same at 100,000 rows, to show that peak memory does not grow with input;
 *   - a generated 200,000-row xlsx through `invsync load`, against exceljs's
 *     streaming reader alone (reading every cell, staging nothing);
 *   - cleansing, reconciliation, cycle counts and the Odoo export (their own files).
 *
 * BENCH_ONLY=load,cleanse,reconcile,... runs only the sections named.
 *
 * Every measurement runs in its own process under /usr/bin/time (wall time and
 * peak RSS). Generated inputs are cached in bench-data/ between runs.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeLargeErpCsv, writeLargeErpXlsx } from '../fixtures/generator/large.js';
import { benchClusters } from './clusters.js';
import { benchCounts } from './counts.js';
import { writeLargeItemsCsv } from './items.js';
import { best, cached, freshDb, measure, succeeds, type Measurement } from './measure.js';
import { benchReconcile } from './reconcile.js';
import { benchExport } from './export.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DATA = path.join(REPO, 'bench-data');
const BIN = path.join(REPO, 'bin/invsync');


function which(command: string): boolean {
  return succeeds('sh', ['-c', `command -v ${command}`]);
}

function freshBenchDb(name: string): string {
  return freshDb(path.join(DATA, name));
}

function invsyncLoad(file: string, kind: string): Measurement {
  return measure(process.execPath, [BIN, 'load', file, '--as', kind, '--quiet', '--db', freshBenchDb('bench.db')]);
}

const fmt = (n: number, digits = 2): string => n.toFixed(digits);

/** BENCH_ONLY=load,cleanse,reconcile,... runs only those sections (all by default). */
const ONLY = new Set((process.env.BENCH_ONLY ?? '').split(',').map((s) => s.trim()).filter(Boolean));
const wanted = (section: string): boolean => ONLY.size === 0 || ONLY.has(section);
const rate = (rows: number, seconds: number): string => Math.round(rows / seconds).toLocaleString('en-US');

async function main(): Promise<void> {
  fs.mkdirSync(DATA, { recursive: true });
  const runs = Number(process.env.BENCH_RUNS ?? 3);
  const csv1m = await cached(path.join(DATA, 'erp-1m.csv'), (f) => writeLargeErpCsv(f, 1_000_000));

  const lines: string[] = [];
  const notes: string[] = [];
  const row = (...cells: string[]): void => void lines.push(cells.map((c, i) => (i === 0 ? c.padEnd(44) : c.padStart(12))).join(''));
  row('case', 'rows', 'seconds', 'rows/s', 'peak MB', 'ratio');

  if (wanted('load')) notes.push(...(await benchLoad(runs, csv1m, row)));
  if (wanted('cleanse')) notes.push(...(await benchCleanse(runs, csv1m, row)));
  if (wanted('reconcile')) {
    // Reconciliation: 1M lines per side against one SQL statement (the floor) and pandas.
    const rec = await benchReconcile({ dataDir: DATA, bin: BIN, runs: Number(process.env.BENCH_RECONCILE_RUNS ?? 1), measure });
    for (const [label, count, seconds, peakMb, ratio] of rec.rows) row(label, count, fmt(seconds), seconds > 0 ? rate(Number(count.replace(/,/g, '')), seconds) : '', peakMb > 0 ? fmt(peakMb, 0) : '', ratio);
    notes.push(...rec.notes);
  }

  if (wanted('export')) {
    const exp = await benchExport({ dataDir: DATA, bin: BIN, runs: Number(process.env.BENCH_EXPORT_RUNS ?? 1), measure });
    for (const [label, count, seconds, peakMb, ratio] of exp.rows) row(label, count, fmt(seconds), '', peakMb > 0 ? fmt(peakMb, 0) : '', ratio);
    notes.push(...exp.notes);
  }
  if (wanted('counts')) {
    const counts = await benchCounts({ dataDir: DATA, bin: BIN, runs: Number(process.env.BENCH_COUNTS_RUNS ?? 1), measure });
    for (const [label, count, seconds, peakMb] of counts.rows) row(label, count, fmt(seconds), rate(Number(count.replace(/,/g, '')), seconds), fmt(peakMb, 0), '');
    notes.push(...counts.notes);
  }

  lines.push('');
  lines.push(...notes);
  lines.push(`best of ${runs} runs each; machine: ${process.platform} ${process.arch}, node ${process.version}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

type Row = (...cells: string[]) => void;

async function benchLoad(runs: number, csv1m: string, row: Row): Promise<string[]> {
  const csv100k = await cached(path.join(DATA, 'erp-100k.csv'), (f) => writeLargeErpCsv(f, 100_000));
  const xlsx200k = await cached(path.join(DATA, 'erp-200k.xlsx'), (f) => writeLargeErpXlsx(f, 200_000));

  // CSV: invsync against the sqlite3 shell's .import (the floor).
  const load1m = best(runs, () => invsyncLoad(csv1m, 'erp'));
  const load100k = best(runs, () => invsyncLoad(csv100k, 'erp'));
  const notes: string[] = [];
  let floor: Measurement | undefined;
  if (which('sqlite3')) {
    floor = best(runs, () => measure('sqlite3', [freshBenchDb('floor.db'), `.import --csv ${csv1m} erp`]));
    row('sqlite3 shell .import (floor), 1M csv', '1,000,000', fmt(floor.seconds), rate(1e6, floor.seconds), fmt(floor.peakMb, 0), '1.00x');
  } else {
    notes.push('sqlite3 shell not installed (apt-get install sqlite3): no floor for the CSV ratio');
  }
  row('invsync load --as erp, 1M csv', '1,000,000', fmt(load1m.seconds), rate(1e6, load1m.seconds), fmt(load1m.peakMb, 0), floor ? `${fmt(load1m.seconds / floor.seconds)}x` : '-');
  row('invsync load --as erp, 100k csv', '100,000', fmt(load100k.seconds), rate(1e5, load100k.seconds), fmt(load100k.peakMb, 0), '');

  // The CSV parse alone: csv-parse against invsync's record splitter.
  const parseScript = path.join(REPO, 'dist/bench/parse-csv.js');
  const csvParse = best(runs, () => measure(process.execPath, [parseScript, 'csv-parse', csv1m]));
  const splitter = best(runs, () => measure(process.execPath, [parseScript, 'invsync', csv1m]));
  row('parse only: csv-parse, 1M csv', '1,000,000', fmt(csvParse.seconds), rate(1e6, csvParse.seconds), fmt(csvParse.peakMb, 0), '1.00x');
  row('parse only: invsync splitter, 1M csv', '1,000,000', fmt(splitter.seconds), rate(1e6, splitter.seconds), fmt(splitter.peakMb, 0), `${fmt(splitter.seconds / csvParse.seconds)}x`);

  // XLSX: invsync against exceljs's streaming reader alone.
  const readerOnly = path.join(REPO, 'dist/bench/read-xlsx.js');
  const reader = best(runs, () => measure(process.execPath, [readerOnly, xlsx200k]));
  const loadXlsx = best(runs, () => invsyncLoad(xlsx200k, 'erp'));
  row('exceljs streaming read alone, 200k xlsx', '200,000', fmt(reader.seconds), rate(2e5, reader.seconds), fmt(reader.peakMb, 0), '1.00x');
  row('invsync load --as erp, 200k xlsx', '200,000', fmt(loadXlsx.seconds), rate(2e5, loadXlsx.seconds), fmt(loadXlsx.peakMb, 0), `${fmt(loadXlsx.seconds / reader.seconds)}x`);
  notes.push(`peak memory, 1M csv vs 100k csv: ${fmt(load1m.peakMb / load100k.peakMb)}x (flat means within 1.20x)`);
  if (floor) notes.push(`csv staging vs the raw floor: ${fmt(load1m.seconds / floor.seconds)}x (target 3x, goal 2x)`);
  notes.push(`xlsx staging: ${rate(2e5, loadXlsx.seconds)} rows/s (target 45,000)`);
  return notes;
}

async function benchCleanse(runs: number, csv1m: string, row: Row): Promise<string[]> {
  // Cleansing: 100,000 items plus the 1,000,000 staged lines of the CSV above.
  const items100k = await cached(path.join(DATA, 'items-100k.csv'), (f) => writeLargeItemsCsv(f, 100_000));
  const cleanseDb = freshBenchDb('cleanse.db');
  measure(process.execPath, [BIN, 'load', items100k, '--as', 'items', '--quiet', '--db', cleanseDb]);
  measure(process.execPath, [BIN, 'load', csv1m, '--as', 'erp', '--quiet', '--db', cleanseDb]);
  const cleanse = best(runs, () => measure(process.execPath, [BIN, 'cleanse', '--quiet', '--db', cleanseDb], { cwd: DATA }));
  row('invsync cleanse: 100k items + 1M lines', '1,100,000', fmt(cleanse.seconds), rate(1.1e6, cleanse.seconds), fmt(cleanse.peakMb, 0), '');
  const near50 = benchClusters(50_000);
  const near100 = benchClusters(100_000);
  row('near-duplicate search, 50k items', '50,000', fmt(near50.nearDuplicateSeconds, 3), rate(5e4, near50.nearDuplicateSeconds), '', '1.00x');
  row('near-duplicate search, 100k items', '100,000', fmt(near100.nearDuplicateSeconds, 3), rate(1e5, near100.nearDuplicateSeconds), '', `${fmt(near100.nearDuplicateSeconds / near50.nearDuplicateSeconds)}x`);

  return [
    `cleanse of 100k items + 1M lines: ${fmt(cleanse.seconds)} s, ${fmt(cleanse.peakMb, 0)} MB (targets 30 s, 500 MB); near-duplicate step 100k/50k: ${fmt(near100.nearDuplicateSeconds / near50.nearDuplicateSeconds)}x (n log n would be about 2.1x; target under 2.4x)`,
  ];
}

await main();
