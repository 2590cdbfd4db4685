/**
 * `count ingest`: filled-in count sheets (and plain `counts` files) against the plan.
 *
 * The files are read by the one loader path (header detection, synonyms, value
 * parsing, rejects with file, sheet, row and column): staged inside a savepoint,
 * copied out, and the savepoint rolled back, so a cycle count never becomes part of
 * the wall-to-wall counts the reconciliation compares. A line that cannot be read
 * fails the whole ingest with its place (exit 3), and nothing changes.
 *
 * Each counted line (lines of one file with the same SKU, location and lot are one
 * count, summed) is matched to the open task of its SKU, location and lot (the one
 * due on its count date, else the earliest due), converted to the item's base unit,
 * and compared with the book snapshot the plan took:
 *   - first count within the class tolerance: accepted;
 *   - beyond it: a recount task, due the next working day;
 *   - a recount that confirms the first count (within the tolerance of it) accepts
 *     the first count; one that disagrees asks for a third count;
 *   - the third count decides.
 * A line that matches no open task (SKU or location not in the plan, a place
 * counted again, an unknown SKU or unit) is kept as an unplanned count, with why.
 * A blank Counted cell is no count: the task stays open.
 */
import { InputError, WorkspaceError } from '../errors.js';
import { catalogueFor } from '../cleanse/cleanse.js';
import { toMicro } from '../cleanse/quantities.js';
import { MAPPED_SQL, locationKey } from '../cleanse/sql.js';
import { loadFiles } from '../loaders/load.js';
import { canonicalDecimal, fromMicro, mulDecimals, subDecimals } from '../model/decimal.js';
import { classifyVariance, toleranceFor } from '../reconcile/tolerance.js';
import type { RunContext } from '../staging/audit.js';
import type { Db } from '../staging/database.js';
import { convertQuantity, unitKey } from '../uom/index.js';
import type { WorkspaceConfig } from '../workspace/config.js';
import { nextWorkingDay } from './calendar.js';
import { type CountSettings } from './settings.js';
import { currentPlan } from './state.js';

export interface IngestOptions {
  readonly files: readonly string[];
  readonly config: WorkspaceConfig;
  readonly settings: CountSettings;
  readonly onProgress?: (step: string, count: number) => void;
}

export type LineOutcome = 'accepted' | 'recount' | 'third_count' | 'unplanned';

export interface IngestFileResult {
  readonly file: string;
  readonly rows: number;
  readonly blank: number;
  readonly counts: number;
}

export interface IngestResult {
  readonly plan: number;
  readonly files: readonly IngestFileResult[];
  /** Conservation: rows read = rows with a count + blank rows; counts = accepted + recount + third_count + unplanned. */
  readonly rows: number;
  readonly blank: number;
  readonly counts: number;
  readonly outcomes: Readonly<Record<LineOutcome, number>>;
  readonly unplannedReasons: Readonly<Record<string, number>>;
  readonly openTasks: number;
}

interface StagedLine {
  file: string;
  sha256: string;
  sheet: string;
  row_no: number;
  sku: string | null;
  warehouse: string | null;
  location: string | null;
  lot: string | null;
  qty: string | null;
  uom: string | null;
  unit_in_cell: string | null;
  counter: string | null;
  counted_at: string | null;
}

interface Task {
  id: number;
  round: number;
  parent_id: number | null;
  due_date: string;
  warehouse: string;
  class: string;
  book_micro: bigint;
  unit_cost: string | null;
  counted_micro: bigint | null;
}

export async function ingestCounts(db: Db, options: IngestOptions, run?: RunContext): Promise<IngestResult> {
  const plan = currentPlan(db);
  if (!plan) throw new WorkspaceError('there is no open count plan', 'run `invsync count plan --as-of DATE` first');
  const staged = await stageThroughLoader(db, options.files, run);
  options.onProgress?.('matching counts', staged.length);

  const canonical = new Map<string, string>();
  for (const r of db.prepare(`SELECT spelling, canonical_sku FROM sku_xref WHERE status IN ${MAPPED_SQL} AND canonical_sku IS NOT NULL`).all() as { spelling: string; canonical_sku: string }[]) canonical.set(r.spelling, r.canonical_sku);
  const items = new Map<string, { uom: string | null; packSize: string | null }>();
  for (const r of db.prepare('SELECT sku, uom, pack_size FROM items_clean').all() as { sku: string; uom: string | null; pack_size: string | null }[]) {
    items.set(r.sku, { uom: r.uom, packSize: r.pack_size });
    if (!canonical.has(r.sku)) canonical.set(r.sku, r.sku);
  }
  const catalogue = catalogueFor(options.config);

  // One count per file × SKU spelling × location × lot × unit: a counter may write a place on two lines.
  const files = new Map<string, IngestFileResult & { rows: number; blank: number; counts: number }>();
  const groups = new Map<string, { first: StagedLine; qty: string; rows: number[] }>();
  for (const line of staged) {
    const f = files.get(line.file) ?? { file: line.file, rows: 0, blank: 0, counts: 0 };
    files.set(line.file, f);
    f.rows++;
    if (line.qty === null) {
      f.blank++;
      continue;
    }
    const location = line.location ?? line.warehouse ?? '';
    const key = [line.file, line.sku ?? '', locationKey(location), line.lot ?? '', line.uom ?? line.unit_in_cell ?? ''].join('\u0000');
    const g = groups.get(key);
    if (g) {
      g.qty = canonicalDecimal(addText(g.qty, line.qty));
      g.rows.push(line.row_no);
    } else {
      groups.set(key, { first: line, qty: line.qty, rows: [line.row_no] });
      f.counts++;
    }
  }

  const TASK = `SELECT t.id, t.round, t.parent_id, t.due_date, p.warehouse, p.class, p.book_micro, p.unit_cost, t.counted_micro
                FROM count_tasks t JOIN count_places p ON p.id = t.place_id`;
  const findTask = db
    .prepare(`${TASK} WHERE p.plan_id = ? AND p.sku = ? AND p.loc_key = ? AND p.lot = ? AND t.status = 'open' ORDER BY t.due_date = ? DESC, t.due_date, t.id LIMIT 1`)
    .safeIntegers(true);
  const seenPlace = db.prepare('SELECT 1 FROM count_places WHERE plan_id = ? AND sku = ? AND loc_key = ? AND lot = ? LIMIT 1');
  const taskById = db.prepare(`${TASK} WHERE t.id = ?`).safeIntegers(true);
  const insertResult = db.prepare(
    `INSERT INTO count_results (plan_id, task_id, status, reason, spelling, sku, warehouse, location, lot, qty, uom, qty_micro, counter, counted_at, file, sha256, sheet, row_no, run_id)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const setTask = db.prepare('UPDATE count_tasks SET status = ?, counted_micro = ?, result_id = ? WHERE id = ?');
  const addTask = db.prepare(
    `INSERT INTO count_tasks (plan_id, place_id, round, parent_id, due_date, reason)
     SELECT plan_id, place_id, ?, id, ?, 'recount' FROM count_tasks WHERE id = ?`,
  );

  const outcomes: Record<LineOutcome, number> = { accepted: 0, recount: 0, third_count: 0, unplanned: 0 };
  const unplannedReasons: Record<string, number> = {};
  for (const { first: line, qty, rows } of groups.values()) {
    const location = line.location ?? line.warehouse ?? '';
    const lot = line.lot ?? '';
    const unit = line.uom ?? line.unit_in_cell;
    const record = (status: string, reason: string | null, sku: string | null, micro: bigint | null, taskId: number | null): number =>
      Number(
        insertResult.run(plan.id, taskId, status, reason, line.sku, sku, line.warehouse, location, lot, qty, unit, micro, line.counter, line.counted_at, line.file, line.sha256, line.sheet, rows[0]!, run?.runId ?? null).lastInsertRowid,
      );
    const unplanned = (reason: string, sku: string | null, micro: bigint | null): void => {
      record('unplanned', rows.length > 1 ? `${reason} (rows ${rows.join(', ')})` : reason, sku, micro, null);
      outcomes.unplanned++;
      const short = reason.replace(/ ".*$/, '').replace(/:.*$/, '');
      unplannedReasons[short] = (unplannedReasons[short] ?? 0) + 1;
    };
    const sku = line.sku === null ? undefined : canonical.get(line.sku);
    if (sku === undefined) {
      unplanned(line.sku === null ? 'no SKU' : `SKU not in the item master "${line.sku}"`, null, null);
      continue;
    }
    const base = toBase(sku, qty, unit, items.get(sku), catalogue, options.config.odooVersion);
    if (!base.ok) {
      unplanned(`unit not convertible: ${base.reason}`, sku, null);
      continue;
    }
    const micro = toMicro(base.qty);
    const task = asTask(findTask.get(plan.id, sku, locationKey(location), lot, line.counted_at?.slice(0, 10) ?? ''));
    if (!task) {
      const seen = seenPlace.get(plan.id, sku, locationKey(location), lot);
      unplanned(seen ? 'counted already: no open task for this place' : 'not in the plan: no task for this SKU, location and lot', sku, micro);
      continue;
    }
    const resultId = record('matched', null, sku, micro, Number(task.id));
    const tolerance = toleranceFor(options.settings.tolerances, null, task.class);
    const cost = task.unit_cost;
    const within = (counted: bigint, reference: bigint): boolean => {
      const variance = subDecimals(fromMicro(counted), fromMicro(reference));
      const verdict = classifyVariance(tolerance, variance, fromMicro(reference), cost === null ? null : mulDecimals(variance, cost));
      return verdict === 'match' || verdict === 'within_tolerance';
    };
    const countDay = line.counted_at?.slice(0, 10) ?? task.due_date;
    const recountDay = nextWorkingDay(countDay > task.due_date ? countDay : task.due_date, options.settings.holidays);
    if (task.round === 1) {
      if (within(micro, task.book_micro)) {
        setTask.run('accepted', micro, resultId, task.id);
        outcomes.accepted++;
      } else {
        setTask.run('recounted', micro, resultId, task.id);
        addTask.run(2, recountDay, task.id);
        outcomes.recount++;
      }
    } else if (task.round === 2) {
      const firstCount = asTask(taskById.get(task.parent_id))!;
      if (within(micro, firstCount.counted_micro!)) {
        // The recount confirms the first count: that count is the result.
        setTask.run('accepted', firstCount.counted_micro, resultId, task.id);
        outcomes.accepted++;
      } else {
        setTask.run('recounted', micro, resultId, task.id);
        addTask.run(3, recountDay, task.id);
        outcomes.third_count++;
      }
    } else {
      // The third count decides.
      setTask.run('accepted', micro, resultId, task.id);
      outcomes.accepted++;
    }
  }
  const openTasks = (db.prepare("SELECT count(*) AS n FROM count_tasks WHERE plan_id = ? AND status = 'open'").get(plan.id) as { n: number }).n;
  const fileList = [...files.values()];
  return {
    plan: plan.id,
    files: fileList,
    rows: staged.length,
    blank: fileList.reduce((s, f) => s + f.blank, 0),
    counts: groups.size,
    outcomes,
    unplannedReasons,
    openTasks,
  };
}

/** A task row read with safe integers: ids and rounds as numbers, quantities as BigInt. */
function asTask(row: unknown): Task | undefined {
  if (!row) return undefined;
  const r = row as Record<string, unknown>;
  return { ...(r as unknown as Task), id: Number(r.id), round: Number(r.round), parent_id: r.parent_id === null ? null : Number(r.parent_id) };
}

function addText(a: string, b: string): string {
  return fromMicro(toMicro(a) + toMicro(b));
}

type BaseQty = { ok: true; qty: string } | { ok: false; reason: string };

function toBase(sku: string, qty: string, unit: string | null, item: { uom: string | null; packSize: string | null } | undefined, catalogue: ReturnType<typeof catalogueFor>, odooVersion: 17 | 18 | 19): BaseQty {
  const base = item?.uom ?? null;
  if (unit === null || unit.trim() === '' || (base !== null && unitKey(unit) === unitKey(base))) return { ok: true, qty };
  if (base === null) return { ok: false, reason: `the item master gives ${sku} no unit` };
  const converted = convertQuantity({
    qty,
    from: unit,
    to: base,
    sku,
    itemConversions: { sku, baseUnit: base, ...(item?.packSize ? { packSize: item.packSize } : {}) },
    rounding: 'HALF-UP',
    odooVersion,
    catalogue,
  });
  return converted.ok ? { ok: true, qty: canonicalDecimal(converted.qty) } : { ok: false, reason: converted.message };
}

/**
 * Reads the files through the loader (as kind `counts`) inside a savepoint, copies the
 * staged lines out, and rolls the staging back. A rejected row fails the ingest.
 */
async function stageThroughLoader(db: Db, files: readonly string[], run?: RunContext): Promise<StagedLine[]> {
  const before = (db.prepare('SELECT coalesce(max(id), 0) AS id FROM sources').get() as { id: number }).id;
  db.exec('SAVEPOINT count_ingest');
  try {
    await loadFiles(db, { files, kind: 'counts' }, run);
    const reject = db
      .prepare(
        `SELECT s.path, sh.name AS sheet, r.row_no, r.column_name, r.reason, (SELECT count(*) FROM rejects r2 JOIN source_sheets sh2 ON sh2.id = r2.sheet_id WHERE sh2.source_id > ?) AS n
         FROM rejects r JOIN source_sheets sh ON sh.id = r.sheet_id JOIN sources s ON s.id = sh.source_id
         WHERE s.id > ? ORDER BY s.id, sh.id, r.row_no LIMIT 1`,
      )
      .get(before, before) as { path: string; sheet: string; row_no: number; column_name: string | null; reason: string; n: number } | undefined;
    if (reject) {
      throw new InputError(
        { file: reject.path, sheet: reject.sheet, row: reject.row_no, column: reject.column_name ?? undefined },
        `${reject.reason}${reject.n > 1 ? ` (and ${reject.n - 1} more unreadable line${reject.n > 2 ? 's' : ''})` : ''}`,
        'correct the count sheet and ingest it again: nothing was ingested',
      );
    }
    const lines = db
      .prepare(
        `SELECT s.path AS file, s.sha256, sh.name AS sheet, c.row_no, c.sku, c.warehouse, c.location, c.lot, c.qty, c.uom, c.qty_unit_in_cell AS unit_in_cell, c.counter, c.counted_at
         FROM counts c JOIN source_sheets sh ON sh.id = c.sheet_id JOIN sources s ON s.id = sh.source_id
         WHERE s.id > ? ORDER BY s.id, sh.id, c.row_no`,
      )
      .all(before) as StagedLine[];
    return lines;
  } finally {
    db.exec('ROLLBACK TO count_ingest');
    db.exec('RELEASE count_ingest');
  }
}
