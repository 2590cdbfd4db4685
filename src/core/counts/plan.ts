/**
 * `count plan`: ABC classes per SKU, then count tasks spread over the working days of
 * the period, each with the book quantity it will be compared with (the snapshot).
 * A new plan supersedes the open one; its tasks stay for the audit trail.
 */
import { UsageError, WorkspaceError } from '../errors.js';
import { DecimalSum, canonicalDecimal, fromMicro, mulDecimals } from '../model/decimal.js';
import type { Db } from '../staging/database.js';
import { BatchInserter } from '../staging/store.js';
import { classify, type AbcInput } from './abc.js';
import { readBook, unitCosts } from './book.js';
import { addDays, workingDays } from './calendar.js';
import { spreadTasks, type ScheduleUnit } from './schedule.js';
import { CLASSES, isIsoDate, type AbcClass, type CountSettings } from './settings.js';

export interface PlanOptions {
  /** The book and ABC date; the period starts the day after. */
  readonly asOf: string;
  /** Calendar days of the period (default 365: one counting cycle). */
  readonly days?: number;
  readonly settings: CountSettings;
  readonly onProgress?: (step: string, count: number) => void;
}

export interface ClassSummary {
  readonly skus: number;
  readonly value: string;
  readonly locations: number;
  readonly tasks: number;
  readonly perYear: number;
}

export interface PlanResult {
  readonly plan: number;
  readonly asOf: string;
  readonly firstDay: string;
  readonly lastDay: string;
  readonly calendarDays: number;
  readonly workingDays: number;
  readonly usageWindow: { readonly from: string; readonly to: string };
  readonly classes: Readonly<Record<AbcClass, ClassSummary>>;
  /** How many SKUs were ranked by usage value, and how many by on-hand value for want of issues in the window. */
  readonly basis: { readonly usage: number; readonly onHand: number };
  readonly tasks: number;
  readonly opportunityCounts: number;
  readonly tasksPerDay: { readonly min: number; readonly max: number };
  readonly superseded: number | null;
}

export const DEFAULT_PLAN_DAYS = 365;

/** Move types whose quantity is an issue (usage); other types are receipts, transfers, adjustments. */
const ISSUE_TYPES = "('issue', 'issues', 'sale', 'sales', 'shipment', 'delivery', 'consumption', 'goods_issue', 'out')";

export function planCounts(db: Db, options: PlanOptions): PlanResult {
  const { asOf, settings } = options;
  if (!isIsoDate(asOf)) throw new UsageError(`--as-of must be a date (YYYY-MM-DD), not "${asOf}"`);
  const days = options.days ?? DEFAULT_PLAN_DAYS;
  if (!Number.isInteger(days) || days < 1 || days > 3660) throw new UsageError(`--days must be a whole number from 1 to 3660, not "${String(options.days)}"`);
  if ((db.prepare('SELECT count(*) AS n FROM quantities').get() as { n: number }).n === 0) {
    throw new WorkspaceError('nothing is cleansed yet: the plan needs the book in base units', 'run `invsync load` and `invsync cleanse` first');
  }
  const firstDay = addDays(asOf, 1);
  const lastDay = addDays(asOf, days);
  const calendar = workingDays(firstDay, days, settings.holidays);
  if (calendar.length === 0) throw new UsageError(`no working day between ${firstDay} and ${lastDay}`, 'plan a longer period (--days) or check counts.holidays');

  options.onProgress?.('reading the book', 0);
  const costOf = unitCosts(db);
  const skus: string[] = [];
  const skuIndex = new Map<string, number>();
  const onHand: DecimalSum[] = [];
  const lines: { skuIndex: number; warehouse: string; location: string; locKey: string; lot: string; book: bigint }[] = [];
  for (const b of readBook(db)) {
    let i = skuIndex.get(b.sku);
    if (i === undefined) {
      i = skus.length;
      skus.push(b.sku);
      skuIndex.set(b.sku, i);
      onHand.push(new DecimalSum());
    }
    const cost = costOf(b.sku, b.warehouse);
    if (cost !== null && b.bookMicro > 0n) onHand[i]!.add(mulDecimals(fromMicro(b.bookMicro), cost));
    lines.push({ skuIndex: i, warehouse: b.warehouse, location: b.location, locKey: b.locKey, lot: b.lot, book: b.bookMicro });
  }
  if (lines.length === 0) throw new WorkspaceError('the book is empty: no erp or wms quantities to count', 'load the book (--as erp or --as wms) and cleanse');

  // Annual usage value: issued quantity × unit cost over the twelve months before the as-of date.
  const from = yearBefore(asOf);
  const usage = new Map<string, bigint>();
  const usageRows = db
    .prepare(
      `SELECT q.sku, sum(abs(q.qty_micro)) AS qty FROM quantities q JOIN moves m ON m.id = q.row_id
       WHERE q.kind = 'moves' AND q.status IN ('same_unit', 'converted', 'unit_assumed') AND q.sku IS NOT NULL
         AND substr(m.date, 1, 10) >= ? AND substr(m.date, 1, 10) < ?
         AND (lower(replace(trim(m.type), ' ', '_')) IN ${ISSUE_TYPES} OR (m.type IS NULL AND q.qty_micro < 0))
       GROUP BY q.sku`,
    )
    .safeIntegers(true)
    .all(from, asOf) as { sku: string; qty: bigint }[];
  for (const r of usageRows) usage.set(r.sku, r.qty);
  const masterCost = new Map((db.prepare('SELECT sku, unit_cost FROM items_clean WHERE unit_cost IS NOT NULL').all() as { sku: string; unit_cost: string }[]).map((r) => [r.sku, canonicalDecimal(r.unit_cost)]));
  const inputs: AbcInput[] = skus.map((sku, i) => {
    const issued = usage.get(sku);
    const cost = masterCost.get(sku) ?? costOf(sku, '');
    if (issued !== undefined && issued > 0n && cost !== null) return { sku, value: mulDecimals(fromMicro(issued), cost), basis: 'usage' };
    return { sku, value: onHand[i]!.toString(), basis: 'on_hand' };
  });
  const ranking = classify(inputs, settings.cutoffs);
  const classOf = new Map(ranking.map((e) => [e.sku, e.class]));

  const superseded = (db.prepare("SELECT max(id) AS id FROM count_plans WHERE status = 'open'").get() as { id: number | null }).id;
  db.prepare("UPDATE count_plans SET status = 'superseded' WHERE status = 'open'").run();
  const planId = Number(
    db
      .prepare(
        `INSERT INTO count_plans (as_of, first_day, last_day, calendar_days, working_days, settings, status, run_id)
         VALUES (?, ?, ?, ?, ?, ?, 'open', (SELECT max(id) FROM runs))`,
      )
      .run(asOf, firstDay, lastDay, days, calendar.length, JSON.stringify({ cutoffs: settings.cutoffs, per_year: settings.perYear, holidays: settings.holidays, tolerances: settings.tolerances.byClass, usage_window: { from, to: asOf } }))
      .lastInsertRowid,
  );
  const classInsert = new BatchInserter(db, 'count_classes', ['sku', 'class', 'basis', 'value', 'rank', 'cumulative_before'], { plan_id: planId });
  for (const e of ranking) classInsert.add([e.sku, e.class, e.basis, e.value, e.rank, e.cumulativeBefore]);
  classInsert.flush();

  options.onProgress?.('spreading the tasks', lines.length);
  const classIndex = (c: AbcClass): number => CLASSES.indexOf(c);
  const units: ScheduleUnit[] = lines.map((l) => ({ classIndex: classIndex(classOf.get(skus[l.skuIndex]!)!), opportunity: l.book <= 0n }));
  const schedule = spreadTasks(units, CLASSES.map((c) => settings.perYear[c]), days, calendar.length);

  options.onProgress?.('storing the tasks', schedule.length);
  const costs = lines.map((l) => costOf(skus[l.skuIndex]!, l.warehouse));
  const uoms = new Map((db.prepare('SELECT sku, uom FROM items_clean').all() as { sku: string; uom: string | null }[]).map((r) => [r.sku, r.uom]));
  const taskInsert = new BatchInserter(
    db,
    'count_tasks',
    ['due_date', 'warehouse', 'location', 'loc_key', 'sku', 'lot', 'class', 'reason', 'book_micro', 'unit_cost', 'uom', 'status'],
    { plan_id: planId, round: 1 },
  );
  const perDay = new Int32Array(calendar.length);
  const perClassTasks = { A: 0, B: 0, C: 0 };
  let opportunityCounts = 0;
  for (let p = 0; p < schedule.length; p++) {
    const u = schedule.unit[p]!;
    const l = lines[u]!;
    const sku = skus[l.skuIndex]!;
    const cls = CLASSES[units[u]!.classIndex]!;
    perDay[schedule.day[p]!]!++;
    perClassTasks[cls]++;
    const opportunity = schedule.opportunity[p] === 1;
    if (opportunity) opportunityCounts++;
    taskInsert.add([calendar[schedule.day[p]!], l.warehouse, l.location, l.locKey, sku, l.lot, cls, opportunity ? 'opportunity' : 'abc', l.book, costs[u], uoms.get(sku) ?? null, 'open']);
    if (p % 100_000 === 99_999) options.onProgress?.('storing the tasks', p + 1);
  }
  taskInsert.flush();

  const classes = {} as Record<AbcClass, ClassSummary>;
  for (const c of CLASSES) {
    const members = ranking.filter((e) => e.class === c);
    const value = new DecimalSum();
    for (const e of members) value.add(e.value);
    classes[c] = { skus: members.length, value: value.toString(), locations: units.filter((u) => u.classIndex === classIndex(c)).length, tasks: perClassTasks[c], perYear: settings.perYear[c] };
  }
  let min = Infinity;
  let max = 0;
  for (const n of perDay) {
    min = Math.min(min, n);
    max = Math.max(max, n);
  }
  return {
    plan: planId,
    asOf,
    firstDay,
    lastDay,
    calendarDays: days,
    workingDays: calendar.length,
    usageWindow: { from, to: asOf },
    classes,
    basis: { usage: ranking.filter((e) => e.basis === 'usage').length, onHand: ranking.filter((e) => e.basis === 'on_hand').length },
    tasks: schedule.length,
    opportunityCounts,
    tasksPerDay: { min: schedule.length ? min : 0, max },
    superseded,
  };
}

/** The same day a year earlier (29 February → 28 February). */
export function yearBefore(iso: string): string {
  const year = String(Number(iso.slice(0, 4)) - 1).padStart(4, '0');
  const monthDay = iso.slice(4) === '-02-29' ? '-02-28' : iso.slice(4);
  return `${year}${monthDay}`;
}
