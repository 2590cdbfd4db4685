import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { normalise, runCli, tempWorkspace } from '../helpers/cli.js';
import { expectGolden } from '../helpers/golden.js';

/** Every staged value, in a stable order, without the audit trail's times. */
function stagedContent(db: string): string {
  const d = new Database(db, { readonly: true });
  try {
    const tables = ['items', 'locations', 'erp', 'wms', 'counts', 'gl', 'moves', 'rejects'];
    return tables.map((t) => JSON.stringify(d.prepare(`SELECT * FROM ${t} ORDER BY id`).all())).join('\n');
  } finally {
    d.close();
  }
}

describe('invsync demo', () => {
  it('stages the bundled sample cutover and prints its profile (golden)', async () => {
    const ws = tempWorkspace();
    const run = await runCli(['demo'], { cwd: ws });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expectGolden('demo.txt', normalise(run.stdout, ws));
  });

  it('accounts for every row and gives the same staged data when run again', async () => {
    const ws = tempWorkspace();
    const first = await runCli(['demo', '--json'], { cwd: ws });
    const result = JSON.parse(first.stdout) as { profile: { totals: { rowsRead: number; rowsStaged: number; rowsRejected: number } } };
    const t = result.profile.totals;
    expect(t.rowsRead).toBe(t.rowsStaged + t.rowsRejected);
    const before = stagedContent(path.join(ws, 'invsync.db'));
    const second = await runCli(['demo', '--json'], { cwd: ws });
    expect(second.code).toBe(0);
    const after = stagedContent(path.join(ws, 'invsync.db'));
    // Ids move on a reload; the values do not.
    const strip = (s: string): string => s.replace(/"(id|sheet_id)":\d+,/g, '');
    expect(strip(after)).toBe(strip(before));
  });
});
