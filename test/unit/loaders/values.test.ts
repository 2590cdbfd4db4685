import { describe, expect, it } from 'vitest';
import { decimalEvidence, parseCode, parseDecimal, parseDecimalText, parseQuantity, splitBracketedCode } from '../../../src/core/loaders/values.js';

describe('numbers typed as text are read as a person reads them', () => {
  it.each([
    ['1.234,50', ',', '1234.5'],
    ['1,234.50', '.', '1234.5'],
    ['1.234,50', '.', '1234.5'], // both separators: the last one is the decimal
    ['(1,569.000)', '.', '-1569'],
    ['₹5,76,362.11', '.', '576362.11'],
    ['200-', '.', '-200'],
    ["1'234.5", '.', '1234.5'],
    ['1 234,56', ',', '1234.56'],
    ['1\u00a0234,56', ',', '1234.56'],
    ['1,000.00CR', '.', '-1000'],
    ['€ 12,50', ',', '12.5'],
    ['-12.5', '.', '-12.5'],
    ['4,49', '.', '4.49'], // two decimals after a comma: a decimal comma whatever the file says
    ['1,234', '.', '1234'], // ambiguous: the file's convention decides
    ['1,234', ',', '1.234'],
    ['1.234', '.', '1.234'],
    ['1.234', ',', '1234'],
    ['0,500', '.', '0.5'],
    ['1,234,567', ',', '1234567'],
    ['.5', '.', '0.5'],
  ] as const)('%s (decimal %s) → %s', (text, decimal, expected) => {
    expect(parseDecimalText(text, decimal)).toEqual({ ok: true, value: expected });
  });

  it.each(['abc', '1.2.3,4,5', '12 pcs', '1,23.4,5'])('%s is not a number', (text) => {
    expect(parseDecimalText(text, '.').ok).toBe(false);
  });

  it('keeps missing distinct from zero', () => {
    expect(parseDecimal(null, '.')).toEqual({ ok: true, value: null });
    expect(parseDecimal('-', '.')).toEqual({ ok: true, value: null, flags: ['placeholder'] });
    expect(parseDecimal('0', '.')).toEqual({ ok: true, value: '0' });
    expect(parseDecimal('#N/A', '.').ok).toBe(false);
  });

  it.each([
    ['1.234,50', ','],
    ['1,234.50', '.'],
    ['4,49', ','],
    ['1,234', undefined],
    ['1,234,567', '.'],
    ['12', undefined],
  ])('evidence from %s: %s', (text, expected) => expect(decimalEvidence(text)).toBe(expected));
});

describe('quantities with units inside', () => {
  it.each([
    ['12 pcs', '12', 'pcs'],
    ['2 box', '2', 'box'],
    ['1,5 kg', '1.5', 'kg'],
    ['12pcs', '12', 'pcs'],
    ['3 BX12', '3', 'BX12'],
  ])('%s → %s %s', (text, qty, unit) => {
    expect(parseQuantity(text, ',')).toEqual({ ok: true, value: { qty, unit } });
  });

  it.each(['~5', 'approx 10', '5+', 'ca. 12', '2x6'])('%s is refused', (text) => {
    expect(parseQuantity(text, '.').ok).toBe(false);
  });
});

describe('codes stay text', () => {
  it('numbers become integer text and are flagged', () => {
    expect(parseCode(123)).toEqual({ ok: true, value: '123', flags: ['code_stored_as_number'] });
    expect(parseCode(1234567890123456)).toEqual({ ok: true, value: '1234567890123460', flags: ['code_stored_as_number', 'code_precision_lost'] });
  });
  it('scientific notation is flagged, never repaired', () => {
    expect(parseCode('1.23457E+11')).toEqual({ ok: true, value: '1.23457E+11', flags: ['sku_scientific_notation'] });
  });
  it('invisible padding goes, leading zeros stay', () => {
    expect(parseCode('\u00a000123 \u200b')).toEqual({ ok: true, value: '00123' });
  });
  it('a date in a code column is flagged as Excel’s conversion', () => {
    expect(parseCode({ kind: 'date', iso: '2024-09-02' })).toEqual({ ok: true, value: '2024-09-02', flags: ['code_converted_to_date'] });
  });
  it('Odoo display names carry the code in brackets', () => {
    expect(splitBracketedCode('[FURN_0789] Individual Workplace')).toEqual({ code: 'FURN_0789', name: 'Individual Workplace' });
    expect(splitBracketedCode('Individual Workplace')).toBeUndefined();
  });
});
