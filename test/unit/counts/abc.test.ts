import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classify, type AbcInput } from '../../../src/core/counts/abc.js';

const usage = (sku: string, value: string): AbcInput => ({ sku, value, basis: 'usage' });
const DEFAULT = { A: '80', B: '15', C: '5' };
const classes = (items: AbcInput[], cutoffs = DEFAULT): Record<string, string> => Object.fromEntries(classify(items, cutoffs).map((e) => [e.sku, e.class]));

describe('ABC by cumulative share of value', () => {
  it('a SKU ending exactly at a cutoff stays in the class; the next one starts the next class', () => {
    // 80 + 15 + 5 of 100: each SKU ends exactly at its cutoff.
    expect(classes([usage('X', '80'), usage('Y', '15'), usage('Z', '5')])).toEqual({ X: 'A', Y: 'B', Z: 'C' });
  });

  it('the SKU that crosses a cutoff goes to the higher class (Oracle boundary rule)', () => {
    // Cumulative before: P 0%, Q 70% (crosses 80 → A), R 90% (crosses 95 → B), S 96% → C.
    expect(classes([usage('P', '70'), usage('Q', '20'), usage('R', '6'), usage('S', '4')])).toEqual({ P: 'A', Q: 'A', R: 'B', S: 'C' });
  });

  it('is exact where binary floats are not: 0.1 + 0.2 + 0.7 of 1 ends exactly at 100%', () => {
    const e = classify([usage('A1', '0.7'), usage('A2', '0.1'), usage('A3', '0.2')], { A: '70', B: '30', C: '0' });
    expect(e.map((x) => [x.sku, x.class])).toEqual([
      ['A1', 'A'],
      ['A3', 'B'],
      ['A2', 'B'],
    ]);
  });

  it('breaks ties by SKU, whatever the input order', () => {
    const items = [usage('B', '10'), usage('C', '10'), usage('A', '10'), usage('D', '1')];
    const ranked = classify(items, DEFAULT).map((e) => e.sku);
    expect(ranked).toEqual(['A', 'B', 'C', 'D']);
    expect(classify([...items].reverse(), DEFAULT).map((e) => e.sku)).toEqual(ranked);
  });

  it('puts everything in C when there is no value at all', () => {
    expect(classes([usage('A', '0'), usage('B', '0')])).toEqual({ A: 'C', B: 'C' });
  });

  it('follows configured cutoffs', () => {
    expect(classes([usage('X', '50'), usage('Y', '30'), usage('Z', '20')], { A: '50', B: '30', C: '20' })).toEqual({ X: 'A', Y: 'B', Z: 'C' });
  });

  it('never ranks a smaller value above a larger one, and the order is a permutation-independent function', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: 99 })), { minLength: 1, maxLength: 40 }), (pairs) => {
        const items = pairs.map(([cents, n], i) => usage(`S${String(i).padStart(3, '0')}`, `${cents}.${String(n).padStart(2, '0')}`));
        const ranked = classify(items, DEFAULT);
        const order = 'ABC';
        for (let i = 1; i < ranked.length; i++) {
          expect(Number(ranked[i - 1]!.value) >= Number(ranked[i]!.value)).toBe(true);
          expect(order.indexOf(ranked[i - 1]!.class) <= order.indexOf(ranked[i]!.class)).toBe(true);
        }
        expect(classify([...items].reverse(), DEFAULT)).toEqual(ranked);
      }),
      { seed: 20260630, numRuns: 200 },
    );
  });
});
