import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gs1CheckDigit, gtin14, validateGtin } from '../../../src/core/cleanse/gtin.js';

describe('gs1CheckDigit: the worked examples of domain.md §5.1', () => {
  it.each([
    ['629104150021', 3], // GS1 Hong Kong
    ['890400021003', 7], // GS1 India
    ['730001100001', 7], // GS1 Sweden
    ['0952876543210', 8], // BWIPP ITF-14
    ['03600029145', 2], // UPC-A
    ['9638507', 4], // EAN-8
    ['1456781598346', 9], // gtin-validate (docs.rs) GTIN-14 example
  ])('%s → %d', (data, check) => expect(gs1CheckDigit(data)).toBe(check));

  it('refuses non-digits', () => expect(() => gs1CheckDigit('12a')).toThrow(RangeError));
});

describe('validateGtin: valid keys of every length', () => {
  it.each([
    ['96385074', 'GTIN-8', '00000096385074'],
    ['036000291452', 'GTIN-12', '00036000291452'],
    ['6291041500213', 'GTIN-13', '06291041500213'],
    ['8904000210037', 'GTIN-13', '08904000210037'],
    ['7300011000017', 'GTIN-13', '07300011000017'],
    ['09528765432108', 'GTIN-14', '09528765432108'],
    ['14567815983469', 'GTIN-14', '14567815983469'],
  ])('%s is a valid %s, stored as %s', (input, format, padded) => {
    expect(validateGtin(input)).toEqual({ valid: true, input, gtin14: padded, format });
  });
});

describe('validateGtin: a wrong check digit is reported, never fixed', () => {
  it.each([
    ['96385075', 4],
    ['036000291453', 2],
    ['6291041500214', 3],
    ['09528765432107', 8],
    ['14567815983468', 9],
  ])('%s (expected check digit %d)', (input, expected) => {
    expect(validateGtin(input)).toEqual({ valid: false, input, reason: 'bad_check_digit', expectedCheckDigit: expected });
  });
});

describe('padding variants are one item', () => {
  it('UPC 036000291452 = EAN 0036000291452 = GTIN-14 00036000291452', () => {
    const forms = ['036000291452', '0036000291452', '00036000291452'].map((g) => validateGtin(g));
    expect(forms.map((f) => f.valid)).toEqual([true, true, true]);
    expect(new Set(forms.map((f) => f.gtin14))).toEqual(new Set(['00036000291452']));
    expect(forms.map((f) => f.format)).toEqual(['GTIN-12', 'GTIN-13', 'GTIN-14']);
  });

  it('left-padding never changes the check digit (property)', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9]{7,13}$/), fc.integer({ min: 0, max: 6 }), (data, zeros) => {
        expect(gs1CheckDigit('0'.repeat(zeros) + data)).toBe(gs1CheckDigit(data));
      }),
    );
  });

  it('every key with its computed check digit validates, and any other last digit fails (property)', () => {
    fc.assert(
      fc.property(fc.constantFrom(7, 11, 12, 13), fc.integer({ min: 1, max: 9 }), fc.nat(), (dataLength, offset, seed) => {
        const data = String(seed).padStart(dataLength, '1').slice(-dataLength);
        const check = gs1CheckDigit(data);
        expect(validateGtin(`${data}${check}`).valid).toBe(true);
        expect(validateGtin(`${data}${(check + offset) % 10}`).reason).toBe('bad_check_digit');
      }),
    );
  });
});

describe('validateGtin: what is not a GTIN', () => {
  it.each([
    ['', 'blank'],
    ['   ', 'blank'],
    ['ABC123456789', 'not_digits'],
    ['036000291452.5', 'not_digits'],
    ['5.43983E+10', 'scientific_notation'],
    ['5.4398267125E+10', 'scientific_notation'],
    ['00000000', 'all_zeros'],
    ['00000000000000', 'all_zeros'],
    ['1234567', 'invalid_length'],
    ['123456789', 'invalid_length'],
    ['123456789012345', 'invalid_length'],
  ])('%j: %s', (input, reason) => {
    expect(validateGtin(input)).toMatchObject({ valid: false, reason });
  });

  it('54398267125 (11 digits) is an invalid length; the lost zero is only a hint', () => {
    const result = validateGtin('54398267125');
    expect(result).toMatchObject({ valid: false, reason: 'invalid_length', lostLeadingZeros: '00054398267125' });
    expect(result.gtin14).toBeUndefined();
    // the hint is only given when the check digit works out
    expect(validateGtin('54398267126').lostLeadingZeros).toBeUndefined();
  });

  it.each([null, undefined])('%s is blank', (input) => expect(validateGtin(input).reason).toBe('blank'));
});

describe('validateGtin: readable and float-shaped text', () => {
  it.each([
    ['0 36000 29145 2', '00036000291452'],
    ['036000-291452', '00036000291452'],
    [' 036000291452\u00a0', '00036000291452'],
    ['036000291452.0', '00036000291452'], // a float's tail
  ])('%j → %s', (input, padded) => expect(gtin14(input)).toBe(padded));
});

describe('restricted-circulation numbers are valid but not global keys', () => {
  it.each([
    ['20123451', true], // RCN-8, prefix 2
    ['00012348', true], // RCN-8, prefix 0
    ['50123452', false],
    ['212345678909', true], // RCN-12, U.P.C. prefix 2 (GS1 prefix 02)
    ['412345678903', true], // company internal, U.P.C. prefix 4 (GS1 prefix 04)
    ['0412345678903', true], // GS1 prefix 04
    ['2912345678906', true], // GS1 prefix 29 (in-store)
    ['012345678905', false],
    ['6291041500213', false],
    ['50123456789000', false], // GTIN-14 with a packaging indicator
  ])('%s restricted: %s', (input, restricted) => {
    const result = validateGtin(input);
    expect(result.valid).toBe(true);
    expect(result.restricted ?? false).toBe(restricted);
  });
});
