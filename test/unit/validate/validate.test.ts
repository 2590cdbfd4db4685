import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cleanseWorkspace } from '../../../src/core/cleanse/cleanse.js';
import { loadFiles } from '../../../src/core/loaders/load.js';
import { recordedRun } from '../../../src/core/staging/audit.js';
import { openDatabase, type Db } from '../../../src/core/staging/database.js';
import { validateWorkspace, type ValidateCheck } from '../../../src/core/validate/validate.js';
import { parseWorkspaceConfig, type WorkspaceConfig } from '../../../src/core/workspace/config.js';

const FILES: Record<string, [string, string]> = {
  items: ['items.csv', 'sku,description,uom,unit_cost\nA,Widget,EA,2.50\nB,Bolt M6,EA,0.10\n'],
  locations: ['locations.csv', 'location,warehouse\nW1/B-01,W1\nW1/B-02,W1\n'],
  erp: ['erp.csv', 'sku,location,qty\nA,W1/B-01,15\nB,W1/B-01,107\n'],
  counts: ['counts.csv', 'sku,location,qty,uom\nA,W1/B-01,15,EA\nB,W1/B-01,100,EA\nZZZ,W1/B-02,4,EA\nA,W1/B-02,2,Stg\n'],
  gl: ['gl-items.csv', 'sku,warehouse,account,value\nA,W1,1400,37.50\nB,W1,1400,10.70\n'],
};
const TRIAL_BALANCE = 'account,value\n1400,50\n1410,5\n';

let dir: string;
let db: Db;
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'invsync-validate-'));
  db = openDatabase(path.join(dir, 'invsync.db'), { create: true });
  await recordedRun(db, 'load', [], async (run) => {
    for (const [kind, [name, text]] of Object.entries(FILES)) {
      fs.writeFileSync(path.join(dir, name), text);
      await loadFiles(db, { files: [path.join(dir, name)], kind }, run);
    }
    fs.writeFileSync(path.join(dir, 'tb.csv'), TRIAL_BALANCE);
    await loadFiles(db, { files: [path.join(dir, 'tb.csv')], kind: 'gl' }, run);
  });
  await recordedRun(db, 'cleanse', [], async () => cleanseWorkspace(db, { config: config({}) }));
});

function config(doc: Record<string, unknown>): WorkspaceConfig {
  return parseWorkspaceConfig(doc, path.join(dir, 'invsync.yaml'));
}

function validate(doc: Record<string, unknown>): Map<string, ValidateCheck> {
  const result = validateWorkspace(db, { config: config(doc), preflight: () => [] });
  expect(result.failures).toBe(result.checks.filter((c) => !c.passed).length);
  return new Map(result.checks.map((c) => [c.name, c]));
}

describe('validateWorkspace', () => {
  it('runs the checks in a stable order, one pre-flight per Odoo version', () => {
    const checks = [...validate({ export: { odoo_versions: [19, 17] }, validate: { fail_on: 'accuracy<0.5, unmapped>0' } }).keys()];
    expect(checks).toEqual([
      'load.conservation',
      'cleanse.conservation',
      'cleanse.unmapped_skus',
      'cleanse.unconverted_units',
      'cleanse.pending_review',
      'preflight.odoo-17',
      'preflight.odoo-19',
      'reconcile.accuracy',
      'reconcile.unmapped',
      'gl.tie_out',
    ]);
  });

  it('finds the unmapped SKU and the unit nobody can convert, with file and row', () => {
    const checks = validate({});
    expect(checks.get('load.conservation')!.passed).toBe(true);
    expect(checks.get('cleanse.conservation')!.passed).toBe(true);
    expect(checks.get('cleanse.unmapped_skus')).toMatchObject({ passed: false, measured: '1', offenders: ['ZZZ (counts; 1 line)'] });
    expect(checks.get('cleanse.unconverted_units')).toMatchObject({ passed: false, measured: '1', offenders: ['A: 2 Stg (unknown unit; counts.csv row 5)'] });
  });

  it('ties each account to the trial balance within its own tolerance; an account without item values does not tie', () => {
    const exact = validate({}).get('gl.tie_out')!;
    expect(exact).toMatchObject({ passed: false, measured: 'largest difference 5 over 2 accounts', threshold: '|difference| <= 0 per account', offenderCount: 2 });
    expect(exact.offenders).toEqual([
      'account 1410: item values 0, trial balance 5, difference -5 (tolerance 0)',
      'account 1400: item values 48.2, trial balance 50, difference -1.8 (tolerance 0)',
    ]);
    const one = validate({ validate: { gl_tie_out: { tolerance: 1.8 } } }).get('gl.tie_out')!;
    expect(one.offenders).toEqual(['account 1410: item values 0, trial balance 5, difference -5 (tolerance 1.8)']);
    const both = validate({ validate: { gl_tie_out: { tolerance: 1.8, accounts: { '1410': 5 } } } }).get('gl.tie_out')!;
    expect(both).toMatchObject({ passed: true, offenders: [], threshold: '|difference| <= 1.8 per account (1410: 5)' });
  });

  it('a threshold check shows the measured value either way, and on failure the lines that are off, the largest value first', () => {
    // A matches, B is short: 1 of 2 compared lines. Exactly at the limit passes.
    const pass = validate({ validate: { fail_on: 'accuracy<0.5' } }).get('reconcile.accuracy')!;
    expect(pass).toMatchObject({ passed: true, measured: '0.5', threshold: '>= 0.5', offenders: [] });
    const fail = validate({ validate: { fail_on: 'accuracy<0.9' } }).get('reconcile.accuracy')!;
    expect(fail).toMatchObject({ passed: false, measured: '0.5', threshold: '>= 0.9' });
    expect(fail.offenders[0]).toBe('B @ W1/B-01: short, counted 100, book 107, value -0.7');
  });

  it('lists the pre-flight findings, sorted', () => {
    const findings = [
      { file: 'stock.quant.csv', record: 'B @ W1/B-01', rule: 'negative_stock', message: 'negative' },
      { file: 'product.product.csv', record: 'A', rule: 'unit_missing', message: 'no unit' },
    ];
    const result = validateWorkspace(db, { config: config({}), preflight: (_db, { odooVersion }) => (odooVersion === 18 ? findings : []) });
    expect(result.checks.find((c) => c.name === 'preflight.odoo-18')).toMatchObject({
      passed: false,
      measured: '2',
      offenders: ['product.product.csv: A: no unit (unit_missing)', 'stock.quant.csv: B @ W1/B-01: negative (negative_stock)'],
    });
  });
});
