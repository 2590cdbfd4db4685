/**
 * Real files, tested: every file in ../shared/samples (wild/ and the Odoo import
 * templates of 17.0, 18.0 and 19.0) loaded through the CLI with the kind it can
 * serve, asserting the real result: exit code, rows staged and rejected per sheet,
 * which header mapped to which canonical column, and staged values read back from
 * the database. The expected figures were verified by reading each file with other
 * tools (xlrd, openpyxl, Python's csv) and agree with ../shared/samples/README.md.
 *
 * The samples are not part of this repository (never copy them in); on a clone
 * without ../shared/samples the whole suite is skipped, with a warning.
 * Mapping files for headers no synonym can know are in fixtures/sample-maps/.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FileResult, LoadResult, SheetResult } from '../../src/core/loaders/load.js';
import { REPO, runCli, SHARED_SAMPLES, tempWorkspace, type CliRun } from '../helpers/cli.js';

const HAVE = fs.existsSync(SHARED_SAMPLES);
if (!HAVE) console.warn(`test/cli/samples.test.ts skipped: ../shared/samples not present (looked for ${SHARED_SAMPLES})`);

const MAPS = path.join(REPO, 'fixtures/sample-maps');
const ODOO_VERSIONS = ['17.0', '18.0', '19.0'] as const;

type Row = Record<string, unknown>;

interface Loaded {
  /** The sample's absolute path, as the CLI was given it. */
  readonly file: string;
  readonly run: CliRun;
  readonly db: string;
  readonly result?: LoadResult;
}

let ws = '';
let serial = 0;

/** `invsync load SAMPLE --as KIND --json --db <fresh db> [--map fixtures/sample-maps/MAP]`. */
async function load(rel: string, kind: string, map?: string): Promise<Loaded> {
  const file = path.join(SHARED_SAMPLES, rel);
  const db = path.join(ws, `load-${++serial}.db`);
  const args = ['load', file, '--as', kind, '--json', '--db', db];
  if (map) args.push('--map', path.join(MAPS, map));
  const run = await runCli(args, { cwd: ws });
  let result: LoadResult | undefined;
  if (run.code === 0) result = JSON.parse(run.stdout) as LoadResult;
  return { file, run, db, result };
}

/** The one file's result of a successful load (fails the test, showing stderr, otherwise). */
function ok(l: Loaded): FileResult {
  expect(l.run.code, `exit code of load ${l.file}; stderr: ${l.run.stderr}`).toBe(0);
  expect(l.result?.files).toHaveLength(1);
  return l.result!.files[0]!;
}

function sheetOf(l: Loaded, name: string): SheetResult {
  const f = ok(l);
  const s = f.sheets.find((x) => x.name === name);
  expect(s, `sheet "${name}" among ${JSON.stringify(f.sheets.map((x) => x.name))}`).toBeDefined();
  return s!;
}

function query<T = Row>(db: string, sql: string, ...params: unknown[]): T[] {
  const d = new Database(db, { readonly: true, fileMustExist: true });
  try {
    return d.prepare(sql).all(...params) as T[];
  } finally {
    d.close();
  }
}

function one<T = Row>(db: string, sql: string, ...params: unknown[]): T {
  const rows = query<T>(db, sql, ...params);
  expect(rows, sql).toHaveLength(1);
  return rows[0]!;
}

function count(db: string, sql: string, ...params: unknown[]): number {
  return one<{ n: number }>(db, sql, ...params).n;
}

/** Rows read = rows staged + rows rejected, and the database holds exactly those. */
function expectConserved(l: Loaded, kind: string): void {
  const f = ok(l);
  expect(f.rowsRead).toBe(f.rowsStaged + f.rowsRejected);
  expect(f.rowsStaged).toBe(f.sheets.reduce((n, s) => n + s.rowsStaged, 0));
  expect(f.rowsRejected).toBe(f.sheets.reduce((n, s) => n + s.rowsRejected, 0));
  expect(count(l.db, `SELECT count(*) AS n FROM ${kind}`)).toBe(f.rowsStaged);
  expect(count(l.db, 'SELECT count(*) AS n FROM rejects')).toBe(f.rowsRejected);
}

/** Exit 3, one `error:` line (plus an optional `hint:`) naming the file, no stack trace. */
function expectInputError(l: Loaded, ...mentions: (string | RegExp)[]): string {
  expect(l.run.code, `exit code of load ${l.file}; stderr: ${l.run.stderr}`).toBe(3);
  const lines = l.run.stderr.split('\n').filter((line) => line !== '');
  expect(lines.length, l.run.stderr).toBeGreaterThanOrEqual(1);
  expect(lines.length, l.run.stderr).toBeLessThanOrEqual(2);
  expect(lines[0]).toMatch(/^error: /);
  if (lines[1] !== undefined) expect(lines[1]).toMatch(/^hint: /);
  expect(lines[0]).toContain(l.file);
  for (const m of mentions) {
    if (typeof m === 'string') expect(lines[0]).toContain(m);
    else expect(lines[0]).toMatch(m);
  }
  expect(l.run.stderr + l.run.stdout).not.toContain('    at ');
  return lines[0]!;
}

/** Exact sum of canonical decimal strings (no floating point). */
function decimalSum(values: readonly (string | null)[]): string {
  let scale = 0;
  for (const v of values) if (v) scale = Math.max(scale, (v.split('.')[1] ?? '').length);
  let total = 0n;
  for (const v of values) {
    if (!v) continue;
    const negative = v.startsWith('-');
    const [int, frac = ''] = v.replace(/^-/, '').split('.');
    const n = BigInt(`${int}${frac.padEnd(scale, '0')}`);
    total += negative ? -n : n;
  }
  const negative = total < 0n;
  const digits = (negative ? -total : total).toString().padStart(scale + 1, '0');
  let text = scale ? `${digits.slice(0, -scale)}.${digits.slice(-scale)}` : digits;
  if (scale) text = text.replace(/0+$/, '').replace(/\.$/, '');
  return `${negative ? '-' : ''}${text}`;
}

function column(db: string, sql: string): (string | null)[] {
  return query<{ v: string | null }>(db, sql).map((r) => r.v);
}

describe.skipIf(!HAVE)('Real files, tested (../shared/samples)', () => {
  beforeAll(() => {
    ws = tempWorkspace('invsync-samples-');
  });
  afterAll(() => {
    if (ws) fs.rmSync(ws, { recursive: true, force: true });
  });

  // ---------------------------------------------------------------------------
  // wild/

  describe('wild/sap-mb52-stock-by-batch-ptbr.xlsx as erp', () => {
    let l: Loaded;
    beforeAll(async () => {
      l = await load('wild/sap-mb52-stock-by-batch-ptbr.xlsx', 'erp');
    });

    it('stages 6,838 rows and rejects the unlabelled grand total as totals_row', () => {
      const f = ok(l);
      expect(f.format).toBe('xlsx');
      expect(f.sheets.map((s) => s.name)).toEqual(['Sheet1']);
      const s = sheetOf(l, 'Sheet1');
      expect(s.headerRow).toBe(1);
      expect([s.rowsStaged, s.rowsRejected]).toEqual([6838, 1]);
      expect(f.rejectsByReason).toEqual({ totals_row: 1 });
      expect(query(l.db, 'SELECT row_no, reason_code FROM rejects')).toEqual([{ row_no: 6840, reason_code: 'totals_row' }]);
      expectConserved(l, 'erp');
    });

    it('maps the Portuguese SAP headers', () => {
      expect(sheetOf(l, 'Sheet1').mapped).toEqual({
        location: 'Depósito',
        warehouse: 'Centro',
        sku: 'Material',
        description: 'Texto breve material',
        lot: 'Lote',
        qty: 'Utilização livre',
        uom: 'UM básica',
        value: 'Val.utiliz.livre',
      });
      expect(sheetOf(l, 'Sheet1').unmapped).toEqual(expect.arrayContaining(['Controle qualidade', 'Bloqueado', 'Trânsito e TE']));
    });

    it('stages the values as SAP wrote them', () => {
      expect(one(l.db, 'SELECT sku, warehouse, location, lot, qty, uom, value, description, flags FROM erp WHERE row_no = 2')).toEqual({
        sku: '696535',
        warehouse: 'BRAB',
        location: 'RT01',
        lot: 'DRA06585',
        qty: '0',
        uom: 'UNT',
        value: '0',
        description: null,
        flags: 'code_stored_as_number',
      });
      expect(one(l.db, 'SELECT sku, location, lot, qty, value, description FROM erp WHERE row_no = 6836')).toEqual({
        sku: '715177',
        location: 'MA01',
        lot: 'EKP14573',
        qty: '403',
        value: '3892.98',
        description: 'Zodel Comp Rev 50mg c/ 30 (C1)',
      });
      // 88 plant-level rows without a storage location (the 89th blank is the total);
      // 31 rows without a batch, 8 without a description; every UoM is UNT.
      expect(count(l.db, 'SELECT count(*) AS n FROM erp WHERE location IS NULL')).toBe(88);
      expect(count(l.db, 'SELECT count(*) AS n FROM erp WHERE warehouse IS NULL')).toBe(0);
      expect(count(l.db, 'SELECT count(*) AS n FROM erp WHERE lot IS NULL')).toBe(31);
      expect(count(l.db, 'SELECT count(*) AS n FROM erp WHERE description IS NULL')).toBe(8);
      expect(query(l.db, 'SELECT DISTINCT uom FROM erp')).toEqual([{ uom: 'UNT' }]);
    });

    it('adds up to the grand total SAP printed, to the last digit', () => {
      const total = JSON.parse(one<{ raw: string }>(l.db, 'SELECT raw FROM rejects').raw) as unknown[];
      expect(total[5]).toBe(62038330); // Utilização livre
      expect(total[13]).toBe(713810360.77); // Val.utiliz.livre
      expect(decimalSum(column(l.db, 'SELECT qty AS v FROM erp'))).toBe('62038330');
      expect(decimalSum(column(l.db, 'SELECT value AS v FROM erp'))).toBe('713810360.77');
    });
  });

  describe('wild/wms-stock-by-lot-lpn-zh.xlsx as wms', () => {
    let l: Loaded;
    beforeAll(async () => {
      l = await load('wild/wms-stock-by-lot-lpn-zh.xlsx', 'wms');
    });

    it('stages the 4,443 rows of sheet BRITA and skips the empty Sheet1', () => {
      const f = ok(l);
      expect(f.sheets.map((s) => s.name)).toEqual(['BRITA', 'Sheet1']);
      const s = sheetOf(l, 'BRITA');
      expect([s.headerRow, s.rowsStaged, s.rowsRejected]).toEqual([1, 4443, 0]);
      // The used range runs to row 11,077: rows 4,445..11,077 exist but are empty.
      expect(f.blankRows).toBe(6633);
      const empty = sheetOf(l, 'Sheet1');
      expect(empty.headerRow).toBeUndefined();
      expect(empty.skipped).toMatch(/no header row/);
      expectConserved(l, 'wms');
    });

    it('maps the Chinese WMS headers', () => {
      expect(sheetOf(l, 'BRITA').mapped).toEqual({
        warehouse: '仓库ID',
        sku: '产品',
        description: '中文描述',
        lot: '批次',
        location: '库位',
        uom: '单位',
        qty: '库存数量',
        expiry: '失效日期',
        status: '质量状态',
      });
    });

    it('stages SKUs as text, ISO text dates as dates, and the quantities exactly', () => {
      expect(one(l.db, 'SELECT sku, warehouse, location, lot, qty, uom, expiry, status, flags FROM wms WHERE row_no = 2')).toEqual({
        sku: '1046726',
        warehouse: 'WH01',
        location: '1A00101',
        lot: 'LT00048387',
        qty: '96',
        uom: 'EA',
        expiry: '2033-04-02',
        status: 'N',
        flags: null,
      });
      expect(decimalSum(column(l.db, 'SELECT qty AS v FROM wms'))).toBe('864978');
      expect(count(l.db, 'SELECT count(DISTINCT sku) AS n FROM wms')).toBe(169);
      expect(count(l.db, 'SELECT count(DISTINCT location) AS n FROM wms')).toBe(4215);
    });

    it('decodes the _x000D_ escapes in descriptions (278 rows)', () => {
      // OOXML writes a carriage return inside a string as _x000D_; a reader must decode it.
      expect(count(l.db, "SELECT count(*) AS n FROM wms WHERE description LIKE '%\\_x000D\\_%' ESCAPE '\\'")).toBe(0);
      const d = one<{ description: string }>(l.db, 'SELECT description FROM wms WHERE row_no = 8').description;
      expect(d.startsWith('"Style XL LED4W Mxplus blue NT CU CNO')).toBe(true);
      expect(d).toContain('滤水壶; Style 中国蓝 一壶一芯');
    });
  });

  describe('wild/stock-summary-report-india.xlsx', () => {
    describe('as erp, with a map that only adds the missing warehouse', () => {
      let l: Loaded;
      beforeAll(async () => {
        l = await load('wild/stock-summary-report-india.xlsx', 'erp', 'stock-summary-erp.yaml');
      });

      it('finds the header in row 4 under the title rows, stages 1,067 items, rejects 29 group and 30 subtotal rows', () => {
        const s = sheetOf(l, 'Stock Summary');
        expect([s.headerRow, s.rowsStaged, s.rowsRejected]).toEqual([4, 1067, 59]);
        expect(ok(l).rejectsByReason).toEqual({ blank_sku: 29, totals_row: 30 });
        expectConserved(l, 'erp');
      });

      it('maps Code to sku and Item to description (not the other way round)', () => {
        expect(sheetOf(l, 'Stock Summary').mapped).toEqual({
          description: 'Item',
          sku: 'Code',
          uom: 'Unit',
          qty: 'Closing',
          value: 'Closing Value(₹)',
        });
      });

      it('keeps leading zeros and negative closing stock; the constant warehouse is on every row', () => {
        expect(one(l.db, "SELECT sku, description, uom, qty, value, warehouse FROM erp WHERE sku = '0001294'")).toEqual({
          sku: '0001294',
          description: 'Crompton 400mm HS Torpedo Wall Fan',
          uom: 'NOS',
          qty: '3',
          value: '2203.38989257813',
          warehouse: 'ALL',
        });
        expect(one(l.db, "SELECT sku, qty FROM erp WHERE row_no = 9")).toEqual({ sku: '00001537', qty: '-6' });
        expect(count(l.db, "SELECT count(*) AS n FROM erp WHERE qty LIKE '-%'")).toBe(263);
        expect(count(l.db, "SELECT count(*) AS n FROM erp WHERE warehouse = 'ALL'")).toBe(1067);
      });
    });

    describe('as items, with every column spelled out', () => {
      let l: Loaded;
      beforeAll(async () => {
        l = await load('wild/stock-summary-report-india.xlsx', 'items', 'stock-summary-items-explicit.yaml');
      });

      it('stages 1,067 items under the header in row 4', () => {
        const s = sheetOf(l, 'Stock Summary');
        expect([s.headerRow, s.rowsStaged, s.rowsRejected]).toEqual([4, 1067, 59]);
        expect(s.mapped).toEqual({ description: 'Item', sku: 'Code', uom: 'Unit', category: 'Category' });
        expectConserved(l, 'items');
      });

      it('keeps the SKUs\' leading zeros, of varying width', () => {
        expect(one(l.db, "SELECT row_no, sku, description, uom, category, flags FROM items WHERE sku = '0001294'")).toEqual({
          row_no: 6,
          sku: '0001294',
          description: 'Crompton 400mm HS Torpedo Wall Fan',
          uom: 'NOS',
          category: 'Default',
          flags: null,
        });
        expect(one(l.db, 'SELECT sku FROM items WHERE row_no = 9')).toEqual({ sku: '00001537' });
        expect(count(l.db, 'SELECT count(DISTINCT sku) AS n FROM items')).toBe(1053); // 14 codes repeat
      });

      it('rejects the 29 "Group Name:" rows as blank_sku and the 30 unlabelled subtotal rows as totals_row', () => {
        expect(count(l.db, "SELECT count(*) AS n FROM rejects WHERE reason_code = 'blank_sku' AND raw LIKE '%Group Name:%'")).toBe(29);
        expect(ok(l).rejectsByReason).toEqual({ blank_sku: 29, totals_row: 30 });
        expect(one(l.db, 'SELECT reason_code FROM rejects WHERE row_no = 1130')).toEqual({ reason_code: 'totals_row' });
      });
    });

    it('as items without a map, the synonyms take Code for sku and Item for description', async () => {
      const l = await load('wild/stock-summary-report-india.xlsx', 'items');
      expect(sheetOf(l, 'Stock Summary').mapped).toMatchObject({ sku: 'Code', description: 'Item' });
    });
  });

  describe('wild/fairtrade-shop-artikelliste-de.csv as items', () => {
    it('reads the semicolon CSV with decimal comma and maps the German headers', async () => {
      const l = await load('wild/fairtrade-shop-artikelliste-de.csv', 'items');
      const f = ok(l);
      expect([f.format, f.encoding, f.delimiter, f.decimalSeparator]).toEqual(['csv', 'utf-8', ';', ',']);
      const s = f.sheets[0]!;
      expect([s.headerRow, s.rowsStaged, s.rowsRejected]).toEqual([1, 1184, 0]);
      expect(s.mapped).toEqual({
        category: '#Produktgruppe',
        sku: 'Artikelnummer',
        description: 'Bezeichnung',
        barcode: 'Barcode',
        pack_size: 'VPE',
        unit_cost: 'EK-Preis',
      });
      // EK-Preis and Barcode are empty on every row.
      expect(count(l.db, 'SELECT count(*) AS n FROM items WHERE unit_cost IS NULL AND barcode IS NULL')).toBe(1184);
      expectConserved(l, 'items');
    });

    it('stages decimal-comma prices as canonical decimals ("4,49" → "4.49")', async () => {
      const l = await load('wild/fairtrade-shop-artikelliste-de.csv', 'items', 'fairtrade-items.yaml');
      const s = ok(l).sheets[0]!;
      expect(s.mapped.unit_cost).toBe('VK-Preis');
      expect([s.rowsStaged, s.rowsRejected]).toEqual([1184, 0]);
      expect(one(l.db, "SELECT row_no, description, unit_cost, pack_size, category FROM items WHERE sku = 'at113120'")).toEqual({
        row_no: 2,
        description: '"Oromia" Gourmetkaffee 250g, gem., kbA 250g',
        unit_cost: '4.49',
        pack_size: '20',
        category: 'Kaffee',
      });
      expect(one(l.db, "SELECT description, unit_cost FROM items WHERE sku = 'at113002'")).toEqual({
        description: '„Oromia“, Sidamo, Bohne Großverbraucher 1000g',
        unit_cost: '17.5',
      });
      expect(count(l.db, 'SELECT count(*) AS n FROM items WHERE unit_cost IS NULL')).toBe(3);
      expect(count(l.db, 'SELECT count(DISTINCT sku) AS n FROM items')).toBe(1183); // Libera Terra LT262 twice
    });
  });

  describe('wild/pharma-distributor-stock-valuation.xls (BIFF8)', () => {
    describe('as items', () => {
      let l: Loaded;
      beforeAll(async () => {
        l = await load('wild/pharma-distributor-stock-valuation.xls', 'items');
      });

      it('stages 8,578 items from sheet stock_82', () => {
        const f = ok(l);
        expect(f.format).toBe('xls-biff8');
        const s = sheetOf(l, 'stock_82');
        expect([s.headerRow, s.rowsStaged, s.rowsRejected]).toEqual([1, 8578, 1]);
        expect(s.mapped).toEqual({ sku: 'Code', description: 'Product Name', uom: 'Unit', unit_cost: 'Cost Price' });
        expect(s.unmapped).toEqual(expect.arrayContaining(['Current Stock', 'Value', 'Company', 'Rack No.']));
        expectConserved(l, 'items');
      });

      it('rejects the unlabelled =SUM totals row as totals_row', () => {
        expect(query(l.db, 'SELECT row_no, reason_code FROM rejects')).toEqual([{ row_no: 8581, reason_code: 'totals_row' }]);
      });

      it('stages the values', () => {
        expect(one(l.db, "SELECT description, uom, unit_cost FROM items WHERE sku = 'ELADDB01'")).toEqual({
          description: 'A D BABY OIL (L) 170 ML',
          uom: 'PCS',
          unit_cost: '41.85',
        });
        expect(count(l.db, 'SELECT count(*) AS n FROM items WHERE uom IS NULL')).toBe(32);
        expect(count(l.db, "SELECT count(*) AS n FROM items WHERE uom = 'Pcs.'")).toBe(55);
      });
    });

    describe('as erp, one warehouse given by the map', () => {
      let l: Loaded;
      beforeAll(async () => {
        l = await load('wild/pharma-distributor-stock-valuation.xls', 'erp', 'pharma-erp.yaml');
      });

      it('stages 8,578 balances and rejects the totals row', () => {
        const s = sheetOf(l, 'stock_82');
        expect([s.headerRow, s.rowsStaged, s.rowsRejected]).toEqual([1, 8578, 1]);
        expect(s.mapped).toEqual({
          sku: 'Code',
          description: 'Product Name',
          uom: 'Unit',
          qty: 'Current Stock',
          unit_cost: 'Cost Price',
          value: 'Value',
        });
        expect(query(l.db, 'SELECT row_no, reason_code FROM rejects')).toEqual([{ row_no: 8581, reason_code: 'totals_row' }]);
        expectConserved(l, 'erp');
      });

      it('keeps negative, zero and fractional stock exactly, and adds up to the file\'s own total', () => {
        expect(count(l.db, "SELECT count(*) AS n FROM erp WHERE qty LIKE '-%'")).toBe(1292);
        expect(count(l.db, "SELECT count(*) AS n FROM erp WHERE qty = '0'")).toBe(1881);
        expect(count(l.db, "SELECT count(*) AS n FROM erp WHERE qty LIKE '%.%'")).toBe(603);
        expect(one(l.db, "SELECT qty, unit_cost, value, warehouse FROM erp WHERE sku = 'INAC1M01'")).toEqual({
          qty: '24.2',
          unit_cost: '119.5',
          value: '2891.9',
          warehouse: 'MAIN',
        });
        expect(one(l.db, "SELECT qty, value FROM erp WHERE sku = 'INABP101'")).toEqual({ qty: '-8100', value: '-25029' });
        expect(decimalSum(column(l.db, 'SELECT value AS v FROM erp'))).toBe('239039974.88'); // the =SUM(J2:J8580) row
        expect(decimalSum(column(l.db, 'SELECT qty AS v FROM erp'))).toBe('10154725.846');
      });
    });
  });

  describe('wild/building-supply-item-master-biff4.xls (BIFF4, Windows-1252) as items', () => {
    it('without a map, the synonyms take ID for sku (ITEM is a product line)', async () => {
      const l = await load('wild/building-supply-item-master-biff4.xls', 'items');
      expect(ok(l).sheets[0]!.mapped).toMatchObject({ sku: 'ID', description: 'ARTICULO', unit_cost: 'COSTO' });
    });

    describe('with every column spelled out', () => {
      let l: Loaded;
      beforeAll(async () => {
        l = await load('wild/building-supply-item-master-biff4.xls', 'items', 'building-supply-items-explicit.yaml');
      });

      it('reads the BIFF4 worksheet as Windows-1252', () => {
        const f = ok(l);
        expect([f.format, f.encoding]).toEqual(['xls-biff4', 'windows-1252']);
        expect(f.sheets).toHaveLength(1);
        expect(f.sheets[0]!.mapped).toEqual({ sku: 'ID', description: 'ARTICULO', unit_cost: 'COSTO', category: 'ITEM' });
        expectConserved(l, 'items');
      });

      it('decodes Ñ and keeps costs with three decimals', () => {
        expect(one(l.db, "SELECT description, unit_cost, category FROM items WHERE sku = '57258'")).toEqual({
          description: 'MANO DE OBRA CAMARA MUÑOZ',
          unit_cost: '14520',
          category: 'SIN ASIGNAR',
        });
        expect(count(l.db, "SELECT count(*) AS n FROM items WHERE description LIKE '%Ñ%'")).toBe(369);
        expect(one(l.db, "SELECT description, unit_cost FROM items WHERE sku = '7057'")).toEqual({
          description: 'BOLSA DE PERLITA 200 L (20KG)',
          unit_cost: '8899.998',
        });
        expect(count(l.db, "SELECT count(*) AS n FROM items WHERE unit_cost = '0'")).toBe(901);
        expect(count(l.db, "SELECT count(*) AS n FROM items WHERE description LIKE 'ZZ%'")).toBe(639);
      });

      it('stages the 7,263 articles and not the =COUNTA sentinel row (cached 0 in ID)', () => {
        const s = ok(l).sheets[0]!;
        expect([s.headerRow, s.rowsStaged, s.rowsRejected]).toEqual([1, 7263, 1]);
        expect(count(l.db, "SELECT count(*) AS n FROM items WHERE sku = '0'")).toBe(0);
        expect(query(l.db, 'SELECT row_no FROM rejects')).toEqual([{ row_no: 7265 }]);
      });
    });
  });

  describe('wild/pcb-bom-with-pricing.xls (BIFF8, LibreOffice) as items', () => {
    let l: Loaded;
    beforeAll(async () => {
      l = await load('wild/pcb-bom-with-pricing.xls', 'items', 'pcb-bom-items.yaml');
    });

    it('stages the 41 BOM lines under a header whose first cell is empty', () => {
      const f = ok(l);
      expect(f.format).toBe('xls-biff8');
      const s = sheetOf(l, 'Sheet1');
      expect([s.headerRow, s.rowsStaged, s.rowsRejected]).toEqual([1, 41, 1]);
      expect(s.mapped).toEqual({ description: 'Description', sku: 'Mfr PN', unit_cost: 'Price per Unit(1)' });
      expect(f.blankRows).toBe(0);
      expectConserved(l, 'items');
    });

    it('trims part numbers and keeps the prices', () => {
      expect(one(l.db, 'SELECT sku, description, unit_cost FROM items WHERE row_no = 3')).toEqual({
        sku: 'CL05A226MQ5N6J8',
        description: 'X5R, 10%, 6.3V',
        unit_cost: '1.81',
      });
      expect(one<{ raw: string | null }>(l.db, 'SELECT raw FROM items WHERE row_no = 2').raw).toContain('"22 μF"'); // unmapped Value, kept
      expect(one(l.db, 'SELECT sku, unit_cost FROM items WHERE row_no = 42')).toEqual({ sku: 'ABM3B-48.000MHZ-B2-T', unit_cost: '2.7' });
    });

    it('rejects the "Total:" row (label in column K, sums in L and M) as totals_row', () => {
      expect(query(l.db, 'SELECT row_no, reason_code FROM rejects')).toEqual([{ row_no: 43, reason_code: 'totals_row' }]);
    });
  });

  // ---------------------------------------------------------------------------
  // odoo-templates/<version>/

  describe.each(ODOO_VERSIONS)('odoo-templates/%s/stock_quant.xlsx', (version) => {
    const rel = `odoo-templates/${version}/stock_quant.xlsx`;

    describe('as counts (location from the map)', () => {
      let l: Loaded;
      beforeAll(async () => {
        l = await load(rel, 'counts', 'odoo-stock-quant-counts.yaml');
      });

      it('stages the 18 quants with Counted Quantity as qty', () => {
        const s = sheetOf(l, 'Sheet1');
        expect([s.headerRow, s.rowsStaged, s.rowsRejected]).toEqual([1, 18, 0]);
        expect(s.mapped).toEqual({
          sku: 'Product',
          lot: 'Lot/Serial Number',
          qty: 'Counted Quantity',
          counted_at: 'Scheduled Date',
          counter: 'Assigned To',
        });
        expectConserved(l, 'counts');
      });

      it('takes the SKU out of "[FURN_0789] Individual Workplace"', () => {
        expect(one(l.db, 'SELECT sku, description, location, qty, counted_at, counter, flags FROM counts WHERE row_no = 2')).toEqual({
          sku: 'FURN_0789',
          description: 'Individual Workplace',
          location: 'WH/Stock',
          qty: '0',
          counted_at: '2022-12-31',
          counter: null,
          flags: 'sku_from_display_name',
        });
        expect(one(l.db, "SELECT lot FROM counts WHERE sku = 'FURN_8855'")).toEqual({ lot: '0000000000029' });
        expect(query(l.db, "SELECT lot FROM counts WHERE sku = 'FURN_5555' ORDER BY lot")).toEqual([{ lot: 'CM-BOX-00001' }, { lot: 'CM-BOX-00002' }]);
      });
    });

    it('as erp (warehouse from the map): the book Quantity, 931 in all', async () => {
      const l = await load(rel, 'erp', 'odoo-stock-quant-erp.yaml');
      const s = sheetOf(l, 'Sheet1');
      expect([s.rowsStaged, s.rowsRejected]).toEqual([18, 0]);
      expect(s.mapped).toEqual({ sku: 'Product', lot: 'Lot/Serial Number', qty: 'Quantity' });
      expect(one(l.db, 'SELECT sku, description, warehouse, qty FROM erp WHERE row_no = 4')).toEqual({
        sku: 'E-COM07',
        description: 'Large Cabinet',
        warehouse: 'WH',
        qty: '350',
      });
      expect(decimalSum(column(l.db, 'SELECT qty AS v FROM erp'))).toBe('931');
    });

    it('as counts with only the location in the map, the synonyms take Product for sku', async () => {
      const l = await load(rel, 'counts', 'odoo-stock-quant-location-only.yaml');
      expect(sheetOf(l, 'Sheet1').mapped).toMatchObject({ sku: 'Product' });
      expect(one(l.db, 'SELECT sku FROM counts WHERE row_no = 2')).toEqual({ sku: 'FURN_0789' });
    });
  });

  describe.each(ODOO_VERSIONS)('odoo-templates/%s/product_template.xls as items', (version) => {
    let l: Loaded;
    beforeAll(async () => {
      l = await load(`odoo-templates/${version}/product_template.xls`, 'items');
    });

    it('stages the 20 products with a reference, rejects the 5 services without one, skips Import FAQ', () => {
      const f = ok(l);
      expect(f.format).toBe('xls-biff8');
      const s = sheetOf(l, 'Template');
      expect([s.headerRow, s.rowsStaged, s.rowsRejected]).toEqual([1, 20, 5]);
      expect(s.mapped).toEqual({ description: 'Name', sku: 'Internal Reference', barcode: 'Barcode', unit_cost: 'Cost', weight: 'Weight' });
      expect(sheetOf(l, 'Import FAQ').headerRow).toBeUndefined();
      expect(f.rejectsByReason).toEqual({ blank_sku: 5 });
      expect(query(l.db, 'SELECT row_no FROM rejects ORDER BY row_no')).toEqual([22, 23, 24, 25, 26].map((row_no) => ({ row_no })));
      expectConserved(l, 'items');
    });

    it('stages the barcode 54398267125.00001 as "54398267125"', () => {
      expect(one(l.db, "SELECT description, barcode, unit_cost, weight, flags FROM items WHERE sku = 'E-COM07'")).toEqual({
        description: 'iPad Mini',
        barcode: '54398267125',
        unit_cost: '260',
        weight: '0.33',
        flags: 'barcode:code_stored_as_number',
      });
      expect(query(l.db, "SELECT row_no FROM items WHERE sku = 'M-Wir' ORDER BY row_no")).toEqual([{ row_no: 12 }, { row_no: 21 }]);
      // Unmapped columns are kept with the row: Product Type says Consumable in 17.0, Goods after.
      const type = version === '17.0' ? 'Consumable' : 'Goods';
      expect(one<{ raw: string | null }>(l.db, 'SELECT raw FROM items WHERE row_no = 2').raw).toContain(`"${type}"`);
    });
  });

  describe.each(ODOO_VERSIONS)('odoo-templates/%s/product_supplierinfo.xls as items', (version) => {
    let l: Loaded;
    beforeAll(async () => {
      l = await load(`odoo-templates/${version}/product_supplierinfo.xls`, 'items', 'odoo-supplierinfo-items.yaml');
    });

    it(`is read by its bytes (${version === '19.0' ? 'xlsx behind an .xls name' : 'BIFF8'}) and stages the 4 vendor lines`, () => {
      const f = ok(l);
      expect(f.format).toBe(version === '19.0' ? 'xlsx' : 'xls-biff8');
      const s = sheetOf(l, 'Template');
      expect([s.headerRow, s.rowsStaged, s.rowsRejected]).toEqual([1, 4, 0]);
      expect(s.mapped).toEqual({ sku: 'Product Template', description: 'Vendor Product Name', unit_cost: 'Price' });
      expect(s.unmapped).toContain(version === '19.0' ? 'Lead Time' : 'Delivery Lead Time');
      expectConserved(l, 'items');
    });

    it('takes [FURN_1118] out of the display name and trims the trailing space', () => {
      expect(one(l.db, 'SELECT sku, description, unit_cost, flags FROM items WHERE row_no = 3')).toEqual({
        sku: 'FURN_1118',
        description: 'Corner table',
        unit_cost: '1399',
        flags: 'sku_from_display_name',
      });
      expect(one(l.db, 'SELECT sku, description FROM items WHERE row_no = 2')).toEqual({
        sku: version === '17.0' ? 'Conference Chair (CONFIG)' : 'Conference Chair',
        description: 'Chair for conference',
      });
    });
  });

  describe.each(ODOO_VERSIONS)('odoo-templates/%s/product_purchase.xls as items', (version) => {
    const rel = `odoo-templates/${version}/product_purchase.xls`;
    let l: Loaded;
    beforeAll(async () => {
      l = await load(rel, 'items', 'odoo-product-purchase-items.yaml');
    });

    it('with the External ID as sku: 2 products staged, their 3 extra-vendor rows rejected', () => {
      const s = sheetOf(l, 'Sheet 1');
      expect([s.headerRow, s.rowsStaged, s.rowsRejected]).toEqual([1, 2, 3]);
      expect(s.mapped).toEqual({ sku: 'External ID', description: 'Name', unit_cost: 'Vendors/Price' });
      expect(query(l.db, 'SELECT sku, description, unit_cost FROM items ORDER BY row_no')).toEqual([
        { sku: 'product.product_product_20_product_template', description: 'Flipover', unit_cost: '1720' },
        { sku: 'product.product_product_6_product_template', description: 'Large Cabinet', unit_cost: '785' },
      ]);
      expect(query(l.db, 'SELECT row_no FROM rejects ORDER BY row_no')).toEqual([{ row_no: 3 }, { row_no: 5 }, { row_no: 6 }]);
      expectConserved(l, 'items');
    });

    it('rejects the continuation rows (vendor text, no product) as blank_sku, not as totals rows', () => {
      expect(ok(l).rejectsByReason).toEqual({ blank_sku: 3 });
    });

    it('without a map: exit 3, no sku column', async () => {
      expectInputError(await load(rel, 'items'), 'sheet "Sheet 1"', 'row 1', 'no sku column');
    });
  });

  describe.each(ODOO_VERSIONS)('odoo-templates/%s/mrp_bom.xls as items', (version) => {
    it('stages the 2 BoM heads by their Reference; the 3 component-only rows are rejected', async () => {
      const l = await load(`odoo-templates/${version}/mrp_bom.xls`, 'items');
      const s = sheetOf(l, 'Template');
      expect([s.headerRow, s.rowsStaged, s.rowsRejected]).toEqual([1, 2, 3]);
      expect(s.mapped).toEqual({ sku: 'Reference', description: 'Product' });
      expect(sheetOf(l, 'Import FAQ').headerRow).toBeUndefined();
      expect(query(l.db, 'SELECT row_no, sku, description FROM items ORDER BY row_no')).toEqual([
        { row_no: 2, sku: 'BOM_SC234', description: '[FURN_7800] Desk Combination' },
        { row_no: 5, sku: 'BOM_LAP456', description: '[FURN_78236] Table Kit' },
      ]);
      expect(ok(l).rejectsByReason).toEqual({ blank_sku: 3 });
      expectConserved(l, 'items');
    });
  });

  describe.each(ODOO_VERSIONS)('odoo-templates/%s/product_pricelist.xls serves no kind', (version) => {
    const rel = `odoo-templates/${version}/product_pricelist.xls`;

    // Odoo one2many headers are read by their last part: "Pricelist Items/Product" is the SKU of
    // a stock file, the description of an item master (whose SKU is then missing).
    it.each([
      ['items', ['row 1: no sku column']],
      ['erp', ['row 1: no location or warehouse, qty column']],
      ['wms', ['row 1: no location, qty column']],
      ['counts', ['row 1: no location, qty column']],
    ])('as %s: exit 3 naming the file and what is missing', async (kind, missing) => {
      expectInputError(await load(rel, kind), 'sheet "Template"', ...missing);
    });

    it('the message does not take the data row that reads "Product" (row 2) for the header', async () => {
      const line = expectInputError(await load(rel, 'items'));
      expect(line).not.toContain('row 2');
      expect(line).not.toContain('"pricelist_1"');
    });
  });

  describe('odoo-templates/19.0/requests_for_quotation_import_template.xlsx serves no kind', () => {
    const rel = 'odoo-templates/19.0/requests_for_quotation_import_template.xlsx';
    // "Order Lines/Quantity" is a quantity; nothing names a SKU or a place.
    it.each([
      ['items', 'row 1: no sku, description column'],
      ['erp', 'row 1: no sku, location or warehouse column'],
      ['wms', 'row 1: no sku, location column'],
      ['counts', 'row 1: no sku, location column'],
    ])('as %s: exit 3 naming the file, the sheet and what is missing', async (kind, missing) => {
      expectInputError(await load(rel, kind), 'sheet "Requests for Quotations"', missing);
    });
  });
});
