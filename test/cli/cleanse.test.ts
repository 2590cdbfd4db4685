import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { normalise, runCli } from '../helpers/cli.js';
import { expectGolden } from '../helpers/golden.js';
import { DEMO, unreviewedSampleWorkspace } from '../helpers/sample.js';

function query<T>(db: string, sql: string): T[] {
  const d = new Database(db, { readonly: true });
  try {
    return d.prepare(sql).all() as T[];
  } finally {
    d.close();
  }
}

/** The sample cutover staged and cleansed in a fresh workspace, before review (test/helpers/sample.ts). */
const demoWorkspace = (): Promise<string> => unreviewedSampleWorkspace();

describe('cleanse on the sample cutover', () => {
  let ws: string;
  let db: string;
  beforeAll(async () => {
    ws = await demoWorkspace();
    db = path.join(ws, 'invsync.db');
  });

  it('maps every spelling to one canonical SKU and says which rule decided (golden)', async () => {
    const run = await runCli(['cleanse'], { cwd: ws });
    expect(run.code, run.stderr).toBe(0);
    expectGolden('cleanse.txt', normalise(run.stdout, ws));
    const xref = query<Record<string, unknown>>(db, 'SELECT spelling, canonical_sku, rule, confidence, status, confirmed_by, kinds, line_count FROM sku_xref ORDER BY spelling');
    expectGolden('sku-xref.json', `${JSON.stringify(xref, null, 1)}\n`);
    const clusters = query<Record<string, unknown>>(db, 'SELECT cluster, sku, survivor, decision, status FROM item_clusters ORDER BY cluster, sku');
    expectGolden('clusters.json', `${JSON.stringify(clusters, null, 1)}\n`);
  });

  it('finds the planted cases', () => {
    const xref = new Map(query<{ spelling: string; canonical_sku: string | null; rule: string; status: string }>(db, 'SELECT * FROM sku_xref').map((r) => [r.spelling, r]));
    expect(xref.get('160')).toMatchObject({ canonical_sku: '00160', rule: 'leading_zeros', status: 'auto' });
    expect(xref.get('plb 1055')).toMatchObject({ canonical_sku: 'PLB-1055', rule: 'match_key', status: 'auto' });
    expect(xref.get('21346-A')).toMatchObject({ canonical_sku: '21346', rule: 'revision_suffix', status: 'auto' });
    expect(xref.get('fst-3052')).toMatchObject({ canonical_sku: 'FST-3052', status: 'merged' });
    expect(xref.get('123457302118')).toMatchObject({ canonical_sku: '1.23457E+11', rule: 'scientific_notation', status: 'review' });
    for (const unmapped of ['WAGO 2273-204', 'GEB-115.890.00.1', 'HIL 435112', 'SAN-0045']) expect(xref.get(unmapped)?.status).toBe('unmapped');
    const clusters = query<{ sku: string; status: string }>(db, 'SELECT sku, status FROM item_clusters');
    const status = (sku: string): string | undefined => clusters.find((c) => c.sku === sku)?.status;
    expect([status('PLB-1001'), status('FST-3052')]).toEqual(['auto_merged', 'auto_merged']);
    expect([status('ELC-2528'), status('PLB1088'), status('PLB-1574')]).toEqual(['review', 'review', 'review']);
    const invalid = query<{ sku: string }>(db, "SELECT sku FROM items_clean WHERE barcode_status LIKE 'invalid%' ORDER BY sku").map((r) => r.sku);
    expect(invalid).toEqual(['ELC-2048', 'ELC-2054', 'FST-3001']);
  });

  it('converts pack units and refuses what it cannot convert, with the reason', () => {
    const q = query<{ sku: string; qty: string; uom: string; qty_base: string | null; status: string }>(db, 'SELECT sku, qty, uom, qty_base, status FROM quantities');
    const find = (sku: string, uom: string): (typeof q)[number] | undefined => q.find((r) => r.sku === sku && r.uom === uom);
    expect(find('PLB-1085', 'BX12')).toMatchObject({ qty: '2', qty_base: '24', status: 'converted' });
    expect(find('PLB-1017', 'CS/24')).toMatchObject({ qty: '3', qty_base: '72', status: 'converted' });
    expect(find('CNS-4015', 'Pack (6)')).toMatchObject({ qty: '4', qty_base: '24', status: 'converted' });
    expect(find('PLB-1065', 'CA')).toMatchObject({ qty: '10', qty_base: '240', status: 'converted' });
    expect(find('FST-3035', 'Stg')).toMatchObject({ qty_base: null, status: 'unknown_unit' });
    expect(find('FST-3028', 'kg')).toMatchObject({ qty_base: null, status: 'cross_category' });
    // Conservation: every staged line with a quantity has exactly one row.
    const staged = query<{ n: number }>(db, "SELECT (SELECT count(*) FROM erp WHERE qty IS NOT NULL) + (SELECT count(*) FROM wms WHERE qty IS NOT NULL) + (SELECT count(*) FROM counts WHERE qty IS NOT NULL) + (SELECT count(*) FROM gl WHERE qty IS NOT NULL) + (SELECT count(*) FROM moves WHERE qty IS NOT NULL) AS n")[0]!.n;
    expect(q.length).toBe(staged);
  });

  it('writes a review workbook: one row per cluster member and spelling, a Decision drop-down', async () => {
    const file = path.join(ws, 'review.xlsx');
    const run = await runCli(['cleanse', '--review', 'review.xlsx'], { cwd: ws });
    expect(run.code, run.stderr).toBe(0);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    expect(wb.worksheets.map((s) => s.name)).toEqual(['Review', 'How to decide']);
    const sheet = wb.getWorksheet('Review')!;
    const rows: string[][] = [];
    sheet.eachRow((row) => rows.push((row.values as unknown[]).slice(1).map((v) => String(v ?? ''))));
    expect(rows[0]).toEqual(['Type', 'Cluster', 'SKU', 'Description', 'UoM', 'Category', 'Unit cost', 'Barcode', 'Seen in', 'Evidence', 'Proposed', 'Decision', 'Target SKU']);
    expectGolden('review-rows.json', `${JSON.stringify(rows, null, 1)}\n`);
    const decision = sheet.getCell(2, 12).dataValidation;
    expect(decision).toMatchObject({ type: 'list', formulae: ['"merge,keep"'] });
    const spellingRow = rows.findIndex((r) => r[0] === 'spelling') + 1;
    expect(sheet.getCell(spellingRow, 12).dataValidation).toMatchObject({ type: 'list', formulae: ['"map,reject"'] });
    // Byte-identical for identical inputs: no timestamp inside.
    const first = fs.readFileSync(file);
    await runCli(['cleanse', '--review', 'review.xlsx'], { cwd: ws });
    expect(fs.readFileSync(file).equals(first)).toBe(true);
  });
});

describe('cleanse --accept', () => {
  it('applies the decisions, and they survive reloading the sources', async () => {
    const ws = await demoWorkspace();
    const db = path.join(ws, 'invsync.db');
    expect((await runCli(['cleanse', '--review', 'review.xlsx'], { cwd: ws })).code).toBe(0);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path.join(ws, 'review.xlsx'));
    const sheet = wb.getWorksheet('Review')!;
    sheet.eachRow((row, n) => {
      if (n === 1) return;
      const sku = String(row.getCell(3).value);
      if (sku === '123457302118') row.getCell(12).value = 'map';
      if (sku === 'PLB1088') row.getCell(12).value = 'merge';
      if (sku === 'ELC-2528' || sku === 'PLB-1574') row.getCell(12).value = 'keep';
    });
    await wb.xlsx.writeFile(path.join(ws, 'reviewed.xlsx'));
    const accept = await runCli(['cleanse', '--accept', 'reviewed.xlsx', '--json'], { cwd: ws });
    expect(accept.code, accept.stderr).toBe(0);
    expect(JSON.parse(accept.stdout)).toMatchObject({ accepted: 4 });
    const check = (): void => {
      const xref = new Map(query<{ spelling: string; canonical_sku: string; status: string; confirmed_by: string }>(db, 'SELECT * FROM sku_xref').map((r) => [r.spelling, r]));
      // The confirmed full code is the item's SKU; the master's rounded key is a spelling of it.
      expect(xref.get('123457302118')).toMatchObject({ canonical_sku: '123457302118', status: 'confirmed', confirmed_by: 'review' });
      expect(xref.get('1.23457E+11')).toMatchObject({ canonical_sku: '123457302118', status: 'confirmed', confirmed_by: 'review' });
      expect(query<{ sku: string }>(db, "SELECT sku FROM items_clean WHERE sku IN ('123457302118', '1.23457E+11')")).toEqual([{ sku: '123457302118' }]);
      expect(xref.get('PLB1088')).toMatchObject({ canonical_sku: 'PLB-1088', status: 'merged' });
      const held = query<{ n: number }>(db, "SELECT count(*) AS n FROM quantities WHERE spelling = '123457302118' AND status = 'review_sku'")[0]!.n;
      expect(held).toBe(0);
    };
    check();
    // Reload a source (its rows get new ids) and cleanse again: the decisions hold.
    expect((await runCli(['load', path.join(DEMO, 'gl/gl-valuation.csv'), '--as', 'gl'], { cwd: ws })).code).toBe(0);
    expect((await runCli(['cleanse'], { cwd: ws })).code).toBe(0);
    check();
    // The same workbook accepted again, once the rounded key is no item of items_clean any more: its target still holds.
    const again = await runCli(['cleanse', '--accept', 'reviewed.xlsx', '--json'], { cwd: ws });
    expect(again.code, again.stderr).toBe(0);
    check();
  });

  it('refuses a decision that is not one, naming the row and column', async () => {
    const ws = await demoWorkspace();
    await runCli(['cleanse', '--review', 'review.xlsx'], { cwd: ws });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path.join(ws, 'review.xlsx'));
    wb.getWorksheet('Review')!.getCell(2, 12).value = 'perhaps';
    await wb.xlsx.writeFile(path.join(ws, 'bad.xlsx'));
    const run = await runCli(['cleanse', '--accept', 'bad.xlsx'], { cwd: ws });
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('sheet "Review", row 2, column "Decision": "perhaps" is not a decision for a duplicate');
  });
});
