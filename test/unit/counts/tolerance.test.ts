import { describe, expect, it } from 'vitest';
import { countSettings } from '../../../src/core/counts/settings.js';
import { classifyVariance, toleranceFor } from '../../../src/core/reconcile/tolerance.js';
import { subDecimals, mulDecimals } from '../../../src/core/model/decimal.js';

const defaults = countSettings(undefined);
const verdict = (cls: string, book: string, counted: string, cost = '1', settings = defaults): string => {
  const variance = subDecimals(counted, book);
  return classifyVariance(toleranceFor(settings.tolerances, null, cls), variance, book, mulDecimals(variance, cost));
};

describe('count tolerances per class (defaults A 0%, B 2%, C 5%)', () => {
  it.each([
    ['A', '100', '100', 'match'],
    ['A', '100', '100.000001', 'over'],
    ['A', '100', '99', 'short'],
    ['B', '100', '102', 'within_tolerance'],
    ['B', '100', '98', 'within_tolerance'],
    ['B', '100', '102.000001', 'over'],
    ['B', '100', '97.99', 'short'],
    ['C', '100', '105', 'within_tolerance'],
    ['C', '100', '95', 'within_tolerance'],
    ['C', '100', '105.01', 'over'],
    ['C', '200', '190', 'within_tolerance'],
    ['C', '0', '0', 'match'],
    ['C', '0', '1', 'over'],
    ['B', '-4', '-4', 'match'],
  ])('class %s, book %s, counted %s: %s', (cls, book, counted, expected) => {
    expect(verdict(cls, book, counted)).toBe(expected);
  });

  it('applies every configured limit: percent and value', () => {
    const settings = countSettings({ tolerances: { C: { percent: 5, value: 50 } }, cutoffs: { A: 80, B: 15, C: 5 } });
    expect(verdict('C', '100', '105', '10', settings)).toBe('within_tolerance'); // 5 × 10 = 50: at the limit
    expect(verdict('C', '100', '105', '10.01', settings)).toBe('over');
    expect(verdict('A', '100', '101', '1', settings)).toBe('over'); // A keeps its default
  });

  it('an absolute quantity limit covers a book of 0', () => {
    const settings = countSettings({ tolerances: { C: { qty: 2 } } });
    expect(verdict('C', '0', '2', '1', settings)).toBe('within_tolerance');
    expect(verdict('C', '0', '3', '1', settings)).toBe('over');
  });
});

describe('counts: settings', () => {
  it.each([
    [{ cutoffs: { A: 70, B: 20, C: 5 } }, 'must add up to 100'],
    [{ per_year: { A: 0 } }, 'per_year.A must be a whole number'],
    [{ holidays: ['2026-13-01'] }, 'is not a date'],
    [{ tolerances: { D: { percent: 1 } } }, 'unknown class "D"'],
    [{ tolerances: { A: { pct: 1 } } }, 'unknown tolerance "pct"'],
    [{ frequency: 1 }, 'unknown key "frequency"'],
  ])('refuses %j (%s)', (section, message) => {
    expect(() => countSettings(section)).toThrow(message);
  });

  it('reads YAML dates as holidays and keeps them sorted', () => {
    const s = countSettings({ holidays: [new Date(Date.UTC(2026, 11, 25)), '2026-12-24'] });
    expect(s.holidays).toEqual(['2026-12-24', '2026-12-25']);
  });
});
