import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deletionBlocks, deletionVariants, editDistance, jaccardSorted, pairsWithinOneEdit, sortedNeighbourhood, variantHashes } from '../../../src/core/cleanse/blocking.js';
import { descriptionTokens, nearDuplicatePairs, prepareMaster } from '../../../src/core/cleanse/clusters.js';
import type { MasterItem } from '../../../src/core/cleanse/matching.js';

/** Textbook optimal-string-alignment distance, full table: the reference. */
function referenceOsa(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

const smallKey = fc.stringMatching(/^[AB01]{0,6}$/);

describe('editDistance (optimal string alignment)', () => {
  it.each([
    ['', '', 0],
    ['ABC', 'ABC', 0],
    ['ABC', 'ABD', 1], // substitution
    ['ABC', 'ABCD', 1], // insertion
    ['ABC', 'AC', 1], // deletion
    ['ABC', 'ACB', 1], // adjacent transposition
    ['10023', '10032', 1],
    ['CA', 'ABC', 3], // OSA, not unrestricted Damerau (2)
    ['FAS100234', 'FAS100299', 2],
    ['', 'ABC', 3],
  ])('%j ↔ %j = %d', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
    expect(editDistance(b, a)).toBe(d);
  });

  it('stops early past the bound, returning max + 1', () => {
    expect(editDistance('AAAAAAAA', 'BBBBBBBB', 2)).toBe(3);
    expect(editDistance('A', 'ABCDEF', 1)).toBe(2);
  });

  it('equals the textbook table (property)', () => {
    fc.assert(
      fc.property(smallKey, smallKey, fc.integer({ min: 0, max: 4 }), (a, b, max) => {
        const exact = referenceOsa(a, b);
        expect(editDistance(a, b)).toBe(exact);
        expect(editDistance(a, b, max)).toBe(Math.min(exact, max + 1));
      }),
      { numRuns: 500 },
    );
  });
});

describe('deletion neighbourhoods', () => {
  it('lists the key and its one-character deletions', () => {
    expect(deletionVariants('ABA').sort()).toEqual(['AA', 'AB', 'ABA', 'BA']);
  });

  it('keys within distance 1 always share a variant hash (property)', () => {
    fc.assert(
      fc.property(smallKey, smallKey, (a, b) => {
        fc.pre(referenceOsa(a, b) <= 1);
        const hb = new Set(variantHashes(b));
        expect(variantHashes(a).some((h) => hb.has(h))).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('blocks two keys one edit apart together', () => {
    const keys = ['ABC', 'ACB', 'XYZ', 'ABCD'];
    const blocks = deletionBlocks(keys).map((b) => b.join(','));
    expect(blocks).toContain('0,1'); // ABC and ACB share "AB" and "AC"
    expect(blocks).toContain('0,3'); // ABCD less its D is ABC
    expect(blocks.some((b) => b.includes('2'))).toBe(false);
  });
});

describe('pairsWithinOneEdit: the blocked search finds exactly the all-pairs result', () => {
  const bruteForce = (keys: readonly string[]): Array<[number, number]> => {
    const out: Array<[number, number]> = [];
    for (let i = 0; i < keys.length; i++) for (let j = i + 1; j < keys.length; j++) if (referenceOsa(keys[i]!, keys[j]!) <= 1) out.push([i, j]);
    return out;
  };

  it('on random small sets with many near keys (property)', () => {
    fc.assert(
      fc.property(fc.array(smallKey, { maxLength: 40 }), (keys) => {
        expect(pairsWithinOneEdit(keys)).toEqual(bruteForce(keys));
      }),
      { numRuns: 300 },
    );
  });

  it('on realistic SKUs', () => {
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^(AB|BA|FAS)[0-9]{3,5}$/), { maxLength: 60 }), (keys) => {
        expect(pairsWithinOneEdit(keys)).toEqual(bruteForce(keys));
      }),
      { numRuns: 200 },
    );
  });

  it('distance 0 only: equal keys', () => {
    expect(pairsWithinOneEdit(['A', 'B', 'A', 'AB'], 0)).toEqual([[0, 2]]);
  });
});

describe('near-duplicate search: blocked = brute force', () => {
  const NOUNS = ['BOLT', 'NUT', 'WASHER'];
  const WORDS = ['STEEL', 'ZINC', 'HEX', 'M6X20', 'M6X25', 'PACK', '10'];
  const arbItem: fc.Arbitrary<MasterItem> = fc.record({
    sku: fc.stringMatching(/^[AB1]{1,3}-?[0-9]{0,3}$/),
    description: fc.tuple(fc.constantFrom(...NOUNS), fc.subarray(WORDS)).map(([noun, words]) => [noun, ...words].join(' ')),
    category: fc.constantFrom('', 'FAST', 'FAST', 'SEAL'),
  });

  /** No description counts as generic, however often it repeats (the brute force knows no such thing). */
  const NO_GENERIC = { maxGroup: Number.MAX_SAFE_INTEGER };

  /** The rule itself, checked on every pair. */
  function bruteForce(items: readonly MasterItem[], maxDistance: (a: string, b: string) => number) {
    const p = prepareMaster(items);
    const tokens = items.map((it) => new Set(descriptionTokens(it.description)));
    const hasDigit = (t: string): boolean => /\d/.test(t);
    const out: string[] = [];
    for (let i = 0; i < items.length; i++) {
      for (let j = i + 1; j < items.length; j++) {
        const [ka, kb] = [p.key[i]!, p.key[j]!];
        if (ka === '' || kb === '' || ka === kb) continue;
        const [ca, cb] = [p.category[i]!, p.category[j]!];
        if (ca !== '' && cb !== '' && ca !== cb) continue;
        const [ta, tb] = [tokens[i]!, tokens[j]!];
        const common = [...ta].filter((t) => tb.has(t)).length;
        const jaccard = common / (ta.size + tb.size - common);
        if (!(jaccard >= 0.6)) continue;
        const onlyA = [...ta].some((t) => !tb.has(t) && hasDigit(t));
        const onlyB = [...tb].some((t) => !ta.has(t) && hasDigit(t));
        if (onlyA || onlyB) continue;
        const [ga, gb] = [p.gtin[i]!, p.gtin[j]!];
        if (ga !== '' && gb !== '' && ga !== gb) continue;
        if (referenceOsa(ka, kb) > maxDistance(ka, kb)) continue;
        out.push(`${i}-${j}`);
      }
    }
    return out;
  }

  it('finds exactly the pairs at key distance ≤ 1 (property)', () => {
    fc.assert(
      fc.property(fc.array(arbItem, { maxLength: 40 }), (items) => {
        const blocked = nearDuplicatePairs(prepareMaster(items, NO_GENERIC))
          .pairs.filter((q) => q.distance <= 1)
          .map((q) => `${q.i}-${q.j}`);
        expect(blocked).toEqual(bruteForce(items, () => 1));
      }),
      { numRuns: 300 },
    );
  });

  it('with long keys, finds exactly the pairs at distance ≤ 2 too, when no block is capped (property)', () => {
    const longItem = arbItem.map((it) => ({ ...it, sku: `FAS${it.sku}0000`.slice(0, 10) }));
    fc.assert(
      fc.property(fc.array(longItem, { maxLength: 40 }), (items) => {
        const blocked = nearDuplicatePairs(prepareMaster(items, NO_GENERIC)).pairs.map((q) => `${q.i}-${q.j}`);
        expect(blocked).toEqual(bruteForce(items, (a, b) => (Math.min(a.length, b.length) >= 8 ? 2 : 1)));
      }),
      { numRuns: 200 },
    );
  });

  it('with a tiny block cap, still finds nothing that is not a near duplicate (property)', () => {
    fc.assert(
      fc.property(fc.array(arbItem, { maxLength: 40 }), (items) => {
        const blocked = nearDuplicatePairs(prepareMaster(items), { maxKeyBlock: 2, maxTokenBlock: 2, window: 2 }).pairs.map((q) => `${q.i}-${q.j}`);
        const all = new Set(bruteForce(items, (a, b) => (Math.min(a.length, b.length) >= 8 ? 2 : 1)));
        for (const pair of blocked) expect(all.has(pair)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});

describe('helpers', () => {
  it('jaccardSorted', () => {
    expect(jaccardSorted([1, 2, 3], [2, 3, 4])).toBe(0.5);
    expect(jaccardSorted([], [])).toBe(0);
    expect(jaccardSorted([1], [1])).toBe(1);
  });

  it('sortedNeighbourhood visits each pair within the window once, smaller index first', () => {
    const seen: string[] = [];
    sortedNeighbourhood([3, 1, 2, 0], 2, (i, j) => seen.push(`${i}-${j}`));
    expect(seen).toEqual(['1-3', '1-2', '0-2']);
  });
});
