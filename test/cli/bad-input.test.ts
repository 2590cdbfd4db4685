/**
 * Bad input: files that break naive loaders (test/corpus/), each loaded into a
 * workspace whose database already holds one good file. A bad file must end in
 * exit 3 with ONE `error:` line (and an optional `hint:` line) that names the file
 * (and sheet, row, column where the case has them), no stack trace, the staged data
 * exactly as before, and the failed attempt recorded in `runs`. Files that only look
 * bad (a wrong extension, a late Windows-1252 byte) must load.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FileResult, LoadResult } from '../../src/core/loaders/load.js';
import { CORPUS_DIR, FACTS, GENERATED, makeCorpus, type GeneratedName } from '../corpus/make-corpus.js';
import { REPO, runCli, spawnCli, tempWorkspace, type CliRun } from '../helpers/cli.js';

const BUILT = fs.existsSync(path.join(REPO, 'dist/src/cli/main.js'));
if (!BUILT) console.warn('test/cli/bad-input.test.ts: the spawned-binary cases are skipped: run `npx tsc -p tsconfig.build.json` first');

let root = '';
let generated: Record<GeneratedName, string>;
/** The workspace database with good-items.csv staged, copied for every case. */
let baselineDb = '';
let baselineSum = '';
const GOOD = path.join(CORPUS_DIR, 'good-items.csv');

function corpus(name: string): string {
  return (GENERATED as readonly string[]).includes(name) ? generated[name as GeneratedName] : path.join(CORPUS_DIR, name);
}

interface Attempt {
  readonly file: string;
  readonly db: string;
  readonly run: CliRun;
}

/** A fresh workspace holding a copy of the baseline database. */
function workspace(): { dir: string; db: string } {
  const dir = fs.mkdtempSync(path.join(root, 'ws-'));
  const db = path.join(dir, 'invsync.db');
  fs.copyFileSync(baselineDb, db);
  return { dir, db };
}

async function attempt(name: string, kind: string, extra: readonly string[] = []): Promise<Attempt> {
  const file = corpus(name);
  const { dir, db } = workspace();
  const run = await runCli(['load', file, '--as', kind, '--json', '--db', db, ...extra], { cwd: dir });
  return { file, db, run };
}

function withDb<T>(db: string, work: (d: Database.Database) => T): T {
  const d = new Database(db, { readonly: true, fileMustExist: true });
  try {
    return work(d);
  } finally {
    d.close();
  }
}

/** SHA-256 over every row of every table but `runs` (the audit trail may grow). */
function stagedChecksum(db: string): string {
  return withDb(db, (d) => {
    const hash = crypto.createHash('sha256');
    const tables = d
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name <> 'runs' AND name NOT LIKE 'sqlite_%' ORDER BY name")
      .pluck()
      .all() as string[];
    for (const table of tables) {
      hash.update(`\n#${table}\n`);
      for (const row of d.prepare(`SELECT * FROM "${table}" ORDER BY rowid`).raw().iterate()) hash.update(`${JSON.stringify(row)}\n`);
    }
    return hash.digest('hex');
  });
}

interface RunRow {
  command: string;
  outcome: string;
  exit_code: number | null;
  message: string | null;
  arguments: string;
  inputs: string;
}

function lastRun(db: string): RunRow {
  return withDb(db, (d) => d.prepare('SELECT command, outcome, exit_code, message, arguments, inputs FROM runs ORDER BY id DESC LIMIT 1').get() as RunRow);
}

function stagedCount(db: string, kind: string): number {
  return withDb(db, (d) => (d.prepare(`SELECT count(*) AS n FROM ${kind}`).get() as { n: number }).n);
}

interface Where {
  readonly sheet?: string;
  readonly row?: number;
  readonly column?: string;
}

/** The whole contract for a bad file: exit 3, one error line naming the place, nothing changed, the attempt recorded. */
function expectRejectedFile(a: Attempt, where: Where, what: RegExp): void {
  const { run } = a;
  expect(run.code, `exit code; stderr: ${run.stderr}`).toBe(3);
  expect(run.stderr + run.stdout, 'no stack trace').not.toContain('    at ');
  expect(run.stderr + run.stdout, 'no stack trace').not.toMatch(/^\s+at /m);
  const lines = run.stderr.split('\n').filter((line) => line !== '');
  expect(lines.length, run.stderr).toBeGreaterThanOrEqual(1);
  expect(lines.length, run.stderr).toBeLessThanOrEqual(2);
  expect(lines[0]).toMatch(/^error: /);
  if (lines[1] !== undefined) expect(lines[1]).toMatch(/^hint: /);
  const error = lines[0]!;
  expect(error.startsWith(`error: ${a.file}`), `names the file: ${error}`).toBe(true);
  if (where.sheet !== undefined) expect(error).toContain(`sheet "${where.sheet}"`);
  if (where.row !== undefined) expect(error).toMatch(new RegExp(`\\brow ${where.row}\\b`));
  if (where.column !== undefined) expect(error).toContain(`column "${where.column}"`);
  expect(error).toMatch(what);
  expect(error).not.toMatch(/internal error/);
  // --json: stdout carries nothing but (at most) one JSON object.
  if (run.stdout.trim() !== '') expect(() => JSON.parse(run.stdout)).not.toThrow();

  expect(stagedChecksum(a.db), 'staged data unchanged').toBe(baselineSum);
  const last = lastRun(a.db);
  expect(last).toMatchObject({ command: 'load', outcome: 'failed', exit_code: 3 });
  expect(last.message).toContain(path.basename(a.file));
  expect(JSON.parse(last.arguments)).toContain(a.file);
  const sha256 = crypto.createHash('sha256').update(fs.readFileSync(a.file)).digest('hex');
  expect(JSON.parse(last.inputs), 'the input file and its SHA-256 are in the audit trail').toEqual(
    expect.arrayContaining([expect.objectContaining({ path: a.file, sha256 })]),
  );
}

/** A file that only looks bad: exit 0, the good file still staged, the run recorded as a success. */
function expectLoaded(a: Attempt, kind: string): FileResult {
  expect(a.run.code, `exit code; stderr: ${a.run.stderr}`).toBe(0);
  expect(a.run.stderr).not.toMatch(/error:|^\s+at /m);
  const result = JSON.parse(a.run.stdout) as LoadResult;
  expect(result.files).toHaveLength(1);
  const f = result.files[0]!;
  expect(f.rowsRead).toBe(f.rowsStaged + f.rowsRejected);
  expect(stagedCount(a.db, kind)).toBe((kind === 'items' ? 3 : 0) + f.rowsStaged);
  withDb(a.db, (d) => {
    expect(d.prepare("SELECT sku FROM items WHERE sku LIKE 'G-%' ORDER BY sku").pluck().all()).toEqual(['G-001', 'G-002', 'G-003']);
  });
  expect(lastRun(a.db)).toMatchObject({ command: 'load', outcome: 'success', exit_code: 0 });
  return f;
}

beforeAll(async () => {
  root = tempWorkspace('invsync-bad-input-');
  generated = await makeCorpus(path.join(root, 'corpus'));
  const base = fs.mkdtempSync(path.join(root, 'baseline-'));
  baselineDb = path.join(base, 'invsync.db');
  const run = await runCli(['load', GOOD, '--as', 'items', '--json', '--db', baselineDb], { cwd: base });
  expect(run.code, run.stderr).toBe(0);
  expect(fs.existsSync(`${baselineDb}-wal`), 'the baseline database is checkpointed (no -wal left) so that a copy is whole').toBe(false);
  expect(stagedCount(baselineDb, 'items')).toBe(3);
  baselineSum = stagedChecksum(baselineDb);
});

afterAll(() => {
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

describe('bad input: exit 3, one error line, staged data unchanged, the attempt recorded', () => {
  it('empty file (0 bytes)', async () => {
    expect(fs.statSync(corpus('empty.csv')).size).toBe(0);
    expectRejectedFile(await attempt('empty.csv', 'items'), {}, /empty/);
  });

  it('header only, no data rows', async () => {
    expectRejectedFile(await attempt('header-only.csv', 'items'), { row: 1 }, /no data rows/);
  });

  it('binary junk named .csv', async () => {
    expectRejectedFile(await attempt('binary-junk.csv', 'items'), {}, /binary/);
  });

  it('a real xlsx cut in half', async () => {
    expectRejectedFile(await attempt('truncated.xlsx', 'items'), {}, /xlsx|zip|truncated|damaged/i);
  });

  it('UTF-16LE text without a byte-order mark, named .csv', async () => {
    const a = await attempt('utf16le-no-bom.csv', 'items');
    expectRejectedFile(a, {}, /UTF-16/);
  });

  it('"Qty" twice in the header', async () => {
    expectRejectedFile(await attempt('duplicate-qty-header.csv', 'counts'), { row: 1, column: 'D' }, /"Qty"/);
  });

  it('a required column missing (items without a description)', async () => {
    expectRejectedFile(await attempt('missing-description.csv', 'items'), { row: 1 }, /no description column/);
  });

  it('a cell of 100,000 characters', async () => {
    expectRejectedFile(await attempt('long-cell.csv', 'items'), { row: 2, column: 'B' }, /100,000 characters/);
  });

  it('a sheet 16,384 columns wide (A..XFD)', async () => {
    expectRejectedFile(await attempt('wide-16384-columns.xlsx', 'items'), { sheet: FACTS.wide.sheet, row: 1 }, /16,384 columns/);
  });

  it('a quoted field that never closes', async () => {
    expectRejectedFile(await attempt('unclosed-quote.csv', 'items'), { row: 3, column: 'B' }, /never closes/);
  });

  it('a good file overwritten by a broken one and loaded again: its earlier load stays', async () => {
    const { dir, db } = workspace();
    const file = path.join(dir, 'items.csv');
    fs.copyFileSync(GOOD, file);
    // Same bytes as the baseline's good-items.csv: this load replaces that one.
    expect((await runCli(['load', file, '--as', 'items', '--json', '--db', db], { cwd: dir })).code).toBe(0);
    const before = stagedChecksum(db);
    withDb(db, (d) => expect(d.prepare('SELECT path FROM sources').pluck().all()).toEqual([file]));
    expect(stagedCount(db, 'items')).toBe(3);
    fs.copyFileSync(corpus('unclosed-quote.csv'), file);
    const run = await runCli(['load', file, '--as', 'items', '--json', '--db', db], { cwd: dir });
    expect(run.code, run.stderr).toBe(3);
    expect(run.stderr).toMatch(/^error: .*items\.csv, row 3, column "B": .*never closes/);
    expect(stagedChecksum(db)).toBe(before);
    expect(lastRun(db)).toMatchObject({ outcome: 'failed', exit_code: 3 });
  });
});

describe('files that only look bad load (exit 0)', () => {
  it('UTF-8 with one invalid byte after 1 MB loads as Windows-1252, every row once', async () => {
    const a = await attempt('late-invalid-utf8.csv', 'items');
    const f = expectLoaded(a, 'items');
    expect(f.encoding).toBe('windows-1252');
    expect([f.rowsStaged, f.rowsRejected]).toEqual([FACTS.lateInvalid.rows, 0]);
    withDb(a.db, (d) => {
      expect(d.prepare('SELECT description FROM items WHERE sku = ?').pluck().get(FACTS.lateInvalid.badSku)).toBe(FACTS.lateInvalid.badDescription);
      expect(d.prepare("SELECT count(DISTINCT sku) FROM items WHERE sku LIKE 'S-%'").pluck().get()).toBe(FACTS.lateInvalid.rows);
      expect(d.prepare('SELECT encoding FROM sources WHERE file_name = ?').pluck().get('late-invalid-utf8.csv')).toBe('windows-1252');
    });
  });

  it('a valid CSV 1,000 columns wide whose lines are longer than 32,767 characters', async () => {
    const a = await attempt('long-lines.csv', 'items');
    const f = expectLoaded(a, 'items');
    expect([f.format, f.delimiter, f.rowsStaged, f.rowsRejected]).toEqual(['csv', ',', FACTS.longLines.rows, 0]);
    expect(f.sheets[0]!.unmapped).toHaveLength(FACTS.longLines.columns - 2);
  });

  it('tab-separated text named .xls loads as text', async () => {
    const a = await attempt('tab-separated.xls', 'items');
    const f = expectLoaded(a, 'items');
    expect([f.format, f.delimiter, f.rowsStaged]).toEqual(['csv', '\t', 2]);
    withDb(a.db, (d) => expect(d.prepare("SELECT description FROM items WHERE sku = 'T-2'").pluck().get()).toBe('Tab gadget'));
  });

  it('an xlsx named .csv loads as xlsx', async () => {
    const a = await attempt('xlsx-named.csv', 'items');
    const f = expectLoaded(a, 'items');
    expect([f.format, f.rowsStaged]).toEqual(['xlsx', FACTS.xlsxNamedCsv.rows]);
    expect(f.sheets.map((s) => s.name)).toEqual([FACTS.xlsxNamedCsv.sheet]);
    withDb(a.db, (d) => expect(d.prepare("SELECT description FROM items WHERE sku = 'X-3'").pluck().get()).toBe('Hidden gizmo'));
  });

  // A record with more fields than the header shifts every value after an unquoted
  // delimiter: the file is refused (exit 3) rather than staged with values in the wrong columns.
  it('ragged rows (a data row with one field more than the header)', async () => {
    expectRejectedFile(await attempt('ragged-rows.csv', 'items'), { row: 3, column: 'D' }, /this record has 4 fields, the header \(row 1\) has 3/);
  });
});

describe.skipIf(!BUILT)('through the real binary (bin/invsync): no stack trace reaches the terminal', () => {
  it.each([
    ['binary-junk.csv', 'items', /binary/],
    ['truncated.xlsx', 'items', /xlsx|zip|truncated|damaged/i],
    ['unclosed-quote.csv', 'items', /row 3, column "B": .*never closes/],
    ['utf16le-no-bom.csv', 'items', /UTF-16/],
  ])('%s', (name, kind, what) => {
    const file = corpus(name);
    const { dir, db } = workspace();
    const run = spawnCli(['load', file, '--as', kind, '--db', db], { cwd: dir });
    expect(run.code, run.stderr).toBe(3);
    expect(run.stdout).toBe('');
    expect(run.stderr).not.toContain('    at ');
    expect(run.stderr).not.toMatch(/^\s+at /m);
    const lines = run.stderr.split('\n').filter((line) => line !== '');
    expect(lines.length).toBeLessThanOrEqual(2);
    expect(lines[0]!.startsWith(`error: ${file}`), lines[0]).toBe(true);
    expect(lines[0]).toMatch(what);
    if (lines[1] !== undefined) expect(lines[1]).toMatch(/^hint: /);
    expect(stagedChecksum(db)).toBe(baselineSum);
    expect(lastRun(db)).toMatchObject({ command: 'load', outcome: 'failed', exit_code: 3 });
  });
});

describe('the corpus generator', () => {
  it('writes the same bytes every time', async () => {
    const again = await makeCorpus(path.join(root, 'corpus-again'));
    for (const name of GENERATED) {
      const a = crypto.createHash('sha256').update(fs.readFileSync(generated[name])).digest('hex');
      const b = crypto.createHash('sha256').update(fs.readFileSync(again[name])).digest('hex');
      expect(b, name).toBe(a);
    }
  });
});
