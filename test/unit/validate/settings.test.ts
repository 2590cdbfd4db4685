import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { odooVersions, validateSettings } from '../../../src/core/validate/settings.js';
import { parseWorkspaceConfig } from '../../../src/core/workspace/config.js';

const config = (doc: unknown): ReturnType<typeof parseWorkspaceConfig> => parseWorkspaceConfig(doc, path.join('/ws', 'invsync.yaml'));

describe('validate settings (invsync.yaml validate:)', () => {
  it('reads fail_on with reconcile’s parser and the tie-out tolerances as exact decimals', () => {
    const s = validateSettings(config({ validate: { fail_on: 'accuracy<0.9, net_value>15000', gl_tie_out: { tolerance: 0.01, accounts: { '1400': 1250 } } } }));
    expect(s.thresholds).toEqual([
      { measure: 'accuracy', op: '<', limit: '0.9' },
      { measure: 'net_value', op: '>', limit: '15000' },
    ]);
    expect(s.tieOutTolerance).toBe('0.01');
    expect(s.tieOutByAccount).toEqual({ '1400': '1250' });
  });

  it('without a section: no thresholds, and an account ties only exactly', () => {
    expect(validateSettings(config({}))).toEqual({ thresholds: [], tieOutTolerance: '0', tieOutByAccount: {} });
  });

  it.each([
    [{ validate: { fail_on: 'accuracy=0.9' } }, 'validate.fail_on: cannot read "accuracy=0.9"'],
    [{ validate: { fail_on: 3 } }, 'validate.fail_on must be a string'],
    [{ validate: { other: 1 } }, 'validate: unknown key "other"'],
    [{ validate: { gl_tie_out: { tolerance: 'a lot' } } }, 'validate.gl_tie_out.tolerance must be a number of at least 0'],
    [{ validate: { gl_tie_out: { accounts: { '1400': -5 } } } }, 'validate.gl_tie_out.accounts.1400 must be a number of at least 0'],
    [{ validate: [] }, 'validate must be a mapping'],
  ])('refuses %j, naming the file', (doc, message) => {
    expect(() => validateSettings(config(doc))).toThrow(`/ws/invsync.yaml: ${message}`);
  });
});

describe('cleansing.decisions', () => {
  it('is the reviewed decisions workbook, relative to invsync.yaml', () => {
    expect(config({ cleansing: { decisions: 'review/accepted.xlsx' } }).decisions).toBe(path.resolve('/ws/review/accepted.xlsx'));
    expect(config({}).decisions).toBeUndefined();
  });
});

describe('odooVersions', () => {
  it.each([
    [{}, [18]],
    [{ odoo_version: 17 }, [17]],
    [{ export: { odoo_versions: [19, 17, 18, 17] } }, [17, 18, 19]],
  ])('%j → %j', (doc, versions) => {
    expect(odooVersions(config(doc))).toEqual(versions);
  });

  it.each([[{ export: { odoo_versions: [16] } }], [{ export: { odoo_versions: [] } }], [{ export: { odoo_versions: '18' } }]])('refuses %j', (doc) => {
    expect(() => odooVersions(config(doc))).toThrow('export.odoo_versions must be a list of 17, 18 and 19');
  });
});
