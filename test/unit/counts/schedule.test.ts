import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { spreadTasks } from '../../../src/core/counts/schedule.js';

const PER_YEAR = [12, 4, 1];

function counts(unitOf: Int32Array): Map<number, number> {
  const m = new Map<number, number>();
  for (const u of unitOf) m.set(u, (m.get(u) ?? 0) + 1);
  return m;
}

describe('spreading count tasks over the working days', () => {
  it('counts every SKU-location exactly as often as its class requires over a year', () => {
    const classIndex = [...Array(50).fill(0), ...Array(80).fill(1), ...Array(200).fill(2)];
    const s = spreadTasks(classIndex, new Uint8Array(classIndex.length), PER_YEAR, 365, 261);
    expect(s.length).toBe(50 * 12 + 80 * 4 + 200);
    const seen = counts(s.unit);
    classIndex.forEach((c, u) => expect(seen.get(u), `unit ${u}`).toBe(PER_YEAR[c]));
  });

  it('loads every day evenly, within one task', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 1, maxLength: 300 }), fc.integer({ min: 1, max: 400 }), fc.integer({ min: 1, max: 60 }), (classes, days, workDays) => {
        const s = spreadTasks(classes, new Uint8Array(classes.length), PER_YEAR, days, workDays);
        if (s.length === 0) return;
        const perDay = new Array<number>(workDays).fill(0);
        for (const d of s.day) perDay[d]!++;
        expect(Math.max(...perDay) - Math.min(...perDay)).toBeLessThanOrEqual(1);
        // Tasks come in unit order, each unit's days increasing.
        for (let i = 1; i < s.length; i++) {
          expect(s.unit[i]!).toBeGreaterThanOrEqual(s.unit[i - 1]!);
          if (s.unit[i] === s.unit[i - 1]) expect(s.day[i]!).toBeGreaterThanOrEqual(s.day[i - 1]!);
        }
      }),
      { seed: 20260630, numRuns: 200 },
    );
  });

  it('keeps the counts of one SKU-location a cycle apart', () => {
    const s = spreadTasks(new Array(30).fill(0), new Uint8Array(30), PER_YEAR, 365, 261);
    const days = new Map<number, number[]>();
    for (let i = 0; i < s.length; i++) days.set(s.unit[i]!, [...(days.get(s.unit[i]!) ?? []), s.day[i]!]);
    for (const list of days.values()) for (let k = 1; k < list.length; k++) expect(list[k]! - list[k - 1]!).toBeGreaterThanOrEqual(20);
  });

  it('a short period holds the share of the year that falls in it', () => {
    // 12 a year over 30 days: each A item about once; 1 a year: about 1 in 12.
    const s = spreadTasks([...Array(120).fill(0), ...Array(120).fill(2)], new Uint8Array(240), PER_YEAR, 30, 22);
    const seen = counts(s.unit);
    const a = [...seen].filter(([u]) => u < 120).reduce((n, [, c]) => n + c, 0);
    const c = [...seen].filter(([u]) => u >= 120).reduce((n, [, k]) => n + k, 0);
    // The k-th count of rank r is in the period when ((2r + 1) + 2nk) × 365 < days × f × 2n.
    const due = (n: number, f: number, days: number): number => {
      let total = 0;
      for (let r = 0; r < n; r++) for (let k = 0; k < f; k++) if ((2 * r + 1 + 2 * n * k) * 365 < days * f * 2 * n) total++;
      return total;
    };
    expect(a).toBe(due(120, 12, 30));
    expect(a).toBe(118); // 120 × 12 × 30 / 365 = 118.4
    expect(c).toBe(due(120, 1, 30));
    expect(c).toBe(10); // 120 × 30 / 365 = 9.9
  });

  it('counts a zero or negative book at the start of the period, once, even when its class is not due', () => {
    const classIndex = [2, 2, 2, 2];
    const opportunity = Uint8Array.from([0, 1, 0, 0]);
    const s = spreadTasks(classIndex, opportunity, PER_YEAR, 5, 5);
    const opp = [...s.unit].map((u, i) => ({ u, day: s.day[i]!, opp: s.opportunity[i]! })).filter((t) => t.u === 1);
    expect(opp).toEqual([{ u: 1, day: 0, opp: 1 }]);
  });

  it('over a year the opportunity count is one of the class counts, not an extra one', () => {
    const s = spreadTasks([0, 0], Uint8Array.from([1, 0]), PER_YEAR, 365, 261);
    expect(counts(s.unit).get(0)).toBe(12);
    expect(s.day[0]).toBe(0);
    expect(s.opportunity[0]).toBe(1);
  });
});
