/**
 * runPipeline with a stand-in exporter: what happens when the pre-flight refuses a
 * version (no files for it, the run goes on to validate, which lists the findings,
 * and the verdict fails), and what a step remembers.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CheckFailedError } from '../../../src/core/errors.js';
import type { OdooExporter } from '../../../src/core/pipeline/odoo.js';
import { runPipeline, type PipelineResult } from '../../../src/core/pipeline/pipeline.js';
import { readStepState } from '../../../src/core/pipeline/state.js';
import { recordedRun } from '../../../src/core/staging/audit.js';
import { openDatabase, type Db } from '../../../src/core/staging/database.js';
import { readWorkspaceConfig } from '../../../src/core/workspace/config.js';

const DEMO = path.resolve(import.meta.dirname, '../../../fixtures/demo');
const finding = { file: 'stock.quant.csv', record: 'PLB-1004 @ WH-SOUTH/R-03-A', rule: 'negative_stock', message: 'a negative opening quantity (-15)' };

/** Refuses Odoo 17 (as the real export does when pre-flight finds something), writes one file for the others. */
const exporter: OdooExporter = {
  preflight: (_db, { odooVersion }) => (odooVersion === 17 ? [finding] : []),
  exportOdoo: async (_db, { odooVersion, outDir }) => {
    if (odooVersion === 17) throw new CheckFailedError('pre-flight found 1 problem; nothing was written');
    fs.mkdirSync(outDir, { recursive: true });
    fs.writeFileSync(path.join(outDir, 'product.product.csv'), 'id\n');
    fs.writeFileSync(path.join(outDir, 'manifest.json'), '{}\n');
    return { outDir, manifestFile: path.join(outDir, 'manifest.json'), files: [{ file: 'product.product.csv', rows: 0, sha256: '' }], reports: [] };
  },
};

describe('runPipeline', () => {
  let dir: string;
  let db: Db;
  let result: PipelineResult;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'invsync-pipeline-'));
    db = openDatabase(path.join(dir, 'invsync.db'), { create: true });
    const config = readWorkspaceConfig(DEMO);
    result = await recordedRun(db, 'run', [], (run) => runPipeline(db, { config, outDir: path.join(dir, 'out'), exporter }, run));
  });
  afterAll(() => {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('goes on to validate when the pre-flight refuses a version, and fails the verdict', () => {
    const byStep = Object.fromEntries(result.steps.map((s) => [s.step, s]));
    expect(byStep.export).toMatchObject({ status: 'ran', outcome: 'check_failed', figures: { versions: ['17', '18', '19'], refused: ['17'], files: 2 } });
    expect(fs.existsSync(path.join(dir, 'out/odoo-17'))).toBe(false);
    expect(byStep.validate).toMatchObject({ status: 'ran', outcome: 'check_failed', figures: { failed: ['preflight.odoo-17'] } });
    const check = result.validate!.checks.find((c) => c.name === 'preflight.odoo-17')!;
    expect(check.offenders).toEqual(['stock.quant.csv: PLB-1004 @ WH-SOUTH/R-03-A: a negative opening quantity (-15) (negative_stock)']);
    expect(result.passed).toBe(false);
  });

  it('remembers each step: fingerprint, outputs with their SHA-256, figures and outcome', () => {
    const exportState = readStepState(db, 'export')!;
    expect(exportState.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(exportState.outputs.map((o) => path.relative(dir, o.path)).sort()).toEqual(['out/odoo-18/manifest.json', 'out/odoo-18/product.product.csv', 'out/odoo-19/manifest.json', 'out/odoo-19/product.product.csv']);
    expect(exportState.outcome).toBe('check_failed');
    const load = readStepState(db, 'load')!;
    expect((load.inputs as { file: string }[]).map((s) => path.relative(DEMO, s.file))).toEqual(readWorkspaceConfig(DEMO).sources.map((s) => s.file));
  });

  it('records every input file with its SHA-256 in the audit trail', () => {
    const inputs = JSON.parse((db.prepare("SELECT inputs FROM runs WHERE command = 'run'").get() as { inputs: string }).inputs) as { path: string; sha256: string }[];
    const files = inputs.map((i) => path.relative(DEMO, i.path));
    expect(files).toContain('review/accepted.xlsx');
    expect(files).toContain('gl/trial-balance.csv');
    expect(inputs.every((i) => /^[0-9a-f]{64}$/.test(i.sha256))).toBe(true);
  });
});
