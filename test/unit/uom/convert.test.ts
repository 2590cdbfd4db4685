// convertQuantity against Odoo's own results: addons/uom/tests/test_uom.py of 17.0,
// 18.0 and 19.0 (test names cited per case), and hand-checked cases with Odoo's
// formulas (17/18: qty / from.factor * to.factor; 19: qty * from.factor / to.factor,
// then float_round(…, to.rounding, method)).
import { describe, expect, it } from 'vitest';
import { buildCatalogue } from '../../../src/core/uom/catalogue.js';
import { computeQuantity, convertQuantity, type ConversionOk, type ConvertQuantityOptions } from '../../../src/core/uom/convert.js';
import type { OdooVersion } from '../../../src/core/uom/float-round.js';

const ALL: readonly OdooVersion[] = [17, 18, 19];

function ok(options: Partial<ConvertQuantityOptions> & Pick<ConvertQuantityOptions, 'qty' | 'from' | 'to'>): ConversionOk {
  const result = convertQuantity({ rounding: 'UP', odooVersion: 18, ...options });
  if (!result.ok) throw new Error(`expected a conversion, got ${result.reason}: ${result.message}`);
  return result;
}
const qty = (options: Parameters<typeof ok>[0]): string => ok(options).qty;

describe("Odoo's test_uom.py", () => {
  for (const v of ALL) {
    it(`test_10_conversion (${v}.0): 1020000 g → 1.02 t`, () => {
      expect(qty({ qty: '1020000', from: 'g', to: 't', odooVersion: v })).toBe('1.02');
      expect(ok({ qty: '1020000', from: 'uom.product_uom_gram', to: 'uom.product_uom_ton', odooVersion: v }).value).toBe(1.02);
    });
    it(`test_10_conversion (${v}.0): 1 Dozen → 12 Units (the 1/12 factor must not round up to 13)`, () => {
      expect(ok({ qty: '1', from: 'Dozens', to: 'Units', odooVersion: v }).value).toBe(12);
    });
    it(`test_10_conversion (${v}.0): 1234 g → 1.24 kg (rounded UP; the gram's own rounding plays no part)`, () => {
      expect(qty({ qty: '1234', from: 'g', to: 'kg', odooVersion: v })).toBe('1.24');
    });
  }

  it('test_20_rounding (17.0/18.0): 2 Units → 1 Score (factor_inv 20, rounding 1.0), rounded up', () => {
    const catalogue = buildCatalogue({ extraUnits: [{ name: 'Score', of: 'Units', contains: 20, rounding: 1 }] });
    for (const v of [17, 18] as const) {
      const r = ok({ qty: '2', from: 'Units', to: 'Score', odooVersion: v, catalogue });
      expect(r.value).toBe(1);
      expect(r.qty).toBe('1');
    }
  });

  it("test_20_rounding (19.0): 2 Units → 1 Score (relative_factor 20, 'Product Unit' digits 0)", () => {
    const catalogue = buildCatalogue({ extraUnits: [{ name: 'Score', of: 'Units', contains: 20 }] });
    const r = ok({ qty: '2', from: 'Units', to: 'Score', odooVersion: 19, catalogue, productUnitDigits: 0 });
    expect(r.value).toBe(1);
    expect(r.qty).toBe('1');
  });
});

describe('both rounding methods, bigger and smaller units, rounding 0.01 and 1', () => {
  // [qty, from, to, UP, HALF-UP] — the same in every version unless split below
  const rows: [string, string, string, string, string][] = [
    ['1234', 'g', 'kg', '1.24', '1.23'],
    ['1235', 'g', 'kg', '1.24', '1.24'],
    ['1.5', 'kg', 'g', '1500.00', '1500.00'],
    ['2.5', 't', 'kg', '2500.00', '2500.00'],
    ['1', 'lb', 'kg', '0.46', '0.45'],
    ['13', 'EA', 'DZ', '1.09', '1.08'],
    ['25', 'EA', 'dozen', '2.09', '2.08'],
    ['3', 'DZ', 'EA', '36.00', '36.00'],
    ['1', 'mi', 'km', '1.61', '1.61'],
    ['1', 'gal', 'L', '3.79', '3.79'],
    ['250', 'cm', 'm', '2.50', '2.50'],
    ['1', 'ft', 'm', '0.31', '0.30'],
    ['-1234', 'g', 'kg', '-1.24', '-1.23'],
    ['0', 'kg', 'g', '0.00', '0.00'],
    ['16', 'hours', 'days', '2.00', '2.00'],
    ['6.00000000000001', 'EA', 'EA', '6.01', '6.00'],
  ];
  for (const v of ALL) {
    it.each(rows)(`${v}.0: %s %s → %s is %s (UP) / %s (HALF-UP)`, (q, from, to, up, halfUp) => {
      expect(qty({ qty: q, from, to, odooVersion: v, rounding: 'UP' })).toBe(up);
      expect(qty({ qty: q, from, to, odooVersion: v, rounding: 'HALF-UP' })).toBe(halfUp);
    });
  }

  it('rounds to 1 in 19.0 with 0 digits: 25 Units → Dozens is 3 (UP) or 2 (HALF-UP)', () => {
    expect(qty({ qty: '25', from: 'EA', to: 'DZ', odooVersion: 19, productUnitDigits: 0 })).toBe('3');
    expect(qty({ qty: '25', from: 'EA', to: 'DZ', odooVersion: 19, productUnitDigits: 0, rounding: 'HALF-UP' })).toBe('2');
  });

  it('rounds to a unit with rounding 1 in 17/18: 25 Units → boxes of 12 with rounding 1', () => {
    const catalogue = buildCatalogue({ extraUnits: [{ name: 'Box 12', key: 'box12', of: 'Units', contains: 12, rounding: 1 }] });
    expect(qty({ qty: '25', from: 'EA', to: 'box12', odooVersion: 17, catalogue })).toBe('3');
    expect(qty({ qty: '25', from: 'EA', to: 'box12', odooVersion: 18, catalogue, rounding: 'HALF-UP' })).toBe('2');
    expect(qty({ qty: '25', from: 'box12', to: 'EA', odooVersion: 18, catalogue })).toBe('300.00');
  });

  it('keeps a quantity in its own unit but still rounds it (Odoo rounds even when from == to)', () => {
    const r = ok({ qty: '6.00000000000001', from: 'Units', to: 'pcs' });
    expect(r.route).toBe('same-unit');
    expect(r.qty).toBe('6.01');
  });

  it('returns a zero quantity unrounded, as Odoo does (`if not qty: return qty`)', () => {
    expect(ok({ qty: '0', from: 'DZ', to: 'EA' }).value).toBe(0);
    expect(ok({ qty: '-0', from: 'kg', to: 'g' }).qty).toBe('0.00');
  });
});

describe('where the versions differ', () => {
  it("17/18's rounded imperial factors vs 19's exact chains: 10000 yd → m", () => {
    // 17/18: 10000 / 1.09361 = 9144.0282… ; 19: 10000 × 914.3999999999999 / 1000 = 9144.0
    expect(qty({ qty: '10000', from: 'yd', to: 'm', odooVersion: 17, rounding: 'HALF-UP' })).toBe('9144.03');
    expect(qty({ qty: '10000', from: 'yd', to: 'm', odooVersion: 18, rounding: 'HALF-UP' })).toBe('9144.03');
    expect(qty({ qty: '10000', from: 'yd', to: 'm', odooVersion: 19, rounding: 'HALF-UP' })).toBe('9144.00');
  });

  it('computes with the 19.0 tree from the root: 1 ft → 304.80 mm although its factor is 304.79999999999995', () => {
    const r = ok({ qty: '1', from: 'ft', to: 'mm', odooVersion: 19 });
    expect(r.from.factor).toBe(304.79999999999995);
    expect(r.qty).toBe('304.80');
    expect(qty({ qty: '1', from: 'ft', to: 'mm', odooVersion: 19, rounding: 'HALF-UP' })).toBe('304.80');
  });

  it('knows ml only as a unit the 17/18 load files create (standard in 19.0)', () => {
    const r17 = ok({ qty: '1500', from: 'ml', to: 'L', odooVersion: 17 });
    const r19 = ok({ qty: '1500', from: 'ml', to: 'L', odooVersion: 19 });
    expect([r17.qty, r17.from.status]).toEqual(['1.50', 'custom']);
    expect([r19.qty, r19.from.status, r19.from.xmlid]).toEqual(['1.50', 'standard', 'uom.product_uom_milliliter']);
  });

  it('refuses different 19.0 roots although 19.0 _compute_quantity itself would compute (kg → Units)', () => {
    const r = convertQuantity({ qty: '1', from: 'kg', to: 'EA', rounding: 'UP', odooVersion: 19 });
    expect(r).toMatchObject({ ok: false, reason: 'cross-category' });
  });

  it('computeQuantity is each version\'s formula', () => {
    const g17 = { key: 'g', factor: 1000, rounding: 0.01 };
    const kg17 = { key: 'kg', factor: 1, rounding: 0.01 };
    expect(computeQuantity(1234, g17, kg17, 17, 'UP', false)).toBe(1.234);
    const g19 = { key: 'g', factor: 1, rounding: 0.01 };
    const kg19 = { key: 'kg', factor: 1000, rounding: 0.01 };
    expect(computeQuantity(1234, g19, kg19, 19, 'UP', false)).toBe(1.234);
  });
});

describe('findings, never guesses', () => {
  it('an unknown unit', () => {
    expect(convertQuantity({ qty: '1', from: 'furlong', to: 'm', rounding: 'UP', odooVersion: 18 })).toMatchObject({ ok: false, reason: 'unknown-unit', unit: 'furlong' });
  });

  it('a conversion across categories without an item-specific factor', () => {
    const r = convertQuantity({ qty: '1.5', from: 'kg', to: 'EA', rounding: 'UP', odooVersion: 17, sku: 'NUT-M8' });
    expect(r).toEqual(expect.objectContaining({ ok: false, reason: 'cross-category', sku: 'NUT-M8' }));
    expect(!r.ok && r.message).toBe('kg (Weight) and Units (Unit) are in different categories and there is no item-specific factor for NUT-M8 between them');
  });

  it('an ambiguous code in free text, and the same code in its dialect', () => {
    expect(convertQuantity({ qty: '1', from: 'TN', to: 'kg', rounding: 'UP', odooVersion: 18 })).toMatchObject({ ok: false, reason: 'ambiguous-unit' });
    expect(qty({ qty: '1', from: 'TN', to: 'kg', dialect: 'x12' })).toBe('907.19');
    expect(qty({ qty: '1', from: 'TNE', to: 'kg', dialect: 'rec20' })).toBe('1000.00');
    for (const v of ALL) expect(qty({ qty: '2000', from: 'lb', to: 'TN', dialect: 'x12', odooVersion: v })).toBe('1.00');
  });

  it('a package without a size', () => {
    expect(convertQuantity({ qty: '3', from: 'case', to: 'EA', rounding: 'UP', odooVersion: 18 })).toMatchObject({ ok: false, reason: 'pack-size-unknown', unit: 'case' });
    expect(convertQuantity({ qty: '3', from: 'case', to: 'EA', rounding: 'UP', odooVersion: 18, itemConversions: { sku: 'A', baseUnit: 'EA' } })).toMatchObject({ ok: false, reason: 'pack-size-unknown' });
  });

  it.each(['1,5', 'abc', '', '1.2.3', 'NaN', 'Infinity', '1e400'])('an invalid quantity "%s"', (q) => {
    expect(convertQuantity({ qty: q, from: 'kg', to: 'g', rounding: 'UP', odooVersion: 18 })).toMatchObject({ ok: false, reason: 'invalid-quantity' });
  });
});

describe('item-specific conversions', () => {
  it('crosses categories with an item link, rounding once at the target', () => {
    const item = { sku: 'NUT-M8', baseUnit: 'EA', links: [{ unit: 'kg', contains: '4', of: 'EA' }] };
    const r = ok({ qty: '1.5', from: 'kg', to: 'EA', itemConversions: item });
    expect([r.qty, r.route]).toEqual(['6.00', 'item-link']);
    expect(r.link).toEqual({ unit: 'kg', contains: 4, of: 'Units' });
    expect(qty({ qty: '10', from: 'EA', to: 'kg', itemConversions: item })).toBe('2.50');
    expect(qty({ qty: '1500', from: 'g', to: 'EA', itemConversions: item })).toBe('6.00');
    expect(qty({ qty: '7', from: 'EA', to: 'g', itemConversions: item, odooVersion: 19 })).toBe('1750.00');
  });

  it('takes the size of a bare "case" from the master, for the item\'s base unit', () => {
    const item = { sku: 'PLB-1', baseUnit: 'EA', packSize: '24' };
    expect(qty({ qty: '3', from: 'case', to: 'EA', itemConversions: item })).toBe('72.00');
    expect(qty({ qty: '10', from: 'CA', to: 'PCS', itemConversions: item, dialect: 'x12' })).toBe('240.00');
    expect(qty({ qty: '50', from: 'EA', to: 'case', itemConversions: item })).toBe('2.09');
    expect(qty({ qty: '50', from: 'EA', to: 'case', itemConversions: item, rounding: 'HALF-UP' })).toBe('2.08');
  });

  it('measures a roll in the base unit of a cable sold by the metre', () => {
    const item = { baseUnit: 'M', packSize: 100 };
    expect(qty({ qty: '2', from: 'roll', to: 'm', itemConversions: item })).toBe('200.00');
    expect(qty({ qty: '2', from: 'roll', to: 'cm', itemConversions: item, odooVersion: 19 })).toBe('20000.00');
  });

  it("refuses a pack of an item whose base unit is unknown (never assumes Units)", () => {
    const r = convertQuantity({ qty: '1', from: 'case', to: 'EA', rounding: 'UP', odooVersion: 18, itemConversions: { sku: 'X', baseUnit: 'furlong', packSize: 12 } });
    expect(r).toMatchObject({ ok: false, reason: 'unknown-unit', unit: 'furlong' });
    expect(qty({ qty: '1', from: '12 pcs/box', to: 'EA', itemConversions: { baseUnit: 'furlong' } })).toBe('12.00');
  });

  it('flags units 19.0 ships archived', () => {
    expect(ok({ qty: '1', from: 'DZ', to: 'EA', odooVersion: 19 }).from.active).toBe(false);
    expect(ok({ qty: '1', from: 'DZ', to: 'EA', odooVersion: 18 }).from.active).toBe(true);
  });

  it('keeps an item stocked in rolls in rolls', () => {
    const item = { baseUnit: 'roll', packSize: 50 };
    expect(ok({ qty: '2', from: 'roll', to: 'ROLL', itemConversions: item }).route).toBe('same-unit');
    expect(qty({ qty: '2', from: 'case', to: 'roll', itemConversions: item })).toBe('100.00');
  });
});

describe('each pack spelling, converted to the item\'s base unit', () => {
  const rows: [string, string, string][] = [
    ['BX12', '7', '84.00'],
    ['Box of 12', '7', '84.00'],
    ['CS/24', '3', '72.00'],
    ['CS(24)', '3', '72.00'],
    ['12x', '3', '36.00'],
    ['Pack (6)', '4', '24.00'],
    ['case', '1', '50.00'], // the master's pack size
    ['box', '2', '100.00'],
    ['24x500ml', '2', '48.00'],
    ['6 x 1 L', '5', '30.00'],
    ['1000/rl', '2', '2000.00'],
    ['12 pcs/box', '2', '24.00'],
    ['2x6', '3', '36.00'],
  ];
  for (const v of ALL) {
    it.each(rows)(`${v}.0: %s × %s → %s EA`, (spelling, q, expected) => {
      expect(qty({ qty: q, from: spelling, to: 'EA', odooVersion: v, itemConversions: { baseUnit: 'EA', packSize: 50 } })).toBe(expected);
    });
  }

  it('measures the content of "24x500ml" when asked in litres, counts bottles when asked in units', () => {
    expect(qty({ qty: '2', from: '24x500ml', to: 'L' })).toBe('24.00');
    expect(qty({ qty: '2', from: '24x500ml', to: 'EA' })).toBe('48.00');
    expect(qty({ qty: '5', from: '6 x 1 L', to: 'ml', odooVersion: 19 })).toBe('30000.00');
    expect(qty({ qty: '2', from: '24x500ml', to: 'L', itemConversions: { baseUnit: 'L' } })).toBe('24.00');
  });

  it('makes a pack an Odoo unit: 17/18 factor = base factor / size (rounding 0.01), 19 relative_factor = size', () => {
    const r17 = ok({ qty: '1', from: 'BX12', to: 'EA', odooVersion: 17 });
    expect(r17.from).toMatchObject({ kind: 'pack', factor: 1 / 12, rounding: 0.01, category: 'unit', name: 'box of 12 Units' });
    const r19 = ok({ qty: '1', from: 'BX12', to: 'EA', odooVersion: 19 });
    expect(r19.from).toMatchObject({ kind: 'pack', factor: 12 });
    expect(ok({ qty: '5', from: 'BX12', to: 'Box of 12' }).route).toBe('same-unit');
  });

  it('converts "Pack of 6" to 19.0\'s own uom.product_uom_pack_6', () => {
    const r = ok({ qty: '4', from: 'pack of 6', to: 'EA', odooVersion: 19 });
    expect(r.from.xmlid).toBe('uom.product_uom_pack_6');
    expect(r.qty).toBe('24.00');
  });
});
