import fs from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { REPO, runCli, tempWorkspace } from '../helpers/cli.js';

interface Step {
  step: string;
  status: 'ran' | 'skipped';
  why: string;
  outcome: string;
  figures: Record<string, unknown>;
}
interface RunJson {
  steps: Step[];
  passed: boolean;
}

/** The sample cutover copied into a workspace of its own, so that the test can change its files. */
function cutoverWorkspace(): string {
  const ws = tempWorkspace();
  fs.cpSync(path.join(REPO, 'fixtures/demo'), path.join(ws, 'cutover'), { recursive: true });
  return ws;
}

async function run(ws: string, ...extra: string[]): Promise<{ code: number; result: RunJson; stderr: string }> {
  const r = await runCli(['run', '--config', 'cutover/invsync.yaml', '--out', 'out', '--json', ...extra], { cwd: ws });
  return { code: r.code, result: JSON.parse(r.stdout || '{}') as RunJson, stderr: r.stderr };
}

const statuses = (r: RunJson): string[] => r.steps.map((s) => `${s.step} ${s.status}`);

describe('invsync run', () => {
  let ws: string;
  beforeEach(async () => {
    ws = cutoverWorkspace();
    const first = await run(ws);
    expect(first.code, first.stderr).toBe(0);
    expect(statuses(first.result)).toEqual(['load ran', 'cleanse ran', 'reconcile ran', 'export ran', 'validate ran']);
    expect(first.result.steps.every((s) => s.why === 'no earlier run')).toBe(true);
  });

  it('skips every step whose inputs have not changed', async () => {
    const again = await run(ws);
    expect(again.code).toBe(0);
    expect(statuses(again.result)).toEqual(['load skipped', 'cleanse skipped', 'reconcile skipped', 'export skipped', 'validate skipped']);
    expect(again.result.passed).toBe(true);
  });

  it('reloads only the changed extract, and redoes every step after it', async () => {
    const tb = path.join(ws, 'cutover/gl/trial-balance.csv');
    // The manual journal is booked to the items: the difference on 1400 is gone (a fresh extract).
    fs.writeFileSync(tb, fs.readFileSync(tb, 'utf8').replace('280043.03', '278793.03'));
    const again = await run(ws);
    expect(again.code, again.stderr).toBe(0);
    expect(statuses(again.result)).toEqual(['load ran', 'cleanse ran', 'reconcile ran', 'export ran', 'validate ran']);
    expect(again.result.steps[0]!.why).toBe('inputs changed');
    expect(again.result.steps[0]!.figures).toMatchObject({ files: 13, loaded: 1, unchanged: 12 });
  });

  it('redoes only validate when only its thresholds changed, and exits 1 when a check fails', async () => {
    const config = path.join(ws, 'cutover/invsync.yaml');
    fs.writeFileSync(config, fs.readFileSync(config, 'utf8').replace('accuracy<0.9,', 'accuracy<0.99,'));
    const again = await run(ws);
    expect(again.code).toBe(1);
    expect(statuses(again.result)).toEqual(['load skipped', 'cleanse skipped', 'reconcile skipped', 'export skipped', 'validate ran']);
    expect(again.result.steps[4]).toMatchObject({ outcome: 'check_failed', figures: { failed: ['reconcile.accuracy'] } });
    // Unchanged since: skipped, and still failing; the summary names the check and its worst offenders.
    const third = await runCli(['run', '--config', 'cutover/invsync.yaml', '--out', 'out'], { cwd: ws });
    expect(third.code).toBe(1);
    expect(third.stdout).toMatch(/^validate +skipped \(unchanged\) +FAILED +\d+\.\d\d +13 of 14 checks passed$/m);
    expect(third.stdout).toContain('failed: reconcile.accuracy: measured 0.9267, passes when >= 0.99\n  FST-3038 @ VAN-01/Stock: over (uom_factor), counted 2500, book 2.5, value 14585.4\n');
    expect(third.stdout).toMatch(/verdict: FAILED\n$/);
  });

  it('redoes a step whose output is missing or was changed, and every step with --force', async () => {
    fs.rmSync(path.join(ws, 'out/variance.csv'));
    fs.appendFileSync(path.join(ws, 'out/odoo-18/manifest.json'), ' ');
    const again = await run(ws);
    expect(again.code).toBe(0);
    expect(statuses(again.result)).toEqual(['load skipped', 'cleanse skipped', 'reconcile ran', 'export ran', 'validate skipped']);
    expect(again.result.steps[2]!.why).toMatch(/variance\.csv is missing$/);
    expect(again.result.steps[3]!.why).toMatch(/manifest\.json was changed$/);
    const forced = await run(ws, '--force');
    expect(forced.result.steps.map((s) => `${s.status} ${s.why}`)).toEqual(Array(5).fill('ran --force'));
  });

  it('reloads what was staged by hand since, and unstages a source the configuration no longer names', async () => {
    expect((await runCli(['load', path.join(REPO, 'fixtures/demo/gl/gl-valuation.csv'), '--as', 'gl', '--quiet'], { cwd: ws })).code).toBe(0);
    // The same bytes from another path replace the run's load of them: run stages its own file again, that one only.
    const afterManualLoad = await run(ws);
    expect(afterManualLoad.result.steps[0]).toMatchObject({ status: 'ran', why: 'gl/gl-valuation.csv is not staged', figures: { loaded: 1, unchanged: 12 } });
    // Cleansing was stale (a load since), so it runs; the staged bytes are the same as before, so the fingerprints after it are too.
    expect(statuses(afterManualLoad.result).slice(1)).toEqual(['cleanse ran', 'reconcile skipped', 'export skipped', 'validate skipped']);
    const config = path.join(ws, 'cutover/invsync.yaml');
    fs.writeFileSync(config, fs.readFileSync(config, 'utf8').replace(/^ {2}# movement history.*\n.*moves\/movements\.csv.*\n/m, ''));
    const without = await run(ws);
    expect(without.code, without.stderr).toBe(0);
    expect(without.result.steps[0]!.figures).toMatchObject({ files: 12, loaded: 0, removed: 1 });
    const profile = JSON.parse((await runCli(['profile', '--json'], { cwd: ws })).stdout) as { sources: { kind: string }[] };
    expect(profile.sources.some((s) => s.kind === 'moves')).toBe(false);
  });

  it('writes everything again into another output folder, without reloading', async () => {
    const other = await runCli(['run', '--config', 'cutover/invsync.yaml', '--out', 'elsewhere', '--json'], { cwd: ws });
    expect(other.code, other.stderr).toBe(0);
    expect(statuses(JSON.parse(other.stdout) as RunJson)).toEqual(['load skipped', 'cleanse ran', 'reconcile ran', 'export ran', 'validate ran']);
    for (const f of ['variance.csv', 'odoo-19/manifest.json', 'validate.junit.xml']) expect(fs.readFileSync(path.join(ws, 'elsewhere', f)).equals(fs.readFileSync(path.join(ws, 'out', f))), f).toBe(true);
  });

  it('refuses a source that does not exist, naming invsync.yaml, and changes nothing', async () => {
    const config = path.join(ws, 'cutover/invsync.yaml');
    fs.writeFileSync(config, fs.readFileSync(config, 'utf8').replace('gl/trial-balance.csv', 'gl/trial-balance-2.csv'));
    const r = await runCli(['run', '--config', 'cutover/invsync.yaml', '--out', 'out'], { cwd: ws });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/invsync\.yaml: no such file: gl\/trial-balance-2\.csv/);
  });
});
