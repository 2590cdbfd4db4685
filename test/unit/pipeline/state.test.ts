import { describe, expect, it } from 'vitest';
import { fingerprintOf } from '../../../src/core/pipeline/state.js';

describe('fingerprintOf', () => {
  it('does not depend on the order keys were written in', () => {
    expect(fingerprintOf({ a: 1, b: { c: [1, 2], d: 'x' } })).toBe(fingerprintOf({ b: { d: 'x', c: [1, 2] }, a: 1 }));
  });

  it.each([
    [{ files: [{ file: 'a.csv', sha256: '1' }] }, { files: [{ file: 'a.csv', sha256: '2' }] }],
    [{ settings: { percent: 0.5 } }, { settings: { percent: 0.6 } }],
    [{ list: [1, 2] }, { list: [2, 1] }],
    [{ upstream: [['load', 'x']] }, { upstream: [['load', 'y']] }],
    [{ a: null }, { a: 'null' }],
  ])('changes with any input: %j vs %j', (a, b) => {
    expect(fingerprintOf(a)).not.toBe(fingerprintOf(b));
  });

  it('treats a missing key and an undefined one alike (an optional setting left out)', () => {
    expect(fingerprintOf({ a: 1, b: undefined })).toBe(fingerprintOf({ a: 1 }));
  });
});
