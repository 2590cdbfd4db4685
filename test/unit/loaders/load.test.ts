import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/core/errors.js';
import { loadFiles } from '../../../src/core/loaders/load.js';
import { recordedRun } from '../../../src/core/staging/audit.js';
import { openDatabase, type Db } from '../../../src/core/staging/database.js';
import { provenanceOf } from '../../../src/core/staging/provenance.js';
import { tempWorkspace } from '../../helpers/cli.js';

function workspace(): { dir: string; db: Db; write(name: string, content: string | Buffer): string } {
  const dir = tempWorkspace();
  const db = openDatabase(path.join(dir, 'invsync.db'), { create: true });
  return {
    dir,
    db,
    write(name, content) {
      const file = path.join(dir, name);
      fs.writeFileSync(file, content);
      return file;
    },
  };
}

const load = (db: Db, files: string[], kind: string, extra: { mapFile?: string; sheet?: string } = {}) =>
  recordedRun(db, 'load', [], (run) => loadFiles(db, { files, kind, ...extra }, run));

describe('load', () => {
  it('finds the header below title rows, maps synonyms, stops at the totals row', async () => {
    const ws = workspace();
    const file = ws.write(
      'stock.csv',
      'Nordwind Supply - Stock Report\nas at 30.06.2026\n\nItem Code;Bin;Qty on hand;Unit;Extra\n00123;A-01;1.234,5;EA;x\nAB-100;A-02;12 pcs;;y\n;;1.246,5;;\nTotal;;1.246,5;;\n',
    );
    const result = await load(ws.db, [file], 'wms');
    const f = result.files[0]!;
    expect(f.delimiter).toBe(';');
    expect(f.decimalSeparator).toBe(',');
    expect(f.sheets[0]!.headerRow).toBe(4);
    expect(f.sheets[0]!.mapped).toEqual({ sku: 'Item Code', location: 'Bin', qty: 'Qty on hand', uom: 'Unit' });
    expect(f.sheets[0]!.unmapped).toEqual(['Extra']);
    expect(f).toMatchObject({ rowsRead: 4, rowsStaged: 2, rowsRejected: 2, rejectsByReason: { totals_row: 2 } });
    const rows = ws.db.prepare('SELECT sku, location, qty, uom, qty_unit_in_cell, raw FROM wms ORDER BY id').all();
    expect(rows).toEqual([
      { sku: '00123', location: 'A-01', qty: '1234.5', uom: 'EA', qty_unit_in_cell: null, raw: '{"2":"1.234,5","4":"x"}' },
      { sku: 'AB-100', location: 'A-02', qty: '12', uom: 'pcs', qty_unit_in_cell: 'pcs', raw: '{"2":"12 pcs","3":null,"4":"y"}' },
    ]);
  });

  it('keeps every row’s provenance: the cells as read are rebuilt exactly', async () => {
    const ws = workspace();
    const file = ws.write('p.csv', 'sku,location,qty,uom,note\n"[X-1] Widget",B-7,0012.50,,"a, b"\n');
    await load(ws.db, [file], 'counts');
    const id = (ws.db.prepare('SELECT id FROM counts').get() as { id: number }).id;
    const p = provenanceOf(ws.db, 'counts', id)!;
    expect(p).toMatchObject({ file, sheet: '', row: 2, headers: ['sku', 'location', 'qty', 'uom', 'note'] });
    expect(p.cells).toEqual(['[X-1] Widget', 'B-7', '0012.50', null, 'a, b']);
    expect(p.sha256).toMatch(/^[0-9a-f]{64}$/);
    const staged = ws.db.prepare('SELECT sku, description, qty FROM counts').get();
    expect(staged).toEqual({ sku: 'X-1', description: 'Widget', qty: '12.5' });
  });

  it('rebuilds spreadsheet cells with their types: numbers stay numbers', async () => {
    const ws = workspace();
    const ExcelJS = (await import('exceljs')).default;
    const wb = new ExcelJS.Workbook();
    const sheet = wb.addWorksheet('Stock');
    sheet.addRow(['sku', 'location', 'qty', 'unit_cost', 'note']);
    sheet.addRow([123, 'B-1', 12.5, 2203.389892578125, 'x']);
    const file = path.join(ws.dir, 'typed.xlsx');
    await wb.xlsx.writeFile(file);
    await load(ws.db, [file], 'erp');
    const row = ws.db.prepare('SELECT id, sku, qty, unit_cost, raw FROM erp').get() as { id: number; sku: string; qty: string; unit_cost: string; raw: string };
    expect(row).toMatchObject({ sku: '123', qty: '12.5', unit_cost: '2203.38989257813' });
    // 12.5 and 123 come back from their text; the float noise of the cost is kept as it was.
    expect(JSON.parse(row.raw)).toEqual({ 3: 2203.389892578125, 4: 'x', n: [0, 2] });
    expect(provenanceOf(ws.db, 'erp', row.id)!.cells).toEqual([123, 'B-1', 12.5, 2203.389892578125, 'x']);
  });

  it('rejects what it cannot use, with row, column and reason; rows read = staged + rejected', async () => {
    const ws = workspace();
    const file = ws.write('r.csv', 'sku,location,qty\nA,L1,5\n,L2,3\nB,L3,lots\nC,L4,~5\nD,L5,-2\n');
    const result = await load(ws.db, [file], 'counts');
    expect(result.totals).toEqual({ rowsRead: 5, rowsStaged: 2, rowsRejected: 3 });
    const rejects = ws.db.prepare('SELECT row_no, column_name, reason_code, reason FROM rejects ORDER BY row_no').all();
    expect(rejects).toEqual([
      { row_no: 3, column_name: 'sku', reason_code: 'blank_sku', reason: 'no sku; the row reads "L2 | 3"' },
      { row_no: 4, column_name: 'C (qty)', reason_code: 'bad_qty', reason: 'qty "lots" is not a quantity' },
      { row_no: 5, column_name: 'C (qty)', reason_code: 'bad_qty', reason: 'qty "~5" is an approximate quantity, not a count' },
    ]);
  });

  it('loading the same file again replaces its earlier load; a changed file too, and says so', async () => {
    const ws = workspace();
    const file = ws.write('e.csv', 'sku,warehouse,qty\nA,WH1,1\nB,WH1,2\n');
    await load(ws.db, [file], 'erp');
    const again = await load(ws.db, [file], 'erp');
    expect(again.files[0]!.replaced?.how).toBe('unchanged');
    fs.writeFileSync(file, 'sku,warehouse,qty\nA,WH1,5\n');
    const changed = await load(ws.db, [file], 'erp');
    expect(changed.files[0]!.replaced?.how).toBe('changed');
    expect(ws.db.prepare('SELECT sku, qty FROM erp').all()).toEqual([{ sku: 'A', qty: '5' }]);
    expect((ws.db.prepare('SELECT count(*) AS n FROM sources').get() as { n: number }).n).toBe(1);
  });

  it('a failing command leaves the staged data as it was; the audit records the attempt', async () => {
    const ws = workspace();
    const good = ws.write('good.csv', 'sku,warehouse,qty\nA,WH1,1\n');
    await load(ws.db, [good], 'erp');
    const bad = ws.write('bad.csv', 'sku,price\nA,1\n');
    await expect(load(ws.db, [good, bad], 'erp')).rejects.toThrow(InputError);
    expect(ws.db.prepare('SELECT sku, qty FROM erp').all()).toEqual([{ sku: 'A', qty: '1' }]);
    const runs = ws.db.prepare('SELECT outcome, exit_code, inputs FROM runs ORDER BY id').all() as { outcome: string; exit_code: number; inputs: string }[];
    expect(runs.map((r) => [r.outcome, r.exit_code])).toEqual([
      ['success', 0],
      ['failed', 3],
    ]);
    expect(JSON.parse(runs[1]!.inputs)).toHaveLength(2);
  });

  it('a missing required column names the headers seen and the synonyms that would match', async () => {
    const ws = workspace();
    const file = ws.write('m.csv', 'Item Code,Description,Price\nA,Widget,1\n');
    const error = await load(ws.db, [file], 'erp').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toBe(`${file}, row 1: no location or warehouse, qty column; headers seen: "Item Code", "Description", "Price"`);
    expect((error as InputError).hint).toMatch(/^headers that would match: location: "location", "bin", .*qty: "qty", "quantity", /);
  });

  it('a mapping file names headers no synonym knows and supplies constants', async () => {
    const ws = workspace();
    const file = ws.write('x.csv', 'Artikel-Schlüssel;Menge Lager\nA;3\n');
    const map = ws.write('x.yaml', 'columns:\n  sku: Artikel-Schlüssel\n  qty: Menge Lager\nconstants:\n  warehouse: WH-SOUTH\n');
    await load(ws.db, [file], 'erp', { mapFile: map });
    expect(ws.db.prepare('SELECT sku, warehouse, qty FROM erp').all()).toEqual([{ sku: 'A', warehouse: 'WH-SOUTH', qty: '3' }]);
    const typo = ws.write('typo.yaml', 'columns:\n  sku: Artikel\n');
    await expect(load(ws.db, [file], 'erp', { mapFile: typo })).rejects.toThrow(/maps sku to "Artikel", but no row in the first 30 has such a header/);
  });

  it('decides day/month order per file from the data and flags dates it could not decide', async () => {
    const ws = workspace();
    const dmy = ws.write('d.csv', 'sku,qty,date\nA,1,03/04/2026\nB,1,25/04/2026\n');
    const undecided = ws.write('u.csv', 'sku,qty,date\nA,1,03/04/2026\n');
    await load(ws.db, [dmy], 'moves');
    expect(ws.db.prepare('SELECT date, flags FROM moves ORDER BY id').all()).toEqual([
      { date: '2026-04-03', flags: null },
      { date: '2026-04-25', flags: null },
    ]);
    await load(ws.db, [undecided], 'moves');
    expect(ws.db.prepare("SELECT date, flags FROM moves WHERE sku = 'A' ORDER BY id DESC LIMIT 1").get()).toEqual({ date: '2026-04-03', flags: 'date:date_order_ambiguous' });
  });

  it('reads a UTF-8 file that turns out to be Windows-1252 further down as Windows-1252', async () => {
    const ws = workspace();
    const head = Buffer.from(`sku,warehouse,qty,description\n${'A,WH,1,plain\n'.repeat(20000)}`);
    const tail = Buffer.from([...Buffer.from('B,WH,2,caf'), 0xe9, 0x0a]);
    const file = ws.write('late.csv', Buffer.concat([head, tail]));
    const result = await load(ws.db, [file], 'erp');
    expect(result.files[0]!.encoding).toBe('windows-1252');
    expect(ws.db.prepare("SELECT description FROM erp WHERE sku = 'B'").get()).toEqual({ description: 'café' });
  });
});
