import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import CFB from 'cfb';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/core/errors.js';
import type { Cell, MergedRange, RawRow, ReaderInfo, ReadOptions } from '../../../src/core/loaders/types.js';
import { excelSerialToIso, isDateFormatString } from '../../../src/core/loaders/xls/formats.js';
import { readXls, sniffXlsKind } from '../../../src/core/loaders/xls/index.js';
import { decodeRk } from '../../../src/core/loaders/xls/sheet.js';

// ---------------------------------------------------------------------------
// Reading a whole workbook into plain arrays

interface ReadSheet {
  name: string;
  rows: RawRow[];
  merges: readonly MergedRange[];
}

async function readAll(
  bytes: Buffer,
  opts: Partial<ReadOptions> = {},
): Promise<{ info: ReaderInfo; sheets: ReadSheet[] }> {
  const workbook = readXls(bytes, { displayName: 'test.xls', ...opts });
  const sheets: ReadSheet[] = [];
  for await (const sheet of workbook.sheets()) {
    const rows: RawRow[] = [];
    for await (const row of sheet.rows) rows.push(row);
    sheets.push({ name: sheet.name, rows, merges: sheet.merges ?? [] });
  }
  return { info: workbook.info, sheets };
}

function rowAt(sheet: ReadSheet, rowNumber: number): Cell[] | undefined {
  return sheet.rows.find((row) => row.rowNumber === rowNumber)?.cells;
}

async function readError(bytes: Buffer, opts: Partial<ReadOptions> = {}): Promise<InputError> {
  try {
    await readAll(bytes, opts);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return error as InputError;
  }
  throw new Error('expected an InputError');
}

const date = (iso: string): Cell => ({ kind: 'date', iso });

// ---------------------------------------------------------------------------
// Building BIFF byte streams

type Bytes = Buffer | number[];

const cat = (...parts: Bytes[]): Buffer => Buffer.concat(parts.map((part) => (Buffer.isBuffer(part) ? part : Buffer.from(part))));
const u16 = (value: number): Buffer => {
  const out = Buffer.alloc(2);
  out.writeUInt16LE(value);
  return out;
};
const u32 = (value: number): Buffer => {
  const out = Buffer.alloc(4);
  out.writeUInt32LE(value >>> 0);
  return out;
};
const f64 = (value: number): Buffer => {
  const out = Buffer.alloc(8);
  out.writeDoubleLE(value);
  return out;
};
const latin1 = (text: string): Buffer => Buffer.from(text, 'latin1');
/** Windows-1252 differs from Latin-1 in 0x80-0x9F; the euro sign is the one these tests need. */
const windows1252 = (text: string): Buffer => Buffer.from([...text].map((ch) => (ch === '€' ? 0x80 : ch.charCodeAt(0))));
const utf16 = (text: string): Buffer => Buffer.from(text, 'utf16le');

function record(id: number, ...body: Bytes[]): Buffer {
  const data = cat(...body);
  return cat(u16(id), u16(data.length), data);
}

/** BIFF8 XLUnicodeString: 2-byte count, flags, characters (compressed when they fit in Latin-1). */
function unicodeString(text: string): Buffer {
  const wide = [...text].some((ch) => ch.charCodeAt(0) > 0xff);
  return cat(u16(text.length), [wide ? 1 : 0], wide ? utf16(text) : latin1(text));
}

const EOF = record(0x000a);
const bof8 = (substreamType: number): Buffer =>
  record(0x0809, u16(0x0600), u16(substreamType), u16(0x0dbb), u16(0x07cc), u32(0), u32(0x0006));
const bof5 = (substreamType: number): Buffer => record(0x0809, u16(0x0500), u16(substreamType), u16(0), u16(0));
const GLOBALS = 0x0005;
const WORKSHEET = 0x0010;
const CHART = 0x0020;

const codePage = (id: number): Buffer => record(0x0042, u16(id));
const dateMode1904 = record(0x0022, u16(1));
const format8 = (id: number, text: string): Buffer => record(0x041e, u16(id), unicodeString(text));
const xf8 = (formatId: number): Buffer => record(0x00e0, u16(0), u16(formatId), Buffer.alloc(16));

const numberCell = (row: number, col: number, value: number, xf = 0): Buffer =>
  record(0x0203, u16(row), u16(col), u16(xf), f64(value));
const rkCell = (row: number, col: number, rk: number, xf = 0): Buffer => record(0x027e, u16(row), u16(col), u16(xf), u32(rk));
const labelSst = (row: number, col: number, index: number): Buffer => record(0x00fd, u16(row), u16(col), u16(0), u32(index));
const label8 = (row: number, col: number, text: string): Buffer => record(0x0204, u16(row), u16(col), u16(0), unicodeString(text));
const boolErr = (row: number, col: number, value: number, isError: boolean): Buffer =>
  record(0x0205, u16(row), u16(col), u16(0), [value, isError ? 1 : 0]);

/** FORMULA (BIFF5-8) with a cached result and an empty token array. */
const formula8 = (row: number, col: number, result: Bytes, xf = 0): Buffer =>
  record(0x0006, u16(row), u16(col), u16(xf), result, u16(0), u32(0), u16(0));
const taggedResult = (tag: number, value = 0): number[] => [tag, 0, value, 0, 0, 0, 0xff, 0xff];

/** RK values: 30-bit integers, or doubles whose low 34 bits are zero, optionally ×100. */
const rkInteger = (n: number, dividedBy100 = false): number => ((n << 2) | 0x02 | (dividedBy100 ? 0x01 : 0)) >>> 0;
const rkDouble = (x: number, dividedBy100 = false): number =>
  ((f64(x).readUInt32LE(4) & 0xfffffffc) | (dividedBy100 ? 0x01 : 0)) >>> 0;

interface SheetSpec {
  name: string;
  records: Buffer[];
}

/** A BIFF8 workbook stream: globals with BOUNDSHEET offsets filled in, then the sheets. */
function biff8Stream(sheets: SheetSpec[], globals: Buffer[] = []): Buffer {
  const boundSheetSize = (name: string): number => 4 + 4 + 1 + 1 + 1 + 1 + name.length;
  const head = cat(bof8(GLOBALS), ...globals);
  let offset = head.length + sheets.reduce((sum, sheet) => sum + boundSheetSize(sheet.name), 0) + EOF.length;
  const boundSheets: Buffer[] = [];
  const bodies: Buffer[] = [];
  for (const sheet of sheets) {
    const body = cat(bof8(WORKSHEET), ...sheet.records, EOF);
    boundSheets.push(record(0x0085, u32(offset), [0, 0], [sheet.name.length, 0], latin1(sheet.name)));
    bodies.push(body);
    offset += body.length;
  }
  return cat(head, ...boundSheets, EOF, ...bodies);
}

/** A BIFF5 workbook stream; names and labels are byte strings in the code page. */
function biff5Stream(sheets: SheetSpec[], globals: Buffer[] = []): Buffer {
  const head = cat(bof5(GLOBALS), ...globals);
  let offset = head.length + sheets.reduce((sum, sheet) => sum + 4 + 4 + 1 + 1 + 1 + sheet.name.length, 0) + EOF.length;
  const boundSheets: Buffer[] = [];
  const bodies: Buffer[] = [];
  for (const sheet of sheets) {
    const body = cat(bof5(WORKSHEET), ...sheet.records, EOF);
    boundSheets.push(record(0x0085, u32(offset), [0, 0], [sheet.name.length], latin1(sheet.name)));
    bodies.push(body);
    offset += body.length;
  }
  return cat(head, ...boundSheets, EOF, ...bodies);
}

function inOle(stream: Buffer, streamName = 'Workbook'): Buffer {
  const container = CFB.utils.cfb_new();
  CFB.utils.cfb_add(container, `/${streamName}`, stream);
  return CFB.write(container, { type: 'buffer' }) as Buffer;
}

// ---------------------------------------------------------------------------
// Real files

const SAMPLES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../shared/samples');
const haveSamples = existsSync(SAMPLES);
if (!haveSamples) console.warn(`xls tests: ${SAMPLES} is absent, so the tests on real files are skipped`);
const sample = (relative: string): Buffer => readFileSync(path.join(SAMPLES, relative));

function listXlsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) return listXlsFiles(full);
    return entry.toLowerCase().endsWith('.xls') ? [full] : [];
  });
}


/** Cell values only: the formula marks are asserted on their own. */
function withoutFormulaMarks(rows: readonly RawRow[]): RawRow[] {
  return rows.map(({ rowNumber, cells }) => ({ rowNumber, cells }));
}

describe('readXls on the sample files', () => {
  it.skipIf(!haveSamples)('reads every sample .xls that is BIFF, and recognises the one that is a zip', async () => {
    const files = listXlsFiles(SAMPLES);
    expect(files.length).toBeGreaterThanOrEqual(18);
    for (const file of files) {
      const bytes = readFileSync(file);
      const kind = sniffXlsKind(bytes);
      if (file.endsWith(path.join('19.0', 'product_supplierinfo.xls'))) {
        expect(kind).toBeUndefined();
        expect(bytes.subarray(0, 4).toString('latin1')).toBe('PK\x03\x04');
        continue;
      }
      expect(kind, file).toMatch(/^xls-biff[48]$/);
      const { info, sheets } = await readAll(bytes, { displayName: file });
      expect(info.format).toBe(kind);
      expect(sheets.length, file).toBeGreaterThan(0);
      expect(sheets[0].rows.length, file).toBeGreaterThan(1);
    }
  });

  it.skipIf(!haveSamples)('pharma stock valuation (BIFF8): 8,578 items, merged headers, the SUM totals row', async () => {
    const { info, sheets } = await readAll(sample('wild/pharma-distributor-stock-valuation.xls'));
    expect(info).toMatchObject({ format: 'xls-biff8', encoding: 'utf-16le', date1904: false });
    expect(sheets.map((sheet) => sheet.name)).toEqual(['stock_82']);
    const [sheet] = sheets;

    const header = rowAt(sheet, 1) as Cell[];
    expect(header.slice(0, 10)).toEqual([
      'Code', 'Product Name', 'Unit', 'Current Stock', 'Sales Scheme', null, 'Purc.Scheme', null, 'Cost Price', 'Value',
    ]);
    expect(header[16] ?? null).toBeNull(); // Q1, the empty last header
    expect(sheet.merges).toEqual(
      expect.arrayContaining([
        { top: 1, left: 5, bottom: 1, right: 6 },
        { top: 1, left: 7, bottom: 1, right: 8 },
      ]),
    );

    const items = sheet.rows.filter((row) => row.rowNumber >= 2 && row.rowNumber <= 8579);
    expect(items).toHaveLength(8578);
    expect(items.every((row) => typeof row.cells[0] === 'string' && row.cells[0] !== '')).toBe(true);
    expect(rowAt(sheet, 2)?.slice(0, 4)).toEqual(['ELADDB01', 'A D BABY OIL (L) 170 ML', 'PCS', 135]);

    const stock = items.map((row) => row.cells[3] as number);
    expect(stock.filter((qty) => qty < 0)).toHaveLength(1292);
    expect(stock.filter((qty) => qty === 0)).toHaveLength(1881);
    expect(stock.filter((qty) => !Number.isInteger(qty))).toHaveLength(603);
    expect(items.filter((row) => row.cells[2] === '')).toHaveLength(32);
    // Value = Current Stock × Cost Price, rounded to the paisa, on every row.
    for (const row of items) {
      const [qty, cost, value] = [row.cells[3], row.cells[8], row.cells[9]] as number[];
      expect(Math.abs(value - qty * cost)).toBeLessThanOrEqual(0.0051);
    }

    // A blank row 8580, then the unlabelled totals row with =SUM(J2:J8580)'s cached value.
    expect(rowAt(sheet, 8580)).toBeUndefined();
    const totals = rowAt(sheet, 8581) as Cell[];
    expect(totals.slice(0, 9).every((cell) => cell === null)).toBe(true);
    const sum = items.reduce((total, row) => total + (row.cells[9] as number), 0);
    expect(totals[9]).toBeTypeOf('number');
    expect(totals[9] as number).toBeCloseTo(sum, 2);
    expect(totals[9] as number).toBeCloseTo(239_039_974.88, 2);
    expect(sheet.rows.at(-1)?.rowNumber).toBe(8581);
  });

  it.skipIf(!haveSamples)('building-supply item master (BIFF4): Windows-1252 text, 7,263 articles and the COUNTA sentinel', async () => {
    const bytes = sample('wild/building-supply-item-master-biff4.xls');
    expect(sniffXlsKind(bytes)).toBe('xls-biff4');
    const { info, sheets } = await readAll(bytes);
    expect(info).toMatchObject({ format: 'xls-biff4', encoding: 'windows-1252', date1904: false });
    expect(sheets.map((sheet) => sheet.name)).toEqual(['Sheet1']);
    const [sheet] = sheets;

    expect(rowAt(sheet, 1)).toEqual(['ID', 'ARTICULO', 'COD. PROV', 'COSTO', '$ VENTA1', '$ VENTA 2', 'MARCA', 'ITEM']);
    expect(rowAt(sheet, 2)).toEqual([5218, 'BOLSA DE PERLITA 5 L (500 G)', 'Abono tucuman', 6050, 7865, 8652, 'SIN ASIGNAR', 'SIN ASIGNAR']);
    expect(rowAt(sheet, 4)?.slice(0, 4)).toEqual([10012, 'CINTA IPSOBAND 10 MTS X 5 CM', '043000037', 6628.436]);
    expect(rowAt(sheet, 14)?.[1]).toBe('MANO DE OBRA CAMARA MUÑOZ');

    const articles = sheet.rows.filter((row) => row.rowNumber >= 2 && row.rowNumber <= 7264);
    expect(articles).toHaveLength(7263);
    expect(articles.every((row) => typeof row.cells[0] === 'number' && (row.cells[0] as number) > 0)).toBe(true);
    expect(articles.filter((row) => row.cells[3] === 0)).toHaveLength(901);
    expect(articles.filter((row) => String(row.cells[1]).startsWith('ZZ'))).toHaveLength(639);

    const text = sheet.rows.flatMap((row) => row.cells.filter((cell) => typeof cell === 'string')).join('');
    const count = (ch: string): number => text.split(ch).length - 1;
    expect(count('Ñ')).toBe(462);
    expect(count('º')).toBe(390);
    expect(count('\ufffd')).toBe(0);

    // The last row is the =COUNTA(A2:A7264) sentinel: cached 0 in the ID column only.
    expect(sheet.rows.at(-1)).toEqual({ rowNumber: 7265, cells: [0], formulaColumns: [0] });
  });

  it.skipIf(!haveSamples)('PCB BOM (BIFF8 by LibreOffice): formula cached values, currency formats stay numbers', async () => {
    const { sheets } = await readAll(sample('wild/pcb-bom-with-pricing.xls'));
    const [sheet] = sheets;
    const header = rowAt(sheet, 1) as Cell[];
    expect(header[0]).toBeNull();
    expect(header.slice(1, 8)).toEqual(['References', 'Description', 'Mfr', 'Mfr PN', 'Value', 'Footprint', 'Quantity']);

    const lines = sheet.rows.filter((row) => typeof row.cells[0] === 'string');
    expect(lines).toHaveLength(41);
    expect(lines[0].cells.slice(0, 2)).toEqual(['1', 'C1, C2, C3, C7, C34, C56']);
    // Quantity = LEN(B)-LEN(SUBSTITUTE(B,",",""))+1: 6 designators on line 1, and on
    // line 9 the missing comma in "C33 C41" makes the cached count 26 for 27 parts.
    expect(lines[0].cells[7]).toBe(6);
    const line9 = rowAt(sheet, 10) as Cell[];
    expect(line9[0]).toBe('9');
    expect(line9[1]).toContain('C33 C41');
    expect(line9[7]).toBe(26);
    expect(line9[11]).toBeCloseTo(26 * 0.37, 10); // TOTAL(1) = J10*H10

    expect(rowAt(sheet, 2)?.[5]).toBe('22 μF');
    expect(rowAt(sheet, 3)?.[4]).toBe('CL05A226MQ5N6J8 ');
    expect(rowAt(sheet, 4)?.[6]).toBe('6,3 mm x 5.8 mm');
    expect(rowAt(sheet, 9)?.slice(2, 8)).toEqual(['NOT POPULATED', '-', '-', '-', '0402', 0]);

    const totals = rowAt(sheet, 43) as Cell[];
    expect(totals[10]).toBe('Total:');
    expect(totals[11]).toBeCloseTo(123.71, 8);
    expect(totals[12]).toBeCloseTo(65.34, 8);
    // `#,##0.00 [$PLN]` prices are numbers, not dates.
    expect(sheet.rows.flatMap((row) => row.cells).some((cell) => typeof cell === 'object' && cell !== null)).toBe(false);
    expect(sheet.rows.at(-1)?.rowNumber).toBe(43);
  });

  for (const version of ['17.0', '18.0']) {
    it.skipIf(!haveSamples)(`Odoo ${version} product_template.xls: Template and Import FAQ`, async () => {
      const { info, sheets } = await readAll(sample(`odoo-templates/${version}/product_template.xls`));
      expect(info.format).toBe('xls-biff8');
      expect(sheets.map((sheet) => sheet.name)).toEqual(['Template', 'Import FAQ']);
      const [template, faq] = sheets;

      expect(rowAt(template, 1)).toEqual([
        'External ID', 'Name', 'Product Type', 'Internal Reference', 'Barcode', 'Sales Price', 'Cost', 'Weight', 'Sales Description',
      ]);
      const products = template.rows.filter((row) => row.rowNumber > 1);
      expect(products).toHaveLength(25);
      const goods = version === '17.0' ? 'Consumable' : 'Goods';
      expect(new Set(products.map((row) => row.cells[2]))).toEqual(new Set([goods, 'Service']));

      const ipadMini = products.find((row) => row.cells[1] === 'iPad Mini') as RawRow;
      expect(ipadMini.cells[4]).toBe(54398267125.00001);
      expect(ipadMini.cells.slice(5, 8)).toEqual([320, 260, 0.33]);
      expect(ipadMini.cells[8]).toContain('\nCapacity: 16GB\n');

      const mouseRows = template.rows.filter((row) => row.cells[3] === 'M-Wir');
      expect(mouseRows.map((row) => row.rowNumber)).toEqual([12, 21]);
      expect(mouseRows.map((row) => row.cells[1])).toEqual(['Mouse, Wireless', 'Mouse, Wireless']);
      expect(mouseRows.map((row) => row.cells[6])).toEqual([18, 18]);
      expect(products.find((row) => row.cells[1] === 'iMac')?.cells[6]).toBe(1299);
      expect(rowAt(template, 8)?.[8]).toContain('7.9\u2011inch');

      expect(faq.rows[0].cells).toEqual(['How to customize the file?']);
      expect(faq.rows.at(-1)?.rowNumber).toBe(33);
    });

    it.skipIf(!haveSamples)(`Odoo ${version} product_supplierinfo.xls is BIFF8 with a blank Quantity`, async () => {
      const { sheets } = await readAll(sample(`odoo-templates/${version}/product_supplierinfo.xls`));
      const [template] = sheets;
      expect(sheets.map((sheet) => sheet.name)).toEqual(['Template', 'Import FAQ']);
      const chair = version === '17.0' ? 'Conference Chair (CONFIG)' : 'Conference Chair';
      expect(rowAt(template, 2)?.slice(0, 6)).toEqual(['Azure Interior', chair, 'Chair for conference ', 'ART439872', 1299, 5]);
      expect(rowAt(template, 4)?.[5]).toBeNull();
    });
  }

  it.skipIf(!haveSamples)('Odoo product_purchase.xls: dates are text, non-ASCII names survive', async () => {
    const { sheets } = await readAll(sample('odoo-templates/17.0/product_purchase.xls'));
    expect(sheets.map((sheet) => sheet.name)).toEqual(['Sheet 1']);
    const [sheet] = sheets;
    expect(sheet.rows).toHaveLength(6);
    expect(rowAt(sheet, 4)?.slice(7, 9)).toEqual(['01/01/2020', '31/12/2020']);
    expect(rowAt(sheet, 2)?.[3]).toBe('Barnabók');
    expect(rowAt(sheet, 5)?.[3]).toBe('Afslöppun');
    expect(rowAt(sheet, 2)?.[0]).toBe('product.product_product_20_product_template');
    expect(rowAt(sheet, 3)?.slice(0, 2)).toEqual([null, null]);
  });

  it.skipIf(!haveSamples)('Odoo mrp_bom.xls and product_pricelist.xls keep continuation rows and leading spaces', async () => {
    const bom = (await readAll(sample('odoo-templates/18.0/mrp_bom.xls'))).sheets[0];
    expect(rowAt(bom, 2)?.[5]).toBe(' [FURN_2100] Drawer Black');
    expect(rowAt(bom, 3)?.slice(0, 7)).toEqual([null, null, null, null, null, '[FURN_5623] Drawer Case Black', 1]);
    const pricelist = (await readAll(sample('odoo-templates/18.0/product_pricelist.xls'))).sheets[0];
    expect(pricelist.rows.filter((row) => row.rowNumber > 1)).toHaveLength(4);
    expect(rowAt(pricelist, 3)?.slice(0, 5)).toEqual([null, null, 'Product', '[E-COM11] Cabinet with Doors', 5]);
  });

  it.skipIf(!haveSamples)('picks one sheet by name, exactly or ignoring case, and lists the names otherwise', async () => {
    const bytes = sample('odoo-templates/18.0/product_template.xls');
    expect((await readAll(bytes, { sheet: 'Import FAQ' })).sheets.map((sheet) => sheet.name)).toEqual(['Import FAQ']);
    expect((await readAll(bytes, { sheet: 'template' })).sheets.map((sheet) => sheet.name)).toEqual(['Template']);
    const error = await readError(bytes, { sheet: 'Products', displayName: 'product_template.xls' });
    expect(error.message).toContain('product_template.xls');
    expect(error.message).toContain('"Template", "Import FAQ"');
  });

  it.skipIf(!haveSamples)('the 19.0 product_supplierinfo.xls is a zip behind an .xls name: not read as BIFF', async () => {
    const bytes = sample('odoo-templates/19.0/product_supplierinfo.xls');
    expect(sniffXlsKind(bytes)).toBeUndefined();
    const error = await readError(bytes, { displayName: 'product_supplierinfo.xls' });
    expect(error.message).toMatch(/^product_supplierinfo\.xls: /);
  });
});

// ---------------------------------------------------------------------------
// Hand-made BIFF

describe('BIFF8 strings', () => {
  it('reads an SST whose strings run over CONTINUE records, with the width flag re-read at each', async () => {
    const sst = cat(
      u16(0x00fc),
      u16(0), // length patched below
      u32(5),
      u32(5),
      // 0: compressed, bytes are Latin-1 (not the code page)
      u16(4), [0x00], latin1('Café'),
      // 1: starts compressed, goes on 16-bit after the record boundary
      u16(8), [0x00], latin1('ABC'),
    );
    sst.writeUInt16LE(sst.length - 4, 2);
    const continue1 = record(
      0x003c,
      [0x01], utf16('DΩFGH'),
      // 2: starts 16-bit, goes on compressed in the next CONTINUE
      u16(6), [0x01], utf16('€ur'),
    );
    const continue2 = record(
      0x003c,
      [0x00], latin1('o!!'),
      // 3: rich text (1 run) and phonetic data (6 bytes) split over the boundary, no flag byte there
      u16(4), [0x0c], u16(1), u32(6), latin1('Rich'), u32(0x00010000), [1, 2, 3],
    );
    const continue3 = record(0x003c, [4, 5, 6], u16(4), [0x00], latin1('Last'));

    const stream = biff8Stream(
      [{ name: 'Data', records: [0, 1, 2, 3, 4].map((index) => labelSst(index, 0, index)) }],
      [codePage(1200), sst, continue1, continue2, continue3],
    );
    const { info, sheets } = await readAll(inOle(stream));
    expect(info).toMatchObject({ format: 'xls-biff8', encoding: 'utf-16le' });
    expect(sheets[0].rows.map((row) => row.cells[0])).toEqual(['Café', 'ABCDΩFGH', '€uro!!', 'Rich', 'Last']);
  });

  it('reads LABEL and a STRING record that continues over a CONTINUE', async () => {
    const stream = biff8Stream([
      {
        name: 'Data',
        records: [
          label8(0, 0, 'Plain label'),
          formula8(1, 0, taggedResult(0)),
          record(0x0207, u16(10), [0x00], latin1('abcde')),
          record(0x003c, [0x01], utf16('fghiΩ')),
        ],
      },
    ]);
    const { sheets } = await readAll(inOle(stream));
    expect(sheets[0].rows.map((row) => row.cells)).toEqual([['Plain label'], ['abcdefghiΩ']]);
  });
});

describe('BIFF8 numbers and cached formula results', () => {
  it('decodes RK values exactly, with the integer and /100 flags', () => {
    expect(decodeRk(rkInteger(123))).toBe(123);
    expect(decodeRk(rkInteger(-5))).toBe(-5);
    expect(decodeRk(rkInteger(12345, true))).toBe(12345 / 100);
    expect(decodeRk(rkInteger(12345, true))).toBe(123.45);
    expect(decodeRk(rkDouble(1.5))).toBe(1.5);
    expect(decodeRk(rkDouble(3, true))).toBe(0.03);
    expect(decodeRk(rkInteger(-536870912))).toBe(-536870912);
  });

  it('reads NUMBER, RK, MULRK, BOOLERR and the kinds of FORMULA result', async () => {
    const stream = biff8Stream([
      {
        name: 'Numbers',
        records: [
          numberCell(0, 0, 0.1 + 0.2),
          rkCell(0, 1, rkInteger(12345, true)),
          rkCell(0, 2, rkDouble(1.5)),
          rkCell(0, 3, rkInteger(-7)),
          record(0x00bd, u16(1), u16(1), u16(0), u32(rkInteger(1)), u16(0), u32(rkInteger(250, true)), u16(0), u32(rkDouble(3)), u16(3)),
          boolErr(2, 0, 1, false),
          boolErr(2, 1, 0, false),
          boolErr(2, 2, 0x07, true),
          boolErr(2, 3, 0x2a, true),
          formula8(3, 0, f64(26)),
          formula8(3, 1, taggedResult(1, 1)),
          formula8(3, 2, taggedResult(2, 0x17)),
          formula8(3, 3, taggedResult(3)),
          formula8(3, 4, taggedResult(0)),
          record(0x04bc, Buffer.alloc(10)), // SHRFMLA sits between a FORMULA and its STRING
          record(0x0207, unicodeString('computed')),
          // a string result whose STRING record never comes stays empty
          formula8(4, 0, taggedResult(0)),
          numberCell(4, 1, 9),
          record(0x0201, u16(5), u16(0), u16(0)), // BLANK
          record(0x00be, u16(6), u16(0), u16(0), u16(0), u16(1)), // MULBLANK
        ],
      },
    ]);
    const { sheets } = await readAll(inOle(stream));
    expect(sheets[0].rows.map((r) => r.formulaColumns ?? [])).toEqual([[], [], [], [0, 1, 2, 3, 4], [0]]);
    expect(withoutFormulaMarks(sheets[0].rows)).toEqual([
      { rowNumber: 1, cells: [0.1 + 0.2, 123.45, 1.5, -7] },
      { rowNumber: 2, cells: [null, 1, 2.5, 3] },
      { rowNumber: 3, cells: [true, false, '#DIV/0!', '#N/A'] },
      { rowNumber: 4, cells: [26, true, '#REF!', '', 'computed'] },
      { rowNumber: 5, cells: [null, 9] },
    ]);
  });

  it('yields rows in row order however the records are ordered, and skips embedded chart substreams', async () => {
    const stream = biff8Stream([
      {
        name: 'Data',
        records: [
          numberCell(9, 0, 10),
          numberCell(2, 1, 3),
          bof8(CHART),
          numberCell(4, 4, 99),
          EOF,
          numberCell(2, 0, 2),
          record(0x00e5, u16(2), u16(0), u16(0), u16(4), u16(5), u16(2), u16(3), u16(0), u16(1)),
        ],
      },
    ]);
    const { sheets } = await readAll(inOle(stream));
    expect(sheets[0].rows).toEqual([
      { rowNumber: 3, cells: [2, 3] },
      { rowNumber: 10, cells: [10] },
    ]);
    expect(sheets[0].merges).toEqual([
      { top: 1, left: 5, bottom: 1, right: 6 },
      { top: 3, left: 1, bottom: 4, right: 2 },
    ]);
  });
});

describe('date formats', () => {
  it('tells date formats from number formats', () => {
    for (const format of ['dd/mm/yyyy', 'yyyy-mm-dd', 'm/d/yy h:mm', '[h]:mm:ss', 'mm:ss.0', '[$-409]mmmm d, yyyy', 'hh:mm AM/PM', '[Red]dd-mm-yy', 'D.M.YYYY']) {
      expect(isDateFormatString(format), format).toBe(true);
    }
    for (const format of [
      'General', '0.00', '#,##0.00', '#,##0.0000', '@', '0.00E+00', '#,##0 "pcs"', '"Days: "0', '0\\h',
      '#,##0.00\\ [$PLN];[RED]\\-#,##0.00\\ [$PLN]', '[$₹-4009]#,##,##0.00', '_(* #,##0_);_(* (#,##0);_(* "-"_);_(@_)',
    ]) {
      expect(isDateFormatString(format), format).toBe(false);
    }
  });

  it('converts serials in the 1900 system with its fictitious 29 February, and in the 1904 system', () => {
    expect(excelSerialToIso(1, false)).toBe('1900-01-01');
    expect(excelSerialToIso(59, false)).toBe('1900-02-28');
    expect(excelSerialToIso(60, false)).toBe('1900-02-29');
    expect(excelSerialToIso(61, false)).toBe('1900-03-01');
    expect(excelSerialToIso(45000, false)).toBe('2023-03-15');
    expect(excelSerialToIso(45000.5, false)).toBe('2023-03-15T12:00:00');
    expect(excelSerialToIso(45000 + 5400.6 / 86400, false)).toBe('2023-03-15T01:30:01');
    expect(excelSerialToIso(45000 + 86399.6 / 86400, false)).toBe('2023-03-16');
    expect(excelSerialToIso(2958465, false)).toBe('9999-12-31');
    expect(excelSerialToIso(0, true)).toBe('1904-01-01');
    expect(excelSerialToIso(43538, true)).toBe('2023-03-15');
    expect(excelSerialToIso(-1, false)).toBeUndefined();
    expect(excelSerialToIso(2958466, false)).toBeUndefined();
  });

  it('turns numbers with date formats into date cells, built-in and custom', async () => {
    const globals = [
      format8(164, 'dd/mm/yyyy hh:mm'),
      format8(165, '#,##0.00\\ [$PLN]'),
      format8(166, '"Day "0'),
      xf8(0),
      xf8(14),
      xf8(164),
      xf8(165),
      xf8(166),
      xf8(22),
    ];
    const stream = biff8Stream(
      [
        {
          name: 'Dates',
          records: [
            numberCell(0, 0, 45000, 1),
            numberCell(0, 1, 60, 1),
            numberCell(0, 2, 61, 1),
            numberCell(1, 0, 45000.5, 2),
            numberCell(1, 1, 45000 + 5400.6 / 86400, 5),
            numberCell(2, 0, 1234.5, 3),
            numberCell(2, 1, 7, 4),
            numberCell(2, 2, 45000, 0),
            numberCell(2, 3, -3, 1),
            rkCell(3, 0, rkInteger(45000), 1),
            record(0x00bd, u16(3), u16(1), u16(1), u32(rkInteger(45001)), u16(0), u32(rkInteger(45002)), u16(2)),
            formula8(4, 0, f64(45000.25), 2),
          ],
        },
      ],
      globals,
    );
    const { info, sheets } = await readAll(inOle(stream));
    expect(info.date1904).toBe(false);
    expect(sheets[0].rows.map((row) => row.cells)).toEqual([
      [date('2023-03-15'), date('1900-02-29'), date('1900-03-01')],
      [date('2023-03-15T12:00:00'), date('2023-03-15T01:30:01')],
      [1234.5, 7, 45000, -3],
      [date('2023-03-15'), date('2023-03-16'), 45002],
      [date('2023-03-15T06:00:00')],
    ]);
  });

  it('uses the 1904 system when DATEMODE says so', async () => {
    const stream = biff8Stream(
      [{ name: 'Mac', records: [numberCell(0, 0, 0, 1), numberCell(0, 1, 1, 1), numberCell(0, 2, 43538, 1)] }],
      [dateMode1904, xf8(0), xf8(14)],
    );
    const { info, sheets } = await readAll(inOle(stream));
    expect(info.date1904).toBe(true);
    expect(sheets[0].rows[0].cells).toEqual([date('1904-01-01'), date('1904-01-02'), date('2023-03-15')]);
  });
});

describe('older BIFF versions', () => {
  it('reads BIFF5 (Excel 95) from a Book stream with 8-bit text in the code page', async () => {
    const cyrillic = Buffer.from([0xcf, 0xf0, 0xe8, 0xe2, 0xe5, 0xf2]); // "Привет" in windows-1251
    const stream = biff5Stream(
      [
        {
          name: 'List1',
          records: [
            record(0x0204, u16(0), u16(0), u16(0), u16(cyrillic.length), cyrillic),
            record(0x00d6, u16(0), u16(1), u16(0), u16(3), latin1('abc'), [0]),
            numberCell(1, 0, 45000, 1),
            rkCell(1, 1, rkInteger(5)),
            formula8(2, 0, taggedResult(0)),
            record(0x0207, u16(cyrillic.length), cyrillic),
          ],
        },
      ],
      [codePage(1251), record(0x041e, u16(164), [10], latin1('yyyy-mm-dd')), record(0x00e0, u16(0), u16(0), Buffer.alloc(12)), record(0x00e0, u16(0), u16(164), Buffer.alloc(12))],
    );
    const bytes = inOle(stream, 'Book');
    expect(sniffXlsKind(bytes)).toBe('xls-biff5');
    const { info, sheets } = await readAll(bytes);
    expect(info).toMatchObject({ format: 'xls-biff5', encoding: 'windows-1251' });
    expect(sheets[0].name).toBe('List1');
    expect(sheets[0].rows.map((row) => row.cells)).toEqual([['Привет', 'abc'], [date('2023-03-15'), 5], ['Привет']]);
  });

  it('reads a BIFF4 worksheet file: FORMAT records by position, XF, FORMULA 0x0406', async () => {
    const stream = cat(
      record(0x0409, u16(0), u16(WORKSHEET), u16(0)),
      record(0x041e, u16(0), [7], latin1('General')),
      record(0x041e, u16(0), [10], latin1('dd/mm/yyyy')),
      record(0x0443, [0, 0], Buffer.alloc(10)),
      record(0x0443, [0, 1], Buffer.alloc(10)),
      record(0x0204, u16(0), u16(0), u16(0), u16(6), windows1252('Año €5')),
      numberCell(0, 1, 45000, 1),
      numberCell(0, 2, 45000, 0),
      record(0x0406, u16(1), u16(0), u16(0), f64(0), u16(0), u16(0)),
      record(0x0406, u16(1), u16(1), u16(0), taggedResult(0), u16(0), u16(0)),
      record(0x0207, u16(3), latin1('ÑOÑ')),
      EOF,
    );
    expect(sniffXlsKind(stream)).toBe('xls-biff4');
    const { info, sheets } = await readAll(stream);
    expect(info).toMatchObject({ format: 'xls-biff4', encoding: 'windows-1252' });
    expect(sheets[0].name).toBe('Sheet1');
    expect(sheets[0].rows.map((row) => row.cells)).toEqual([
      ['Año €5', date('2023-03-15'), 45000],
      [0, 'ÑOÑ'],
    ]);
  });

  it('reads a BIFF3 worksheet file', async () => {
    const stream = cat(
      record(0x0209, u16(0), u16(WORKSHEET), u16(0)),
      record(0x001e, [7], latin1('General')),
      record(0x001e, [8], latin1('d/m/yyyy')),
      record(0x0243, [0, 0], Buffer.alloc(10)),
      record(0x0243, [0, 1], Buffer.alloc(10)),
      numberCell(0, 0, 61, 1),
      record(0x0206, u16(0), u16(1), u16(0), f64(3.5), u16(0), u16(0)),
      rkCell(0, 2, rkInteger(314, true)),
      EOF,
    );
    expect(sniffXlsKind(stream)).toBe('xls-biff3');
    const { info, sheets } = await readAll(stream);
    expect(info.format).toBe('xls-biff3');
    expect(sheets[0].rows[0].cells).toEqual([date('1900-03-01'), 3.5, 3.14]);
  });

  it('reads a BIFF2 worksheet file: cell attributes name the FORMAT directly', async () => {
    const attributes = (formatIndex: number): number[] => [0, formatIndex, 0];
    const stream = cat(
      record(0x0009, u16(2), u16(WORKSHEET)),
      record(0x001e, [7], latin1('General')),
      record(0x001e, [10], latin1('dd.mm.yyyy')),
      record(0x0004, u16(0), u16(0), attributes(0), [8], windows1252('Precio €')),
      record(0x0003, u16(0), u16(1), attributes(1), f64(45000)),
      record(0x0002, u16(0), u16(2), attributes(0), u16(42)),
      record(0x0005, u16(1), u16(0), attributes(0), [1, 0]),
      record(0x0005, u16(1), u16(1), attributes(0), [0x24, 1]),
      record(0x0006, u16(1), u16(2), attributes(0), taggedResult(0), [0], [0]),
      record(0x0007, [5], latin1('Ñandú')),
      record(0x0006, u16(1), u16(3), attributes(1), f64(45000.75), [0], [0]),
      record(0x0001, u16(2), u16(0), attributes(0)),
      EOF,
    );
    expect(sniffXlsKind(stream)).toBe('xls-biff2');
    const { info, sheets } = await readAll(stream);
    expect(info).toMatchObject({ format: 'xls-biff2', encoding: 'windows-1252' });
    expect(sheets.map((sheet) => sheet.name)).toEqual(['Sheet1']);
    expect(withoutFormulaMarks(sheets[0].rows)).toEqual([
      { rowNumber: 1, cells: ['Precio €', date('2023-03-15'), 42] },
      { rowNumber: 2, cells: [true, '#NUM!', 'Ñandú', date('2023-03-15T18:00:00')] },
    ]);
  });

  it('refuses an Excel 4.0 workbook (BIFF4W) and says how to convert it', async () => {
    const stream = cat(record(0x0409, u16(0), u16(0x0100), u16(0)), EOF);
    expect(sniffXlsKind(stream)).toBe('xls-biff4');
    const error = await readError(stream, { displayName: 'old.xlw' });
    expect(error.message).toMatch(/^old\.xlw: .*BIFF4W.*cannot be read/);
    expect(error.hint).toContain('save it as .xlsx');
  });
});

describe('sniffXlsKind', () => {
  it('recognises OLE workbooks and bare BIFF, nothing else', () => {
    const workbook = biff8Stream([{ name: 'A', records: [numberCell(0, 0, 1)] }]);
    expect(sniffXlsKind(inOle(workbook))).toBe('xls-biff8');
    expect(sniffXlsKind(workbook)).toBe('xls-biff8');
    expect(sniffXlsKind(inOle(workbook, 'WordDocument'))).toBeUndefined();
    expect(sniffXlsKind(Buffer.from('PK\x03\x04\x14\x00\x00\x00', 'latin1'))).toBeUndefined();
    expect(sniffXlsKind(Buffer.from('Code;Name;Qty\nA1;Bolt;4\n'))).toBeUndefined();
    expect(sniffXlsKind(Buffer.from('<html><table><tr><td>1</td></tr></table></html>'))).toBeUndefined();
    expect(sniffXlsKind(Buffer.alloc(0))).toBeUndefined();
  });
});

describe('damaged files end in InputError naming the file', () => {
  const good = biff8Stream(
    [{ name: 'Stock', records: [labelSst(0, 0, 0), numberCell(1, 0, 5), numberCell(2, 0, 6)] }],
    [record(0x00fc, u32(1), u32(1), u16(3), [0], latin1('Qty'))],
  );

  it('the hand-made workbook is readable to begin with', async () => {
    const { sheets } = await readAll(inOle(good));
    expect(sheets[0].rows.map((row) => row.cells)).toEqual([['Qty'], [5], [6]]);
  });

  it('a stream cut short', async () => {
    for (const cut of [good.length - 1, good.length - 7, good.length - 20, 30]) {
      const error = await readError(good.subarray(0, cut), { displayName: 'broken.xls' });
      expect(error).toBeInstanceOf(InputError);
      expect(error.message).toMatch(/^broken\.xls[:,]/);
      expect(error.message).toMatch(/truncated|shorter/);
    }
    expect((await readError(good.subarray(0, 3), { displayName: 'broken.xls' })).message).toMatch(/^broken\.xls: /);
  });

  it('an OLE file cut short', async () => {
    const ole = inOle(good);
    // cfb pads the container to whole sectors, so the cuts go into the directory and data.
    for (const cut of [2000, 1536, 1024, 600, 10]) {
      const error = await readError(ole.subarray(0, cut), { displayName: 'cut.xls' });
      expect(error.message).toMatch(/^cut\.xls[:,]/);
    }
  });

  it('a record that claims more bytes than remain', async () => {
    const stream = biff8Stream([{ name: 'Stock', records: [numberCell(0, 0, 1), cat(u16(0x0203), u16(1000), Buffer.alloc(10))] }]);
    const error = await readError(inOle(stream), { displayName: 'long.xls' });
    expect(error.message).toMatch(/^long\.xls, sheet "Stock": .*declares 1000 bytes but only \d+ remain/);
  });

  it('a shared string index out of range names the row', async () => {
    const stream = biff8Stream(
      [{ name: 'Stock', records: [labelSst(0, 0, 0), labelSst(4, 2, 7)] }],
      [record(0x00fc, u32(1), u32(1), u16(3), [0], latin1('Qty'))],
    );
    const error = await readError(inOle(stream), { displayName: 'sst.xls' });
    expect(error.where).toEqual({ file: 'sst.xls', sheet: 'Stock', row: 5 });
    expect(error.message).toContain('shared string #7 does not exist');
  });

  it('a sheet offset that points nowhere, a cell record too short, a string longer than its record', async () => {
    const badOffset = Buffer.from(good);
    const boundSheetAt = badOffset.indexOf(Buffer.from([0x85, 0x00]));
    badOffset.writeUInt32LE(5, boundSheetAt + 4);
    expect((await readError(badOffset, { displayName: 'a.xls' })).message).toMatch(/^a\.xls, sheet "Stock": /);

    const shortCell = biff8Stream([{ name: 'S', records: [record(0x0203, u16(3), u16(0))] }]);
    expect((await readError(shortCell, { displayName: 'b.xls' })).where).toEqual({ file: 'b.xls', sheet: 'S', row: 4 });

    const longString = biff8Stream([{ name: 'S', records: [record(0x0204, u16(0), u16(0), u16(0), u16(500), [0], latin1('short'))] }]);
    expect((await readError(longString, { displayName: 'c.xls' })).message).toMatch(/^c\.xls, sheet "S", row 1: /);
  });

  it('garbage, an OLE file without a workbook, and an encrypted workbook', async () => {
    expect((await readError(Buffer.from('not a spreadsheet at all'), { displayName: 'x.xls' })).message).toMatch(/^x\.xls: /);
    const word = await readError(inOle(good, 'WordDocument'), { displayName: 'memo.xls' });
    expect(word.message).toMatch(/^memo\.xls: .*without a Workbook stream/);
    const encrypted = biff8Stream([{ name: 'S', records: [] }], [record(0x002f, u16(1), Buffer.alloc(52))]);
    const error = await readError(inOle(encrypted), { displayName: 'secret.xls' });
    expect(error.message).toMatch(/^secret\.xls: .*password/);
    expect(error.hint).toContain('remove the password');
  });

  it('random damage never escapes as anything but InputError', async () => {
    let seed = 12345;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const ole = inOle(good);
    for (let i = 0; i < 300; i++) {
      const bytes = Buffer.from(i % 2 === 0 ? good : ole);
      for (let k = 0; k < 1 + random(6); k++) bytes[random(bytes.length)] = random(256);
      try {
        await readAll(bytes, { displayName: 'fuzz.xls' });
      } catch (error) {
        expect(error).toBeInstanceOf(InputError);
        expect((error as InputError).message).toMatch(/^fuzz\.xls/);
      }
    }
  });
});
