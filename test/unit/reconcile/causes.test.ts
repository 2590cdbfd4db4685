import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDecimals, compareDecimals } from '../../../src/core/model/decimal.js';
import { assignQuantityCauses, assignSyncCauses, assignValuationCauses, factorLookup, quantityHint } from '../../../src/core/reconcile/causes.js';
import type { Cause, QuantityLine, Status, SyncLine, ValuationLine } from '../../../src/core/reconcile/types.js';

const MINUS = '\u2212';

function negate(t: string): string {
  return t.startsWith('-') ? t.slice(1) : t === '0' ? '0' : `-${t}`;
}

function statusOf(book: string | null, physical: string | null, variance: string): Status {
  if (physical === null) return 'missing_in_count';
  if (book === null) return 'missing_in_book';
  const c = compareDecimals(variance, '0');
  return c === 0 ? 'match' : c > 0 ? 'over' : 'short';
}

/** A quantity line; variance = physical − book and the status follow from the quantities unless given. */
function q(sku: string, warehouse: string, location: string, lot: string, book: string | null, physical: string | null, status?: Status): QuantityLine {
  const qty_variance = addDecimals(physical ?? '0', negate(book ?? '0'));
  return {
    sku, warehouse, location, lot, uom: 'EA', physical_qty: physical, book_qty: book, qty_variance,
    unit_cost: '1', value_impact: qty_variance, status: status ?? statusOf(book, physical, qty_variance), cause: '',
  };
}

interface Ctx {
  factors?: Record<string, readonly string[]>;
  twins?: readonly (readonly string[])[];
}

function ctx(c: Ctx = {}) {
  return {
    factors: (sku: string) => c.factors?.[sku] ?? [],
    twins: (sku: string) => (c.twins ?? []).filter((cluster) => cluster.includes(sku)).flatMap((cluster) => cluster.filter((s) => s !== sku)),
  };
}

function causes(lines: QuantityLine[], c: Ctx = {}): (Cause | '')[] {
  assignQuantityCauses(lines, ctx(c));
  return lines.map((l) => l.cause);
}

const TYPICAL = ['2', '6', '10', '12', '24', '50', '100', '1000'];

describe('pairing: misplaced', () => {
  it('a short and an over line of the same SKU in two locations of one warehouse offset exactly', () => {
    const lines = [q('CNS-4019', 'WH-NORTH', 'WH-NORTH/D-04-03', '', '30', '22'), q('CNS-4019', 'WH-NORTH', 'WH-NORTH/D-06-03', '', '12', '20')];
    expect(causes(lines)).toEqual(['misplaced', 'misplaced']);
    expect(lines[0]!.evidence).toBe(`${MINUS}8 here, +8 in WH-NORTH/D-06-03`);
    expect(lines[1]!.evidence).toBe(`+8 here, ${MINUS}8 in WH-NORTH/D-04-03`);
  });

  it('missing_in_count and missing_in_book lines pair as well, and the same lot pairs', () => {
    const lines = [q('ELC-2040', 'WH-SOUTH', 'WH-SOUTH/R-05-A', 'L1', '7', null), q('ELC-2040', 'WH-SOUTH', 'WH-SOUTH/R-04-A', 'L1', null, '7')];
    expect(causes(lines)).toEqual(['misplaced', 'misplaced']);
    expect(lines[0]!.evidence).toBe(`${MINUS}7 of lot L1 here, +7 in WH-SOUTH/R-04-A`);
  });

  it('decimal variances pair exactly, whatever their spelling', () => {
    const a = q('FST-3038', 'WH-NORTH', 'WH-NORTH/A-01-01', '', '2.5', '1.25');
    const b = q('FST-3038', 'WH-NORTH', 'WH-NORTH/A-01-02', '', '1', '2.25');
    b.qty_variance = '1.250';
    expect(causes([a, b])).toEqual(['misplaced', 'misplaced']);
  });

  it.each([
    ['opposite variances in two different warehouses', [q('P-1', 'WH-NORTH', 'WH-NORTH/A', '', '30', '22'), q('P-1', 'WH-SOUTH', 'WH-SOUTH/A', '', '12', '20')]],
    ['opposite variances of different magnitude', [q('P-1', 'WH-NORTH', 'WH-NORTH/A', '', '30', '22'), q('P-1', 'WH-NORTH', 'WH-NORTH/B', '', '12', '19')]],
    ['variances of the same sign', [q('P-1', 'WH-NORTH', 'WH-NORTH/A', '', '30', '38'), q('P-1', 'WH-NORTH', 'WH-NORTH/B', '', '12', '20')]],
    ['different SKUs that are not twins', [q('P-1', 'WH-NORTH', 'WH-NORTH/A', '', '30', '22'), q('P-2', 'WH-NORTH', 'WH-NORTH/B', '', '12', '20')]],
    ['different lots in different locations', [q('P-1', 'WH-NORTH', 'WH-NORTH/A', 'L1', '30', '22'), q('P-1', 'WH-NORTH', 'WH-NORTH/B', 'L2', '12', '20')]],
  ])('no hint for %s', (_name, lines) => {
    expect(causes(lines.map((l) => ({ ...l })))).toEqual(['', '']);
  });

  it('is one-to-one: two lines that could pair with one third line give one pair (partner first by location)', () => {
    const lines = [
      q('P-1', 'WH-NORTH', 'WH-NORTH/C', '', '10', '18'),
      q('P-1', 'WH-NORTH', 'WH-NORTH/B', '', '20', '12'),
      q('P-1', 'WH-NORTH', 'WH-NORTH/A', '', '5', '13'),
    ];
    expect(causes(lines)).toEqual(['', 'misplaced', 'misplaced']);
    expect(lines[1]!.evidence).toBe(`${MINUS}8 here, +8 in WH-NORTH/A`);
  });

  it('pairs as many disjoint pairs as there are, deterministically', () => {
    const lines = [
      q('P-1', 'WH-NORTH', 'WH-NORTH/A', '', '20', '12'),
      q('P-1', 'WH-NORTH', 'WH-NORTH/B', '', '20', '12'),
      q('P-1', 'WH-NORTH', 'WH-NORTH/C', '', '10', '18'),
      q('P-1', 'WH-NORTH', 'WH-NORTH/D', '', '10', '18'),
      q('P-1', 'WH-NORTH', 'WH-NORTH/E', '', '10', '18'),
    ];
    expect(causes(lines)).toEqual(['misplaced', 'misplaced', 'misplaced', 'misplaced', '']);
    expect(lines[0]!.evidence).toContain('WH-NORTH/C');
    expect(lines[1]!.evidence).toContain('WH-NORTH/D');
  });

  it('gives the same pairs for every order of the input', () => {
    const make = () => [
      q('P-1', 'WH-NORTH', 'WH-NORTH/C', '', '20', '12'),
      q('P-1', 'WH-NORTH', 'WH-NORTH/A', '', '20', '12'),
      q('P-1', 'WH-NORTH', 'WH-NORTH/B', '', '10', '18'),
      q('P-1', 'WH-NORTH', 'WH-NORTH/E', '', '10', '18'),
      q('P-1', 'WH-NORTH', 'WH-NORTH/D', '', '10', '18'),
    ];
    const permutations = (n: number): number[][] => (n === 0 ? [[]] : permutations(n - 1).flatMap((p) => Array.from({ length: n }, (_, i) => [...p.slice(0, i), n - 1, ...p.slice(i)])));
    const seen = new Set<string>();
    for (const order of permutations(5)) {
      const lines = make();
      assignQuantityCauses(order.map((i) => lines[i]!), ctx());
      seen.add(JSON.stringify(lines.map((l) => [l.cause, l.evidence])));
    }
    expect(seen.size).toBe(1);
    const lines = make();
    assignQuantityCauses(lines, ctx());
    expect(lines.map((l) => l.evidence)).toEqual([`${MINUS}8 here, +8 in WH-NORTH/D`, `${MINUS}8 here, +8 in WH-NORTH/B`, `+8 here, ${MINUS}8 in WH-NORTH/A`, undefined, `+8 here, ${MINUS}8 in WH-NORTH/C`]);
  });
});

describe('pairing: lot_mismatch', () => {
  it('the same SKU and location, book of one lot and count of another, offsetting exactly', () => {
    const lines = [q('CNS-4006', 'WH-SOUTH', 'WH-SOUTH/R-06-C', 'L2605-431', '24', null), q('CNS-4006', 'WH-SOUTH', 'WH-SOUTH/R-06-C', 'L2507-355', null, '24')];
    expect(causes(lines)).toEqual(['lot_mismatch', 'lot_mismatch']);
    expect(lines[0]!.evidence).toBe(`${MINUS}24 of lot L2605-431 here, +24 of lot L2507-355 in the same location`);
  });

  it.each([
    ['lots that do not offset exactly', [q('C-1', 'WH-SOUTH', 'WH-SOUTH/R-06-C', 'L1', '24', null), q('C-1', 'WH-SOUTH', 'WH-SOUTH/R-06-C', 'L2', null, '20')]],
    ['the same lots offsetting across warehouses', [q('C-1', 'WH-SOUTH', 'WH-SOUTH/R-06-C', 'L1', '24', null), q('C-1', 'WH-NORTH', 'WH-SOUTH/R-06-C', 'L2', null, '24')]],
  ])('no hint for %s', (_name, lines) => {
    expect(causes(lines)).toEqual(['', '']);
  });
});

describe('pairing: duplicate_sku', () => {
  const twins = [['ELC-2028', 'ELC-2528']];

  it('a twin SKU of the review cluster offsets exactly in the same location', () => {
    const lines = [q('ELC-2028', 'WH-NORTH', 'WH-NORTH/B-02-01', '', '20', null), q('ELC-2528', 'WH-NORTH', 'WH-NORTH/B-02-01', '', null, '20')];
    expect(causes(lines, { twins })).toEqual(['duplicate_sku', 'duplicate_sku']);
    expect(lines[0]!.evidence).toBe(`${MINUS}20 here, +20 under its twin ELC-2528 in WH-NORTH/B-02-01`);
  });

  it('at warehouse grain (no location) twins in the same warehouse pair', () => {
    const lines = [q('ELC-2028', 'WH-NORTH', '', '', '20', '5'), q('ELC-2528', 'WH-NORTH', '', '', null, '15')];
    expect(causes(lines, { twins })).toEqual(['duplicate_sku', 'duplicate_sku']);
    expect(lines[1]!.evidence).toBe(`+15 here, ${MINUS}15 under its twin ELC-2028 in WH-NORTH`);
  });

  it.each([
    ['SKUs that are not in one cluster', [q('ELC-2028', 'WH-NORTH', 'WH-NORTH/B', '', '20', null), q('ELC-2999', 'WH-NORTH', 'WH-NORTH/B', '', null, '20')]],
    ['twins in different locations', [q('ELC-2028', 'WH-NORTH', 'WH-NORTH/B', '', '20', null), q('ELC-2528', 'WH-NORTH', 'WH-NORTH/C', '', null, '20')]],
    ['twins in different warehouses', [q('ELC-2028', 'WH-NORTH', '', '', '20', null), q('ELC-2528', 'WH-SOUTH', '', '', null, '20')]],
    ['twins of different magnitude', [q('ELC-2028', 'WH-NORTH', 'WH-NORTH/B', '', '20', null), q('ELC-2528', 'WH-NORTH', 'WH-NORTH/B', '', null, '19')]],
  ])('no hint for %s', (_name, lines) => {
    expect(causes(lines, { twins })).toEqual(['', '']);
  });
});

describe('per-line causes on the quantity leg', () => {
  it.each<[string, string, string, readonly string[], Cause | '', string | undefined]>([
    // sign
    ['negative book, positive count', '-15', '15', [], 'sign', `counted 15 against book ${MINUS}15: the same quantity with the opposite sign`],
    ['minus typed on the count', '6', '-6', [], 'sign', `counted ${MINUS}6 against book 6: the same quantity with the opposite sign`],
    // uom_factor
    ['counted boxes of 12', '60', '5', ['12'], 'uom_factor', 'book 60 = counted 5 × 12 (a factor of the item)'],
    ['packs booked as units', '8', '96', ['6', '12'], 'uom_factor', 'counted 96 = book 8 × 12 (a factor of the item)'],
    ['grams against kilograms', '2.5', '2500', ['1000'], 'uom_factor', 'counted 2500 = book 2.5 × 1000 (a factor of the item)'],
    ['a decimal pack factor', '3', '7.5', ['2.5'], 'uom_factor', 'counted 7.5 = book 3 × 2.5 (a factor of the item)'],
    ['a slide of 10 that is a factor of the item', '15', '150', ['10'], 'uom_factor', 'counted 150 = book 15 × 10 (a factor of the item)'],
    ['a slide of 10 from a decimal', '1.5', '15', ['10', '12'], 'uom_factor', 'counted 15 = book 1.5 × 10 (a factor of the item)'],
    // transposition
    ['54 counted 45', '54', '45', TYPICAL, 'transposition', `counted 45, book 54: the same digits in another order; variance ${MINUS}9 = 9 × ${MINUS}1`],
    ['72 counted 27', '72', '27', TYPICAL, 'transposition', `counted 27, book 72: the same digits in another order; variance ${MINUS}45 = 9 × ${MINUS}5`],
    ['31 counted 13', '31', '13', [], 'transposition', `counted 13, book 31: the same digits in another order; variance ${MINUS}18 = 9 × ${MINUS}2`],
    ['a three-digit permutation', '1035', '1305', [], 'transposition', 'counted 1305, book 1035: the same digits in another order; variance +270 = 9 × 30'],
    // must NOT get a hint
    ['divisible by 9 but not a permutation (54 vs 36)', '54', '36', TYPICAL, '', undefined],
    ['a ratio of 12 without 12 among the factors', '60', '5', ['6', '24', '10'], '', undefined],
    ['a ratio of 12 without any factor', '8', '96', [], '', undefined],
    ['a decimal slide without 10 among the factors (15 vs 150)', '15', '150', ['12'], '', undefined],
    ['a slide of 100 (3 vs 300) without 100', '3', '300', ['10'], '', undefined],
    ['a slide (100 vs 10) is not a transposition', '100', '10', [], '', undefined],
    ['permuted digits below 10', '0.54', '0.45', [], '', undefined],
    ['non-integers with the same digits', '5.4', '4.5', [], '', undefined],
    ['a sign flip of zero', '0', '7', TYPICAL, '', undefined],
    ['a negative quantity with a factor ratio', '-5', '-60', ['12'], '', undefined],
    ['plain over 40 → 47', '40', '47', TYPICAL, '', undefined],
    ['plain over 25 → 31', '25', '31', TYPICAL, '', undefined],
    ['plain over 16 → 20', '16', '20', TYPICAL, '', undefined],
    ['plain short 60 → 52', '60', '52', TYPICAL, '', undefined],
    ['plain short 35 → 29', '35', '29', TYPICAL, '', undefined],
    ['plain short 14 → 10', '14', '10', TYPICAL, '', undefined],
  ])('%s', (_name, book, physical, factors, cause, evidence) => {
    const line = q('PLB-1', 'WH-SOUTH', 'WH-SOUTH/R-01-A', '', book, physical);
    assignQuantityCauses([line], ctx({ factors: { 'PLB-1': factors } }));
    expect(line.cause).toBe(cause);
    expect(line.evidence).toBe(evidence);
  });

  it('missing lines with nothing to pair with get no hint', () => {
    expect(causes([q('P-1', 'WH-NORTH', 'WH-NORTH/A', '', '18', null), q('P-2', 'WH-NORTH', 'WH-NORTH/A', '', null, '12')])).toEqual(['', '']);
  });
});

describe('precedence', () => {
  it('pairing comes before sign', () => {
    const lines = [q('P-1', 'WH-NORTH', 'WH-NORTH/A', '', '8', '-8'), q('P-1', 'WH-NORTH', 'WH-NORTH/B', '', '0', '16')];
    expect(causes(lines)).toEqual(['misplaced', 'misplaced']);
  });

  it('uom_factor comes before transposition (1035 × 3 = 3105, the same digits)', () => {
    expect(causes([q('P-1', 'WH-NORTH', '', '', '1035', '3105')], { factors: { 'P-1': ['3'] } })).toEqual(['uom_factor']);
    expect(causes([q('P-1', 'WH-NORTH', '', '', '1035', '3105')])).toEqual(['transposition']);
  });

  it('misplaced comes before lot_mismatch and duplicate_sku; a line takes one cause', () => {
    const lines = [
      q('P-1', 'WH-NORTH', 'WH-NORTH/A', 'L1', '8', null),
      q('P-1', 'WH-NORTH', 'WH-NORTH/B', 'L1', null, '8'),
      q('P-1', 'WH-NORTH', 'WH-NORTH/A', 'L2', null, '8'),
    ];
    expect(causes(lines)).toEqual(['misplaced', 'misplaced', '']);
  });

  it('a line left over by pairing still gets its own per-line hint', () => {
    const lines = [
      q('P-1', 'WH-NORTH', 'WH-NORTH/A', '', '20', '12'),
      q('P-1', 'WH-NORTH', 'WH-NORTH/B', '', '10', '18'),
      q('P-1', 'WH-NORTH', 'WH-NORTH/C', '', '8', '0'),
    ];
    lines[2]!.physical_qty = '-8';
    lines[2]!.book_qty = '8';
    lines[2]!.qty_variance = '-16';
    expect(causes(lines)).toEqual(['misplaced', 'misplaced', 'sign']);
  });
});

describe('lines that never get a cause', () => {
  it.each<Status>(['match', 'within_tolerance', 'unmapped', 'missing_in_gl'])('%s: untouched, and no partner for others', (status) => {
    const quiet = q('P-1', 'WH-NORTH', 'WH-NORTH/B', '', '-8', '8', status);
    const short = q('P-1', 'WH-NORTH', 'WH-NORTH/A', '', '30', '14');
    expect(causes([quiet, short])).toEqual(['', '']);
    expect(quiet.evidence).toBeUndefined();
  });

  it('a stale cause on an eligible line is recomputed; in_transit lines are left to the caller', () => {
    const stale = q('P-1', 'WH-NORTH', 'WH-NORTH/A', '', '40', '47');
    stale.cause = 'transposition';
    stale.evidence = 'old';
    const transit = q('P-2', 'WH-SOUTH', 'WH-SOUTH/TRANSIT', '', '60', null);
    transit.cause = 'in_transit';
    transit.evidence = 'caller';
    const other = q('P-2', 'WH-SOUTH', 'WH-SOUTH/R-01', '', null, '60');
    expect(causes([stale, transit, other])).toEqual(['', 'in_transit', '']);
    expect(stale.evidence).toBeUndefined();
    expect(transit.evidence).toBe('caller');
  });

  it('a cause already on an ineligible line is not touched', () => {
    const line = q('P-1', 'WH-NORTH', 'WH-NORTH/A', '', '8', '8');
    line.cause = 'in_transit';
    expect(causes([line])).toEqual(['in_transit']);
  });
});

describe('valuation: cost_mismatch', () => {
  function v(book_qty: string | null, unit_cost: string | null, book_value: string | null, gl_value: string | null, status: Status): ValuationLine {
    const value_variance = addDecimals(gl_value ?? '0', negate(book_value ?? '0'));
    return { sku: 'PLB-1083', warehouse: 'WH-NORTH', book_qty, unit_cost, book_value, gl_value, value_variance, status, cause: '' };
  }

  it.each<[string, ValuationLine, string | null, Cause | '', string | undefined]>([
    ['GL gives no quantity', v('40', '7.58', '303.2', '278.8', 'short'), null, 'cost_mismatch', 'book 40 × 7.58 = 303.20, GL 278.80'],
    ['GL quantity equals book', v('12', '4.5', '54', '60', 'over'), '12.000', 'cost_mismatch', 'book 12 × 4.50 = 54.00, GL 60.00 for the same quantity'],
    ['a negative book valued on both sides', v('-15', '3', '-45', '-42', 'over'), null, 'cost_mismatch', `book ${MINUS}15 × 3.00 = ${MINUS}45.00, GL ${MINUS}42.00`],
    ['GL quantity differs from book', v('40', '7.58', '303.2', '278.8', 'short'), '37', '', undefined],
    ['within tolerance', v('40', '7.58', '303.2', '303.19', 'within_tolerance'), null, '', undefined],
    ['match', v('40', '7.58', '303.2', '303.2', 'match'), null, '', undefined],
    ['missing in GL', v('40', '7.58', '303.2', null, 'missing_in_gl'), null, '', undefined],
    ['no book quantity', v('0', '7.58', '0', '50', 'over'), null, '', undefined],
    ['GL zero', v('40', '7.58', '303.2', '0', 'short'), null, '', undefined],
    ['opposite signs', v('40', '7.58', '303.2', '-303.2', 'short'), null, '', undefined],
    ['no unit cost', v('40', null, '303.2', '278.8', 'short'), null, '', undefined],
  ])('%s', (_name, line, glQty, cause, evidence) => {
    assignValuationCauses([line], { glQty: () => glQty });
    expect(line.cause).toBe(cause);
    expect(line.evidence).toBe(evidence);
  });

  it('asks the GL quantity for the line’s SKU and warehouse', () => {
    const line = v('40', '7.58', '303.2', '278.8', 'short');
    const asked: string[] = [];
    assignValuationCauses([line], { glQty: (sku, wh) => (asked.push(`${sku}@${wh}`), '40') });
    expect(asked).toEqual(['PLB-1083@WH-NORTH']);
    expect(line.cause).toBe('cost_mismatch');
  });
});

describe('systems: ERP against WMS', () => {
  function s(sku: string, erp: string | null, wms: string | null, status?: Status): SyncLine {
    const qty_variance = addDecimals(wms ?? '0', negate(erp ?? '0'));
    return { sku, warehouse: 'WH-NORTH', location: '', lot: '', uom: 'EA', erp_qty: erp, wms_qty: wms, qty_variance, status: status ?? statusOf(erp, wms, qty_variance), cause: '' };
  }
  const factors = factorLookup([{ sku: 'ELC-2029', factors: ['12'] }, { sku: 'ELC-2077', factors: [] }, { sku: 'ELC-2029', factors: ['24'] }]);

  it.each<[string, SyncLine, Cause | '', string | undefined]>([
    ['transposition 14 vs 41', s('ELC-2077', '14', '41'), 'transposition', 'WMS 41, ERP 14: the same digits in another order; variance +27 = 9 × 3'],
    ['boxes booked as units', s('ELC-2029', '5', '60'), 'uom_factor', 'WMS 60 = ERP 5 × 12 (a factor of the item)'],
    ['a second factor of the same SKU', s('ELC-2029', '5', '120'), 'uom_factor', 'WMS 120 = ERP 5 × 24 (a factor of the item)'],
    ['sign', s('ELC-2077', '9', '-9'), 'sign', `WMS ${MINUS}9 against ERP 9: the same quantity with the opposite sign`],
    ['no hint for 120 vs 100', s('ELC-2077', '120', '100'), '', undefined],
    ['no hint for 36 vs 43', s('ELC-2077', '36', '43'), '', undefined],
    ['no hint for a ratio of 12 without the factor', s('ELC-2077', '5', '60'), '', undefined],
    ['no hint on a match', s('ELC-2077', '14', '14'), '', undefined],
    ['no hint within tolerance', s('ELC-2077', '14', '41', 'within_tolerance'), '', undefined],
    ['no hint when one side is missing', s('ELC-2077', null, '41'), '', undefined],
  ])('%s', (_name, line, cause, evidence) => {
    assignSyncCauses([line], { factors });
    expect(line.cause).toBe(cause);
    expect(line.evidence).toBe(evidence);
  });
});

describe('quantityHint is exact', () => {
  it('compares scaled decimals, not floats', () => {
    // 0.1 × 3 is 0.30000000000000004 in floats
    expect(quantityHint('0.3', '0.1', ['3'])?.cause).toBe('uom_factor');
    expect(quantityHint('0.3000000000000001', '0.1', ['3'])).toBeNull();
    expect(quantityHint('123456789012345678901234567890', '12345678901234567890123456789', ['10'])?.cause).toBe('uom_factor');
  });

  it('ignores factors that are not positive decimals other than 1', () => {
    expect(quantityHint('60', '5', ['0', '-12', 'twelve', '1', ''])).toBeNull();
  });
});

describe('properties', () => {
  const SKUS = ['A', 'B', 'A', 'B', 'C'];
  const WAREHOUSES = ['W1', 'W2'];
  const LOCATIONS = ['', 'L1', 'L2', 'L3'];
  const LOTS = ['', '', 'X', 'Y'];
  // Quantities drawn so that offsets (±8, ±3) and per-line signatures are frequent.
  const near = fc
    .tuple(fc.constantFrom('0', '5', '8', '13', '20', '2.5'), fc.constantFrom('8', '-8', '8', '-8', '3', '-3', '0'))
    .map(([book, delta]) => [book, addDecimals(book, delta)] as [string | null, string | null]);
  const signature = fc.constantFrom<[string | null, string | null]>(['54', '45'], ['54', '36'], ['60', '5'], ['15', '150'], ['2.5', '2500'], ['8', '-8'], ['8', null], [null, '8'], ['3', null], [null, '3']);
  const cell = fc.record({
    sku: fc.constantFrom(...SKUS),
    warehouse: fc.constantFrom(...WAREHOUSES),
    location: fc.constantFrom(...LOCATIONS),
    lot: fc.constantFrom(...LOTS),
    quantities: fc.oneof(near, signature),
    quiet: fc.constantFrom<Status | null>(null, null, null, null, 'within_tolerance', 'unmapped'),
  });
  const linesArb = fc
    .uniqueArray(cell, { selector: (c) => `${c.sku}|${c.warehouse}|${c.location}|${c.lot}`, maxLength: 40 })
    .map((cells) =>
      cells
        .map((c) => {
          const line = q(c.sku, c.warehouse, c.location, c.lot, ...c.quantities);
          if (c.quiet && line.status !== 'match') line.status = c.quiet;
          return line;
        }),
    );
  const context = ctx({ factors: { A: ['12', '10'], B: ['1000'], C: [] }, twins: [['A', 'B']] });
  const keyOf = (l: QuantityLine): string => `${l.sku}|${l.warehouse}|${l.location}|${l.lot}`;
  const facts = (l: QuantityLine) => [l.sku, l.warehouse, l.location, l.lot, l.uom, l.physical_qty, l.book_qty, l.qty_variance, l.unit_cost, l.value_impact, l.status];

  function shuffle<T>(items: readonly T[], seed: number): T[] {
    const out = [...items];
    let s = seed >>> 0;
    for (let i = out.length - 1; i > 0; i--) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      const j = s % (i + 1);
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  }

  it('never changes statuses or quantities, hints only eligible lines, and ignores the input order', () => {
    fc.assert(
      fc.property(linesArb, fc.integer(), (lines, seed) => {
        const before = lines.map(facts);
        const a = lines.map((l) => ({ ...l }));
        const b = shuffle(lines.map((l) => ({ ...l })), seed);
        assignQuantityCauses(a, context);
        assignQuantityCauses(b, context);
        expect(a.map(facts)).toEqual(before);
        const byKey = new Map(b.map((l) => [keyOf(l), l]));
        for (const l of a) {
          const twin = byKey.get(keyOf(l))!;
          expect([twin.cause, twin.evidence]).toEqual([l.cause, l.evidence]);
          if (!['over', 'short', 'missing_in_count', 'missing_in_book'].includes(l.status)) expect(l.cause).toBe('');
          if (l.cause === '') expect(l.evidence).toBeUndefined();
          else expect(l.evidence).toBeTruthy();
        }
      }),
      { numRuns: 400 },
    );
  });

  it('pairs offset exactly: pairing causes net to zero within their group, and come in pairs', () => {
    fc.assert(
      fc.property(linesArb, (lines) => {
        assignQuantityCauses(lines, context);
        const sums = new Map<string, string>();
        const counts = new Map<Cause | '', number>();
        for (const l of lines) {
          counts.set(l.cause, (counts.get(l.cause) ?? 0) + 1);
          const group =
            l.cause === 'misplaced' ? `m|${l.warehouse}|${l.sku}|${l.lot}` : l.cause === 'lot_mismatch' ? `l|${l.warehouse}|${l.sku}|${l.location}` : l.cause === 'duplicate_sku' ? `d|${l.warehouse}|${l.location}` : null;
          if (group) sums.set(group, addDecimals(sums.get(group) ?? '0', l.qty_variance));
        }
        for (const sum of sums.values()) expect(sum).toBe('0');
        for (const cause of ['misplaced', 'lot_mismatch', 'duplicate_sku'] as const) expect((counts.get(cause) ?? 0) % 2).toBe(0);
      }),
      { numRuns: 400 },
    );
  });

  it('is idempotent', () => {
    fc.assert(
      fc.property(linesArb, (lines) => {
        assignQuantityCauses(lines, context);
        const once = lines.map((l) => [l.cause, l.evidence]);
        assignQuantityCauses(lines, context);
        expect(lines.map((l) => [l.cause, l.evidence])).toEqual(once);
      }),
      { numRuns: 200 },
    );
  });
});
