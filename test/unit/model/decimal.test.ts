import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDecimals, canonicalDecimal, compareDecimals, DecimalSum, fromMicro, fromScaled, numberToDecimal } from '../../../src/core/model/decimal.js';

describe('canonicalDecimal', () => {
  it.each([
    ['0012.500', '12.5'],
    ['-0.0', '0'],
    ['.5', '0.5'],
    ['+7', '7'],
    ['-0012.0100', '-12.01'],
    ['100', '100'],
  ])('%s → %s', (input, expected) => expect(canonicalDecimal(input)).toBe(expected));
});

describe('numberToDecimal reads doubles as Excel shows them (15 significant digits)', () => {
  it.each([
    [0.1 + 0.2, '0.3'],
    [54398267125.00001, '54398267125'],
    [2203.389892578125, '2203.38989257813'],
    [1e-7, '0.0000001'],
    [123456789012, '123456789012'],
    [-5.25, '-5.25'],
    [1.23457e11, '123457000000'],
    [1e21, '1000000000000000000000'],
  ])('%d → %s', (n, expected) => expect(numberToDecimal(n)).toBe(expected));
});

describe('exact sums', () => {
  it('adds without float drift', () => {
    expect(addDecimals('0.1', '0.2')).toBe('0.3');
    expect(new DecimalSum().add('1234.5').add('-0.05').add(null).add('0.005').toString()).toBe('1234.455');
  });

  it('a sum of many cents equals the integer sum of cents (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -10_000_000, max: 10_000_000 }), { maxLength: 200 }), (cents) => {
        const sum = new DecimalSum();
        for (const c of cents) sum.add((c / 100).toFixed(2));
        const expected = cents.reduce((a, b) => a + b, 0);
        expect(compareDecimals(sum.toString(), (expected / 100).toFixed(2))).toBe(0);
      }),
    );
  });

  it('equals the BigInt sum for any mix of plain, long and huge decimals, past 2^53 millionths (property)', () => {
    const decimal = fc.tuple(fc.boolean(), fc.bigInt({ min: 0n, max: 10n ** 22n }), fc.integer({ min: 0, max: 9 })).map(([negative, units, scale]) => fromScaled({ units: negative ? -units : units, scale }));
    const plainLarge = fc.integer({ min: -999_999_999, max: 999_999_999 }).map((n) => `${n}.999999`);
    fc.assert(
      fc.property(fc.array(fc.oneof(decimal, plainLarge), { maxLength: 60 }), (values) => {
        const exact = values.reduce((sum, v) => addDecimals(sum, v), '0');
        const sum = new DecimalSum();
        for (const v of values) sum.add(v);
        expect(sum.toString()).toBe(exact);
        expect(sum.isZero).toBe(exact === '0');
      }),
    );
  });
});

describe('fromMicro', () => {
  it('formats millionths as the exact decimal, numbers and BigInts alike (property)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }), (micro) => {
        const exact = fromScaled({ units: micro, scale: 6 });
        expect(fromMicro(micro)).toBe(exact);
        if (Number.isSafeInteger(Number(micro)) && BigInt(Number(micro)) === micro) expect(fromMicro(Number(micro))).toBe(exact);
      }),
    );
    fc.assert(fc.property(fc.maxSafeInteger(), (micro) => fromMicro(micro) === fromScaled({ units: BigInt(micro), scale: 6 })));
  });

  it('writes no exponent, no trailing zeros and no negative zero', () => {
    expect([0, -0, 1, -1, 1_000_000, -2_500_000, 7_126_000, 9_007_199_254_740_991].map(fromMicro)).toEqual(['0', '0', '0.000001', '-0.000001', '1', '-2.5', '7.126', '9007199254.740991']);
  });
});
