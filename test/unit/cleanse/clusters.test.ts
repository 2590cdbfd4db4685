import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { syntheticMaster } from '../../../bench/clusters.js';
import { clusterDuplicates, type ClusterOptions, type DuplicateCluster } from '../../../src/core/cleanse/clusters.js';
import type { MasterItem } from '../../../src/core/cleanse/matching.js';

const BOLT: MasterItem = { sku: 'AB-100', description: 'Hex bolt M6x20 zinc', uom: 'EA', barcode: '036000291452', category: 'Fasteners', unitCost: '1.50' };

function clusters(items: readonly MasterItem[], options?: ClusterOptions): DuplicateCluster[] {
  return [...clusterDuplicates(items, options).clusters];
}

/** Clusters as sorted lists of SKUs, for comparisons. */
function shape(items: readonly MasterItem[], options?: ClusterOptions): string[][] {
  return clusters(items, options).map((c) => c.members.map((m) => m.sku));
}

describe('(a) key collisions', () => {
  it('merge automatically when every attribute agrees', () => {
    const [c, ...rest] = clusters([
      BOLT,
      // other separators and case, same barcode in another padding, same cost written differently, no category
      { sku: 'ab 100', description: 'HEX BOLT, M6X20 ZINC', uom: 'ea', barcode: '0036000291452', category: '', unitCost: '1.5' },
      { sku: 'XY-1', description: 'Washer' },
    ]);
    expect(rest).toEqual([]);
    expect(c).toMatchObject({
      id: 1,
      members: [
        { sku: 'AB-100', index: 0 },
        { sku: 'ab 100', index: 1 },
      ],
      decision: 'auto_merge',
      reasons: [],
      survivor: { sku: 'AB-100', index: 0 }, // more complete (has a category)
      evidence: [{ rule: 'key_collision', pair: ['AB-100', 'ab 100'], rows: [0, 1], score: 1, detail: 'AB100' }],
    });
  });

  it('the same SKU on two identical rows merges', () => {
    expect(clusters([BOLT, { ...BOLT }])[0]).toMatchObject({ decision: 'auto_merge', members: [{ index: 0 }, { index: 1 }] });
  });

  it.each([
    [{ description: 'Hex bolt M6x25 zinc' }, 'description_differs'],
    [{ uom: 'BOX' }, 'uom_differs'],
    [{ uom: '' }, 'uom_differs'],
    [{ barcode: '6291041500213' }, 'barcode_differs'],
    [{ barcode: '036000291453' }, 'barcode_differs'], // an invalid barcode is not "blank"
    [{ unitCost: '1.55' }, 'cost_differs'],
    [{ unitCost: null }, 'cost_differs'],
    [{ category: 'Spares' }, 'category_differs'],
  ] as const)('go to review when attributes disagree: %j → %s', (change, reason) => {
    const [c] = clusters([BOLT, { ...BOLT, sku: 'AB100', ...change }]);
    expect(c).toMatchObject({ decision: 'review', reasons: [reason] });
  });

  it('a blank barcode or category does not block the merge', () => {
    expect(clusters([BOLT, { ...BOLT, sku: 'AB100', barcode: null, category: null }])[0]!.decision).toBe('auto_merge');
  });

  it('units compare through a pluggable key (the unit catalogue)', () => {
    const items = [BOLT, { ...BOLT, sku: 'AB100', uom: 'each' }];
    expect(clusters(items)[0]!.reasons).toEqual(['uom_differs']);
    const uomKey = (u: string): string => ({ ea: 'Units', each: 'Units' })[u.toLowerCase()] ?? u;
    expect(clusters(items, { uomKey })[0]!.decision).toBe('auto_merge');
  });
});

describe('(b) one valid barcode under different SKUs', () => {
  it('goes to review, whatever the padding', () => {
    const [c] = clusters([BOLT, { sku: 'ZZ-9', description: 'Something else', barcode: '00036000291452' }]);
    expect(c).toMatchObject({
      decision: 'review',
      reasons: expect.arrayContaining(['different_keys', 'description_differs']),
      evidence: [{ rule: 'same_barcode', pair: ['AB-100', 'ZZ-9'], detail: '00036000291452' }],
    });
  });

  it('an invalid barcode is reported and never evidence', () => {
    const result = clusterDuplicates([
      { sku: 'A-1', description: 'Alpha', barcode: '036000291453' },
      { sku: 'B-2', description: 'Beta', barcode: '036000291453' },
    ]);
    expect(result.clusters).toEqual([]);
    expect(result.findings).toEqual([
      { kind: 'invalid_barcode', index: 0, sku: 'A-1', barcode: '036000291453', reason: 'bad_check_digit' },
      { kind: 'invalid_barcode', index: 1, sku: 'B-2', barcode: '036000291453', reason: 'bad_check_digit' },
    ]);
  });

  it('a barcode shared by more rows than maxGroup is a placeholder: reported, not evidence', () => {
    const items = Array.from({ length: 5 }, (_, k) => ({ sku: `S-${k}`, description: `Part ${k}`, barcode: '96385074' }));
    const result = clusterDuplicates(items, { maxGroup: 4 });
    expect(result.clusters).toEqual([]);
    expect(result.findings).toEqual([{ kind: 'oversized_block', rule: 'same_barcode', value: '00000096385074', size: 5 }]);
  });
});

describe('(c) descriptions', () => {
  it('the same description under different SKUs goes to review', () => {
    const [c] = clusters([
      { sku: 'BLT-1', description: 'Bolt, hex, M6x20, zinc', category: 'Fasteners' },
      { sku: 'Q-77', description: 'BOLT HEX M6X20 ZINC', category: 'Fasteners' },
    ]);
    expect(c).toMatchObject({ decision: 'review', evidence: [{ rule: 'same_description', pair: ['BLT-1', 'Q-77'], score: 1 }] });
  });

  it('word order does not make another description', () => {
    expect(shape([{ sku: 'A-1', description: 'hex bolt M6' }, { sku: 'Z-9', description: 'bolt hex M6' }])).toEqual([['A-1', 'Z-9']]);
  });

  it('near duplicate: SKU one edit apart and similar description', () => {
    const [c] = clusters([
      { sku: 'BLT-10023', description: 'Steel hex bolt M6x20 zinc' },
      { sku: 'BLT-10032', description: 'steel bolt hex M6x20 zinc plated' },
    ]);
    expect(c).toMatchObject({ decision: 'review', evidence: [{ rule: 'near_duplicate', score: 0.833, detail: 'distance=1 jaccard=0.833' }] });
  });

  it('near duplicate: long SKUs two edits apart', () => {
    const items = [
      { sku: 'FAS-100234', description: 'Steel hex bolt M6x20 zinc' },
      { sku: 'FAS-100299', description: 'Steel hex bolt M6x20 zinc plated' },
    ];
    expect(clusters(items)[0]!.evidence[0]).toMatchObject({ rule: 'near_duplicate', detail: 'distance=2 jaccard=0.833' });
  });

  describe('must NOT cluster', () => {
    it.each([
      ['similar SKU, different description', [{ sku: 'BLT-10023', description: 'Steel hex bolt M6x20' }, { sku: 'BLT-10024', description: 'Rubber gasket DN50' }]],
      ['short SKUs two edits apart', [{ sku: 'AB-12', description: 'Steel hex bolt M6x20 zinc' }, { sku: 'AB-99', description: 'Steel hex bolt M6x20 zinc plated' }]],
      [
        'sizes of one product under consecutive SKUs',
        [
          { sku: 'B-1001', description: 'Steel hex bolt zinc M6x20' },
          { sku: 'B-1002', description: 'Steel hex bolt zinc M6x25' },
        ],
      ],
      [
        'the same description in two categories',
        [
          { sku: 'GSK-1', description: 'Gasket', category: 'Pump spares' },
          { sku: 'VLV-9', description: 'Gasket', category: 'Valve spares' },
        ],
      ],
      [
        'similar SKU and description in two categories',
        [
          { sku: 'BLT-10023', description: 'Steel hex bolt M6x20 zinc', category: 'A' },
          { sku: 'BLT-10032', description: 'Steel hex bolt M6x20 zinc plated', category: 'B' },
        ],
      ],
      ['blank descriptions', [{ sku: 'A-1', description: '' }, { sku: 'A-2', description: '  ' }]],
      ['distinct SKUs, nothing in common', [{ sku: 'A-1', description: 'Alpha' }, { sku: 'B-2', description: 'Beta' }]],
    ] as const)('%s', (_name, items) => {
      expect(clusters(items)).toEqual([]);
    });

    it('the vetoes can be switched off', () => {
      const sizes = [
        { sku: 'B-1001', description: 'Steel hex bolt zinc M6x20' },
        { sku: 'B-1002', description: 'Steel hex bolt zinc M6x25' },
      ];
      expect(shape(sizes, { sizeVariantVeto: false })).toEqual([['B-1001', 'B-1002']]);
      const categories = [
        { sku: 'GSK-1', description: 'Gasket', category: 'Pump spares' },
        { sku: 'VLV-9', description: 'Gasket', category: 'Valve spares' },
      ];
      expect(shape(categories, { categoryVeto: false })).toEqual([['GSK-1', 'VLV-9']]);
    });

    it('a blank category is compatible with any', () => {
      expect(shape([{ sku: 'GSK-1', description: 'Gasket', category: 'Pump spares' }, { sku: 'VLV-9', description: 'Gasket' }])).toEqual([['GSK-1', 'VLV-9']]);
      // …and links what it is compatible with, whatever the order
      const items = [
        { sku: 'A-1', description: 'Gasket', category: 'Pump spares' },
        { sku: 'B-2', description: 'Gasket', category: 'Valve spares' },
        { sku: 'C-3', description: 'Gasket' },
      ];
      expect(shape(items)).toEqual([['A-1', 'B-2', 'C-3']]);
      expect(clusters(items)[0]!.evidence.map((e) => e.pair.join('~'))).toEqual(['A-1~C-3', 'B-2~C-3']);
    });

    it('a generic description is no evidence towards a near duplicate either', () => {
      const items = Array.from({ length: 30 }, (_, k) => ({ sku: `A-${100 + k}`, description: 'N/A' }));
      const result = clusterDuplicates(items);
      expect(result.clusters).toEqual([]);
      expect(result.findings).toEqual([{ kind: 'oversized_block', rule: 'same_description', value: 'N A', size: 30 }]);
      // below the cap, the same rows are near duplicates
      expect(clusterDuplicates(items.slice(0, 3)).clusters).toHaveLength(1);
    });

    it('a generic description shared by more rows than maxGroup is reported, not clustered', () => {
      const items = Array.from({ length: 6 }, (_, k) => ({ sku: `MISC-${k * 111}`, description: 'Miscellaneous' }));
      const result = clusterDuplicates(items, { maxGroup: 5 });
      expect(result.clusters).toEqual([]);
      expect(result.findings).toContainEqual({ kind: 'oversized_block', rule: 'same_description', value: 'MISCELLANEOUS', size: 6 });
    });
  });
});

describe('clusters', () => {
  it('evidence of different kinds joins one cluster (union-find); more than one key means review', () => {
    const [c, ...rest] = clusters([
      { sku: 'AB-100', description: 'Hex bolt', barcode: '96385074' },
      { sku: 'ab100', description: 'Hex bolt' },
      { sku: 'QQ-5', description: 'Bolt (old code)', barcode: '96385074' },
    ]);
    expect(rest).toEqual([]);
    expect(c!.members.map((m) => m.sku)).toEqual(['AB-100', 'QQ-5', 'ab100']);
    expect(c!.evidence.map((e) => e.rule)).toEqual(['key_collision', 'same_barcode']);
    expect(c).toMatchObject({ decision: 'review', reasons: ['different_keys', 'description_differs'] });
  });

  it('survivor: most complete first, then the smallest SKU', () => {
    const [c] = clusters([
      { sku: 'B-1', description: 'Hex bolt' },
      { sku: 'b1', description: 'Hex bolt', uom: 'EA', unitCost: '2' },
      { sku: 'b 1', description: 'Hex bolt', uom: 'EA', unitCost: '2' },
    ]);
    expect(c!.survivor).toEqual({ sku: 'b 1', index: 2 });
    const [tie] = clusters([
      { sku: 'B-1', description: 'Hex bolt' },
      { sku: 'B 1', description: 'Hex bolt' },
    ]);
    expect(tie!.survivor.sku).toBe('B 1');
  });

  it('blank SKUs take part in nothing and are reported', () => {
    const result = clusterDuplicates([
      { sku: '', description: 'Hex bolt' },
      { sku: '  ', description: 'Hex bolt' },
    ]);
    expect(result.clusters).toEqual([]);
    expect(result.findings).toEqual([
      { kind: 'blank_sku', index: 0 },
      { kind: 'blank_sku', index: 1 },
    ]);
  });

  it('are the same whatever the order of the rows (property)', () => {
    const { items } = syntheticMaster(300, 7);
    const canonical = (list: readonly MasterItem[]): string[] =>
      clusters(list)
        .map((c) => `${c.decision}:${c.members.map((m) => `${m.sku}|${list[m.index]!.description}`).join(',')}`)
        .sort();
    const expected = canonical(items);
    expect(expected.length).toBeGreaterThan(0);
    fc.assert(
      fc.property(fc.shuffledSubarray([...items], { minLength: items.length }), (shuffled) => {
        expect(canonical(shuffled)).toEqual(expected);
      }),
      { numRuns: 20 },
    );
  });

  it('output is sorted: clusters by first member, members by SKU then row, ids in order', () => {
    const { items } = syntheticMaster(2000, 11);
    const result = clusters(items);
    const firsts = result.map((c) => c.members[0]!.sku);
    expect(firsts).toEqual([...firsts].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    expect(result.map((c) => c.id)).toEqual(result.map((_, k) => k + 1));
    for (const c of result) {
      const keys = c.members.map((m) => [m.sku, m.index] as const);
      const sorted = [...keys].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1]));
      expect(keys).toEqual(sorted);
    }
  });
});

describe('on synthetic data (small; the scaling run is bench/clusters.ts, in npm run bench)', () => {
  it('finds every planted duplicate, and auto-merges only key collisions', () => {
    const { items, planted } = syntheticMaster(3000, 3);
    const result = clusterDuplicates(items);
    const clusterOf = new Map<number, DuplicateCluster>();
    for (const c of result.clusters) for (const m of c.members) clusterOf.set(m.index, c);
    for (const p of planted) {
      const c = clusterOf.get(p.original);
      expect(c, `${p.kind} ${items[p.original]!.sku} / ${items[p.duplicate]!.sku}`).toBeDefined();
      expect(c!.members.map((m) => m.index)).toContain(p.duplicate);
      if (p.kind !== 'key_collision') expect(c!.decision).toBe('review');
    }
    for (const c of result.clusters.filter((k) => k.decision === 'auto_merge')) {
      expect(new Set(c.evidence.map((e) => e.rule))).toEqual(new Set(['key_collision']));
    }
  });
});
