/**
 * The count cycle on a small workspace: plan (ABC, spreading, snapshot), ingest with
 * tolerances and the recount flow, unplanned counts, close.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanseWorkspace } from '../../../src/core/cleanse/cleanse.js';
import { nextWorkingDay } from '../../../src/core/counts/calendar.js';
import { closeCounts } from '../../../src/core/counts/close.js';
import { ingestCounts } from '../../../src/core/counts/ingest.js';
import { planCounts } from '../../../src/core/counts/plan.js';
import { countSettings } from '../../../src/core/counts/settings.js';
import { loadFiles } from '../../../src/core/loaders/load.js';
import { recordedRun } from '../../../src/core/staging/audit.js';
import { openDatabase, type Db } from '../../../src/core/staging/database.js';
import { parseWorkspaceConfig } from '../../../src/core/workspace/config.js';

const ITEMS = 'sku,description,uom,unit_cost\nAX,Fast mover,EA,1\nBX,Medium,EA,1\nCX,Slow,EA,2\nZX,Never issued,EA,3\n';
const LOCATIONS = 'location,warehouse\nW1/B-1,W1\nW1/B-2,W1\nW1/B-10,W1\nW1/B-3,W1\n';
const ERP = 'sku,location,qty\nAX,W1/B-1,100\nBX,W1/B-2,100\nCX,W1/B-10,100\nZX,W1/B-3,0\n';
// Issues in the year before 2026-06-30: AX 80, BX 15, CX 2.5 × 2 = 5 (of 100); receipts and older issues do not count.
const MOVES = 'sku,date,qty,type\nAX,2026-01-10,-80,issue\nBX,2026-02-10,-15,issue\nCX,2026-03-10,-2.5,issue\nCX,2025-06-29,-999,issue\nAX,2026-01-11,500,receipt\n';

interface Ws {
  dir: string;
  db: Db;
  write(name: string, text: string): string;
  stage(kind: string, text: string): Promise<void>;
  ingest(...files: [string, string][]): ReturnType<typeof ingestCounts>;
}

async function workspace(): Promise<Ws> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'invsync-counts-'));
  const db = openDatabase(path.join(dir, 'invsync.db'), { create: true });
  const config = parseWorkspaceConfig({}, path.join(dir, 'invsync.yaml'));
  const write = (name: string, text: string): string => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return file;
  };
  const ws: Ws = {
    dir,
    db,
    write,
    stage: async (kind, text) => {
      await recordedRun(db, 'load', [], (run) => loadFiles(db, { files: [write(`${kind}.csv`, text)], kind }, run));
      cleanseWorkspace(db, { config });
    },
    ingest: (...files) => recordedRun(db, 'ingest', [], (run) => ingestCounts(db, { files: files.map(([n, t]) => write(n, t)), config, settings: countSettings(undefined) }, run)),
  };
  await recordedRun(db, 'load', [], async (run) => {
    for (const [kind, text] of Object.entries({ items: ITEMS, locations: LOCATIONS, erp: ERP, moves: MOVES })) await loadFiles(db, { files: [write(`${kind}.csv`, text)], kind }, run);
  });
  cleanseWorkspace(db, { config });
  return ws;
}

const plan = (db: Db, days = 365): ReturnType<typeof planCounts> => planCounts(db, { asOf: '2026-06-30', days, settings: countSettings(undefined) });
const tasks = (db: Db): { sku: string; round: number; status: string; due_date: string; book_micro: number; counted_micro: number | null; reason: string }[] =>
  db.prepare('SELECT p.sku, t.round, t.status, t.due_date, p.book_micro, t.counted_micro, t.reason FROM count_tasks t JOIN count_places p ON p.id = t.place_id ORDER BY t.id').all() as never;

describe('count plan', () => {
  it('classes by usage value in the year before the as-of date, on-hand value where there is none, and says so', async () => {
    const { db } = await workspace();
    const r = plan(db);
    const classes = db.prepare('SELECT sku, class, basis, value FROM count_classes ORDER BY rank').all();
    expect(classes).toEqual([
      { sku: 'AX', class: 'A', basis: 'usage', value: '80' },
      { sku: 'BX', class: 'B', basis: 'usage', value: '15' },
      { sku: 'CX', class: 'C', basis: 'usage', value: '5' },
      { sku: 'ZX', class: 'C', basis: 'on_hand', value: '0' },
    ]);
    expect(r.basis).toEqual({ usage: 3, onHand: 1 });
    expect(r.usageWindow).toEqual({ from: '2025-06-30', to: '2026-06-30' });
  });

  it('counts each place as often as its class requires over a year, never on a weekend, the zero book first', async () => {
    const { db } = await workspace();
    const r = plan(db);
    expect(r.tasks).toBe(12 + 4 + 1 + 1);
    expect(r.workingDays).toBe(261);
    const all = tasks(db);
    const per = (sku: string): number => all.filter((t) => t.sku === sku).length;
    expect([per('AX'), per('BX'), per('CX'), per('ZX')]).toEqual([12, 4, 1, 1]);
    for (const t of all) expect([0, 6]).not.toContain(new Date(`${t.due_date}T00:00:00Z`).getUTCDay());
    expect(all.find((t) => t.sku === 'ZX')).toMatchObject({ reason: 'opportunity', due_date: '2026-07-01' });
    expect(r.tasksPerDay).toEqual({ min: 0, max: 1 });
  });

  it('cleanses first when something was loaded since the last cleanse', async () => {
    const ws = await workspace();
    await recordedRun(ws.db, 'cleanse', [], async () => undefined);
    expect(plan(ws.db).cleansedFirst).toBe(false);
    await recordedRun(ws.db, 'load', [], (run) => loadFiles(ws.db, { files: [ws.write('erp2.csv', 'sku,location,qty\nAX,W1/B-2,7\n')], kind: 'erp' }, run));
    const config = parseWorkspaceConfig({}, path.join(ws.dir, 'invsync.yaml'));
    const r = planCounts(ws.db, { asOf: '2026-06-30', settings: countSettings(undefined), config });
    expect(r.cleansedFirst).toBe(true);
    expect(ws.db.prepare("SELECT book_micro FROM count_places WHERE plan_id = ? AND sku = 'AX' AND loc_key = 'W1/B-2'").get(r.plan)).toEqual({ book_micro: 7_000_000 });
  });

  it('refuses a bad date and a period without working days', async () => {
    const { db } = await workspace();
    expect(() => planCounts(db, { asOf: '2026-02-30', settings: countSettings(undefined) })).toThrow('--as-of must be a date');
    // 2026-07-04 and 05 are a weekend.
    expect(() => planCounts(db, { asOf: '2026-07-03', days: 2, settings: countSettings(undefined) })).toThrow('no working day');
  });
});

describe('count ingest', () => {
  it('compares with the snapshot taken at plan time, not with the book as it is later', async () => {
    const ws = await workspace();
    plan(ws.db);
    // The book changes after planning: AX now 150.
    await ws.stage('erp', ERP.replace('AX,W1/B-1,100', 'AX,W1/B-1,150'));
    const r = await ws.ingest(['c.csv', 'sku,location,qty\nAX,W1/B-1,100\n']);
    expect(r.outcomes).toMatchObject({ accepted: 1, recount: 0 });
    expect(tasks(ws.db).find((t) => t.sku === 'AX' && t.status === 'accepted')).toMatchObject({ book_micro: 100_000_000, counted_micro: 100_000_000 });
  });

  it('accepts within the class tolerance, asks for a recount beyond it; a confirming recount accepts the first count', async () => {
    const ws = await workspace();
    plan(ws.db);
    const first = await ws.ingest(['first.csv', 'sku,location,qty\nAX,W1/B-1,100\nBX,w1/b-2,102\nCX,W1/B-10,106\n']);
    expect(first.outcomes).toEqual({ accepted: 2, recount: 1, third_count: 0, unplanned: 0 });
    const recount = tasks(ws.db).find((t) => t.round === 2)!;
    const counted = tasks(ws.db).find((t) => t.sku === 'CX' && t.round === 1)!;
    // Without a count date the recount is due the working day after the task's day.
    expect(recount).toMatchObject({ sku: 'CX', status: 'open', book_micro: 100_000_000, due_date: nextWorkingDay(counted.due_date) });
    const second = await ws.ingest(['recount.csv', 'sku,location,qty\nCX,W1/B-10,106\n']);
    expect(second.outcomes).toMatchObject({ accepted: 1, third_count: 0 });
    expect(tasks(ws.db).find((t) => t.sku === 'CX' && t.round === 2)).toMatchObject({ status: 'accepted', counted_micro: 106_000_000 });
  });

  it('a recount that disagrees asks for a third count, which decides', async () => {
    const ws = await workspace();
    plan(ws.db);
    await ws.ingest(['first.csv', 'sku,location,qty\nCX,W1/B-10,120\n']);
    const second = await ws.ingest(['recount.csv', 'sku,location,qty\nCX,W1/B-10,100\n']);
    expect(second.outcomes).toMatchObject({ accepted: 0, third_count: 1 });
    const third = await ws.ingest(['third.csv', 'sku,location,qty\nCX,W1/B-10,101\n']);
    expect(third.outcomes).toMatchObject({ accepted: 1 });
    expect(tasks(ws.db).filter((t) => t.sku === 'CX').map((t) => [t.round, t.status, t.counted_micro])).toEqual([
      [1, 'recounted', 120_000_000],
      [2, 'recounted', 100_000_000],
      [3, 'accepted', 101_000_000],
    ]);
  });

  it('keeps counts that match no task as unplanned, with why; a blank count leaves the task open', async () => {
    const ws = await workspace();
    plan(ws.db);
    const r = await ws.ingest(['c.csv', 'sku,location,qty\nAX,W1/B-3,4\nNOPE,W1/B-1,1\nBX,W1/B-2,\n']);
    expect(r).toMatchObject({ rows: 3, blank: 1, counts: 2, outcomes: { accepted: 0, recount: 0, third_count: 0, unplanned: 2 } });
    const kept = ws.db.prepare("SELECT spelling, location, qty, reason FROM count_results WHERE status = 'unplanned' ORDER BY row_no").all();
    expect(kept).toEqual([
      { spelling: 'AX', location: 'W1/B-3', qty: '4', reason: 'not in the plan: no task for this SKU, location and lot' },
      { spelling: 'NOPE', location: 'W1/B-1', qty: '1', reason: 'SKU not in the item master "NOPE"' },
    ]);
    expect(tasks(ws.db).filter((t) => t.sku === 'BX' && t.status === 'open')).toHaveLength(4);
  });

  it('sums the lines of one place in one file, converts units to the base unit', async () => {
    const ws = await workspace();
    plan(ws.db);
    const r = await ws.ingest(['c.csv', 'sku,location,qty,uom\nBX,W1/B-2,4,DZ\nBX,W1/B-2,52,DZ\n']);
    expect(r.counts).toBe(1);
    expect(r.outcomes.accepted).toBe(0); // 56 dozen = 672, far from 100
    expect(ws.db.prepare("SELECT qty, qty_micro FROM count_results WHERE status = 'matched'").get()).toEqual({ qty: '56', qty_micro: 672_000_000 });
  });

  it('fails on an unreadable count with its place, and changes nothing', async () => {
    const ws = await workspace();
    plan(ws.db);
    const before = tasks(ws.db);
    await expect(ws.ingest(['bad.csv', 'sku,location,qty\nAX,W1/B-1,12x3\n'])).rejects.toThrow(/bad\.csv.*row 2.*nothing was ingested|bad\.csv.*row 2/);
    expect(tasks(ws.db)).toEqual(before);
    expect(ws.db.prepare('SELECT count(*) AS n FROM counts').get()).toEqual({ n: 0 });
  });
});

describe('count close', () => {
  it('writes the accepted adjustments and the KPIs, and closes the plan', async () => {
    const ws = await workspace();
    // A month: AX (12 a year) once, ZX (zero book) at the start; BX and CX are not due.
    expect(plan(ws.db, 31).tasks).toBe(2);
    await ws.ingest(['first.csv', 'sku,location,qty\nAX,W1/B-1,100\nZX,W1/B-3,2\n']);
    await ws.ingest(['recount.csv', 'sku,location,qty\nZX,W1/B-3,2\n']);
    const out = path.join(ws.dir, 'out');
    const config = parseWorkspaceConfig({}, path.join(ws.dir, 'invsync.yaml'));
    const r = await recordedRun(ws.db, 'close', [], () => closeCounts(ws.db, { outDir: out, odooVersion: 17, config, settings: countSettings(undefined) }));
    expect(fs.readFileSync(r.files.odoo, 'utf8')).toBe('location_id,product_id/id,lot_id/id,inventory_quantity,accounting_date\nW1/Stock/B-3,invsync_product_ZX,,2,2026-07-02\n');
    expect(r.kpis.overall).toMatchObject({ accepted: 2, hits: 1, inventoryRecordAccuracy: '0.5', recounted: 1, recountRate: '0.5', adjustments: 1, grossAdjustmentValue: '6', netAdjustmentValue: '6' });
    expect(r.kpis.overall.planned).toBe(r.kpis.overall.accepted + r.kpis.overall.pendingRecount + r.kpis.overall.notCounted);
    expect(ws.db.prepare('SELECT status FROM count_plans').get()).toEqual({ status: 'closed' });
    await expect(recordedRun(ws.db, 'close', [], () => closeCounts(ws.db, { outDir: out, odooVersion: 17, config, settings: countSettings(undefined) }))).rejects.toThrow('no open count plan');
  });
});

/** A workspace on disk with `staged` loaded, cleansed and planned, then `counted` ingested twice (count and recount) and closed. */
async function closedWorkspace(prefix: string, staged: Record<string, string>, counted: string, odooVersion: 17 | 18 | 19): Promise<{ db: Db; result: Awaited<ReturnType<typeof closeCounts>> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const db = openDatabase(path.join(dir, 'invsync.db'), { create: true });
  const config = parseWorkspaceConfig({}, path.join(dir, 'invsync.yaml'));
  const write = (name: string, text: string): string => {
    fs.writeFileSync(path.join(dir, name), text);
    return path.join(dir, name);
  };
  await recordedRun(db, 'load', [], async (run) => {
    for (const [kind, text] of Object.entries(staged)) await loadFiles(db, { files: [write(`${kind}.csv`, text)], kind }, run);
  });
  cleanseWorkspace(db, { config });
  plan(db);
  for (const name of ['first.csv', 'recount.csv']) await recordedRun(db, 'ingest', [], (run) => ingestCounts(db, { files: [write(name, counted)], config, settings: countSettings(undefined) }, run));
  const result = await recordedRun(db, 'close', [], () => closeCounts(db, { outDir: path.join(dir, 'out'), odooVersion, config, settings: countSettings(undefined) }));
  return { db, result };
}

describe('count close against the opening-stock export', () => {
  it("refers to the export's lots, and reports the lines the export gives nothing to refer to", async () => {
    const staged = {
      items: 'sku,description,uom,unit_cost,tracking\nLX,Lotted,EA,1,lot\nUX,Untracked,EA,1,none\n',
      locations: LOCATIONS,
      // L2 is negative: the export leaves it out (export.exclude), so it creates no lot L2.
      erp: 'sku,location,lot,qty\nLX,W1/B-1,L1,10\nLX,W1/B-1,L2,-3\nUX,W1/B-2,U1,5\n',
    };
    const { db, result: r } = await closedWorkspace('invsync-counts-lots-', staged, 'sku,location,lot,qty\nLX,W1/B-1,L1,12\nLX,W1/B-1,L2,1\nUX,W1/B-2,U1,4\n', 18);
    expect(r.adjustments).toBe(3);
    expect(fs.readFileSync(r.files.odoo, 'utf8')).toMatch(/^location_id,product_id\/id,lot_id\/id,inventory_quantity,accounting_date\nW1\/Stock\/B-1,invsync_product_LX,invsync_lot_LX_-L1,12,\d{4}-\d{2}-\d{2}\n$/);
    expect(r.notImported.map((n) => [n.sku, n.location, n.lot, n.counted])).toEqual([
      ['LX', 'W1/B-1', 'L2', '1'],
      ['UX', 'W1/B-2', 'U1', '4'],
    ]);
    expect(r.notImported[0]!.reason).toContain('the export creates no such lot');
    expect(r.notImported[1]!.reason).toContain('not tracked by lot');
    // The export's working tables are gone: the close leaves the connection as it found it.
    expect(db.prepare("SELECT count(*) AS n FROM temp.sqlite_master WHERE name IN ('xl', 'op', 'xloc')").get()).toEqual({ n: 0 });
  });
});

describe('count close: one row per quant', () => {
  // The book names the stock of W1 as the warehouse alone and as "W1/Stock": the export
  // makes one quant of W1/Stock of both (its sum), so the close writes that quant once.
  async function closed(counted: string, version: 17 | 18 | 19): Promise<string> {
    const staged = {
      items: 'sku,description,uom,unit_cost\nAX,Fast mover,EA,1\n',
      locations: 'location,warehouse,usage\nW1,W1,view\nW1/Stock,W1,internal\nW1/B-1,W1,internal\n',
      erp: 'sku,warehouse,location,qty\nAX,W1,,10\nAX,W1,W1/Stock,5\nAX,W1,W1/B-1,3\n',
    };
    const { db, result: r } = await closedWorkspace('invsync-counts-quant-', staged, counted, version);
    const text = fs.readFileSync(r.files.odoo, 'utf8').replace(/\d{4}-\d{2}-\d{2}/g, 'DATE');
    db.close();
    return text;
  }

  it.each([17, 18, 19] as const)('Odoo %i: both places adjusted, one row with the sum of their counts', async (version) => {
    expect(await closed('sku,warehouse,location,qty\nAX,W1,W1,12\nAX,W1,W1/Stock,6\nAX,W1,W1/B-1,3\n', version)).toBe(
      'location_id,product_id/id,lot_id/id,inventory_quantity,accounting_date\nW1/Stock,invsync_product_AX,,18,DATE\n',
    );
  });

  it('one place adjusted, the other counted as booked: the quant is the sum of both counts, not the adjusted one alone', async () => {
    expect(await closed('sku,warehouse,location,qty\nAX,W1,W1,12\nAX,W1,W1/Stock,5\nAX,W1,W1/B-1,4\n', 18)).toBe(
      'location_id,product_id/id,lot_id/id,inventory_quantity,accounting_date\nW1/Stock,invsync_product_AX,,17,DATE\nW1/Stock/B-1,invsync_product_AX,,4,DATE\n',
    );
  });

  it('one place adjusted, the other not counted: its book snapshot stays in the quant', async () => {
    expect(await closed('sku,warehouse,location,qty\nAX,W1,W1,12\n', 18)).toBe('location_id,product_id/id,lot_id/id,inventory_quantity,accounting_date\nW1/Stock,invsync_product_AX,,17,DATE\n');
  });
});
