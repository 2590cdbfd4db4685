import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/core/errors.js';
import {
  DEFAULT_NORMALISE_RULES,
  displaySku,
  indexKeysByDigits,
  leadingZeroCandidates,
  lookAlikeKey,
  matchKey,
  resolveNormaliseRules,
  roundsTo,
  scientificNotation,
  splitRevision,
} from '../../../src/core/cleanse/normalise.js';

describe('matchKey: one key for every spelling of a SKU (default rules)', () => {
  it.each([
    // case
    ['abc-123', 'ABC123'],
    ['ABC-123', 'ABC123'],
    // whitespace, NBSP, tabs, zero-width characters, BOM
    ['  ABC123 ', 'ABC123'],
    ['ABC123\u00a0', 'ABC123'],
    ['\tABC123\t', 'ABC123'],
    ['ABC\u200b123', 'ABC123'],
    ['\ufeffABC123', 'ABC123'],
    // separators
    ['AB-100', 'AB100'],
    ['AB 100', 'AB100'],
    ['ab100', 'AB100'],
    ['AB_100', 'AB100'],
    ['AB.100', 'AB100'],
    ['AB/100', 'AB100'],
    ['AB\\100', 'AB100'],
    ['AB - 100', 'AB100'],
    // dash look-alikes
    ['AB\u2013100', 'AB100'], // en dash
    ['AB\u2014100', 'AB100'], // em dash
    ['AB\u2212100', 'AB100'], // minus sign
    ['AB\u2011100', 'AB100'], // non-breaking hyphen
    // Unicode NFKC: full-width letters and digits
    ['ＡＢ－１００', 'AB100'],
    // leading zeros are kept by default
    ['00123', '00123'],
    // nothing left
    ['', ''],
    ['  ', ''],
    ['-/-', ''],
  ])('%j → %j', (sku, key) => expect(matchKey(sku)).toBe(key));

  it('keeps what is not a separator', () => {
    expect(matchKey('AB+100#2')).toBe('AB+100#2');
  });
});

describe('matchKey: each rule can be switched off', () => {
  it.each([
    [{ caseFold: false }, 'ab-100', 'ab100'],
    [{ separators: '' }, 'AB-100', 'AB-100'],
    [{ separators: '-' }, 'AB 1-00', 'AB 100'],
    [{ separators: '', collapseSpaces: false }, 'AB \t100', 'AB \t100'],
    [{ separators: '', collapseSpaces: true }, 'AB \t100', 'AB 100'],
    [{ trim: false, separators: '' }, ' AB ', ' AB '],
    [{ unicodeNfkc: false }, 'ＡＢ１００', 'ＡＢ１００'],
    [{ stripLeadingZeros: true }, '00123', '123'],
    [{ stripLeadingZeros: true }, '000', '0'],
    [{ stripLeadingZeros: true }, '00AB', '00AB'], // only all-digit keys
  ] as const)('%j: %j → %j', (partial, sku, key) => {
    expect(matchKey(sku, resolveNormaliseRules(partial))).toBe(key);
  });
});

describe('displaySku keeps the master spelling', () => {
  it.each([
    ['AB-100', 'AB-100'],
    [' ab-100\u00a0', 'ab-100'],
    ['AB\u200b-100', 'AB-100'],
  ])('%j → %j', (sku, shown) => expect(displaySku(sku)).toBe(shown));
});

describe('resolveNormaliseRules', () => {
  it('fills defaults', () => {
    expect(resolveNormaliseRules({})).toEqual(DEFAULT_NORMALISE_RULES);
    expect(resolveNormaliseRules({ caseFold: undefined }).caseFold).toBe(true);
  });

  it.each([
    [{ revisionSuffixes: ['(unclosed'] }],
    [{ revisionSuffixes: [''] }],
    [{ caseFold: 'yes' as unknown as boolean }],
    [{ separators: 5 as unknown as string }],
  ])('refuses %j as a usage error', (partial) => {
    expect(() => resolveNormaliseRules(partial)).toThrow(UsageError);
  });
});

describe('leadingZeroCandidates: zeros Excel dropped, restored against the master', () => {
  const master = ['00123', '0456', '000456', '789', 'AB0001', '0012A'].map((s) => matchKey(s));
  const index = indexKeysByDigits(master);

  it.each([
    ['123', ['00123']],
    ['0123', ['00123']], // partly padded
    ['456', ['000456', '0456']], // ambiguous: two candidates, the caller may apply neither
    ['0456', ['000456']], // itself a master key; only longer keys are candidates
    ['00123', []], // same length: nothing to restore
    ['789', []], // the master key has no leading zero
    ['1', []],
    ['12A', []], // not numeric
    ['1-23', ['00123']], // separators go first: key 123
  ])('%j → %j', (sku, candidates) => expect(leadingZeroCandidates(sku, index)).toEqual(candidates));
});

describe('splitRevision: configured suffixes only', () => {
  const rules = resolveNormaliseRules({ revisionSuffixes: ['-[A-Z]', '\\s+REV\\s*(?<rev>[A-Z0-9]+)', '/R\\d+', '\\.\\d{2}'] });

  it.each([
    ['12345-A', '12345', 'A'],
    ['12345 REV B', '12345', 'B'],
    ['12345 rev b', '12345', 'B'],
    ['12345/R2', '12345', 'R2'],
    ['12345.01', '12345', '01'],
    ['AB-100-C', 'AB-100', 'C'],
  ])('%j → base %j, revision %j', (sku, base, revision) => {
    expect(splitRevision(sku, rules)).toMatchObject({ base, revision });
  });

  it.each(['12345', '-A', 'A', '12345-AB', '12345.1'])('%j has no revision', (sku) => {
    expect(splitRevision(sku, rules)).toBeUndefined();
  });

  it('does nothing without configured patterns', () => {
    expect(splitRevision('12345-A')).toBeUndefined();
  });

  it('is case-sensitive when case folding is off', () => {
    const strict = resolveNormaliseRules({ caseFold: false, revisionSuffixes: ['-[A-Z]'] });
    expect(splitRevision('12345-a', strict)).toBeUndefined();
    expect(splitRevision('12345-A', strict)).toMatchObject({ base: '12345', revision: 'A' });
  });
});

describe('scientificNotation: codes Excel turned into 1.23457E+11', () => {
  it.each([
    ['1.23457E+11', '123457', 11, 123456500000n, 123457500000n],
    ['1.23457e+11', '123457', 11, 123456500000n, 123457500000n],
    ['1,23457E+11', '123457', 11, 123456500000n, 123457500000n], // decimal comma
    ['2.31E+13', '231', 13, 23050000000000n, 23150000000000n],
    ['12.3E+4', '123', 5, 122500n, 123500n],
    // just below a power of ten the lower neighbour has one more digit of precision
    ['1E+5', '1', 5, 95000n, 150000n],
  ])('%s → digits %s, exponent %d, [%d, %d)', (text, digits, exponent, min, max) => {
    expect(scientificNotation(text)).toMatchObject({ digits, exponent, min, maxExclusive: max });
  });

  it.each(['123456789012', 'AB-1E+5', '1.2E-5', '1.2E5x', '', '2310009E13'])('%j is not scientific notation', (text) => {
    expect(scientificNotation(text)).toBeUndefined();
  });

  it.each([
    ['123456789012', true],
    ['123456500000', true], // half rounds away from zero
    ['123457499999', true],
    ['123457500000', false],
    ['123456499999', false],
    ['12345678901', false], // one digit short
    ['AB', false],
  ])('1.23457E+11 covers %s: %s', (code, expected) => {
    expect(roundsTo(code, scientificNotation('1.23457E+11')!)).toBe(expected);
  });

  it('agrees with how JavaScript rounds to 6 significant digits', () => {
    for (const n of [123456789012, 999999500000, 100000000000, 555555555555]) {
      const shown = n.toPrecision(6).toUpperCase();
      expect(roundsTo(String(n), scientificNotation(shown)!)).toBe(true);
    }
  });
});

describe('lookAlikeKey folds OCR confusions for suggestions', () => {
  it.each([
    ['AB1OO', 'A8100'],
    ['I0L5', '1015'],
    ['SZ', '52'],
  ])('%s → %s', (key, folded) => expect(lookAlikeKey(key)).toBe(folded));
});
