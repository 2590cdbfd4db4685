import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/main.js';
import { CommandContext } from '../../src/cli/context.js';
import { REPO, runCli, spawnCli, tempWorkspace } from '../helpers/cli.js';

const silentIo = { stdout: { write: () => true }, stderr: { write: () => true }, env: {}, cwd: '/' };
const commands = buildProgram(new CommandContext(silentIo, [])).commands.map((c) => c.name());

describe('every command is documented', () => {
  it.each(commands)('%s has help with an example and a README entry', async (name) => {
    const run = await runCli([name, '--help'], { cwd: tempWorkspace() });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Examples:\n\s+\$ invsync /);
    const readme = fs.readFileSync(path.join(REPO, 'README.md'), 'utf8');
    expect(readme).toContain(`invsync ${name}`);
  });
});

describe('exit codes', () => {
  it('2 for an unknown command, flag or kind', async () => {
    const ws = tempWorkspace();
    expect((await runCli(['frobnicate'], { cwd: ws })).code).toBe(2);
    expect((await runCli(['profile', '--bogus'], { cwd: ws })).code).toBe(2);
    const badKind = await runCli(['load', 'x.csv', '--as', 'stuff'], { cwd: ws });
    expect(badKind.code).toBe(2);
    expect(badKind.stderr).toContain("argument 'stuff' is invalid. Allowed choices are items, locations, erp, wms, counts, gl, moves");
  });

  it('3 for bad input, with one line naming the file and a hint', async () => {
    const ws = tempWorkspace();
    fs.writeFileSync(path.join(ws, 'empty.csv'), '');
    const run = await runCli(['load', 'empty.csv', '--as', 'erp'], { cwd: ws });
    expect(run.code).toBe(3);
    expect(run.stderr).toBe(`error: ${path.join(ws, 'empty.csv')}: the file is empty (0 bytes)\n`);
  });

  it('4 for a missing workspace database', async () => {
    const run = await runCli(['profile'], { cwd: tempWorkspace() });
    expect(run.code).toBe(4);
    expect(run.stderr).toMatch(/^error: no staging database at .*invsync\.db\nhint: run `invsync init`/);
  });

  it('--json prints one JSON object on stdout and nothing else', async () => {
    const ws = tempWorkspace();
    fs.writeFileSync(path.join(ws, 'c.csv'), 'sku,location,qty\nA,B1,3\n');
    const run = await runCli(['load', 'c.csv', '--as', 'counts', '--json'], { cwd: ws });
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as { totals: unknown };
    expect(result.totals).toEqual({ rowsRead: 1, rowsStaged: 1, rowsRejected: 0 });
  });

  it('INVSYNC_DB and --db choose the database', async () => {
    const ws = tempWorkspace();
    fs.writeFileSync(path.join(ws, 'c.csv'), 'sku,location,qty\nA,B1,3\n');
    expect((await runCli(['load', 'c.csv', '--as', 'counts', '--db', 'a.db'], { cwd: ws })).code).toBe(0);
    expect(fs.existsSync(path.join(ws, 'a.db'))).toBe(true);
    expect((await runCli(['load', 'c.csv', '--as', 'counts'], { cwd: ws, env: { INVSYNC_DB: 'b.db' } })).code).toBe(0);
    expect(fs.existsSync(path.join(ws, 'b.db'))).toBe(true);
  });

  it('the real binary: bad input gives one line and exit 3, never a stack trace', () => {
    const ws = tempWorkspace();
    fs.writeFileSync(path.join(ws, 'junk.csv'), Buffer.from([0, 1, 2, 3, 0, 255, 0, 7]));
    const run = spawnCli(['load', 'junk.csv', '--as', 'items'], { cwd: ws });
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('junk.csv: is not a text, xlsx, xls or X12 file');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('init', () => {
  it('creates a commented invsync.yaml and the database, and keeps an existing config', async () => {
    const ws = tempWorkspace();
    const first = await runCli(['init', 'cutover'], { cwd: ws });
    expect(first.code).toBe(0);
    const config = path.join(ws, 'cutover', 'invsync.yaml');
    expect(fs.readFileSync(config, 'utf8')).toMatch(/^# invsync workspace configuration/);
    expect(fs.existsSync(path.join(ws, 'cutover', 'invsync.db'))).toBe(true);
    fs.appendFileSync(config, '# mine\n');
    const second = await runCli(['init', 'cutover'], { cwd: ws });
    expect(second.stdout).toContain('kept existing');
    expect(fs.readFileSync(config, 'utf8')).toMatch(/# mine\n$/);
  });
});

describe('a locked workspace', () => {
  it('gives exit 4 and a hint, not a stack trace', async () => {
    const ws = tempWorkspace();
    fs.writeFileSync(path.join(ws, 'c.csv'), 'sku,location,qty\nA,B1,3\n');
    expect((await runCli(['load', 'c.csv', '--as', 'counts'], { cwd: ws })).code).toBe(0);
    const { default: Database } = await import('better-sqlite3');
    const holder = new Database(path.join(ws, 'invsync.db'));
    holder.exec('BEGIN EXCLUSIVE');
    try {
      const run = await runCli(['load', 'c.csv', '--as', 'counts'], { cwd: ws });
      expect(run.code).toBe(4);
      expect(run.stderr).toMatch(/^error: .*locked/);
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
  });
});
