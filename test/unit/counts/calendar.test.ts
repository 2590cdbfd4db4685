import { describe, expect, it } from 'vitest';
import { addDays, compareNatural, nextWorkingDay, workingDays } from '../../../src/core/counts/calendar.js';

describe('working days', () => {
  it('skips Saturdays, Sundays and listed holidays', () => {
    // 2026-07-01 is a Wednesday.
    expect(workingDays('2026-07-01', 7)).toEqual(['2026-07-01', '2026-07-02', '2026-07-03', '2026-07-06', '2026-07-07']);
    expect(workingDays('2026-07-01', 7, ['2026-07-03'])).toEqual(['2026-07-01', '2026-07-02', '2026-07-06', '2026-07-07']);
  });

  it('has 261 working days in the year from 2026-07-01', () => {
    const days = workingDays('2026-07-01', 365);
    expect(days).toHaveLength(261);
    for (const d of days) expect([0, 6]).not.toContain(new Date(`${d}T00:00:00Z`).getUTCDay());
  });

  it.each([
    ['2026-07-03', [], '2026-07-06'],
    ['2026-07-01', [], '2026-07-02'],
    ['2026-12-23', ['2026-12-24', '2026-12-25'], '2026-12-28'],
  ])('the working day after %s (holidays %j) is %s', (day, holidays, next) => {
    expect(nextWorkingDay(day, holidays)).toBe(next);
  });

  it('adds days across month and leap-year ends', () => {
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
  });
});

describe('walking order', () => {
  it('orders numbers inside location paths by value: A-2 before A-10', () => {
    const locations = ['WH/A-10', 'WH/A-2', 'WH/B-1', 'WH/A-1-10', 'WH/A-1-9', 'WH/a-3', 'WH'];
    expect([...locations].sort(compareNatural)).toEqual(['WH', 'WH/A-1-9', 'WH/A-1-10', 'WH/A-2', 'WH/a-3', 'WH/A-10', 'WH/B-1']);
  });

  it('is a total order: antisymmetric, and equal only for equal text', () => {
    const xs = ['A-01', 'A-1', 'A-001', 'a-1', 'A-1'];
    for (const a of xs) for (const b of xs) expect(Math.sign(compareNatural(a, b))).toBe(-Math.sign(compareNatural(b, a)) || 0);
    for (const a of xs) for (const b of xs) if (a !== b) expect(compareNatural(a, b)).not.toBe(0);
    expect(compareNatural('A-01', 'A-1')).not.toBe(0);
  });
});
