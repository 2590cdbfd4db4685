import { describe, expect, it } from 'vitest';
import { dateOrderEvidence, excelSerialToIso, parseDateText } from '../../../src/core/model/dates.js';

describe('Excel serials (ECMA-376: 1900 system with the fictitious 1900-02-29, and 1904)', () => {
  it.each([
    [1, false, '1900-01-01'],
    [59, false, '1900-02-28'],
    [60, false, '1900-02-29'],
    [61, false, '1900-03-01'],
    [45292, false, '2024-01-01'],
    [45292.5, false, '2024-01-01T12:00:00'],
    [0, true, '1904-01-01'],
    [45292 - 1462, true, '2024-01-01'],
  ])('%d (1904: %s) → %s', (serial, date1904, iso) => expect(excelSerialToIso(serial, date1904)).toBe(iso));

  it('refuses serials outside Excel’s range', () => {
    expect(excelSerialToIso(-1)).toBeUndefined();
    expect(excelSerialToIso(3e6)).toBeUndefined();
  });
});

describe('text dates', () => {
  it.each([
    ['2024-03-05', 'dmy', '2024-03-05', false],
    ['2024-03-05 14:30', 'dmy', '2024-03-05T14:30:00', false],
    ['20240305', 'dmy', '2024-03-05', false],
    ['05/03/2024', 'dmy', '2024-03-05', true],
    ['05/03/2024', 'mdy', '2024-05-03', true],
    ['31.12.2026', 'dmy', '2026-12-31', false],
    ['5/5/24', 'mdy', '2024-05-05', false],
    ['05/03/29', 'dmy', '2029-03-05', true],
    ['05/03/30', 'dmy', '1930-03-05', true],
    ['12-Mar-2024', 'mdy', '2024-03-12', false],
    ['March 12, 2024', 'dmy', '2024-03-12', false],
  ] as const)('%s read %s → %s (ambiguous %s)', (text, order, iso, ambiguous) => {
    expect(parseDateText(text, order)).toEqual({ ok: true, iso, ambiguous });
  });

  it('a date only valid in the other order is refused with the reason', () => {
    const r = parseDateText('13/25/2024', 'dmy');
    expect(r.ok).toBe(false);
    const r2 = parseDateText('12/25/2024', 'dmy');
    expect(r2).toEqual({ ok: false, reason: '"12/25/2024" is only valid month-first, but this file\'s dates were read day-first' });
  });

  it.each([
    ['25/12/2024', 'dmy'],
    ['12/25/2024', 'mdy'],
    ['05/03/2024', undefined],
    ['2024-01-02', undefined],
  ])('evidence from %s: %s', (text, order) => expect(dateOrderEvidence(text)).toBe(order));
});
