import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { matchSpellings, RULE_CONFIDENCE, summariseMappings, type MasterItem, type SkuMapping } from '../../../src/core/cleanse/matching.js';

const item = (sku: string, description = `item ${sku}`): MasterItem => ({ sku, description });

const MASTER: MasterItem[] = [
  item('AB-100'),
  item('00123'),
  item('12345'),
  item('123456789012'),
  item('XY-77'),
  item('Widget Blue'),
];

function one(master: readonly MasterItem[], spelling: string, options: Parameters<typeof matchSpellings>[2] = {}): SkuMapping {
  const [mapping] = matchSpellings(master, [{ spelling, sources: ['erp.csv'] }], options);
  return mapping!;
}

describe('each rule, in order of precedence', () => {
  it.each([
    // spelling, canonical, rule, status
    ['AB-100', 'AB-100', 'exact', 'auto'],
    ['ab 100', 'AB-100', 'match_key', 'auto'],
    ['AB100', 'AB-100', 'match_key', 'auto'],
    [' AB_100\u00a0', 'AB-100', 'match_key', 'auto'],
    ['widget-blue', 'Widget Blue', 'match_key', 'auto'],
    ['123', '00123', 'leading_zeros', 'auto'],
    ['XY-77-B', 'XY-77', 'revision_suffix', 'auto'],
    ['12345 REV C', '12345', 'revision_suffix', 'auto'],
    ['XY-7T', null, 'none', 'unmapped'],
    ['AB-1OO', 'AB-100', 'look_alike', 'review'],
    ['1.23457E+11', '123456789012', 'scientific_notation', 'review'],
    ['ZZ-999', null, 'none', 'unmapped'],
  ] as const)('%j → %j by %s (%s)', (spelling, canonical, rule, status) => {
    const m = one(MASTER, spelling, { rules: { revisionSuffixes: ['-[A-Z]', '\\s+REV\\s*(?<rev>[A-Z0-9]+)'] } });
    expect(m).toMatchObject({ spelling, canonicalSku: canonical, rule, status });
    expect(m.confidence).toBe(canonical === null ? 0 : RULE_CONFIDENCE[rule]);
    expect(m.confirmedBy).toBe(status === 'auto' ? 'rule' : null);
  });

  it('confidences are the documented ones', () => {
    expect(RULE_CONFIDENCE).toMatchObject({ exact: 1, match_key: 0.95, leading_zeros: 0.9, revision_suffix: 0.8, scientific_notation: 0.5 });
  });

  it('keeps the master display form, not the spelling or the key', () => {
    expect(one([item('ab-100 ')], 'AB100').canonicalSku).toBe('ab-100');
  });

  it('records the revision split off', () => {
    expect(one(MASTER, 'XY-77-B', { rules: { revisionSuffixes: ['-[A-Z]'] } }).revision).toBe('B');
  });

  it('without configured revision patterns, a revision is not stripped', () => {
    expect(one(MASTER, 'XY-77-B')).toMatchObject({ status: 'unmapped', reason: 'no_match' });
  });

  it('autoAcceptMin sends weaker rules to review', () => {
    const m = one(MASTER, 'XY-77-B', { rules: { revisionSuffixes: ['-[A-Z]'] }, autoAcceptMin: 0.9 });
    expect(m).toMatchObject({ canonicalSku: 'XY-77', rule: 'revision_suffix', status: 'review', reason: 'confirm_rule', confidence: 0.8 });
  });

  it('look-alike suggestions can be switched off', () => {
    expect(one(MASTER, 'AB-1OO', { lookAlikes: false }).status).toBe('unmapped');
  });

  it('a stronger rule wins over a weaker one', () => {
    // "00123" is itself a spelling of master 00123, and also "0123" padded: the key decides.
    const master = [item('00123'), item('000123')];
    expect(one(master, '00-123')).toMatchObject({ canonicalSku: '00123', rule: 'match_key' });
    expect(one(master, '123')).toMatchObject({ canonicalSku: null, rule: 'leading_zeros', status: 'review', reason: 'ambiguous', candidates: ['000123', '00123'] });
  });
});

describe('ambiguity is never resolved automatically', () => {
  it('two master SKUs with one key: review, no proposal, both candidates', () => {
    const master = [item('AB-100'), item('AB100')];
    expect(one(master, 'ab 100')).toMatchObject({ canonicalSku: null, rule: 'match_key', status: 'review', reason: 'ambiguous', confidence: 0, candidates: ['AB-100', 'AB100'], candidateCount: 2 });
    // an exact spelling is still exact
    expect(one(master, 'AB100')).toMatchObject({ canonicalSku: 'AB100', rule: 'exact', status: 'auto' });
  });

  it('an ambiguous key does not fall through to a weaker rule', () => {
    const master = [item('AB-100'), item('AB100'), item('AB-1OO')];
    expect(one(master, 'ab 100')).toMatchObject({ rule: 'match_key', status: 'review', canonicalSku: null });
  });

  it('the same master SKU on two rows is one canonical SKU, not an ambiguity', () => {
    expect(one([item('AB-100'), item('AB-100')], 'ab100')).toMatchObject({ canonicalSku: 'AB-100', status: 'auto' });
  });

  it('leading zeros: two padded candidates → review', () => {
    expect(one([item('0456'), item('000456')], '456')).toMatchObject({ status: 'review', reason: 'ambiguous', candidates: ['000456', '0456'] });
  });
});

describe('scientific notation: flagged as corrupted, never applied', () => {
  it('a unique candidate is proposed for review', () => {
    const m = one(MASTER, '1.23457E+11');
    expect(m).toMatchObject({ status: 'review', rule: 'scientific_notation', confidence: 0.5, canonicalSku: '123456789012', flags: ['corrupted_scientific_notation'], confirmedBy: null });
  });

  it('several candidates: unmapped, candidates listed, nothing proposed', () => {
    const m = one([item('123456789012'), item('123457000001'), item('999')], '1.23457E+11');
    expect(m).toMatchObject({ status: 'unmapped', reason: 'scientific_ambiguous', canonicalSku: null, candidates: ['123456789012', '123457000001'], flags: ['corrupted_scientific_notation'] });
  });

  it('no candidate: unmapped', () => {
    expect(one([item('5')], '1.23457E+11')).toMatchObject({ status: 'unmapped', reason: 'scientific_no_candidate', flags: ['corrupted_scientific_notation'] });
  });

  it('a master that really has that SKU matches it exactly, unflagged', () => {
    expect(one([item('1.23457E+11')], '1.23457E+11')).toMatchObject({ rule: 'exact', status: 'auto', flags: [] });
  });

  it('zero-led master keys are candidates by value', () => {
    expect(one([item('00123456789012')], '1.23457E+11').canonicalSku).toBe('00123456789012');
  });

  it('caps the candidate list', () => {
    const master = Array.from({ length: 30 }, (_, k) => item(String(123456600000 + k)));
    const m = one(master, '1.23457E+11', { maxCandidates: 5 });
    expect(m.candidates).toHaveLength(5);
    expect(m.candidateCount).toBe(30);
  });
});

describe('the table as a whole', () => {
  it('one row per distinct spelling, sources merged and sorted, rows sorted by spelling', () => {
    const rows = matchSpellings(MASTER, [
      { spelling: 'ab100', sources: ['wms.csv'] },
      { spelling: 'AB-100', sources: ['erp.csv'] },
      { spelling: 'ab100', sources: ['counts.xlsx', 'wms.csv'] },
      { spelling: '', sources: ['erp.csv'] },
    ]);
    expect(rows.map((r) => r.spelling)).toEqual(['', 'AB-100', 'ab100']);
    expect(rows[2]!.sources).toEqual(['counts.xlsx', 'wms.csv']);
    expect(rows[0]).toMatchObject({ status: 'unmapped', reason: 'blank' });
  });

  it('every spelling is accounted for: spellings = auto + review + unmapped (property)', () => {
    const spelling = fc.stringMatching(/^[ a-zA-Z0-9._\-/]{0,8}$/);
    fc.assert(
      fc.property(fc.array(spelling, { maxLength: 30 }), fc.array(spelling, { maxLength: 30 }), (masterSkus, spellings) => {
        const rows = matchSpellings(
          masterSkus.map((s) => item(s)),
          spellings.map((s) => ({ spelling: s, sources: ['x'] })),
        );
        const summary = summariseMappings(rows);
        expect(rows.length).toBe(new Set(spellings).size);
        expect(summary.byStatus.auto + summary.byStatus.review + summary.byStatus.unmapped).toBe(rows.length);
        for (const r of rows) {
          if (r.status === 'auto') expect(r.canonicalSku).not.toBeNull();
          if (r.status === 'unmapped') expect(r.canonicalSku).toBeNull();
          if (r.canonicalSku !== null) expect(r.candidates).toContain(r.canonicalSku);
        }
      }),
    );
  });

  it('is deterministic whatever the input order (property)', () => {
    fc.assert(
      fc.property(fc.shuffledSubarray(['AB-100', 'ab100', '123', '00123', 'X', '1.23457E+11', 'Widget blue'], { minLength: 7 }), (order) => {
        const spellings = order.map((s) => ({ spelling: s, sources: ['a'] }));
        expect(matchSpellings(MASTER, spellings)).toEqual(matchSpellings(MASTER, [...spellings].reverse()));
      }),
    );
  });
});
