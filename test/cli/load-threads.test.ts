/**
 * `invsync load` of xlsx workbooks as the built binary runs it: exceljs's reader on a
 * second thread (src/core/loaders/xlsx-thread.ts). The staged rows, the rejects, the
 * sheets and the messages are those of one thread (INVSYNC_THREADS=1).
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { REPO, spawnCli, tempWorkspace } from '../helpers/cli.js';

const FIXTURES = path.join(REPO, 'fixtures/demo');

/** What a load left in the database: every staged row, reject and sheet (ids included, as they are deterministic). */
function staged(db: string, kind: string): unknown {
  const d = new Database(db, { readonly: true });
  try {
    return {
      rows: d.prepare(`SELECT * FROM ${kind} ORDER BY id`).raw(true).all(),
      rejects: d.prepare('SELECT * FROM rejects ORDER BY id').raw(true).all(),
      sheets: d.prepare('SELECT name, header_row, rows_staged, rows_rejected, first_row_id, last_row_id, note FROM source_sheets ORDER BY id').raw(true).all(),
    };
  } finally {
    d.close();
  }
}

function loadBothWays(dir: string, args: readonly string[]): { two: ReturnType<typeof spawnCli>; one: ReturnType<typeof spawnCli>; dbs: [string, string] } {
  const dbs: [string, string] = [path.join(dir, `two-${fs.readdirSync(dir).length}.db`), path.join(dir, `one-${fs.readdirSync(dir).length}.db`)];
  const two = spawnCli(['load', ...args, '--db', dbs[0], '--json'], { cwd: dir });
  const one = spawnCli(['load', ...args, '--db', dbs[1], '--json'], { cwd: dir, env: { INVSYNC_THREADS: '1' } });
  return { two, one, dbs };
}

describe('load: xlsx read on a second thread', () => {
  it.each([
    ['items/item-master.xlsx', 'items'],
    ['counts/count-north.xlsx', 'counts'],
    ['cycle-count/round-1/count-2026-07-03-WH-EAST.xlsx', 'counts'],
  ])('%s as %s: the same staged rows, rejects and sheets as one thread', (file, kind) => {
    const dir = tempWorkspace('invsync-load-threads-');
    const { two, one, dbs } = loadBothWays(dir, [path.join(FIXTURES, file), '--as', kind]);
    expect(two.code, two.stderr).toBe(0);
    expect(one.code, one.stderr).toBe(0);
    const summary = (run: ReturnType<typeof spawnCli>): { files: { threads?: number }[] } => JSON.parse(run.stdout.replaceAll(dbs[0], 'DB').replaceAll(dbs[1], 'DB'));
    const [twoThreads, oneThread] = [summary(two), summary(one)];
    expect(twoThreads.files.map((f) => f.threads)).toEqual([2]);
    expect(oneThread.files.map((f) => f.threads)).toEqual([undefined]);
    delete twoThreads.files[0]!.threads;
    expect(twoThreads).toEqual(oneThread);
    const rows = staged(dbs[0], kind) as { rows: unknown[] };
    expect(rows.rows.length).toBeGreaterThan(0);
    expect(rows).toEqual(staged(dbs[1], kind));
  });

  it('a damaged workbook or a missing sheet: the same message and exit code as one thread', () => {
    const dir = tempWorkspace('invsync-load-threads-');
    const bytes = fs.readFileSync(path.join(FIXTURES, 'items/item-master.xlsx'));
    const damaged = path.join(dir, 'damaged.xlsx');
    fs.writeFileSync(damaged, bytes.subarray(0, Math.floor(bytes.length / 2)));
    for (const args of [[damaged, '--as', 'items'], [path.join(FIXTURES, 'items/item-master.xlsx'), '--as', 'items', '--sheet', 'Nope']]) {
      const { two, one } = loadBothWays(dir, args);
      expect(two.code, two.stderr).toBe(3);
      expect(two.code).toBe(one.code);
      expect(two.stderr).toBe(one.stderr);
      expect(two.stderr).not.toMatch(/\n\s+at /);
    }
  });
});
