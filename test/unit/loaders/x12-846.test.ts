import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/core/errors.js';
import type { RawRow } from '../../../src/core/loaders/types.js';
import {
  X12_846_COLUMNS,
  X12_846_SHEET_NAME,
  looksLikeX12,
  readX12_846,
} from '../../../src/core/loaders/x12-846.js';

// ---------------------------------------------------------------------------
// Building X12 documents

interface Delimiters {
  element: string;
  component: string;
  segment: string;
  /** ISA11: a repetition separator (4020+) or "U". */
  isa11?: string;
  version?: string;
  /** Written after every segment terminator, as many senders do. */
  lineBreak?: string;
}

const STAR_TILDE: Delimiters = { element: '*', component: '>', segment: '~' };

type Segment = string[];

function isaSegment(delimiters: Delimiters, control: string): Segment {
  return [
    'ISA',
    '00',
    ' '.repeat(10),
    '00',
    ' '.repeat(10),
    'ZZ',
    'SIERRA3PL'.padEnd(15),
    'ZZ',
    'ACMEGOODS'.padEnd(15),
    '250314',
    '0530',
    delimiters.isa11 ?? 'U',
    delimiters.version ?? '00401',
    control,
    '0',
    'P',
    delimiters.component,
  ];
}

/** ST … SE around the body, with SE01 counted unless the test overrides it. */
function transactionSet(body: Segment[], options: { setId?: string; control?: string; se01?: string } = {}): Segment[] {
  const control = options.control ?? '0001';
  const count = String(body.length + 2);
  return [['ST', options.setId ?? '846', control], ...body, ['SE', options.se01 ?? count, control]];
}

function interchange(sets: Segment[][], control = '000000001', groupControl = '101', delimiters = STAR_TILDE): Segment[] {
  return [
    isaSegment(delimiters, control),
    ['GS', 'IB', 'SIERRA3PL', 'ACMEGOODS', '20250314', '0530', groupControl, 'X', '004010'],
    ...sets.flat(),
    ['GE', String(sets.length), groupControl],
    ['IEA', '1', control],
  ];
}

function render(segments: Segment[], delimiters: Delimiters = STAR_TILDE): string {
  return segments.map((segment) => segment.join(delimiters.element) + delimiters.segment + (delimiters.lineBreak ?? '')).join('');
}

function document(body: Segment[], delimiters: Delimiters = STAR_TILDE): string {
  return render(interchange([transactionSet(body)], undefined, undefined, delimiters), delimiters);
}

// ---------------------------------------------------------------------------
// Reading

type Row = Record<(typeof X12_846_COLUMNS)[number], string | null>;

async function readRows(text: string): Promise<RawRow[]> {
  const source = readX12_846(text, { displayName: 'stock.edi' });
  const rows: RawRow[] = [];
  for await (const sheet of source.sheets()) {
    expect(sheet.name).toBe(X12_846_SHEET_NAME);
    for await (const row of sheet.rows) rows.push(row);
  }
  return rows;
}

async function readRecords(text: string): Promise<Array<Row & { rowNumber: number }>> {
  const rows = await readRows(text);
  expect(rows[0]).toEqual({ rowNumber: 1, cells: [...X12_846_COLUMNS] });
  return rows.slice(1).map((row) => ({
    rowNumber: row.rowNumber,
    ...(Object.fromEntries(X12_846_COLUMNS.map((column, index) => [column, row.cells[index] ?? null])) as Row),
  }));
}

function inputErrorOf(action: () => unknown): InputError {
  try {
    action();
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('expected an InputError');
}

function readError(text: string): InputError {
  return inputErrorOf(() => readX12_846(text, { displayName: 'stock.edi' }));
}

// Segment numbers: ISA 1, GS 2, ST 3, then the body from 4.
const STOCK_BODY: Segment[] = [
  ['BIA', '00', 'MM', 'SNAP-20250314', '20250314'], // 4
  ['N1', 'WH', 'SIERRA LOGISTICS RENO DC', '92', 'RNO1'], // 5
  ['LIN', '1', 'BP', 'B-100', 'SK', 'WID-100', 'UP', '036000291452'], // 6
  ['PID', 'F', '', '', '', 'WIDGET, BLUE'], // 7
  ['QTY', '17', '120', 'EA'], // 8
  ['QTY', '63', '40', 'EA'], // 9
  ['QTY', '74', '3', 'EA'], // 10
  ['LIN', '2', 'VN', 'GAD-200', 'UI', '03600029145'], // 11
  ['REF', 'LT', 'L2409A'], // 12
  ['QTY', '33', '15', 'CA'], // 13
  ['QTY', 'BQ', '5', 'CA'], // 14
  ['LIN', '3', 'IN', 'SPR-300', 'BP', 'B-300'], // 15: BP ranks above IN
  ['UIT', 'EA', '4.25'], // 16
  ['QTY', '17', '12.50'], // 17
  ['QTY', '33', '10'], // 18
  ['CTT', '3', '205.50'], // 19
];

describe('looksLikeX12', () => {
  it('recognises an ISA header after a BOM or whitespace', () => {
    expect(looksLikeX12(render(interchange([])))).toBe(true);
    const pipes = render(interchange([]), { element: '|', component: '>', segment: '\n' });
    expect(looksLikeX12(`\uFEFF\r\n  ${pipes}`)).toBe(true);
  });

  it('rejects text that only starts with the letters ISA', () => {
    expect(looksLikeX12('ISA,00,foo\n')).toBe(false);
    expect(looksLikeX12('ISA,00,a,b,c,d,e,f,g,h,i,j,k,l,m,n\n1,2,3,4,5,6,7,8,9\n')).toBe(false);
    expect(looksLikeX12('ISAAC;NEWTON')).toBe(false);
    expect(looksLikeX12('sku,qty\nA,1\n')).toBe(false);
    expect(looksLikeX12('')).toBe(false);
  });
});

describe('readX12_846', () => {
  it('gives one row per stock QTY and counts the quantities it skips', async () => {
    const text = document(STOCK_BODY, { ...STAR_TILDE, lineBreak: '\r\n' });
    const source = readX12_846(text, { displayName: 'stock.edi' });
    expect(source.info).toEqual({ format: 'x12', delimiter: '*' });
    expect(source.x12).toEqual({
      transactionSets: 1,
      linCount: 3,
      qtySegments: 7,
      skippedQuantities: { '63': 1, BQ: 1, '33': 1 },
    });

    const records = await readRecords(text);
    expect(records).toEqual([
      {
        rowNumber: 8,
        sku: 'WID-100',
        description: 'WIDGET, BLUE',
        barcode: '036000291452',
        warehouse: 'RNO1',
        location: 'RNO1',
        lot: null,
        qty: '120',
        uom: 'EA',
        qty_qualifier: '17',
        status: 'available',
        snapshot_date: '2025-03-14',
        unit_price: null,
        lin_line: '1',
      },
      expect.objectContaining({ rowNumber: 10, sku: 'WID-100', qty: '3', qty_qualifier: '74', status: 'damaged' }),
      expect.objectContaining({
        rowNumber: 13,
        sku: 'GAD-200',
        barcode: '03600029145',
        lot: 'L2409A',
        qty: '15',
        uom: 'CA',
        qty_qualifier: '33',
        status: 'available',
        lin_line: '2',
      }),
      expect.objectContaining({
        rowNumber: 17,
        sku: 'B-300',
        barcode: null,
        qty: '12.50',
        uom: 'EA',
        unit_price: '4.25',
        qty_qualifier: '17',
      }),
    ]);
    expect(records.length + Object.values(source.x12.skippedQuantities).reduce((a, b) => a + b, 0)).toBe(
      source.x12.qtySegments,
    );
  });

  it('reads | elements and newline-terminated segments, keeping decimals exactly as sent', async () => {
    const pipes: Delimiters = { element: '|', component: '^', segment: '\n' };
    const text = document(
      [
        ['BIA', '00', 'MM', 'S1', '20241231'],
        ['N1', 'WH', 'OVERFLOW YARD'],
        ['LIN', '', 'SK', 'BULK-1'],
        ['QTY', '17', '-3', 'KG^1'],
        ['QTY', '74', '0.001', 'KG'],
        ['LIN', '', 'SK', 'BULK-2'],
        ['QTY', '17', '.5', 'LBR'],
        ['QTY', '17', '007.250', 'LBR'],
        ['CTT', '2', '4.751'],
      ],
      pipes,
    );
    expect(looksLikeX12(text)).toBe(true);
    const records = await readRecords(text);
    expect(records.map((record) => [record.sku, record.qty, record.uom, record.status])).toEqual([
      ['BULK-1', '-3', 'KG', 'available'],
      ['BULK-1', '0.001', 'KG', 'damaged'],
      ['BULK-2', '.5', 'LBR', 'available'],
      ['BULK-2', '007.250', 'LBR', 'available'],
    ]);
    expect(records[0]).toMatchObject({ warehouse: 'OVERFLOW YARD', location: 'OVERFLOW YARD', lin_line: null });
    expect(records[0].snapshot_date).toBe('2024-12-31');
  });

  it('sums CTT02 exactly where floats would not (0.1 + 0.2 = 0.3)', async () => {
    const body = [
      ['BIA', '00', 'MM', 'S1', '20250314'],
      ['LIN', '1', 'SK', 'A'],
      ['QTY', '17', '0.1'],
      ['QTY', '17', '0.2'],
      ['CTT', '1', '0.3'],
    ];
    expect((await readRecords(document(body))).map((record) => record.qty)).toEqual(['0.1', '0.2']);
  });

  it('accepts CTT02 as the X12 element 347 hash (no signs, no decimal points)', async () => {
    const body = STOCK_BODY.map((segment) => (segment[0] === 'CTT' ? ['CTT', '3', '1443'] : segment));
    expect(await readRecords(document(body))).toHaveLength(4);
    const withNegative = [
      ['BIA', '00', 'MM', 'S1', '20250314'],
      ['LIN', '1', 'SK', 'A'],
      ['QTY', '17', '-2.5'],
      ['QTY', '17', '10'],
    ];
    expect(await readRecords(document([...withNegative, ['CTT', '1', '7.5']]))).toHaveLength(2);
    expect(await readRecords(document([...withNegative, ['CTT', '1', '35']]))).toHaveLength(2);
  });

  it('reads several interchanges, each with its own delimiters, into one sheet', async () => {
    const pipes: Delimiters = { element: '|', component: '>', segment: '\n' };
    const first = render(
      interchange([transactionSet([['LIN', '1', 'SK', 'A'], ['QTY', '17', '5'], ['CTT', '1', '5']])], '000000001'),
      { ...STAR_TILDE, lineBreak: '\n' },
    );
    const second = render(
      interchange(
        [
          transactionSet([['LIN', '1', 'SK', 'B'], ['QTY', '17', '6']], { control: '0001' }),
          transactionSet([['LIN', '1', 'SK', 'C'], ['QTY', '17', '7']], { control: '0002' }),
        ],
        '000000002',
        '202',
        pipes,
      ),
      pipes,
    );
    const source = readX12_846(first + '\n' + second, { displayName: 'stock.edi' });
    expect(source.x12).toMatchObject({ transactionSets: 3, linCount: 3, qtySegments: 3 });
    const records = await readRecords(first + '\n' + second);
    // First interchange: ISA 1 … IEA 9; second: ISA 10, GS 11, ST 12, LIN 13, QTY 14, SE 15, ST 16, LIN 17, QTY 18.
    expect(records.map((record) => [record.rowNumber, record.sku, record.qty])).toEqual([
      [5, 'A', '5'],
      [14, 'B', '6'],
      [18, 'C', '7'],
    ]);
  });

  it('splits repetitions only from version 00402 on, where ISA11 is the repetition separator', async () => {
    const body = [
      ['LIN', '1', 'SK', 'A'],
      ['PID', 'F', '', '', '', 'RED^BLUE'],
      ['QTY', '17', '1'],
    ];
    const old = await readRecords(document(body, { ...STAR_TILDE, isa11: 'U', version: '00401' }));
    expect(old[0].description).toBe('RED^BLUE');
    const modern = await readRecords(document(body, { ...STAR_TILDE, isa11: '^', version: '00501' }));
    expect(modern[0].description).toBe('RED');
  });

  it('takes lots from LIN LT, REF*LT or REF*BT, and rejects two lots in one LIN loop', async () => {
    const records = await readRecords(
      document([
        ['LIN', '1', 'SK', 'A', 'LT', 'LIN-LOT'],
        ['QTY', '17', '1'],
        ['LIN', '2', 'SK', 'B'],
        ['QTY', '17', '2'],
        ['REF', 'BT', 'BATCH-7'],
        ['LIN', '3', 'SK', 'C'],
        ['REF', 'BT', 'BATCH-8'],
        ['REF', 'LT', 'LOT-8'],
        ['QTY', '17', '3'],
        ['QTY', '74', '1'],
        ['LIN', '4', 'SK', 'D'],
        ['QTY', '17', '4'],
      ]),
    );
    expect(records.map((record) => [record.sku, record.lot])).toEqual([
      ['A', 'LIN-LOT'],
      ['B', 'BATCH-7'],
      ['C', 'LOT-8'],
      ['C', 'LOT-8'],
      ['D', null],
    ]);

    const error = readError(
      document([
        ['LIN', '1', 'SK', 'A'], // 4
        ['QTY', '17', '1'], // 5
        ['REF', 'LT', 'L1'], // 6
        ['QTY', '17', '2'], // 7
        ['REF', 'LT', 'L2'], // 8
      ]),
    );
    expect(error.where).toEqual({ file: 'stock.edi', row: 8, column: 'REF02' });
    expect(error.message).toContain('"L1" (segment 6)');
    expect(error.message).toContain('"L2" (segment 8)');
  });

  it('takes the warehouse from the heading N1 loop and the location from REF*WS/LU or a detail N1', async () => {
    const records = await readRecords(
      document([
        ['BIA', '00', 'MM', 'S1', '20250314'],
        ['N1', 'SU', 'ACME GOODS', '92', 'ACME'],
        ['N1', 'ST', 'ACME STORE 9', '92', 'STORE9'],
        ['N1', 'WH', 'SIERRA RENO'],
        ['N3', '4850 LONGLEY LN'],
        ['LIN', '1', 'SK', 'A'],
        ['REF', 'WS', 'A-01-03'],
        ['QTY', '17', '1'],
        ['LIN', '2', 'SK', 'B'],
        ['QTY', '17', '2'],
        ['N1', 'WH', 'SPARKS ANNEX', '92', 'SPK'],
        ['QTY', '17', '3'],
        ['N1', 'WH', 'CARSON ANNEX', '92', 'CSN'],
        ['REF', 'LU', 'C-07'],
        ['QTY', '74', '4'],
      ]),
    );
    expect(records.map((record) => [record.sku, record.warehouse, record.location, record.qty])).toEqual([
      ['A', 'SIERRA RENO', 'A-01-03', '1'],
      ['B', 'SIERRA RENO', 'SIERRA RENO', '2'],
      ['B', 'SIERRA RENO', 'SPK', '3'],
      ['B', 'SIERRA RENO', 'C-07', '4'],
    ]);

    const shipToOnly = await readRecords(
      document([
        ['N1', 'ST', 'ACME STORE 9', '92', 'STORE9'],
        ['LIN', '1', 'SK', 'A'],
        ['QTY', '17', '1'],
      ]),
    );
    expect(shipToOnly[0]).toMatchObject({ warehouse: 'STORE9', location: 'STORE9', snapshot_date: null });
  });

  it('prefers SK over VN, VP, BP, IN, MG and barcodes UP, EN, UK, UA, UI in that order', async () => {
    const records = await readRecords(
      document([
        ['LIN', '1', 'UI', '03600029145', 'MG', 'M-1', 'VN', 'V-1', 'EN', '6291041500213', 'SK', 'S-1'],
        ['QTY', '17', '1'],
        ['LIN', '2', 'UK', '10036000291459', 'IN', 'I-2', 'BP', 'B-2'],
        ['QTY', '17', '1'],
        ['LIN', '3', 'ZZ', 'Z-3', 'UA', '003600029145'],
        ['QTY', '17', '1'],
      ]),
    );
    expect(records.map((record) => [record.sku, record.barcode])).toEqual([
      ['S-1', '6291041500213'],
      ['B-2', '10036000291459'],
      ['Z-3', '003600029145'],
    ]);
  });

  it('uses a heading DTM when BIA04 is empty, and rejects an impossible BIA04 date', async () => {
    const fromDtm = await readRecords(
      document([
        ['BIA', '00', 'MM', 'S1'],
        ['DTM', '405', '20250313'],
        ['LIN', '1', 'SK', 'A'],
        ['DTM', '036', '20270101'],
        ['QTY', '17', '1'],
      ]),
    );
    expect(fromDtm[0].snapshot_date).toBe('2025-03-13');

    const error = readError(document([['BIA', '00', 'MM', 'S1', '20250230'], ['LIN', '1', 'SK', 'A'], ['QTY', '17', '1']]));
    expect(error.where).toEqual({ file: 'stock.edi', row: 4, column: 'BIA04' });
  });

  it('rejects a CTT01 that does not count the LIN segments', () => {
    const body = STOCK_BODY.map((segment) => (segment[0] === 'CTT' ? ['CTT', '4', '205.50'] : segment));
    const error = readError(document(body));
    expect(error).toBeInstanceOf(InputError);
    expect(error.where).toEqual({ file: 'stock.edi', row: 19, column: 'CTT01' });
    expect(error.message).toContain('CTT01 says 4 line items, but the transaction set has 3 LIN segments');
  });

  it('rejects a CTT02 hash total that matches neither the sum nor the X12 hash', () => {
    const body = STOCK_BODY.map((segment) => (segment[0] === 'CTT' ? ['CTT', '3', '205.49'] : segment));
    const error = readError(document(body));
    expect(error.where).toEqual({ file: 'stock.edi', row: 19, column: 'CTT02' });
    expect(error.message).toContain('their sum is 205.50');
    expect(error.message).toContain('1443');
  });

  it('rejects an SE01 segment count that does not match', () => {
    const text = render(interchange([transactionSet(STOCK_BODY, { se01: '17' })]));
    const error = readError(text);
    expect(error.where).toEqual({ file: 'stock.edi', row: 20, column: 'SE01' });
    expect(error.message).toContain('SE01 says 17 segments from ST to SE, but there are 18');
  });

  it('rejects mismatched GE and IEA control counts and numbers', () => {
    const segments = interchange([transactionSet(STOCK_BODY)]);
    const withGroupCount = segments.map((segment) => (segment[0] === 'GE' ? ['GE', '2', '101'] : segment));
    expect(readError(render(withGroupCount)).where.column).toBe('GE01');
    const withControl = segments.map((segment) => (segment[0] === 'IEA' ? ['IEA', '1', '000000009'] : segment));
    const error = readError(render(withControl));
    expect(error.where).toEqual({ file: 'stock.edi', row: 22, column: 'IEA02' });
    expect(error.message).toContain('ISA13 000000001');
  });

  it('rejects a transaction set other than 846', () => {
    const text = render(
      interchange([transactionSet(STOCK_BODY), transactionSet([['BEG', '00', 'SA', 'PO1', '', '20250314']], { setId: '850', control: '0002' })]),
    );
    const error = readError(text);
    expect(error.where).toEqual({ file: 'stock.edi', row: 21, column: 'ST01' });
    expect(error.message).toContain('transaction set 850 is not supported for wms: only 846');
  });

  it('rejects a truncated file, whether cut between or inside segments', () => {
    const text = document(STOCK_BODY, { ...STAR_TILDE, lineBreak: '\n' });
    const cutBeforeSe = text.slice(0, text.indexOf('SE*'));
    const error = readError(cutBeforeSe);
    expect(error.where).toEqual({ file: 'stock.edi', row: 19 });
    expect(error.message).toMatch(/ends inside transaction set 846 0001 from segment 3: no SE follows; the file looks truncated/);

    const cutInsideQty = text.slice(0, text.indexOf('QTY*63') + 5);
    expect(readError(cutInsideQty).message).toContain('truncated');

    const cutBeforeIea = text.slice(0, text.indexOf('IEA*'));
    expect(readError(cutBeforeIea).message).toMatch(/no IEA follows/);
  });

  it('rejects a QTY02 that is not an X12 decimal number', () => {
    for (const quantity of ['12,5', '1e3', '+4', 'N/A', '1.2.3']) {
      const error = readError(document([['LIN', '1', 'SK', 'A'], ['QTY', '17', quantity]]));
      expect(error.where).toEqual({ file: 'stock.edi', row: 5, column: 'QTY02' });
      expect(error.message).toContain(`QTY02 "${quantity}" is not an X12 decimal number`);
    }
  });

  it('rejects an empty QTY02 on stock but counts an empty order quantity as skipped', () => {
    const error = readError(document([['LIN', '1', 'SK', 'A'], ['QTY', '17', '', '', 'CALL']]));
    expect(error.where).toEqual({ file: 'stock.edi', row: 5, column: 'QTY02' });
    expect(error.message).toContain('QTY04 says "CALL"');

    const source = readX12_846(document([['LIN', '1', 'SK', 'A'], ['QTY', '63', '', '', 'TBD'], ['QTY', '17', '4']]), {
      displayName: 'stock.edi',
    });
    expect(source.x12.skippedQuantities).toEqual({ '63': 1 });
  });

  it('rejects files that are not X12, a QTY outside a LIN loop, and an unknown sheet', () => {
    expect(readError('sku,qty\nA,1\n').where).toEqual({ file: 'stock.edi', row: 1 });
    expect(readError(document([['BIA', '00', 'MM', 'S1', '20250314'], ['QTY', '17', '1']])).where).toEqual({
      file: 'stock.edi',
      row: 5,
    });
    const error = inputErrorOf(() => readX12_846(document(STOCK_BODY), { displayName: 'stock.edi', sheet: 'Sheet1' }));
    expect(error.message).toContain('"X12 846"');
    expect(readX12_846(document(STOCK_BODY), { displayName: 'stock.edi', sheet: 'x12 846' }).x12.linCount).toBe(3);
  });

  it('rejects an ISA whose delimiters clash', () => {
    const clashing = render(interchange([], undefined, undefined, { element: '*', component: '*', segment: '~' }), {
      element: '*',
      component: '*',
      segment: '~',
    });
    expect(readError(clashing).where).toEqual({ file: 'stock.edi', row: 1, column: 'ISA16' });
  });
});

describe('fixtures/x12/3pl-stock-846.edi', () => {
  const text = readFileSync(new URL('../../../fixtures/x12/3pl-stock-846.edi', import.meta.url), 'utf8');

  it('is a 3PL daily snapshot with correct control totals', async () => {
    expect(looksLikeX12(text)).toBe(true);
    const source = readX12_846(text, { displayName: '3pl-stock-846.edi' });
    expect(source.x12).toEqual({
      transactionSets: 1,
      linCount: 10,
      qtySegments: 15,
      skippedQuantities: { '63': 2, '33': 1 },
    });

    const records = await readRecords(text);
    expect(records.every((record) => record.warehouse === 'RNO1' && record.location === 'RNO1')).toBe(true);
    expect(records.every((record) => record.snapshot_date === '2025-03-14')).toBe(true);
    expect(records.map((record) => [record.rowNumber, record.sku, record.lot, record.qty, record.uom, record.status])).toEqual([
      [10, 'ACM-1001', null, '480', 'EA', 'available'],
      [14, 'ACM-1002', null, '1250', 'EA', 'available'],
      [18, 'ACM-2001', 'VD3-2410A', '300', 'EA', 'available'],
      [22, 'ACM-2001', 'VD3-2411B', '144', 'EA', 'available'],
      [25, 'ACM-3005', null, '36', 'CA', 'available'],
      [26, 'ACM-3005', null, '2', 'CA', 'damaged'],
      [30, 'ACM-3100', 'CB-250201', '57.5', 'KG', 'available'],
      [33, 'ACM-4002', null, '0', 'EA', 'available'],
      [37, 'ACM-4010', null, '75', 'EA', 'available'],
      [42, 'ACM-5001', null, '18', 'EA', 'available'],
      [45, 'ACM-5002', null, '240', 'EA', 'available'],
      [46, 'ACM-5002', null, '6', 'EA', 'damaged'],
    ]);
    expect(records[0]).toMatchObject({
      description: 'STAINLESS WATER BOTTLE 750ML',
      barcode: '036000291452',
      qty_qualifier: '17',
      lin_line: '1',
    });
    expect(records.find((record) => record.sku === 'ACM-3100')?.barcode).toBe('10036000291459');
    expect(records.find((record) => record.sku === 'ACM-5001')?.unit_price).toBe('12.95');
  });
});
