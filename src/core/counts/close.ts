/**
 * `count close`: the plan's accepted results become adjustments, written as Odoo's
 * physical inventory import, with the KPIs of the cycle (count-kpi.json and
 * count-kpi.xlsx) and every accepted line (count-variances.csv).
 *
 * Per SKU × location × lot the latest accepted count is the one Odoo gets (an A item
 * counted twice in the period is adjusted once, to what was found last); a line is an
 * adjustment when that count differs from the book snapshot of the plan.
 *
 * KPIs, per class and overall:
 *   - inventory record accuracy (IRA): accepted counts within the class tolerance of
 *     the snapshot / accepted counts (a hit is judged on the accepted result, so a
 *     miscount corrected by its recount is no miss of the record);
 *   - exact-match rate: accepted counts equal to the snapshot / accepted counts;
 *   - gross and net adjustment value: Σ|Δq × cost| and Σ(Δq × cost) of the adjustments;
 *   - counts completed vs planned: first-count tasks counted / planned;
 *   - recount rate: counted tasks that needed a recount / counted tasks.
 * Conservation: planned = accepted + waiting for a recount + not counted.
 */
import path from 'node:path';
import type ExcelJS from 'exceljs';
import { WorkspaceError } from '../errors.js';
import { catalogueFor } from '../cleanse/cleanse.js';
import { upperAscii } from '../cleanse/sql.js';
import { openingStockReferences } from '../export/refs.js';
import { DecimalSum, compareDecimals, fromMicro, mulDecimals, subDecimals } from '../model/decimal.js';
import { classifyVariance, toleranceFor } from '../reconcile/tolerance.js';
import { writeCsv } from '../reports/csv.js';
import { waitForZip, writeFileAtomic, writeStreamedWorkbook } from '../reports/files.js';
import type { Db } from '../staging/database.js';
import { decimalsOf } from '../uom/index.js';
import type { WorkspaceConfig } from '../workspace/config.js';
import { compareNatural, compareText } from './calendar.js';
import { odooImportFileName, odooQuantImport, type OdooVersion, type QuantCountRow } from './odoo.js';
import { CLASSES, type AbcClass, type CountSettings } from './settings.js';
import { currentPlan } from './state.js';

export interface CloseOptions {
  readonly outDir: string;
  readonly odooVersion: OdooVersion;
  readonly config: WorkspaceConfig;
  readonly settings: CountSettings;
}

export interface ClassKpi {
  readonly planned: number;
  readonly counted: number;
  readonly accepted: number;
  readonly pendingRecount: number;
  readonly notCounted: number;
  readonly hits: number;
  readonly exact: number;
  readonly recounted: number;
  /** hits / accepted, 4 decimals (1 when nothing was accepted). */
  readonly inventoryRecordAccuracy: string;
  readonly exactMatchRate: string;
  readonly completion: string;
  readonly recountRate: string;
  readonly adjustments: number;
  readonly grossAdjustmentValue: string;
  readonly netAdjustmentValue: string;
}

export interface CountKpis {
  readonly plan: number;
  readonly asOf: string;
  readonly period: { readonly from: string; readonly to: string };
  readonly odooVersion: OdooVersion;
  readonly tolerances: Readonly<Record<string, unknown>>;
  readonly denominator: string;
  readonly overall: ClassKpi;
  readonly byClass: Readonly<Record<AbcClass, ClassKpi>>;
  readonly unplannedCounts: number;
  readonly unplannedReasons: Readonly<Record<string, number>>;
}

export interface CloseResult {
  readonly kpis: CountKpis;
  readonly files: Readonly<Record<'odoo' | 'variances' | 'kpiJson' | 'kpiWorkbook', string>>;
  readonly adjustments: number;
  /** Counts with more decimals than the version's unit precision, written rounded. */
  readonly rounded: number;
  /** Adjustments left out of the Odoo file, each with why: it refers to nothing the opening-stock export creates. */
  readonly notImported: readonly NotImported[];
}

export interface NotImported {
  readonly sku: string;
  readonly warehouse: string;
  readonly location: string;
  readonly lot: string;
  readonly counted: string;
  readonly reason: string;
}

export const VARIANCE_COLUMNS = ['sku', 'warehouse', 'location', 'lot', 'class', 'uom', 'counted_on', 'book_qty', 'counted_qty', 'qty_variance', 'unit_cost', 'value_impact', 'hit', 'counts', 'adjusted'] as const;

interface TaskRow {
  id: number;
  round: number;
  parent_id: number | null;
  due_date: string;
  warehouse: string;
  location: string;
  loc_key: string;
  sku: string;
  lot: string;
  class: AbcClass;
  book_micro: bigint;
  unit_cost: string | null;
  uom: string | null;
  status: string;
  counted_micro: bigint | null;
  counted_at: string | null;
}

interface AcceptedLine {
  root: TaskRow;
  final: TaskRow;
  counts: number;
  book: string;
  counted: string;
  variance: string;
  value: string | null;
  hit: boolean;
  countedOn: string;
  adjusted: boolean;
}

export async function closeCounts(db: Db, options: CloseOptions): Promise<CloseResult> {
  const plan = currentPlan(db);
  if (!plan) throw new WorkspaceError('there is no open count plan to close', 'run `invsync count plan --as-of DATE` first');
  const planned = new Map<AbcClass, number>(
    (db.prepare('SELECT p.class, count(*) AS n FROM count_tasks t JOIN count_places p ON p.id = t.place_id WHERE t.plan_id = ? AND t.round = 1 GROUP BY p.class').all(plan.id) as { class: AbcClass; n: number }[]).map((r) => [r.class, r.n]),
  );
  // Only the tasks that were counted (and their recounts): the untouched ones are counted in SQL above.
  const tasks = db
    .prepare(
      `SELECT t.id, t.round, t.parent_id, t.due_date, p.warehouse, p.location, p.loc_key, p.sku, p.lot, p.class, p.book_micro, p.unit_cost, p.uom, t.status, t.counted_micro,
              substr(r.counted_at, 1, 10) AS counted_at
       FROM count_tasks t JOIN count_places p ON p.id = t.place_id LEFT JOIN count_results r ON r.id = t.result_id
       WHERE t.plan_id = ? AND (t.status <> 'open' OR t.round > 1) ORDER BY t.id`,
    )
    .safeIntegers(true)
    .all(plan.id)
    .map((r) => ({ ...(r as TaskRow), id: Number((r as TaskRow).id), round: Number((r as TaskRow).round), parent_id: (r as TaskRow).parent_id === null ? null : Number((r as TaskRow).parent_id) })) as TaskRow[];
  const child = new Map<number, TaskRow>();
  for (const t of tasks) if (t.parent_id !== null) child.set(t.parent_id, t);

  const accepted: AcceptedLine[] = [];
  const pending = new Map<AbcClass, number>();
  const recounted = new Map<AbcClass, number>();
  for (const root of tasks) {
    if (root.round !== 1) continue;
    let final = root;
    let counts = 1;
    while (final.status === 'recounted' && child.has(final.id)) {
      final = child.get(final.id)!;
      counts++;
    }
    if (counts > 1) recounted.set(root.class, (recounted.get(root.class) ?? 0) + 1);
    if (final.status !== 'accepted') {
      pending.set(root.class, (pending.get(root.class) ?? 0) + 1);
      continue;
    }
    const book = fromMicro(root.book_micro);
    const counted = fromMicro(final.counted_micro!);
    const variance = subDecimals(counted, book);
    const value = root.unit_cost === null ? null : mulDecimals(variance, root.unit_cost);
    const tolerance = toleranceFor(options.settings.tolerances, null, root.class);
    const verdict = classifyVariance(tolerance, variance, book, value);
    accepted.push({ root, final, counts, book, counted, variance, value, hit: verdict === 'match' || verdict === 'within_tolerance', countedOn: final.counted_at ?? final.due_date, adjusted: false });
  }
  // The latest accepted count of each place is its adjustment.
  const latest = new Map<string, AcceptedLine>();
  for (const a of accepted) {
    const key = placeKey(a.root.sku, a.root.loc_key, a.root.lot);
    const prev = latest.get(key);
    if (!prev || a.countedOn > prev.countedOn || (a.countedOn === prev.countedOn && a.final.id > prev.final.id)) latest.set(key, a);
  }
  for (const a of latest.values()) if (compareDecimals(a.variance, '0') !== 0) a.adjusted = true;
  accepted.sort((a, b) => compareText(a.root.warehouse, b.root.warehouse) || compareNatural(a.root.location, b.root.location) || compareText(a.root.sku, b.root.sku) || compareText(a.root.lot, b.root.lot) || a.root.id - b.root.id);

  const unplanned = db.prepare("SELECT reason FROM count_results WHERE plan_id = ? AND status = 'unplanned'").all(plan.id) as { reason: string }[];
  const unplannedReasons: Record<string, number> = {};
  for (const u of unplanned) {
    const short = u.reason.replace(/ ".*$/, '').replace(/:.*$/, '').replace(/ \(rows .*$/, '');
    unplannedReasons[short] = (unplannedReasons[short] ?? 0) + 1;
  }

  const kpiOf = (cls: AbcClass | null): ClassKpi => {
    const lines = accepted.filter((a) => cls === null || a.root.class === cls);
    const sum = (m: Map<AbcClass, number>): number => (cls === null ? [...m.values()].reduce((s, n) => s + n, 0) : (m.get(cls) ?? 0));
    const plannedN = sum(planned);
    const pendingN = sum(pending);
    const recountedN = sum(recounted);
    const counted = lines.length + pendingN;
    const gross = new DecimalSum();
    const net = new DecimalSum();
    let adjustments = 0;
    for (const a of lines) {
      if (!a.adjusted) continue;
      adjustments++;
      if (a.value === null) continue;
      net.add(a.value);
      gross.add(a.value.startsWith('-') ? a.value.slice(1) : a.value);
    }
    const hits = lines.filter((a) => a.hit).length;
    const exact = lines.filter((a) => compareDecimals(a.variance, '0') === 0).length;
    return {
      planned: plannedN,
      counted,
      accepted: lines.length,
      pendingRecount: pendingN,
      notCounted: plannedN - counted,
      hits,
      exact,
      recounted: recountedN,
      inventoryRecordAccuracy: ratio4(hits, lines.length),
      exactMatchRate: ratio4(exact, lines.length),
      completion: ratio4(counted, plannedN),
      recountRate: ratio4(recountedN, counted),
      adjustments,
      grossAdjustmentValue: gross.toString(),
      netAdjustmentValue: net.toString(),
    };
  };
  const byClass = Object.fromEntries(CLASSES.map((c) => [c, kpiOf(c)])) as Record<AbcClass, ClassKpi>;
  const kpis: CountKpis = {
    plan: plan.id,
    asOf: plan.asOf,
    period: { from: plan.firstDay, to: plan.lastDay },
    odooVersion: options.odooVersion,
    tolerances: options.settings.tolerances.byClass,
    denominator: 'IRA and exact-match rate: accepted counts (item × location × lot); completion: first-count tasks planned; recount rate: tasks counted',
    overall: kpiOf(null),
    byClass,
    unplannedCounts: unplanned.length,
    unplannedReasons,
  };

  const files = {
    odoo: path.join(options.outDir, odooImportFileName(options.odooVersion)),
    variances: path.join(options.outDir, 'count-variances.csv'),
    kpiJson: path.join(options.outDir, 'count-kpi.json'),
    kpiWorkbook: path.join(options.outDir, 'count-kpi.xlsx'),
  };
  const decimals = unitDecimals(db, options.config, options.odooVersion);
  const adjustments = accepted.filter((a) => a.adjusted);
  const { rows: quantRows, notImported } = referToOpeningStock(db, options, plan.id, adjustments, latest);
  const odoo = odooQuantImport(quantRows, (sku) => decimals.get(sku) ?? 6);
  await writeCsv(files.odoo, odoo.columns, odoo.rows);
  const varianceRows = accepted.map((a) => [a.root.sku, a.root.warehouse, a.root.location, a.root.lot, a.root.class, a.root.uom ?? '', a.countedOn, a.book, a.counted, a.variance, a.root.unit_cost ?? '', a.value ?? '', a.hit ? 'hit' : 'miss', String(a.counts), a.adjusted ? 'yes' : 'no']);
  await writeCsv(files.variances, VARIANCE_COLUMNS, varianceRows);
  writeFileAtomic(files.kpiJson, `${JSON.stringify(kpis, null, 2)}\n`);
  await writeKpiWorkbook(files.kpiWorkbook, kpis, varianceRows, db, plan.id);
  db.prepare("UPDATE count_plans SET status = 'closed', closed_run_id = (SELECT max(id) FROM runs) WHERE id = ?").run(plan.id);
  return { kpis, files, adjustments: adjustments.length, rounded: odoo.rounded, notImported };
}

/**
 * The adjustments as rows that refer to the records of the opening-stock export, which
 * Odoo holds when this file is imported. A line the export gives nothing to refer to
 * cannot be imported and is reported instead: its product or location is not
 * exported, its lot belongs to a product Odoo keeps without lots (the quant holds the
 * stock of every lot, which one lot's count does not give), or its lot has no opening
 * stock (a count of 0 of such a lot has nothing to adjust; more needs the lot first).
 *
 * One row per quant: places of the book that resolve to one Odoo location ("VAN-05"
 * and "VAN-05/Stock") hold one quant there, which the export wrote as their sum, and a
 * second row for it would make a second quant. Its counted quantity is the sum over
 * those places of the latest accepted count, or the plan's book snapshot where a place
 * was not counted (its stock is in the quant all the same); its date is that of the
 * latest adjusting count.
 */
function referToOpeningStock(db: Db, options: CloseOptions, planId: number, adjustments: readonly AcceptedLine[], latest: ReadonlyMap<string, AcceptedLine>): { rows: QuantCountRow[]; notImported: NotImported[] } {
  const rows: QuantCountRow[] = [];
  const notImported: NotImported[] = [];
  // The export's plan reads every staged line: not worth it for nothing to write.
  if (adjustments.length === 0) return { rows, notImported };
  const refs = openingStockReferences(db, { odooVersion: options.odooVersion, config: options.config });
  // A place kept per warehouse has the warehouse as its location key (book.ts, SQL's upper()).
  const locationOf = (warehouse: string, locKey: string, location: string): ReturnType<typeof refs.location> => refs.location(warehouse, locKey === upperAscii(warehouse) ? '' : locKey, location);
  const quants = new Map<string, QuantCountRow & { lot: string }>();
  for (const a of adjustments) {
    const { sku, warehouse, location, loc_key: locKey, lot } = a.root;
    const leaveOut = (reason: string): void => void notImported.push({ sku, warehouse, location, lot, counted: a.counted, reason });
    const productRef = refs.product(sku);
    if (productRef === undefined) {
      leaveOut('the product is not in the opening-stock export');
      continue;
    }
    const place = locationOf(warehouse, locKey, location);
    if ('problem' in place) {
      leaveOut(place.problem);
      continue;
    }
    let lotRef = '';
    if (lot !== '') {
      const l = refs.lot(sku, lot);
      if ('untracked' in l) {
        leaveOut(`lot ${lot} of a product not tracked by lot: Odoo holds its stock without lots`);
        continue;
      }
      if ('missing' in l) {
        leaveOut(compareDecimals(a.counted, '0') === 0 ? `lot ${lot} has no opening stock in Odoo: nothing to set to 0` : `lot ${lot} has no opening stock, so the export creates no such lot: create it in Odoo, then count it`);
        continue;
      }
      lotRef = l.ref;
    }
    const key = `${place.ref}\u0000${productRef}\u0000${lotRef}`;
    const quant = quants.get(key);
    if (quant === undefined || a.countedOn > quant.countedOn) quants.set(key, { locationRef: place.ref, sku, productRef, lotRef, lot, counted: a.counted, countedOn: a.countedOn });
  }
  const placesOf = db.prepare('SELECT warehouse, location, loc_key, book_micro FROM count_places WHERE plan_id = ? AND sku = ? AND lot = ? ORDER BY id').safeIntegers(true);
  for (const quant of quants.values()) {
    const sum = new DecimalSum();
    for (const p of placesOf.all(planId, quant.sku, quant.lot) as { warehouse: string; location: string; loc_key: string; book_micro: bigint }[]) {
      const resolved = locationOf(p.warehouse, p.loc_key, p.location);
      if (!('ref' in resolved) || resolved.ref !== quant.locationRef) continue;
      sum.add(latest.get(placeKey(quant.sku, p.loc_key, quant.lot))?.counted ?? fromMicro(p.book_micro));
    }
    rows.push({ locationRef: quant.locationRef, sku: quant.sku, productRef: quant.productRef, lotRef: quant.lotRef, counted: sum.toString(), countedOn: quant.countedOn });
  }
  return { rows, notImported };
}

/** A place of the plan (sku × location key × lot) as one map key: `latest` is keyed so. */
const placeKey = (sku: string, locKey: string, lot: string): string => `${sku}\u0000${locKey}\u0000${lot}`;

/** good / total with 4 decimals, rounded half up, exactly; 1 when there is nothing to measure. */
export function ratio4(good: number, total: number): string {
  if (total === 0) return '1';
  const scaled = (BigInt(good) * 100_000n) / BigInt(total);
  const rounded = (scaled + 5n) / 10n;
  const text = `${rounded / 10_000n}.${String(rounded % 10_000n).padStart(4, '0')}`;
  return text.replace(/\.?0+$/, '') || '0';
}

function unitDecimals(db: Db, config: WorkspaceConfig, version: OdooVersion): Map<string, number> {
  const catalogue = catalogueFor(config);
  const out = new Map<string, number>();
  for (const r of db.prepare('SELECT sku, uom_key FROM items_clean WHERE uom_key IS NOT NULL').all() as { sku: string; uom_key: string }[]) {
    try {
      out.set(r.sku, decimalsOf(catalogue.odoo(r.uom_key, version).rounding));
    } catch {
      // a unit this version does not have: no rounding applied
    }
  }
  return out;
}

/**
 * count-kpi.xlsx, streamed: sheet KPI (per class and overall), Counts (a line per
 * accepted count, as count-variances.csv) and Unplanned. An in-memory workbook holds
 * about a kilobyte a cell: 50,000 counted lines took over a gigabyte.
 */
async function writeKpiWorkbook(file: string, k: CountKpis, varianceRows: readonly string[][], db: Db, planId: number): Promise<void> {
  const bold = { bold: true };
  await writeStreamedWorkbook(file, async (wb) => {
    const ws = wb.addWorksheet('KPI', { views: [{ state: 'frozen', ySplit: 3 }] });
    const header = ['class', 'planned', 'counted', 'completion', 'accepted', 'hits', 'IRA', 'exact', 'exact-match rate', 'recounted', 'recount rate', 'waiting for recount', 'not counted', 'adjustments', 'gross adjustment value', 'net adjustment value'];
    ws.columns = header.map((_, i) => ({ width: i === 0 ? 10 : 14 }));
    const title = ws.getRow(1);
    title.getCell(1).value = `Cycle count plan ${k.plan}: ${k.period.from} .. ${k.period.to} (book as of ${k.asOf})`;
    title.getCell(1).font = { bold: true, size: 13 };
    title.commit();
    const headerRow = ws.getRow(3);
    headerRow.values = header;
    headerRow.font = bold;
    headerRow.commit();
    const kpiRow = (n: number, name: string, c: ClassKpi, font?: Partial<ExcelJS.Font>): void => {
      const row = ws.getRow(n);
      row.values = [
        name,
        c.planned,
        c.counted,
        Number(c.completion),
        c.accepted,
        c.hits,
        Number(c.inventoryRecordAccuracy),
        c.exact,
        Number(c.exactMatchRate),
        c.recounted,
        Number(c.recountRate),
        c.pendingRecount,
        c.notCounted,
        c.adjustments,
        Number(c.grossAdjustmentValue),
        Number(c.netAdjustmentValue),
      ];
      if (font) row.font = font;
      for (const col of [4, 7, 9, 11]) row.getCell(col).numFmt = '0.00%';
      for (const col of [15, 16]) row.getCell(col).numFmt = '#,##0.00';
      row.commit();
    };
    let r = 4;
    for (const c of CLASSES) kpiRow(r++, c, k.byClass[c]);
    kpiRow(r, 'all', k.overall, bold);
    const note = (n: number, text: string): void => {
      const row = ws.getRow(n);
      row.getCell(1).value = text;
      row.commit();
    };
    note(r + 2, `Unplanned counts kept: ${k.unplannedCounts}`);
    note(r + 3, `Denominators: ${k.denominator}`);
    ws.commit();

    const lines = wb.addWorksheet('Counts', { views: [{ state: 'frozen', ySplit: 1 }] });
    const linesHeader = lines.getRow(1);
    linesHeader.values = [...VARIANCE_COLUMNS];
    linesHeader.font = bold;
    linesHeader.commit();
    const numeric = VARIANCE_COLUMNS.map((c) => ['book_qty', 'counted_qty', 'qty_variance', 'unit_cost', 'value_impact', 'counts'].includes(c));
    let n = 2;
    for (const v of varianceRows) {
      const row = lines.getRow(n++);
      row.values = v.map((cell, c) => (numeric[c] && cell !== '' ? Number(cell) : cell));
      row.commit();
      if (n % 256 === 0) await waitForZip(lines);
    }
    lines.commit();

    const unplanned = wb.addWorksheet('Unplanned', { views: [{ state: 'frozen', ySplit: 1 }] });
    const unplannedHeader = unplanned.getRow(1);
    unplannedHeader.values = ['sku as written', 'sku', 'location', 'lot', 'qty', 'uom', 'reason', 'file', 'sheet', 'row'];
    unplannedHeader.font = bold;
    unplannedHeader.commit();
    const rows = db
      .prepare("SELECT spelling, sku, location, lot, qty, uom, reason, file, sheet, row_no FROM count_results WHERE plan_id = ? AND status = 'unplanned' ORDER BY file, sheet, row_no")
      .iterate(planId) as IterableIterator<Record<string, string | number | null>>;
    n = 2;
    for (const u of rows) {
      const row = unplanned.getRow(n++);
      row.values = [u.spelling, u.sku, u.location, u.lot, u.qty === null ? null : Number(u.qty), u.uom, u.reason, path.basename(String(u.file)), u.sheet, u.row_no];
      row.commit();
      if (n % 256 === 0) await waitForZip(unplanned);
    }
    unplanned.commit();
  });
}
