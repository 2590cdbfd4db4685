import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { normalise, runCli, tempWorkspace } from '../helpers/cli.js';
import { expectGolden } from '../helpers/golden.js';
import { DEMO, unreviewedSampleWorkspace } from '../helpers/sample.js';
import { readJunit } from '../unit/validate/xml-reader.js';

const CONFIG = path.join(DEMO, 'invsync.yaml');

describe('invsync validate on the reviewed sample cutover', () => {
  let ws: string;
  beforeAll(async () => {
    ws = tempWorkspace();
    expect((await runCli(['demo', '--quiet'], { cwd: ws })).code).toBe(0);
  });

  it('passes every check (exit 0) and writes JUnit XML that reads back', async () => {
    const run = await runCli(['validate', '--config', CONFIG, '--junit', 'reports/validate.xml'], { cwd: ws });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/14 of 14 checks passed; JUnit XML in .*reports\/validate\.xml\nPASSED\n$/);
    const junit = readJunit(fs.readFileSync(path.join(ws, 'reports/validate.xml'), 'utf8'));
    expect(junit.suites).toMatchObject({ tests: '14', failures: '0', errors: '0' });
    expect(junit.cases.every((c) => c.classname === 'invsync.validate' && !c.failure)).toBe(true);
    expect(junit.cases.find((c) => c.name === 'gl.tie_out')!.out).toBe(
      'the GL item values of each account tie to the trial balance: measured largest difference 1250 over 3 accounts; passes when |difference| <= 0.01 per account (1400: 1250)',
    );
  });

  it('--json prints one object: passed, counts and every check with its measured value and threshold', async () => {
    const run = await runCli(['validate', '--config', CONFIG, '--json'], { cwd: ws });
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as { passed: boolean; tests: number; failures: number; checks: { name: string; passed: boolean; measured: string; threshold: string }[] };
    expect(result).toMatchObject({ passed: true, tests: 14, failures: 0 });
    expect(result.checks.find((c) => c.name === 'reconcile.accuracy')).toMatchObject({ passed: true, measured: '0.9267', threshold: '>= 0.9' });
  });
});

describe('invsync validate on the sample as it arrives (before review)', () => {
  let ws: string;
  beforeAll(async () => {
    ws = await unreviewedSampleWorkspace();
  });

  it('fails (exit 1), naming the worst offenders of each failing check (golden)', async () => {
    const run = await runCli(['validate', '--config', CONFIG, '--junit', 'validate.xml'], { cwd: ws });
    expect(run.code).toBe(1);
    expectGolden('validate-unreviewed.txt', normalise(run.stdout, ws));
    const junit = readJunit(fs.readFileSync(path.join(ws, 'validate.xml'), 'utf8'));
    const failed = junit.cases.filter((c) => c.failure).map((c) => c.name);
    expect(failed).toEqual(expect.arrayContaining(['cleanse.unmapped_skus', 'cleanse.unconverted_units', 'cleanse.pending_review']));
    expect(junit.suites.failures).toBe(String(failed.length));
    const unmapped = junit.cases.find((c) => c.name === 'cleanse.unmapped_skus')!.failure!;
    expect(unmapped.message).toBe('cleanse.unmapped_skus: measured 4, passes when = 0');
    expect(unmapped.text).toContain('  SAN-0045 (counts, erp, gl; 3 lines)');
    const units = junit.cases.find((c) => c.name === 'cleanse.unconverted_units')!.failure!;
    expect(units.text).toMatch(/FST-3035: 3 Stg \(unknown unit; .*counts\/count-south\.csv row \d+\)/);
    const review = junit.cases.find((c) => c.name === 'cleanse.pending_review')!.failure!;
    expect(review.text).toContain('  duplicate cluster C1: ELC-2028, ELC-2528');
    expect(review.text).toContain('  SKU spelling 123457302118 (16 lines)');
  });

  it('lists at most 10 offenders and says how many more', async () => {
    const config = path.join(ws, 'tight.yaml');
    fs.writeFileSync(config, 'validate:\n  fail_on: "variances>0"\n');
    const run = await runCli(['validate', '--config', config, '--json'], { cwd: ws });
    expect(run.code).toBe(1);
    const check = (JSON.parse(run.stdout) as { checks: { name: string; offenders: string[]; offenderCount: number }[] }).checks.find((c) => c.name === 'reconcile.variances')!;
    expect(check.offenders).toHaveLength(10);
    expect(check.offenderCount).toBeGreaterThan(10);
    // The largest value first.
    expect(check.offenders[0]).toMatch(/^FST-3038 @ VAN-01\/Stock: over \(uom_factor\)/);
  });
});

describe('invsync validate: bad configuration and workspace', () => {
  it.each([
    ['validate:\n  fail_on: "accuracy=0.9"\n', /invsync\.yaml: validate\.fail_on: cannot read "accuracy=0\.9"/],
    ['validate:\n  thresholds: 1\n', /invsync\.yaml: validate: unknown key "thresholds"/],
    ['validate:\n  gl_tie_out: { tolerance: -1 }\n', /validate\.gl_tie_out\.tolerance must be a number of at least 0/],
  ])('refuses %j with exit 3', async (yaml, message) => {
    const ws = tempWorkspace();
    expect((await runCli(['init', '.'], { cwd: ws })).code).toBe(0);
    fs.writeFileSync(path.join(ws, 'invsync.yaml'), yaml);
    const run = await runCli(['validate'], { cwd: ws });
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(message);
  });

  it('fails on an empty workspace: there is no opening balance to pass', async () => {
    const ws = tempWorkspace();
    expect((await runCli(['init', '.'], { cwd: ws })).code).toBe(0);
    const run = await runCli(['validate', '--json'], { cwd: ws });
    expect(run.code).toBe(1);
    const checks = (JSON.parse(run.stdout) as { checks: { name: string; passed: boolean; offenders: string[] }[] }).checks;
    expect(checks.filter((c) => !c.passed).map((c) => [c.name, c.offenders])).toEqual([['load.conservation', ['no source is staged: load the extracts (invsync load, or invsync run)']]]);
  });

  it('needs a workspace (exit 4)', async () => {
    const run = await runCli(['validate'], { cwd: tempWorkspace() });
    expect(run.code).toBe(4);
  });
});
