import path from 'node:path';
import { stagedWorkspace } from '../../helpers/staged.js';
import { describe, expect, it } from 'vitest';
import { cleanseWorkspace } from '../../../src/core/cleanse/cleanse.js';
import { openReconciliation, reconcileWorkspace } from '../../../src/core/reconcile/engine.js';
import { csvLine } from '../../../src/core/reports/csv.js';
import { QUANTITY_COLUMNS, VALUATION_COLUMNS } from '../../../src/core/reconcile/types.js';
import { toleranceConfig } from '../../../src/core/reconcile/tolerance.js';
import type { QuantityLine } from '../../../src/core/reconcile/types.js';
import { openDatabase, type Db } from '../../../src/core/staging/database.js';
import { parseWorkspaceConfig } from '../../../src/core/workspace/config.js';

const ITEMS = 'sku,description,uom,pack_size,category,unit_cost\nA,Widget,EA,12,Parts,2.50\nB,Bolt M6,EA,,Parts,0.10\nK,Copper wire,kg,,Wire,8\n';
const LOCATIONS = 'location,warehouse\nW1/B-01,W1\nW1/B-02,W1\nW1/B-03,W1\nW2,W2\n';

async function workspace(files: Record<string, string>, tolerances: Record<string, string> = {}): Promise<{ db: Db; quantity: QuantityLine[]; result: ReturnType<typeof reconcileWorkspace> }> {
  const { db, dir } = await stagedWorkspace({ items: ITEMS, locations: LOCATIONS, ...files }, 'invsync-reconcile-');
  const config = parseWorkspaceConfig({}, path.join(dir, 'invsync.yaml'));
  cleanseWorkspace(db, { config });
  const result = reconcileWorkspace(db, { tolerances: toleranceConfig(tolerances) });
  return { db, quantity: result.quantity, result };
}

const line = (lines: QuantityLine[], sku: string, location = ''): QuantityLine | undefined => lines.find((l) => l.sku === sku && (location === '' || l.location === location));

describe('quantity leg statuses', () => {
  it('match, over, short, missing_in_count, missing_in_book, unmapped; value impact exact', async () => {
    const { quantity } = await workspace({
      erp: 'sku,location,qty\nA,W1/B-01,10\nB,W1/B-01,100\nA,W1/B-02,5\nB,W1/B-02,7\n',
      counts: 'sku,location,qty\nA,W1/B-01,10\nB,W1/B-01,103\nA,W1/B-02,3\nK,W1/B-02,2\nZZZ,W1/B-02,4\n',
    });
    expect(line(quantity, 'A', 'W1/B-01')).toMatchObject({ status: 'match', qty_variance: '0', value_impact: '0' });
    expect(line(quantity, 'B', 'W1/B-01')).toMatchObject({ status: 'over', qty_variance: '3', value_impact: '0.3' });
    expect(line(quantity, 'A', 'W1/B-02')).toMatchObject({ status: 'short', qty_variance: '-2', value_impact: '-5' });
    expect(line(quantity, 'B', 'W1/B-02')).toMatchObject({ status: 'missing_in_count', physical_qty: null, book_qty: '7' });
    expect(line(quantity, 'K')).toMatchObject({ status: 'missing_in_book', book_qty: null, physical_qty: '2' });
    expect(line(quantity, 'ZZZ')).toMatchObject({ status: 'unmapped', physical_qty: '4', warehouse: 'W1' });
  });

  it('a location on no count sheet is not counted (set aside), not missing', async () => {
    const { quantity, result } = await workspace({
      erp: 'sku,location,qty\nA,W1/B-01,10\nA,W1/B-03,4\n',
      counts: 'sku,location,qty\nA,W1/B-01,10\n',
    });
    expect(line(quantity, 'A', 'W1/B-03')).toBeUndefined();
    expect(result.summary.set_aside).toEqual([{ reason: 'not counted: the location is on no count sheet', lines: 1, qty: '4', value: '10' }]);
  });

  it('in-transit book stock is never missing_in_count', async () => {
    const { quantity, result } = await workspace({
      erp: 'sku,location,qty,status\nA,W1/B-01,10,available\nA,W1/B-01,6,in transit\n',
      counts: 'sku,location,qty\nA,W1/B-01,10\n',
    });
    expect(quantity.filter((l) => l.sku === 'A')).toEqual([expect.objectContaining({ status: 'match', book_qty: '10' })]);
    expect(result.summary.set_aside[0]).toMatchObject({ reason: expect.stringMatching(/^in transit/), qty: '6' });
  });

  it('rolls the counts up to the warehouse where the book is per warehouse', async () => {
    const { quantity } = await workspace({
      erp: 'sku,warehouse,qty\nA,W1,15\n',
      counts: 'sku,location,qty\nA,W1/B-01,10\nA,W1/B-02,5\n',
    });
    expect(quantity.filter((l) => l.sku === 'A')).toEqual([expect.objectContaining({ warehouse: 'W1', location: '', physical_qty: '15', book_qty: '15', status: 'match' })]);
  });

  it('matches locations through the master whatever their case and spacing', async () => {
    const { quantity } = await workspace({
      erp: 'sku,location,qty\nA,W1/B-01,10\n',
      counts: 'sku,location,qty\nA,w1 / b-01,10\n',
    });
    expect(quantity.filter((l) => l.sku === 'A')).toEqual([expect.objectContaining({ location: 'W1/B-01', status: 'match' })]);
  });

  it('compares in base units: 2 boxes of 12 counted against 24 in the book', async () => {
    const { quantity } = await workspace({
      erp: 'sku,location,qty\nA,W1/B-01,24\n',
      counts: 'sku,location,qty,uom\nA,W1/B-01,2,BX12\n',
    });
    expect(line(quantity, 'A')).toMatchObject({ physical_qty: '24', book_qty: '24', status: 'match' });
  });
});

describe('tolerance boundaries', () => {
  const files = { erp: 'sku,location,qty\nA,W1/B-01,200\n', counts: 'sku,location,qty\nA,W1/B-01,202\n' };
  it.each([
    [{ qty: '2' }, 'within_tolerance'],
    [{ qty: '1.999' }, 'over'],
    [{ percent: '1' }, 'within_tolerance'],
    [{ percent: '0.99' }, 'over'],
    [{ value: '5' }, 'within_tolerance'], // 2 × 2.50 = 5.00, exactly at the limit
    [{ value: '4.99' }, 'over'],
    [{ qty: '2', value: '4.99' }, 'over'], // every limit that is set must hold
  ])('%j → %s', async (tolerance, status) => {
    const { quantity } = await workspace(files, tolerance);
    expect(line(quantity, 'A')!.status).toBe(status);
  });
});

describe('systems and value legs', () => {
  it('compares the ERP with the WMS rolled up, and uses the WMS bins as the book', async () => {
    const { result } = await workspace({
      erp: 'sku,warehouse,qty\nA,W1,15\n',
      wms: 'sku,location,qty\nA,W1/B-01,10\nA,W1/B-02,3\n',
      counts: 'sku,location,qty\nA,W1/B-01,10\nA,W1/B-02,3\n',
    });
    expect(result.systems).toEqual([expect.objectContaining({ sku: 'A', warehouse: 'W1', erp_qty: '15', wms_qty: '13', qty_variance: '-2', status: 'short' })]);
    expect(result.quantity.filter((l) => l.sku === 'A').map((l) => [l.location, l.status])).toEqual([
      ['W1/B-01', 'match'],
      ['W1/B-02', 'match'],
    ]);
  });

  it('values the book against the GL and ties the GL accounts to the trial balance', async () => {
    const { result } = await workspace({
      erp: 'sku,warehouse,qty\nA,W2,4\nB,W2,10\n',
      gl: 'sku,warehouse,account,value\nA,W2,1400,10.00\nB,W2,1400,1.50\n',
    });
    const v = new Map(result.valuation.map((l) => [l.sku, l]));
    expect(v.get('A')).toMatchObject({ book_value: '10', gl_value: '10', status: 'match' });
    expect(v.get('B')).toMatchObject({ book_value: '1', gl_value: '1.5', value_variance: '0.5', status: 'over' });
    expect(result.summary.gl_tie_out).toEqual([{ account: '1400', item_value: '11.5', control_total: null, difference: null, status: 'no_control_total' }]);
  });

  it('ties out per account whether a SKU × warehouse books to one account or to several', async () => {
    const { result } = await workspace({
      erp: 'sku,warehouse,qty\nA,W2,4\nB,W2,10\n',
      gl: 'sku,warehouse,account,value\nA,W2,1400,6\nA,W2,1410,4.25\nB,W2,1400,1\nB,W2,,7\n,,1400,7.5\n',
    });
    expect(result.summary.gl_tie_out).toEqual([
      { account: '1400', item_value: '7', control_total: '7.5', difference: '-0.5', status: 'short' },
      { account: '1410', item_value: '4.25', control_total: null, difference: null, status: 'no_control_total' },
    ]);
    const single = await workspace({
      erp: 'sku,warehouse,qty\nA,W2,4\n',
      gl: 'sku,warehouse,account,value\nA,W2,1400,6\nA,W2,1400,4\nB,W2,1410,1.5\nC,W2,1410,\n,,1400,10\n',
    });
    expect(single.result.summary.gl_tie_out).toEqual([
      { account: '1400', item_value: '10', control_total: '10', difference: '0', status: 'match' },
      { account: '1410', item_value: '1.5', control_total: null, difference: null, status: 'no_control_total' },
    ]);
  });

  it('GL values with more than 6 places or 10 digits are summed exactly too (the path beside SQL)', async () => {
    const { result } = await workspace({
      erp: 'sku,warehouse,qty\nA,W2,4\nB,W2,10\n',
      gl: 'sku,warehouse,account,value\nA,W2,1400,4.0000001\nA,W2,1400,5.9999999\nB,W2,1400,12345678901.5\nB,W2,1400,-12345678900.5\n',
    });
    const v = new Map(result.valuation.map((l) => [l.sku, l]));
    expect(v.get('A')).toMatchObject({ book_value: '10', gl_value: '10', status: 'match' });
    expect(v.get('B')).toMatchObject({ book_value: '1', gl_value: '1', status: 'match' });
    expect(result.summary.gl_tie_out).toEqual([{ account: '1400', item_value: '11', control_total: null, difference: null, status: 'no_control_total' }]);
    expect(result.summary.valuation).toMatchObject({ book_value: '11', gl_value: '11', net_value_variance: '0' });
  });

  it('book value without a GL line is missing_in_gl; a GL line without book stock is missing_in_book', async () => {
    const { result } = await workspace({
      erp: 'sku,warehouse,qty\nA,W2,4\n',
      gl: 'sku,warehouse,account,value\nB,W2,1400,3.00\n',
    });
    const v = new Map(result.valuation.map((l) => [l.sku, l]));
    expect(v.get('A')).toMatchObject({ book_value: '10', gl_value: null, status: 'missing_in_gl' });
    expect(v.get('B')).toMatchObject({ book_value: null, gl_value: '3', status: 'missing_in_book' });
  });

  it('net variance equals the sum of the value impacts to the last digit', async () => {
    const { result } = await workspace({
      erp: 'sku,location,qty\nA,W1/B-01,10\nB,W1/B-01,0.3\nB,W1/B-02,0.1\n',
      counts: 'sku,location,qty\nA,W1/B-01,9\nB,W1/B-01,0.1\nB,W1/B-02,0.2\n',
    });
    let cents = 0n;
    for (const l of result.quantity) if (l.value_impact) cents += BigInt(Math.round(Number(l.value_impact) * 1e6));
    expect(BigInt(Math.round(Number(result.summary.net_variance_value) * 1e6))).toBe(cents);
    expect(result.summary.net_variance_value).toBe('-2.51');
  });
});

describe('the lines SQLite renders for the CSV files', () => {
  it('are the lines the object walks write, with the same totals', async () => {
    const { db } = await workspace({
      erp: 'sku,warehouse,location,qty,unit_cost,status\nA,W1,W1/B-01,4,2.5,\nB,W1,W1/B-02,10,,\nK,W2,,3,8.1234567,\nA,W2,,2,2.5,in transit\nB,W2,,5,0.1,\n',
      counts: 'sku,location,qty\nA,W1/B-01,4\nB,W1/B-02,9\nB,W1/B-03,1\nZZZ,W1/B-01,2\n',
      gl: 'sku,warehouse,account,value\nA,W1,1400,10.00\nB,W1,1400,1\nK,W2,1400,24.3703701\nA,W2,1400,5\nB,W2,1400,0.4\nZZZ,W1,1400,3\nA,W3,1400,1\n',
    });
    const tolerances = toleranceConfig({});
    const objects = openReconciliation(db, { tolerances });
    const render = (columns: readonly string[], row: object): string => csvLine(columns.map((c) => (row as Record<string, string | null>)[c]));
    const quantity = [...objects.quantityLines()].map((l) => render(QUANTITY_COLUMNS, l));
    const valuation = [...objects.valuationLines()].map((l) => render(VALUATION_COLUMNS, l));
    const summary = objects.summary();

    const rendered = openReconciliation(db, { tolerances });
    const quantityRows = [...rendered.quantityCsvRows()];
    const valuationRows = [...rendered.valuationCsvRows()];
    expect(quantityRows.map((r) => (typeof r === 'string' ? r : render(QUANTITY_COLUMNS, r)))).toEqual(quantity);
    expect(valuationRows.map((r) => (typeof r === 'string' ? r : render(VALUATION_COLUMNS, r)))).toEqual(valuation);
    expect(rendered.summary()).toEqual(summary);
    // Both kinds of line occur: SQLite's matches and the objects (over, short, 7-place cost, missing, unmapped).
    expect(valuationRows.some((r) => typeof r === 'string') && valuationRows.some((r) => typeof r !== 'string')).toBe(true);
    expect(valuationRows.some((r) => typeof r === 'string' && r.endsWith(',in_transit'))).toBe(true);
    expect(quantityRows.some((r) => typeof r === 'string') && quantityRows.some((r) => typeof r !== 'string')).toBe(true);
    expect([...rendered.valuationLines('matches')].map((l) => render(VALUATION_COLUMNS, l))).toEqual([...objects.valuationLines()].filter((l) => l.status === 'match').map((l) => render(VALUATION_COLUMNS, l)));
    expect([...rendered.valuationLines('exceptions')].map((l) => render(VALUATION_COLUMNS, l))).toEqual([...objects.valuationLines()].filter((l) => l.status !== 'match').map((l) => render(VALUATION_COLUMNS, l)));
    // A summary read before any walk comes from the same totals.
    expect(openReconciliation(db, { tolerances }).summary()).toEqual(summary);
    db.close();
  });
});

describe('exact millionths in SQL', () => {
  it('EXACT_MICRO equals the exact decimal of every staged (plain) decimal of at most 6 places and 10 digits', async () => {
    const { EXACT_MICRO, EXACT_MICRO_OK } = await import('../../../src/core/reconcile/engine.js');
    const { toScaled } = await import('../../../src/core/model/decimal.js');
    const fc = (await import('fast-check')).default;
    const db = openDatabase(':memory:', { create: true });
    const query = db.prepare(`SELECT ${EXACT_MICRO_OK('@v')} AS ok, CASE WHEN ${EXACT_MICRO_OK('@v')} THEN ${EXACT_MICRO('@v')} END AS micro`).safeIntegers(true);
    const micro = (text: string): bigint | null => {
      const s = toScaled(text);
      return s.scale > 6 ? null : s.units * 10n ** BigInt(6 - s.scale);
    };
    const plain = fc
      .tuple(fc.constantFrom('', '-'), fc.stringMatching(/^\d{0,10}$/), fc.option(fc.stringMatching(/^\d{0,6}$/), { nil: undefined }))
      .filter(([, int, frac]) => /\d/.test(int + (frac ?? '')))
      .map(([sign, int, frac]) => `${sign}${int}${frac === undefined ? '' : `.${frac}`}`);
    fc.assert(
      fc.property(plain, (text) => {
        const r = query.get({ v: text }) as { ok: bigint; micro: bigint };
        expect(r.ok).toBe(1n);
        expect(r.micro).toBe(micro(text));
      }),
    );
    // Too many places or digits: not taken (summed exactly elsewhere).
    for (const text of ['1.1234567', '12345678901', '-12345678901.5', '0.0000001']) expect((query.get({ v: text }) as { ok: bigint | null }).ok, text).toBe(0n);
    db.close();
  });

  it('DEC writes millionths as formatScaled does, sign and zeros included', async () => {
    const { DEC } = await import('../../../src/core/reconcile/engine.js');
    const { formatScaled } = await import('../../../src/core/model/decimal.js');
    const fc = (await import('fast-check')).default;
    const db = openDatabase(':memory:', { create: true });
    const query = db.prepare(`SELECT ${DEC('@v')} AS text`).pluck();
    const check = (v: bigint): void => {
      expect(query.get({ v }), String(v)).toBe(formatScaled(v, 6));
    };
    for (const v of [0n, 1n, -1n, 999_999n, -999_999n, 1_000_000n, -1_000_000n, 1_500_000n, -1_500_000n, 10n ** 15n, -(10n ** 15n) - 7n]) check(v);
    fc.assert(fc.property(fc.bigInt({ min: -(2n ** 62n), max: 2n ** 62n }), check));
    fc.assert(fc.property(fc.integer({ min: -3_000_000, max: 3_000_000 }), (n) => check(BigInt(n))));
    expect(query.get({ v: null })).toBeNull();
    db.close();
  });
});
