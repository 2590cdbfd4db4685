/**
 * `count plan`: ABC classes per SKU, then count tasks spread over the working days of
 * the period, each with the book quantity it will be compared with (the snapshot).
 * A new plan supersedes the open one; its tasks stay for the audit trail.
 */
import { cleanseWorkspace } from '../cleanse/cleanse.js';
import { USABLE_SQL } from '../cleanse/sql.js';
import { UsageError, WorkspaceError } from '../errors.js';
import { cleanseIsStale } from '../reconcile/reconcile.js';
import type { WorkspaceConfig } from '../workspace/config.js';
import { DecimalSum, canonicalDecimal, fromMicro, mulDecimals } from '../model/decimal.js';
import type { Db } from '../staging/database.js';
import { BatchInserter } from '../staging/store.js';
import { classify, type AbcEntry, type AbcInput } from './abc.js';
import { PLACE_COST, prepareBook } from './book.js';
import { addDays, workingDays } from './calendar.js';
import { spreadTasks } from './schedule.js';
import { CLASSES, isIsoDate, type AbcClass, type CountSettings } from './settings.js';

export interface PlanOptions {
  /** The book and ABC date; the period starts the day after. */
  readonly asOf: string;
  /** Calendar days of the period (default 365: one counting cycle). */
  readonly days?: number;
  readonly settings: CountSettings;
  /** When given, the staged data is cleansed first if something was loaded since the last cleanse (as `reconcile` does). */
  readonly config?: WorkspaceConfig;
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
  /** The staged data changed since the last cleanse, so the plan cleansed first. */
  readonly cleansedFirst: boolean;
}

export const DEFAULT_PLAN_DAYS = 365;

/** Move types whose quantity is an issue (usage); other types are receipts, transfers, adjustments. */
const ISSUE_TYPES = "('issue', 'issues', 'sale', 'sales', 'shipment', 'delivery', 'consumption', 'goods_issue', 'out')";

export function planCounts(db: Db, options: PlanOptions): PlanResult {
  const { asOf, settings } = options;
  if (!isIsoDate(asOf)) throw new UsageError(`--as-of must be a date (YYYY-MM-DD), not "${asOf}"`);
  const days = options.days ?? DEFAULT_PLAN_DAYS;
  if (!Number.isInteger(days) || days < 1 || days > 3660) throw new UsageError(`--days must be a whole number from 1 to 3660, not "${String(options.days)}"`);
  const cleansedFirst = options.config !== undefined && cleanseIsStale(db) && (db.prepare('SELECT count(*) AS n FROM sources').get() as { n: number }).n > 0;
  if (cleansedFirst) cleanseWorkspace(db, { config: options.config!, onProgress: options.onProgress });
  if ((db.prepare('SELECT count(*) AS n FROM quantities').get() as { n: number }).n === 0) {
    throw new WorkspaceError('nothing is cleansed yet: the plan needs the book in base units', 'run `invsync load` and `invsync cleanse` first');
  }
  const firstDay = addDays(asOf, 1);
  const lastDay = addDays(asOf, days);
  const calendar = workingDays(firstDay, days, settings.holidays);
  if (calendar.length === 0) throw new UsageError(`no working day between ${firstDay} and ${lastDay}`, 'plan a longer period (--days) or check counts.holidays');

  options.onProgress?.('reading the book', 0);
  prepareBook(db);
  const from = yearBefore(asOf);
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
  const { classTotals, basis } = storeClasses(db, planId, rankSkus(db, asOf, from, settings));

  // The places and their snapshot, set-based: one row per sku × warehouse × location × lot, in ranking order.
  options.onProgress?.('taking the book snapshot', 0);
  db.prepare(
    `INSERT INTO count_places (plan_id, sku, warehouse, location, loc_key, lot, class, book_micro, unit_cost, uom)
     SELECT c.plan_id, b.sku, b.warehouse, b.location, b.loc_key, b.lot, c.class, b.qty, ${PLACE_COST}, (SELECT i.uom FROM items_clean i WHERE i.sku = b.sku)
     FROM count_place_book b JOIN count_classes c ON c.plan_id = ? AND c.sku = b.sku
     ORDER BY b.rowid`,
  ).run(planId);
  db.exec('DROP TABLE IF EXISTS temp.count_place_book; DROP TABLE IF EXISTS temp.count_cost;');
  const placeCount = (db.prepare('SELECT count(*) AS n FROM count_places WHERE plan_id = ?').get(planId) as { n: number }).n;
  const placeIds = new Float64Array(placeCount);
  const classIndex = new Uint8Array(placeCount);
  const opportunity = new Uint8Array(placeCount);
  let i = 0;
  for (const r of db.prepare('SELECT id, class, book_micro <= 0 AS opportunity FROM count_places WHERE plan_id = ? ORDER BY id').raw().iterate(planId) as Iterable<[number, AbcClass, number]>) {
    placeIds[i] = r[0];
    classIndex[i] = CLASSES.indexOf(r[1]);
    opportunity[i] = r[2];
    i++;
  }

  options.onProgress?.('spreading the tasks', placeCount);
  const schedule = spreadTasks(classIndex, opportunity, CLASSES.map((c) => settings.perYear[c]), days, calendar.length);

  options.onProgress?.('storing the tasks', schedule.length);
  // Tasks arrive in place order, so the index by place appends (rebuilding it at the
  // end would sort millions of entries in the temporary store, in memory).
  const taskInsert = new BatchInserter(db, 'count_tasks', ['place_id', 'due_date', 'reason'], { plan_id: planId });
  const perDay = new Int32Array(calendar.length);
  const perClassTasks = { A: 0, B: 0, C: 0 };
  let opportunityCounts = 0;
  for (let p = 0; p < schedule.length; p++) {
    const u = schedule.unit[p]!;
    perDay[schedule.day[p]!]!++;
    perClassTasks[CLASSES[classIndex[u]!]!]++;
    const opp = schedule.opportunity[p] === 1;
    if (opp) opportunityCounts++;
    const at = taskInsert.offset;
    taskInsert.buffer[at] = placeIds[u];
    taskInsert.buffer[at + 1] = calendar[schedule.day[p]!];
    taskInsert.buffer[at + 2] = opp ? 'opportunity' : 'abc';
    taskInsert.commit();
    if (p % 200_000 === 199_999) options.onProgress?.('storing the tasks', p + 1);
  }
  taskInsert.flush();

  const placesPerClass = { A: 0, B: 0, C: 0 };
  for (let k = 0; k < placeCount; k++) placesPerClass[CLASSES[classIndex[k]!]!]++;
  const classes = {} as Record<AbcClass, ClassSummary>;
  for (const c of CLASSES) {
    classes[c] = { skus: classTotals[c].skus, value: classTotals[c].value.toString(), locations: placesPerClass[c], tasks: perClassTasks[c], perYear: settings.perYear[c] };
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
    basis,
    tasks: schedule.length,
    opportunityCounts,
    tasksPerDay: { min: schedule.length ? min : 0, max },
    superseded,
    cleansedFirst,
  };
}

/** Stores the ranking in count_classes; returns what the summary needs (the ranking itself is let go). */
function storeClasses(db: Db, planId: number, ranking: readonly AbcEntry[]): { classTotals: Record<AbcClass, { skus: number; value: DecimalSum }>; basis: { usage: number; onHand: number } } {
  const classTotals = { A: { skus: 0, value: new DecimalSum() }, B: { skus: 0, value: new DecimalSum() }, C: { skus: 0, value: new DecimalSum() } };
  const basis = { usage: 0, onHand: 0 };
  const classInsert = new BatchInserter(db, 'count_classes', ['sku', 'class', 'basis', 'value', 'rank', 'cumulative_before'], { plan_id: planId });
  for (const e of ranking) {
    classTotals[e.class].skus++;
    classTotals[e.class].value.add(e.value);
    if (e.basis === 'usage') basis.usage++;
    else basis.onHand++;
    classInsert.add([e.sku, e.class, e.basis, e.value, e.rank, e.cumulativeBefore]);
  }
  classInsert.flush();
  return { classTotals, basis };
}

/** The ABC ranking of the SKUs on the book (its maps die with this call: a large plan needs the memory later). */
function rankSkus(db: Db, asOf: string, from: string, settings: CountSettings): AbcEntry[] {
  // Annual usage value: issued quantity × unit cost over the twelve months before the as-of date.
  db.exec('DROP TABLE IF EXISTS temp.count_usage; CREATE TEMP TABLE count_usage (sku TEXT PRIMARY KEY, qty INTEGER NOT NULL) WITHOUT ROWID;');
  db.prepare(
    `INSERT INTO count_usage (sku, qty)
     SELECT q.sku, sum(abs(q.qty_micro)) FROM quantities q JOIN moves m ON m.id = q.row_id
     WHERE q.kind = 'moves' AND q.status IN ${USABLE_SQL} AND q.sku IS NOT NULL
       AND substr(m.date, 1, 10) >= ? AND substr(m.date, 1, 10) < ?
       AND (lower(replace(trim(m.type), ' ', '_')) IN ${ISSUE_TYPES} OR (m.type IS NULL AND q.qty_micro < 0))
     GROUP BY q.sku`,
  ).run(from, asOf);
  const rows = db
    .prepare(
      `SELECT s.sku, u.qty AS issued,
              coalesce((SELECT i.unit_cost FROM items_clean i WHERE i.sku = s.sku), (SELECT min(k.cost) FROM count_cost k WHERE k.sku = s.sku)) AS cost
       FROM (SELECT DISTINCT sku FROM count_place_book) s LEFT JOIN count_usage u ON u.sku = s.sku ORDER BY s.sku`,
    )
    .safeIntegers(true);
  const inputs: AbcInput[] = [];
  const withoutUsage = new Map<string, AbcInput & { sum: DecimalSum }>();
  for (const r of rows.iterate() as Iterable<{ sku: string; issued: bigint | null; cost: string | null }>) {
    if (r.issued !== null && r.issued > 0n && r.cost !== null) {
      inputs.push({ sku: r.sku, value: mulDecimals(fromMicro(r.issued), canonicalDecimal(r.cost)), basis: 'usage' });
    } else {
      const entry = { sku: r.sku, value: '0', basis: 'on_hand' as const, sum: new DecimalSum() };
      withoutUsage.set(r.sku, entry);
      inputs.push(entry);
    }
  }
  db.exec('DROP TABLE IF EXISTS temp.count_usage');
  if (inputs.length === 0) throw new WorkspaceError('the book is empty: no erp or wms quantities to count', 'load the book (--as erp or --as wms) and cleanse');
  // On-hand value, for the SKUs without issues in the window only.
  if (withoutUsage.size > 0) {
    const stock = db.prepare(`SELECT b.sku, sum(b.qty) AS qty, ${PLACE_COST} AS cost FROM count_place_book b WHERE b.qty > 0 GROUP BY b.sku, b.warehouse`).safeIntegers(true);
    for (const r of stock.iterate() as Iterable<{ sku: string; qty: bigint; cost: string | null }>) {
      const entry = withoutUsage.get(r.sku);
      if (entry && r.cost !== null) entry.sum.add(mulDecimals(fromMicro(r.qty), canonicalDecimal(r.cost)));
    }
    for (let i = 0; i < inputs.length; i++) {
      const entry = withoutUsage.get(inputs[i]!.sku);
      if (entry) inputs[i] = { sku: entry.sku, value: entry.sum.toString(), basis: 'on_hand' };
    }
  }
  return classify(inputs, settings.cutoffs);
}

/** The same day a year earlier (29 February → 28 February). */
export function yearBefore(iso: string): string {
  const year = String(Number(iso.slice(0, 4)) - 1).padStart(4, '0');
  const monthDay = iso.slice(4) === '-02-29' ? '-02-28' : iso.slice(4);
  return `${year}${monthDay}`;
}
