import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDecimals, canonicalDecimal, compareDecimals, DecimalSum, numberToDecimal } from '../../../src/core/model/decimal.js';

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
});
