// Odoo's float_round per version, checked against Odoo's own tests in
// odoo/addons/base/tests/test_float.py (17.0 and 19.0 trees; 18.0 has 19.0's algorithm).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decimalsOf, floatInvert, floatRound, formatExponential, formatFixed, type OdooVersion, type RoundingMethod } from '../../../src/core/uom/float-round.js';

const ALL: readonly OdooVersion[] = [17, 18, 19];

/** float_repr(float_round(amount, precision_digits=digits, rounding_method=method), digits), with -0 written as 0. */
function tryRound(amount: number, digits: number, method: RoundingMethod, version: OdooVersion): string {
  return formatFixed(floatRound(amount, Number(`1e-${digits}`), method, version), digits);
}

describe('float_round: cases every version agrees on', () => {
  // test_rounding_02 (currency.round / float_round at 2 digits, HALF-UP)
  const halfUp2: [number, string][] = [
    [2.674, '2.67'], [2.675, '2.68'], [-2.675, '-2.68'], [0.001, '0.00'], [-0.001, '0.00'],
    [0.0049, '0.00'], [0.005, '0.01'], [-0.005, '-0.01'], [6.6 * 0.175, '1.16'], [-6.6 * 0.175, '-1.16'],
  ];
  // test_rounding_03: 3 digits, every method
  const threeDigits: [number, string, RoundingMethod][] = [
    [2.6735, '2.674', 'HALF-UP'], [-2.6735, '-2.674', 'HALF-UP'], [2.6745, '2.675', 'HALF-UP'], [-2.6745, '-2.675', 'HALF-UP'],
    [2.6744, '2.674', 'HALF-UP'], [-2.6744, '-2.674', 'HALF-UP'], [0.0004, '0.000', 'HALF-UP'], [-0.0004, '0.000', 'HALF-UP'],
    [357.4555, '357.456', 'HALF-UP'], [-357.4555, '-357.456', 'HALF-UP'], [457.4554, '457.455', 'HALF-UP'], [-457.4554, '-457.455', 'HALF-UP'],
    [2.6735, '2.673', 'HALF-DOWN'], [-2.6735, '-2.673', 'HALF-DOWN'], [2.6745, '2.674', 'HALF-DOWN'], [-2.6745, '-2.674', 'HALF-DOWN'],
    [2.6744, '2.674', 'HALF-DOWN'], [-2.6744, '-2.674', 'HALF-DOWN'], [0.0004, '0.000', 'HALF-DOWN'], [-0.0004, '0.000', 'HALF-DOWN'],
    [357.4555, '357.455', 'HALF-DOWN'], [-357.4555, '-357.455', 'HALF-DOWN'], [457.4554, '457.455', 'HALF-DOWN'], [-457.4554, '-457.455', 'HALF-DOWN'],
    [2.6735, '2.674', 'HALF-EVEN'], [-2.6735, '-2.674', 'HALF-EVEN'], [2.6745, '2.674', 'HALF-EVEN'], [-2.6745, '-2.674', 'HALF-EVEN'],
    [2.6744, '2.674', 'HALF-EVEN'], [-2.6744, '-2.674', 'HALF-EVEN'], [0.0004, '0.000', 'HALF-EVEN'], [-0.0004, '0.000', 'HALF-EVEN'],
    [457.4554, '457.455', 'HALF-EVEN'], [-457.4554, '-457.455', 'HALF-EVEN'],
    // "8.175 normalises to 8175.0000000001234": UP must not give 8.176
    [8.175, '8.175', 'UP'], [8.1751, '8.176', 'UP'], [-8.175, '-8.175', 'UP'], [-8.1751, '-8.176', 'UP'], [-6.0, '-6.000', 'UP'],
    // "2.425 normalises to 2424.9999999999995": DOWN must not give 2.424
    [2.425, '2.425', 'DOWN'], [2.4249, '2.424', 'DOWN'], [-2.425, '-2.425', 'DOWN'], [-2.4249, '-2.424', 'DOWN'], [-2.5, '-2.500', 'DOWN'],
  ];
  for (const version of ALL) {
    it.each(halfUp2)(`test_rounding_02 (${version}.0): %s → %s`, (amount, expected) => {
      expect(tryRound(amount, 2, 'HALF-UP', version)).toBe(expected);
    });
    it.each(threeDigits)(`test_rounding_03 (${version}.0): %s → %s with %s`, (amount, expected, method) => {
      expect(tryRound(amount, 3, method, version)).toBe(expected);
    });
    it(`test_rounding_03 (${version}.0): 0 digits, UP and DOWN`, () => {
      expect(tryRound(1.8, 0, 'UP', version)).toBe('2');
      expect(tryRound(-1.8, 0, 'UP', version)).toBe('-2');
      expect(tryRound(1.8, 0, 'DOWN', version)).toBe('1');
      expect(tryRound(-1.8, 0, 'DOWN', version)).toBe('-1');
    });
    it(`test_rounding_03 (${version}.0): unusual rounding units (coin values)`, () => {
      const coin = (amount: number, step: number, method: RoundingMethod = 'HALF-UP'): string => formatFixed(floatRound(amount, step, method, version), 2);
      expect(coin(-457.4554, 0.05)).toBe('-457.45');
      expect(coin(457.444, 0.5)).toBe('457.50');
      expect(coin(457.3, 5)).toBe('455.00');
      expect(coin(457.5, 5)).toBe('460.00');
      expect(coin(457.1, 3)).toBe('456.00');
      expect(coin(2.5, 0.05, 'DOWN')).toBe('2.50');
      expect(coin(-2.5, 0.05, 'DOWN')).toBe('-2.50');
    });
    it(`test_rounding_03 (${version}.0): the extended float range (Cloves Almeida's test, bug 882036)`, () => {
      const fractions = [0.0, 0.015, 0.01499, 0.675, 0.67499, 0.4555, 0.4555, 0.45555];
      const expecteds = ['.00', '.02', '.01', '.68', '.67', '.46', '.456', '.4556'];
      const precisions = [2, 2, 2, 2, 2, 2, 3, 4];
      let failures = 0;
      for (let magnitude = 0; magnitude < 7; magnitude++) {
        fractions.forEach((frac, i) => {
          for (const sign of [-1, 1]) {
            for (let x = 0; x < 10000; x += 97) {
              const n = x * 10 ** magnitude;
              const f = sign * (n + frac);
              const expected = (f !== 0 && sign === -1 ? '-' : '') + String(n) + expecteds[i];
              if (tryRound(f, precisions[i]!, 'HALF-UP', version) !== expected) failures++;
            }
          }
        });
      }
      expect(failures).toBe(0);
    });
  }
});

describe('float_round: where 17.0 and 18.0/19.0 differ', () => {
  it('HALF-EVEN: 17.0 uses Python round() without epsilon, 18.0+ finds the tie within epsilon', () => {
    // 17.0 test_rounding_03: try_round(357.4555, '357.455', method='HALF-EVEN')
    expect(tryRound(357.4555, 3, 'HALF-EVEN', 17)).toBe('357.455');
    expect(tryRound(-357.4555, 3, 'HALF-EVEN', 17)).toBe('-357.455');
    // 19.0 test_rounding_03: try_round(357.4555, '357.456', method='HALF-EVEN')
    expect(tryRound(357.4555, 3, 'HALF-EVEN', 18)).toBe('357.456');
    expect(tryRound(357.4555, 3, 'HALF-EVEN', 19)).toBe('357.456');
    expect(tryRound(-357.4555, 3, 'HALF-EVEN', 19)).toBe('-357.456');
    // 19.0 test_rounding_02: 5.015 and 5.025 both go to 5.02
    for (const v of [18, 19] as const) {
      expect(tryRound(5.015, 2, 'HALF-EVEN', v)).toBe('5.02');
      expect(tryRound(5.025, 2, 'HALF-EVEN', v)).toBe('5.02');
      expect(tryRound(-5.015, 2, 'HALF-EVEN', v)).toBe('-5.02');
      expect(tryRound(-5.025, 2, 'HALF-EVEN', v)).toBe('-5.02');
    }
    expect(tryRound(5.015, 2, 'HALF-EVEN', 17)).toBe('5.01');
  });

  it('UP: 17.0 tolerates 2^-52 of noise, 18.0+ 2^-50 (two ulps over 1.00 is noise only from 18.0)', () => {
    expect(formatFixed(floatRound(1.0000000000000004, 0.01, 'UP', 17), 2)).toBe('1.01');
    expect(formatFixed(floatRound(1.0000000000000004, 0.01, 'UP', 18), 2)).toBe('1.00');
    expect(formatFixed(floatRound(1.0000000000000004, 0.01, 'UP', 19), 2)).toBe('1.00');
  });

  it('de-normalising: 17.0 multiplies by the step (2.0100000000000002), 18.0+ divides by its inverse (2.01)', () => {
    expect(floatRound(2.005, 0.01, 'HALF-UP', 17)).toBe(2.0100000000000002);
    expect(floatRound(2.005, 0.01, 'HALF-UP', 18)).toBe(2.01);
    expect(formatFixed(floatRound(2.005, 0.01, 'HALF-UP', 17), 2)).toBe('2.01');
  });

  it('an unknown method is an error from 18.0 (17.0 falls through to HALF-UP)', () => {
    expect(floatRound(2.675, 0.01, 'BANKERS' as RoundingMethod, 17)).toBe(floatRound(2.675, 0.01, 'HALF-UP', 17));
    expect(() => floatRound(2.675, 0.01, 'BANKERS' as RoundingMethod, 18)).toThrow(/unknown rounding method/);
  });

  it('refuses a zero or negative step (test_rounding_invalid)', () => {
    expect(() => floatRound(1.25, 0, 'HALF-UP', 18)).toThrow();
    expect(() => floatRound(1.25, -0.1, 'HALF-UP', 17)).toThrow();
  });
});

describe('float_invert, float_repr and the step decimals', () => {
  it.each([
    [0.01, 100], [0.001, 1000], [0.5, 2], [0.2, 5], [0.05, 20], [1e-10, 1e10], [0.25, 4], [0.125, 8],
  ])('float_invert(%s) = %s', (step, inverse) => {
    expect(floatInvert(step)).toBe(inverse);
  });

  it.each([
    [0.01, 2], [0.001, 3], [1, 0], [0.5, 1], [5, 0], [0.25, 2], [1e-7, 7], [0.0001, 4],
  ])('a step of %s keeps %s decimals', (step, decimals) => {
    expect(decimalsOf(step)).toBe(decimals);
  });

  it.each([
    [1.24, 2, '1.24'], [2.0100000000000002, 2, '2.01'], [0.125, 2, '0.12'], [0.375, 2, '0.38'], [-0.0, 2, '0.00'],
    [-0.001, 2, '0.00'], [1e21, 1, '1000000000000000000000.0'], [123.456, 0, '123'], [0.5, 0, '0'], [1.5, 0, '2'],
  ])('float_repr of %s with %s decimals is %s (exact binary value, ties to even)', (value, places, text) => {
    expect(formatFixed(value, places)).toBe(text);
  });

  it.each([
    [0.01, '1.000000000000000e-02'], [0.25, '2.500000000000000e-01'], [1234.5, '1.234500000000000e+03'], [1e23, '9.999999999999999e+22'],
  ])('the 15-decimal exponent form of %s is %s', (value, text) => {
    expect(formatExponential(value, 15)).toBe(text);
  });
});

describe('float_round properties', () => {
  const method = fc.constantFrom<RoundingMethod>('UP', 'DOWN', 'HALF-UP', 'HALF-DOWN', 'HALF-EVEN');
  const version = fc.constantFrom<OdooVersion>(17, 18, 19);
  const step = fc.constantFrom(0.01, 0.001, 1, 0.5, 0.05, 0.25, 5);
  const value = fc.double({ min: -1e9, max: 1e9, noNaN: true, noDefaultInfinity: true });

  it('lands on a multiple of the step, less than one step away', () => {
    fc.assert(
      fc.property(value, step, method, version, (v, s, m, ver) => {
        const r = floatRound(v, s, m, ver);
        const steps = Math.round(r / s);
        expect(Math.abs(r - steps * s)).toBeLessThanOrEqual(Math.abs(r) * 1e-12 + 1e-9);
        expect(Math.abs(r - v)).toBeLessThanOrEqual(s * (1 + 1e-9) + Math.abs(v) * 1e-12);
      }),
    );
  });

  it('is idempotent', () => {
    fc.assert(
      fc.property(value, step, method, version, (v, s, m, ver) => {
        const once = floatRound(v, s, m, ver);
        expect(formatFixed(floatRound(once, s, m, ver), decimalsOf(s))).toBe(formatFixed(once, decimalsOf(s)));
      }),
    );
  });

  it('UP is never below HALF-UP, DOWN never above, for positive values', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-6, max: 1e9, noNaN: true }), step, version, (v, s, ver) => {
        expect(floatRound(v, s, 'UP', ver)).toBeGreaterThanOrEqual(floatRound(v, s, 'HALF-UP', ver));
        expect(floatRound(v, s, 'DOWN', ver)).toBeLessThanOrEqual(floatRound(v, s, 'HALF-UP', ver));
      }),
    );
  });
});
