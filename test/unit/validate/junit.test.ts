import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeXml, junitXml } from '../../../src/core/validate/junit.js';
import type { ValidateCheck, ValidateResult } from '../../../src/core/validate/validate.js';
import { parseXml, readJunit } from './xml-reader.js';

function result(checks: ValidateCheck[]): ValidateResult {
  const failures = checks.filter((c) => !c.passed).length;
  return { passed: failures === 0, tests: checks.length, failures, checks, cleansedFirst: false };
}

const passing: ValidateCheck = { name: 'cleanse.pending_review', description: 'nothing waits for review', passed: true, measured: '0', threshold: '= 0', offenderCount: 0, offenders: [] };
const failing: ValidateCheck = {
  name: 'reconcile.accuracy',
  description: 'accuracy within the threshold',
  passed: false,
  measured: '0.85',
  threshold: '>= 0.9',
  offenderCount: 12,
  offenders: ['PLB-1004 @ WH-SOUTH/R-03-A: over (sign) "15-" <book> & count', 'Stg’s line\twith a tab'],
};

describe('junitXml', () => {
  it('reads back as one suite with one test case per check, failures with message and offenders', () => {
    const report = readJunit(junitXml(result([passing, failing])));
    expect(report.suites).toMatchObject({ name: 'invsync validate', tests: '2', failures: '1', errors: '0', time: '0' });
    expect(report.suite).toMatchObject({ name: 'invsync validate', tests: '2', failures: '1', skipped: '0', time: '0' });
    expect(report.cases.map((c) => [c.classname, c.name, Boolean(c.failure)])).toEqual([
      ['invsync.validate', 'cleanse.pending_review', false],
      ['invsync.validate', 'reconcile.accuracy', true],
    ]);
    const f = report.cases[1]!.failure!;
    expect(f.message).toBe('reconcile.accuracy: measured 0.85, passes when >= 0.9');
    expect(f.type).toBe('check_failed');
    expect(f.text.split('\n')).toEqual([
      'accuracy within the threshold.',
      'measured: 0.85',
      'threshold: >= 0.9',
      'worst offenders (12):',
      '  PLB-1004 @ WH-SOUTH/R-03-A: over (sign) "15-" <book> & count',
      '  Stg’s line\twith a tab',
      '  … and 10 more',
    ]);
    expect(report.cases[0]!.out).toBe('nothing waits for review: measured 0; passes when = 0');
  });

  it('is the same bytes for the same result: no time inside', () => {
    const xml = junitXml(result([passing, failing]));
    expect(junitXml(result([passing, failing]))).toBe(xml);
    expect(xml).not.toMatch(/timestamp|\d{4}-\d\d-\d\dT/);
    expect(xml.match(/time="[^"]*"/g)!.every((t) => t === 'time="0"')).toBe(true);
  });

  it.each([
    ['a & b', 'a &amp; b'],
    ['<x>', '&lt;x&gt;'],
    [`"it's"`, '&quot;it&apos;s&quot;'],
    ['line\nbreak', 'line&#10;break'],
    ['bell\u0007', 'bell\uFFFD'],
    ['lone \uD800 surrogate', 'lone \uFFFD surrogate'],
    ['emoji 📦 kept', 'emoji 📦 kept'],
  ])('escapes %j', (text, escaped) => {
    expect(escapeXml(text)).toBe(escaped);
  });

  it('reads back any text as written, but the characters XML cannot hold', () => {
    // eslint-disable-next-line no-control-regex -- the characters XML 1.0 cannot hold
    const forbidden = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), (name, offender) => {
        const check: ValidateCheck = { ...failing, name, offenders: [offender], offenderCount: 1 };
        const report = readJunit(junitXml(result([check])));
        expect(report.cases[0]!.name).toBe(name.replace(forbidden, '\uFFFD'));
        expect(report.cases[0]!.failure!.text).toContain(`  ${offender.replace(forbidden, '\uFFFD')}`);
      }),
      { seed: 20260630, numRuns: 300 },
    );
  });

  it('the test reader refuses what a parser would refuse', () => {
    expect(() => parseXml('<a>x & y</a>')).toThrow(/bare &/);
    expect(() => parseXml('<a><b></a>')).toThrow();
    expect(() => parseXml('<a>1 < 2</a>')).toThrow(/bare </);
  });
});
