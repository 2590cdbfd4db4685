/**
 * The sample cutover as it arrives, before anyone reviewed it: staged by `demo`, then
 * cleansed again without the reviewer's decisions and without the unit fixes of the
 * demo's invsync.yaml. This is the state fixtures/demo/planted.json describes (the
 * duplicates in review, the unmapped SKUs, the unknown unit), which the cleanse and
 * reconcile tests check; the demo itself goes on to the reviewed state.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import YAML from 'yaml';
import { expect } from 'vitest';
import { REPO, runCli, tempWorkspace } from './cli.js';

export const DEMO = path.join(REPO, 'fixtures/demo');

/** The demo's invsync.yaml without what the review produced (decisions, unit fixes) and without what `run` needs. */
export function unreviewedConfig(): string {
  const doc = YAML.parse(fs.readFileSync(path.join(DEMO, 'invsync.yaml'), 'utf8')) as Record<string, unknown>;
  const cleansing = doc.cleansing as Record<string, unknown>;
  delete cleansing.units;
  delete cleansing.decisions;
  for (const key of ['sources', 'export', 'validate']) delete doc[key];
  return YAML.stringify(doc);
}

export async function unreviewedSampleWorkspace(demoArgs: readonly string[] = []): Promise<string> {
  const ws = tempWorkspace();
  const demo = await runCli(['demo', '--quiet', ...demoArgs], { cwd: ws });
  expect(demo.code, demo.stderr).toBe(0);
  fs.writeFileSync(path.join(ws, 'invsync.yaml'), unreviewedConfig());
  const db = new Database(path.join(ws, 'invsync.db'));
  try {
    db.exec('DELETE FROM review_decisions');
  } finally {
    db.close();
  }
  const cleanse = await runCli(['cleanse', '--quiet'], { cwd: ws });
  expect(cleanse.code, cleanse.stderr).toBe(0);
  return ws;
}
