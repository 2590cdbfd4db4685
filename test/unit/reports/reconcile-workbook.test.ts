import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import ExcelJS from 'exceljs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WorkspaceError } from '../../../src/core/errors.js';
import { collectGarbage } from '../../../src/core/memory.js';
import { CAUSES, QUANTITY_COLUMNS, STATUSES, SYNC_COLUMNS, VALUATION_COLUMNS, type QuantityLine, type ReconcileSummary, type Status, type SyncLine, type ValuationLine } from '../../../src/core/reconcile/types.js';
import { STATUS_FILLS, writeReconcileWorkbook } from '../../../src/core/reports/reconcile-workbook.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'invsync-xlsx-'));
});
afterEach(() => {
  vi.useRealTimers();
  fs.rmSync(dir, { recursive: true, force: true });
});

const QUANTITY: QuantityLine[] = [
  { sku: 'A-100', warehouse: 'WH1', location: 'WH1/A-01', lot: '', uom: 'PCE', physical_qty: '12', book_qty: '12', qty_variance: '0', unit_cost: '2.5', value_impact: '0', status: 'match', cause: '' },
  { sku: 'A-200', warehouse: 'WH1', location: 'WH1/A-02', lot: 'L1', uom: 'KG', physical_qty: '10.125', book_qty: '10', qty_variance: '0.125', unit_cost: '4', value_impact: '0.5', status: 'within_tolerance', cause: '' },
  { sku: 'A-300', warehouse: 'WH1', location: 'WH1/A-03', lot: '', uom: 'PCE', physical_qty: '120', book_qty: '10', qty_variance: '110', unit_cost: '1.1', value_impact: '121', status: 'over', cause: 'uom_factor', evidence: 'physical is 12 × book (pack of 12)' },
  { sku: '=1+2', warehouse: 'WH2', location: '-B-07', lot: '', uom: 'PCE', physical_qty: '54', book_qty: '45', qty_variance: '9', unit_cost: '10', value_impact: '90', status: 'over', cause: 'transposition', evidence: '=HYPERLINK("http://example.com")' },
  { sku: 'B-100', warehouse: 'WH2', location: 'WH2/B-01', lot: '', uom: 'PCE', physical_qty: '3', book_qty: '8', qty_variance: '-5', unit_cost: '20', value_impact: '-100', status: 'short', cause: 'misplaced', evidence: 'x'.repeat(300) },
  { sku: 'B-200', warehouse: 'WH2', location: 'WH2/B-02', lot: '', uom: 'PCE', physical_qty: null, book_qty: '7', qty_variance: '-7', unit_cost: '1.5', value_impact: '-10.5', status: 'missing_in_count', cause: '' },
  { sku: 'B-300', warehouse: 'WH2', location: 'WH2/B-03', lot: '', uom: 'PCE', physical_qty: '4', book_qty: null, qty_variance: '4', unit_cost: null, value_impact: null, status: 'missing_in_book', cause: '' },
  { sku: 'C-100', warehouse: 'WH3', location: '', lot: '', uom: 'BOX', physical_qty: '1', book_qty: '1', qty_variance: '0', unit_cost: null, value_impact: null, status: 'unmapped', cause: '' },
];

const VALUATION: ValuationLine[] = [
  { sku: 'A-100', warehouse: 'WH1', book_qty: '12', unit_cost: '2.5', book_value: '30', gl_value: '30', value_variance: '0', status: 'match', cause: '' },
  { sku: 'B-100', warehouse: 'WH2', book_qty: '8', unit_cost: '20', book_value: '160', gl_value: '150', value_variance: '10', status: 'over', cause: 'cost_mismatch', evidence: 'GL cost 18.75' },
  { sku: 'D-100', warehouse: 'WH2', book_qty: null, unit_cost: null, book_value: null, gl_value: '25', value_variance: '-25', status: 'missing_in_book', cause: '' },
];

const SYSTEMS: SyncLine[] = [
  { sku: 'A-100', warehouse: 'WH1', location: '', lot: '', uom: 'PCE', erp_qty: '12', wms_qty: '12', qty_variance: '0', status: 'match', cause: '' },
  { sku: 'A-300', warehouse: 'WH1', location: '', lot: '', uom: 'PCE', erp_qty: '10', wms_qty: '12', qty_variance: '-2', status: 'short', cause: 'in_transit', evidence: '2 PCE in transit' },
];

function counts<K extends string>(keys: readonly K[], lines: readonly { status?: string; cause?: string }[], field: 'status' | 'cause'): Record<K, number> {
  return Object.fromEntries(keys.map((k) => [k, lines.filter((l) => l[field] === k).length])) as Record<K, number>;
}

const SUMMARY: ReconcileSummary = {
  lines_compared: 8,
  counts_by_status: counts(STATUSES, QUANTITY, 'status'),
  counts_by_cause: counts(CAUSES, QUANTITY, 'cause'),
  inventory_record_accuracy: '0.25',
  gross_variance_value: '322',
  net_variance_value: '101',
  top_value_variances: [QUANTITY[2], QUANTITY[4], QUANTITY[3]],
  valuation: { lines: 3, book_value: '190', gl_value: '205', net_value_variance: '-15', counts_by_status: counts(STATUSES, VALUATION, 'status') },
  systems: { lines: 2, counts_by_status: counts(STATUSES, SYSTEMS, 'status') },
  gl_tie_out: [
    { account: '1400 Inventory', item_value: '205', control_total: '205', difference: '0', status: 'match' },
    { account: '1410 Goods in transit', item_value: '0', control_total: null, difference: null, status: 'no_control_total' },
  ],
  set_aside: [{ reason: 'unmapped SKU', lines: 2, qty: '3.5', value: '12.25' }],
  tolerances: { qty_abs: '0.2', value_abs: 5, per_class: { A: '0.01' } },
};

async function* slowly<T>(lines: readonly T[]): AsyncGenerator<T> {
  for (const line of lines) {
    await Promise.resolve();
    yield line;
  }
}

async function write(file: string, extra: Partial<Parameters<typeof writeReconcileWorkbook>[1]> = {}) {
  return writeReconcileWorkbook(file, { summary: SUMMARY, quantity: QUANTITY, valuation: VALUATION, systems: slowly(SYSTEMS), currency: 'EUR', ...extra });
}

async function read(file: string): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  return wb;
}

/** The entries of a zip: name, DOS date/time and inflated bytes (a small reader for the tests). */
function unzip(bytes: Buffer): Map<string, { time: number; date: number; data: Buffer }> {
  let eocd = bytes.length - 22;
  while (bytes.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  const entries = new Map<string, { time: number; date: number; data: Buffer }>();
  let p = bytes.readUInt32LE(eocd + 16);
  for (let n = bytes.readUInt16LE(eocd + 10); n > 0; n--) {
    const method = bytes.readUInt16LE(p + 10);
    const compressed = bytes.readUInt32LE(p + 20);
    const nameLength = bytes.readUInt16LE(p + 28);
    const name = bytes.toString('utf8', p + 46, p + 46 + nameLength);
    const local = bytes.readUInt32LE(p + 42);
    const start = local + 30 + bytes.readUInt16LE(local + 26) + bytes.readUInt16LE(local + 28);
    const raw = bytes.subarray(start, start + compressed);
    entries.set(name, { time: bytes.readUInt16LE(p + 12), date: bytes.readUInt16LE(p + 14), data: method === 8 ? zlib.inflateRawSync(raw) : raw });
    p += 46 + nameLength + bytes.readUInt16LE(p + 30) + bytes.readUInt16LE(p + 32);
  }
  return entries;
}

function rowValues(ws: ExcelJS.Worksheet, row: number): unknown[] {
  return (ws.getRow(row).values as unknown[]).slice(1);
}

/** The cell right of the first cell in column A holding `label`. */
function kpi(ws: ExcelJS.Worksheet, label: string): ExcelJS.Cell {
  for (let r = 1; r <= ws.rowCount; r++) if (ws.getCell(r, 1).value === label) return ws.getCell(r, 2);
  throw new Error(`no "${label}" in ${ws.name}`);
}

function rowOf(ws: ExcelJS.Worksheet, label: string, after = 1): number {
  for (let r = after; r <= ws.rowCount; r++) if (ws.getCell(r, 1).value === label) return r;
  throw new Error(`no "${label}" in ${ws.name}`);
}

describe('writeReconcileWorkbook', () => {
  it('writes Summary, Quantity, Valuation and Systems, with the contract columns plus evidence', async () => {
    const file = path.join(dir, 'variance.xlsx');
    const result = await write(file);
    expect(result).toEqual({ rows: { Quantity: 8, Valuation: 3, Systems: 2 }, lines: { Quantity: 8, Valuation: 3, Systems: 2 }, capped: false });
    const wb = await read(file);
    expect(wb.worksheets.map((ws) => ws.name)).toEqual(['Summary', 'Quantity', 'Valuation', 'Systems']);
    expect(rowValues(wb.getWorksheet('Quantity')!, 1)).toEqual([...QUANTITY_COLUMNS, 'evidence']);
    expect(rowValues(wb.getWorksheet('Valuation')!, 1)).toEqual([...VALUATION_COLUMNS, 'evidence']);
    expect(rowValues(wb.getWorksheet('Systems')!, 1)).toEqual([...SYNC_COLUMNS, 'evidence']);
    expect(wb.getWorksheet('Quantity')!.rowCount).toBe(9);
    expect(wb.getWorksheet('Systems')!.getCell('J3').value).toBe('in_transit');
    expect(wb.creator).toBe('invsync');
    expect(wb.created.toISOString()).toBe('2000-01-01T00:00:00.000Z');
  });

  it('gives every detail sheet a bold frozen header row with an autofilter', async () => {
    const file = path.join(dir, 'variance.xlsx');
    await write(file);
    const wb = await read(file);
    for (const [name, last] of [['Quantity', 'M'], ['Valuation', 'J'], ['Systems', 'K']] as const) {
      const ws = wb.getWorksheet(name)!;
      expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1, topLeftCell: 'A2' });
      expect(ws.autoFilter).toBe(`A1:${last}1`);
      expect(ws.getCell('A1').font?.bold).toBe(true);
      expect(ws.getCell(`${last}1`).font?.bold).toBe(true);
    }
  });

  it('writes numbers as numbers, with quantity and money formats', async () => {
    const file = path.join(dir, 'variance.xlsx');
    await write(file);
    const ws = (await read(file)).getWorksheet('Quantity')!;
    // Row 3: A-200, 10.125 against 10.
    expect(ws.getCell('F3').value).toBe(10.125);
    expect(ws.getCell('F3').type).toBe(ExcelJS.ValueType.Number);
    expect(ws.getCell('F3').numFmt).toBe('#,##0.###');
    expect(ws.getCell('G3').value).toBe(10);
    expect(ws.getCell('G3').numFmt).toBe('#,##0'); // whole: no trailing decimal point
    expect(ws.getCell('I3').numFmt).toBe('#,##0.00## "EUR"');
    expect(ws.getCell('J3').value).toBe(0.5);
    expect(ws.getCell('J3').numFmt).toBe('#,##0.00 "EUR"');
    expect(ws.getCell('J6').value).toBe(-100);
    // Missing sides are empty cells, not zeros.
    expect(ws.getCell('F7').value).toBeNull();
    expect(ws.getCell('G8').value).toBeNull();
    const valuation = (await read(file)).getWorksheet('Valuation')!;
    for (const col of ['E', 'F', 'G']) expect(valuation.getCell(`${col}3`).numFmt).toBe('#,##0.00 "EUR"');
    expect(valuation.getCell('G3').value).toBe(10);
  });

  it('formats quantities by quantityDecimals when given, and money without a currency', async () => {
    const file = path.join(dir, 'variance.xlsx');
    await write(file, { currency: undefined, quantityDecimals: (line) => ('uom' in line && line.uom === 'KG' ? 3 : 0) });
    const ws = (await read(file)).getWorksheet('Quantity')!;
    expect(ws.getCell('F3').numFmt).toBe('#,##0.000');
    expect(ws.getCell('F2').numFmt).toBe('#,##0');
    expect(ws.getCell('J3').numFmt).toBe('#,##0.00');
  });

  it('fills the status cell by status', async () => {
    const file = path.join(dir, 'variance.xlsx');
    await write(file);
    const wb = await read(file);
    const ws = wb.getWorksheet('Quantity')!;
    const seen = new Set<Status>();
    for (let r = 2; r <= ws.rowCount; r++) {
      const cell = ws.getCell(r, QUANTITY_COLUMNS.indexOf('status') + 1);
      const status = cell.value as Status;
      seen.add(status);
      expect(cell.fill).toMatchObject({ type: 'pattern', pattern: 'solid', fgColor: { argb: STATUS_FILLS[status] } });
    }
    expect(seen.size).toBe(7);
    expect(STATUS_FILLS.match).not.toBe(STATUS_FILLS.short);
    expect(STATUS_FILLS.over).not.toBe(STATUS_FILLS.short);
    expect(wb.getWorksheet('Valuation')!.getCell('H3').fill).toMatchObject({ fgColor: { argb: STATUS_FILLS.over } });
  });

  it('writes text that starts like a formula as guarded text, never as a formula', async () => {
    const file = path.join(dir, 'variance.xlsx');
    await write(file);
    const ws = (await read(file)).getWorksheet('Quantity')!;
    for (const [address, text] of [
      ['A5', "'=1+2"],
      ['C5', "'-B-07"],
      ['M5', `'=HYPERLINK("http://example.com")`],
    ] as const) {
      const cell = ws.getCell(address);
      expect(cell.type).toBe(ExcelJS.ValueType.String);
      expect(cell.value).toBe(text);
      expect(cell.formula).toBeUndefined();
      expect(cell.numFmt).toBe('@');
    }
    const xml = unzip(fs.readFileSync(file)).get('xl/worksheets/sheet2.xml')!.data.toString('utf8');
    expect(xml).not.toContain('<f>');
    expect(xml).toMatch(/<c r="A5"[^>]* t="str"><v>&apos;=1\+2<\/v><\/c>/);
  });

  it('(premise) exceljs writes a plain string starting with "=" as a string cell, not a formula', async () => {
    const file = path.join(dir, 'plain.xlsx');
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useStyles: true, useSharedStrings: false });
    const ws = wb.addWorksheet('S');
    ws.addRow(['=1+2']).commit();
    ws.commit();
    await wb.commit();
    const xml = unzip(fs.readFileSync(file)).get('xl/worksheets/sheet1.xml')!.data.toString('utf8');
    expect(xml).toContain('<c r="A1" t="str"><v>=1+2</v></c>');
    const back = await read(file);
    expect(back.getWorksheet('S')!.getCell('A1').type).toBe(ExcelJS.ValueType.String);
  });

  it('sizes the columns to their content, at most 60 wide', async () => {
    const file = path.join(dir, 'variance.xlsx');
    await write(file);
    const ws = (await read(file)).getWorksheet('Quantity')!;
    expect(ws.getColumn(13).width).toBe(60); // evidence: 300 characters
    expect(ws.getColumn(1).width).toBeGreaterThanOrEqual('sku'.length + 3);
    expect(ws.getColumn(2).width).toBeGreaterThanOrEqual('warehouse'.length + 3);
    expect(ws.getColumn(2).width).toBeLessThan(20);
  });

  it('puts the KPIs, counts, set-aside lines, top variances and GL tie-out on the Summary sheet', async () => {
    const file = path.join(dir, 'variance.xlsx');
    await write(file);
    const ws = (await read(file)).getWorksheet('Summary')!;
    expect(kpi(ws, 'Lines compared').value).toBe(8);
    expect(kpi(ws, 'Inventory record accuracy').value).toBe(0.25);
    expect(kpi(ws, 'Inventory record accuracy').numFmt).toBe('0.00%');
    expect(kpi(ws, 'Gross variance value').value).toBe(322);
    expect(kpi(ws, 'Gross variance value').numFmt).toBe('#,##0.00 "EUR"');
    expect(kpi(ws, 'Net variance value').value).toBe(101);
    expect(kpi(ws, 'Net value variance').value).toBe(-15);

    const statusRow = rowOf(ws, 'Lines per status');
    expect(rowValues(ws, statusRow + 1)).toEqual(['status', 'Quantity', 'Valuation', 'Systems']);
    const over = rowOf(ws, 'over', statusRow);
    expect(rowValues(ws, over)).toEqual(['over', 2, 1, 0]);
    expect(ws.getCell(over, 1).fill).toMatchObject({ fgColor: { argb: STATUS_FILLS.over } });

    const causes = rowOf(ws, 'Lines per cause');
    expect(rowValues(ws, rowOf(ws, 'transposition', causes))).toEqual(['transposition', 1]);

    const setAside = rowOf(ws, 'Set aside (not compared)');
    expect(rowValues(ws, setAside + 2)).toEqual(['unmapped SKU', 2, 3.5, 12.25]);

    const top = rowOf(ws, 'Top 20 value variances');
    expect(rowValues(ws, top + 1)).toEqual([...QUANTITY_COLUMNS]);
    expect(ws.getCell(top + 2, 1).value).toBe('A-300');
    expect(ws.getCell(top + 2, 10).value).toBe(121);
    expect(ws.getCell(top + 4, 1).value).toBe("'=1+2");

    const gl = rowOf(ws, 'GL tie-out per account');
    expect(rowValues(ws, gl + 1)).toEqual(['account', 'item_value', 'control_total', 'difference', 'status']);
    expect(rowValues(ws, gl + 2)).toEqual(['1400 Inventory', 205, 205, 0, 'match']);
    expect(ws.getCell(gl + 3, 1).value).toBe('1410 Goods in transit');
    expect(ws.getCell(gl + 3, 3).value).toBeNull();
    expect(ws.getCell(gl + 3, 5).value).toBe('no_control_total');

    expect(kpi(ws, 'per_class').value).toBe('{"A":"0.01"}');
  });

  it('is byte-identical when written twice, at different times', async () => {
    const a = path.join(dir, 'a.xlsx');
    const b = path.join(dir, 'b.xlsx');
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2031-05-06T07:08:09Z'));
    await write(a);
    vi.setSystemTime(new Date('2034-11-12T13:14:15Z'));
    await write(b);
    vi.useRealTimers();
    const bytes = fs.readFileSync(a);
    expect(bytes.equals(fs.readFileSync(b))).toBe(true);
    for (const [name, entry] of unzip(bytes)) {
      expect({ name, date: entry.date, time: entry.time }).toEqual({ name, date: (20 << 9) | (1 << 5) | 1, time: 0 });
    }
  });

  it('caps a detail sheet at maxDetailRows with a note on top when the count is known', async () => {
    const file = path.join(dir, 'variance.xlsx');
    const result = await write(file, { maxDetailRows: 5 });
    expect(result).toEqual({ rows: { Quantity: 5, Valuation: 3, Systems: 2 }, lines: { Quantity: 8, Valuation: 3, Systems: 2 }, capped: true });
    const wb = await read(file);
    const ws = wb.getWorksheet('Quantity')!;
    expect(String(ws.getCell('A1').value)).toMatch(/at most 5 of the 8 lines.*every line is in variance\.csv/);
    expect(rowValues(ws, 2)).toEqual([...QUANTITY_COLUMNS, 'evidence']);
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 2 });
    expect(ws.autoFilter).toBe('A2:M2');
    expect(ws.rowCount).toBe(7);
    expect(ws.getCell('A7').value).toBe('B-100');
    expect(wb.getWorksheet('Valuation')!.getCell('A1').value).toBe('sku');
    expect(String(kpi(wb.getWorksheet('Summary')!, 'Sheet Quantity').value)).toMatch(/first 5 of 8 lines/);
  });

  it('caps lines it could not count ahead with a note below them', async () => {
    const file = path.join(dir, 'variance.xlsx');
    const result = await write(file, { quantity: slowly(QUANTITY), maxDetailRows: 6, summary: { ...SUMMARY, counts_by_status: { ...SUMMARY.counts_by_status, match: 0, over: 0 } } });
    expect(result.capped).toBe(true);
    expect(result.rows.Quantity).toBe(6);
    expect(result.lines.Quantity).toBe(8);
    const ws = (await read(file)).getWorksheet('Quantity')!;
    expect(ws.getCell('A1').value).toBe('sku');
    expect(ws.rowCount).toBe(8);
    expect(String(ws.getCell('A8').value)).toMatch(/after the first 6 are not shown \(2 more.*variance\.csv/);
  });

  it('leaves no file and no temporary file when the lines fail, and an existing file as it was', async () => {
    const file = path.join(dir, 'variance.xlsx');
    fs.writeFileSync(file, 'old');
    let closed = false;
    function* failing(): Generator<QuantityLine> {
      try {
        yield QUANTITY[0];
        throw new Error('cursor failed');
      } finally {
        closed = true;
      }
    }
    await expect(write(file, { quantity: failing() })).rejects.toThrow('cursor failed');
    expect(closed).toBe(true);
    expect(fs.readdirSync(dir)).toEqual(['variance.xlsx']);
    expect(fs.readFileSync(file, 'utf8')).toBe('old');
  });

  it('throws WorkspaceError when the folder cannot be written', async () => {
    const blocker = path.join(dir, 'not-a-folder');
    fs.writeFileSync(blocker, 'x');
    await expect(write(path.join(blocker, 'variance.xlsx'))).rejects.toBeInstanceOf(WorkspaceError);
  });

  it('streams 100,000 quantity lines in flat memory', async () => {
    const file = path.join(dir, 'big.xlsx');
    const memory = (): number => {
      const m = process.memoryUsage();
      return m.heapUsed + m.external;
    };
    collectGarbage();
    const baseline = memory();
    let peak = 0;
    function* many(): Generator<QuantityLine> {
      for (let i = 0; i < 100_000; i++) {
        if (i % 20_000 === 19_999) {
          collectGarbage();
          peak = Math.max(peak, memory() - baseline);
        }
        yield { ...QUANTITY[i % QUANTITY.length], sku: `SKU-${String(i).padStart(7, '0')}`, location: `WH1/Aisle ${i % 97}/Bin ${i % 13}` };
      }
    }
    const result = await writeReconcileWorkbook(file, { summary: SUMMARY, quantity: many(), valuation: [], systems: [] });
    expect(result.rows.Quantity).toBe(100_000);
    // Unbounded, the sheet's XML (about 40 MB) would pile up in exceljs's stream buffers.
    expect(peak).toBeLessThan(24 * 1024 * 1024);
    const xml = unzip(fs.readFileSync(file)).get('xl/worksheets/sheet2.xml')!.data.toString('utf8');
    expect(xml).toContain('<c r="A100001" t="str"><v>SKU-0099999</v></c>');
    expect(xml).not.toContain('<row r="100002"');
  });
});
