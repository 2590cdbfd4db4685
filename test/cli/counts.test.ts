/**
 * invsync count plan|sheets|ingest|close on the demo workspace, as a consultant runs
 * them: goldens for the plan, the Odoo import of the closed count per version, the
 * variance lines and the KPIs; the blind sheets read back with exceljs.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { compareNatural } from '../../src/core/counts/calendar.js';
import { SHEET_COLUMNS } from '../../src/core/counts/sheets.js';
import { REPO, normalise, runCli, spawnCli, tempWorkspace } from '../helpers/cli.js';
import { expectGolden } from '../helpers/golden.js';

const CYCLE = path.join(REPO, 'fixtures/demo/cycle-count');
const roundFiles = (round: number): string[] =>
  fs
    .readdirSync(path.join(CYCLE, `round-${round}`))
    .sort()
    .map((f) => path.join(CYCLE, `round-${round}`, f));

let ws: string;

beforeAll(async () => {
  ws = tempWorkspace('invsync-counts-');
  const demo = await runCli(['demo', '--quiet'], { cwd: ws });
  expect(demo.code).toBe(0);
}, 60_000);

async function cycle(version: number): Promise<{ plan: string; close: string; out: string }> {
  const plan = await runCli(['count', 'plan', '--as-of', '2026-06-30', '--days', '7'], { cwd: ws });
  expect(plan.code, plan.stderr).toBe(0);
  const sheets = await runCli(['count', 'sheets', '--out', `sheets-${version}`], { cwd: ws });
  expect(sheets.code, sheets.stderr).toBe(0);
  for (const round of [1, 2, 3]) {
    const ingest = await runCli(['count', 'ingest', ...roundFiles(round)], { cwd: ws });
    expect(ingest.code, ingest.stderr).toBe(0);
  }
  const out = path.join(ws, `out-${version}`);
  const close = await runCli(['count', 'close', '--out', out, '--odoo-version', String(version)], { cwd: ws });
  expect(close.code, close.stderr).toBe(0);
  return { plan: plan.stdout, close: close.stdout, out };
}

/** count-kpi.xlsx read back: the KPIs of count-kpi.json, a line per count-variances.csv row, numbers as numbers. */
async function expectKpiWorkbook(out: string): Promise<void> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(path.join(out, 'count-kpi.xlsx'));
  expect(wb.worksheets.map((s) => s.name)).toEqual(['KPI', 'Counts', 'Unplanned']);
  const kpi = JSON.parse(fs.readFileSync(path.join(out, 'count-kpi.json'), 'utf8')) as { overall: { planned: number; inventoryRecordAccuracy: string; netAdjustmentValue: string } };
  const sheet = wb.getWorksheet('KPI')!;
  expect(sheet.getRow(3).getCell(1).value).toBe('class');
  expect(sheet.getRow(3).font?.bold).toBe(true);
  const all = sheet.getRow(7);
  expect(all.getCell(1).value).toBe('all');
  expect(all.getCell(2).value).toBe(kpi.overall.planned);
  expect(all.getCell(7).value).toBe(Number(kpi.overall.inventoryRecordAccuracy));
  expect(all.getCell(7).numFmt).toBe('0.00%');
  expect(all.getCell(16).value).toBe(Number(kpi.overall.netAdjustmentValue));
  expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 3 });
  const csv = parse(fs.readFileSync(path.join(out, 'count-variances.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
  const counts = wb.getWorksheet('Counts')!;
  expect(counts.actualRowCount - 1).toBe(csv.length);
  const header = (counts.getRow(1).values as unknown[]).slice(1) as string[];
  csv.forEach((line, i) => {
    const row = counts.getRow(i + 2);
    for (const column of ['sku', 'location', 'counted_qty', 'value_impact']) {
      const cell = row.getCell(header.indexOf(column) + 1).value;
      if (column === 'counted_qty' || column === 'value_impact') expect(cell, `${i} ${column}`).toBe(line[column] === '' ? null : Number(line[column]));
      else expect(cell, `${i} ${column}`).toBe(line[column]);
    }
  });
}

describe('invsync count on the demo data', () => {
  it('plans, ingests the bundled sheets round by round and closes to Odoo 17, 18 and 19 (golden)', async () => {
    for (const version of [17, 18, 19]) {
      const r = await cycle(version);
      if (version === 18) {
        expectGolden('counts/plan.txt', normalise(r.plan, ws).replace(/plan \d+ superseded/, 'plan N superseded').replace(/Count plan \d+/, 'Count plan N'));
        expectGolden('counts/close.txt', normalise(r.close, ws).replace(/count plan \d+/, 'count plan N'));
        expectGolden('counts/count-variances.csv', fs.readFileSync(path.join(r.out, 'count-variances.csv'), 'utf8'));
        expectGolden('counts/count-kpi.json', fs.readFileSync(path.join(r.out, 'count-kpi.json'), 'utf8').replace(/"plan": \d+/, '"plan": "N"'));
        await expectKpiWorkbook(r.out);
      }
      expectGolden(`counts/stock.quant-count-odoo${version}.csv`, fs.readFileSync(path.join(r.out, `stock.quant-count-odoo${version}.csv`), 'utf8'));
    }
  }, 120_000);

  it("refers only to what the opening-stock export of the same workspace creates, in the export's columns (17, 18, 19)", async () => {
    const table = (file: string): Record<string, string>[] => (fs.existsSync(file) ? (parse(fs.readFileSync(file, 'utf8'), { columns: true }) as Record<string, string>[]) : []);
    for (const version of [17, 18, 19]) {
      const r = await cycle(version);
      const exported = path.join(ws, `export-${version}`);
      const run = await runCli(['export', 'odoo', '--odoo-version', String(version), '--out', exported], { cwd: ws });
      expect(run.code, run.stderr).toBe(0);
      const quantHeader = fs.readFileSync(path.join(exported, 'stock.quant.001.csv'), 'utf8').split('\n')[0]!.split(',');
      const count = fs.readFileSync(path.join(r.out, `stock.quant-count-odoo${version}.csv`), 'utf8');
      expect(count.split('\n')[0]!.split(',')).toEqual([...quantHeader.filter((c) => c !== 'accounting_date'), 'accounting_date']);
      const rows = parse(count, { columns: true }) as Record<string, string>[];
      expect(rows.length).toBeGreaterThan(0);
      // Complete names: a bin is its parent's complete name / its name; a warehouse's stock is CODE/Stock.
      const locations = new Set([...table(path.join(exported, 'stock.location.csv')).map((l) => `${l.location_id}/${l.name}`), ...table(path.join(exported, 'stock.warehouse.csv')).map((w) => `${w.code}/Stock`)]);
      const products = new Set(table(path.join(exported, 'product.product.csv')).map((p) => p.id));
      const lots = new Map(table(path.join(exported, 'stock.lot.csv')).map((l) => [l.id, l['product_id/id']]));
      const quantPlaces = new Set(fs.readdirSync(exported).filter((f) => f.startsWith('stock.quant.')).flatMap((f) => table(path.join(exported, f)).map((q) => q.location_id)));
      for (const row of rows) {
        expect(locations, row.location_id).toContain(row.location_id);
        expect(products, row['product_id/id']).toContain(row['product_id/id']);
        if (row['lot_id/id']) expect(lots.get(row['lot_id/id']!), row['lot_id/id']).toBe(row['product_id/id']);
      }
      // The bins the adjustments name are ones the export also stocks (the same name, not only a look-alike).
      expect(rows.some((row) => quantPlaces.has(row.location_id!))).toBe(true);
      // Every adjustment is either in the file or reported with its reason.
      const variances = table(path.join(r.out, 'count-variances.csv')).filter((v) => v.adjusted === 'yes');
      const reported = r.close.split('\n').filter((l) => /^ {2}\S+ @ /.test(l));
      expect(rows.length + reported.length).toBe(variances.length);
    }
  }, 120_000);

  it('writes blind sheets: no book quantity, walking order, numeric validation, printable (read back with exceljs)', async () => {
    const plan = await runCli(['count', 'plan', '--as-of', '2026-06-30', '--days', '30'], { cwd: ws });
    expect(plan.code).toBe(0);
    const run = await runCli(['count', 'sheets', '--out', 'blind', '--json'], { cwd: ws });
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as { files: { file: string; lines: number; warehouse: string; date: string }[] };
    expect(result.files.length).toBeGreaterThan(10);
    const names = result.files.map((f) => path.basename(f.file));
    expect(names).toContain('count-2026-07-01-WH-NORTH.xlsx');
    for (const f of result.files) {
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.readFile(f.file);
      expect(wb.worksheets.map((s) => s.name)).toEqual(['Count']);
      const ws1 = wb.worksheets[0]!;
      expect((ws1.getRow(4).values as unknown[]).slice(1)).toEqual([...SHEET_COLUMNS]);
      const locations: string[] = [];
      for (let r = 5; r < 5 + f.lines; r++) {
        const values = (ws1.getRow(r).values as unknown[]).slice(1);
        // Nothing numeric on a blind sheet: codes are text, Counted and Counted by are empty.
        expect(values.filter((v) => typeof v === 'number')).toEqual([]);
        expect(values[7] ?? null).toBeNull();
        expect(values[6]).toBe(f.date);
        expect(String(values[0]).startsWith(`${f.warehouse}/`) || values[0] === f.warehouse).toBe(true);
        locations.push(String(values[0]));
        expect(ws1.getCell(r, 8).dataValidation).toMatchObject({ type: 'decimal', operator: 'greaterThanOrEqual', formulae: [0], showErrorMessage: true });
      }
      expect(ws1.getRow(5 + f.lines).values).toEqual([]);
      expect([...locations].sort(compareNatural)).toEqual(locations);
      expect(ws1.pageSetup).toMatchObject({ orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0, printTitlesRow: '4:4' });
      expect(ws1.headerFooter.oddFooter).toContain('&P of &N');
    }
  }, 60_000);

  it('exit codes: 2 for a bad date, 3 for an unreadable count, 4 without a plan', async () => {
    const fresh = tempWorkspace();
    expect((await runCli(['count', 'sheets'], { cwd: fresh })).code).toBe(4);
    const bad = await runCli(['count', 'plan', '--as-of', '30.06.2026'], { cwd: ws });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--as-of must be a date (YYYY-MM-DD), not "30.06.2026"');
    fs.writeFileSync(path.join(ws, 'typo.csv'), 'sku,location,qty\nPLB-1020,WH-NORTH/A-01-03,four\n');
    const typo = await runCli(['count', 'ingest', 'typo.csv'], { cwd: ws });
    expect(typo.code).toBe(3);
    expect(normalise(typo.stderr, ws)).toMatch(/^error: <ws>\/typo\.csv.*row 2.*\nhint: correct the count sheet and ingest it again: nothing was ingested\n$/);
  });

  it('runs as a real process with --json', () => {
    const run = spawnCli(['count', 'plan', '--as-of', '2026-06-30', '--days', '7', '--json'], { cwd: ws });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ tasks: 37, workingDays: 5, tasksPerDay: { min: 7, max: 8 } });
  });

  it('records each count subcommand and the export in the audit trail by its full name, and reconcile does not cleanse again after them', async () => {
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(path.join(ws, 'invsync.db'), { readonly: true });
    const commands = (db.prepare('SELECT DISTINCT command FROM runs').pluck().all() as string[]).sort();
    db.close();
    expect(commands).toEqual(expect.arrayContaining(['count close', 'count ingest', 'count plan', 'count sheets', 'export odoo']));
    expect(commands.filter((c) => ['plan', 'sheets', 'ingest', 'close', 'odoo'].includes(c))).toEqual([]);
    const reconcile = await runCli(['reconcile', '--out', 'after-count', '--json'], { cwd: ws });
    expect(reconcile.code, reconcile.stderr).toBe(0);
    expect(JSON.parse(reconcile.stdout).cleansedFirst).toBe(false);
  });
});
