// invsync uom list / convert, in-process. Until src/cli/main.ts registers the
// command, the same program is built here with it added and errors are mapped to
// exit codes as main() maps them; once registered, runCli runs the real main().
import fs from 'node:fs';
import path from 'node:path';
import { CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { registerUom } from '../../src/cli/commands/uom.js';
import { CommandContext } from '../../src/cli/context.js';
import type { CliIo } from '../../src/cli/io.js';
import { buildProgram } from '../../src/cli/main.js';
import { Output } from '../../src/cli/ui/output.js';
import { InvsyncError } from '../../src/core/errors.js';
import { runCli, tempWorkspace, type CliRun } from '../helpers/cli.js';

const silentIo: CliIo = { stdout: { write: () => true }, stderr: { write: () => true }, env: {}, cwd: '/' };
const registered = buildProgram(new CommandContext(silentIo, [])).commands.some((c) => c.name() === 'uom');

async function run(args: readonly string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<CliRun> {
  if (registered) return runCli(args, options);
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (s: string) => (stdout += s), isTTY: false },
    stderr: { write: (s: string) => (stderr += s), isTTY: false },
    env: { NO_COLOR: '1', ...options.env },
    cwd: options.cwd,
  };
  const ctx = new CommandContext(io, args);
  const program = buildProgram(ctx);
  registerUom(program, ctx);
  const added = program.commands.find((c) => c.name() === 'uom')!;
  added.exitOverride();
  added.configureOutput({ writeOut: (s) => void io.stdout.write(s), writeErr: (s) => void io.stderr.write(s) });
  let code: number;
  try {
    await program.parseAsync([...args], { from: 'user' });
    code = ctx.exitCode;
  } catch (err) {
    if (err instanceof CommanderError) code = ['commander.helpDisplayed', 'commander.help', 'commander.version'].includes(err.code) ? 0 : 2;
    else if (err instanceof InvsyncError) {
      new Output(io, { json: args.includes('--json') }).error(err.message, err.hint);
      code = err.exitCode;
    } else throw err;
  }
  return { code, stdout, stderr };
}

describe('invsync uom', () => {
  it('has help with examples for the command and each subcommand', async () => {
    const ws = tempWorkspace();
    for (const args of [['uom', '--help'], ['uom', 'list', '--help'], ['uom', 'convert', '--help']]) {
      const r = await run(args, { cwd: ws });
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/Examples:\n\s+\$ invsync uom /);
    }
    const top = await run(['uom', '--help'], { cwd: ws });
    expect(top.stdout).toContain('list');
    expect(top.stdout).toContain('convert');
  });
});

describe('invsync uom list', () => {
  it('prints the catalogue of a version as a table', async () => {
    const r = await run(['uom', 'list', '--odoo-version', '17'], { cwd: tempWorkspace() });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('Units of measure, Odoo 17.0');
    expect(lines[1]).toMatch(/^unit +external id +category +type +factor \(per reference\) +rounding +Rec 20 +spellings$/);
    expect(r.stdout).toMatch(/Dozens +uom\.product_uom_dozen +Unit +bigger +0\.08333333333333333 +0\.01 +DZN +dz, dzn, doz, dozen, dozens, dtz, dutzend\n/);
    expect(r.stdout).toMatch(/ml +\(created by the load files\) +Volume +smaller +1000 +0\.01 +MLT/);
    expect(r.stdout).toContain('Package units');
    expect(r.stdout).toMatch(/case +XCS +cs, case, cases, cse, ca, xcs/);
  });

  it('shows 19.0 as the tree of relative units', async () => {
    const r = await run(['uom', 'list', '--odoo-version', '19'], { cwd: tempWorkspace() });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Dozens \(archived\) +uom\.product_uom_dozen +Units tree +12 × Units +12 +0\.01 +DZN/);
    expect(r.stdout).toMatch(/kg +uom\.product_uom_kgm +g tree +1000 × g +1000 +0\.01 +KGM/);
  });

  it('prints one JSON object with --json', async () => {
    const r = await run(['uom', 'list', '--odoo-version', '18', '--json'], { cwd: tempWorkspace() });
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as { odooVersion: number; units: { key: string; xmlid: string | null; factor: number; status: string; spellings: { x12: string[] } }[] };
    expect(result.odooVersion).toBe(18);
    const dozen = result.units.find((u) => u.key === 'dozens')!;
    expect(dozen).toMatchObject({ xmlid: 'uom.product_uom_dozen', factor: 1 / 12, status: 'standard' });
    expect(result.units.find((u) => u.key === 'minutes')!.status).toBe('standard-later');
    expect(result.units.find((u) => u.key === 'units')!.spellings.x12).toEqual(expect.arrayContaining(['ea', 'pc']));
  });

  it('refuses an unknown version (exit 2)', async () => {
    const r = await run(['uom', 'list', '--odoo-version', '16'], { cwd: tempWorkspace() });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("argument '16' is invalid. Allowed choices are 17, 18, 19");
  });
});

describe('invsync uom convert', () => {
  it('converts as Odoo does, UP by default', async () => {
    const r = await run(['uom', 'convert', '1234', 'g', 'kg'], { cwd: tempWorkspace() });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('1234 g = 1.24 kg\n  Odoo 18.0 _compute_quantity, rounded UP to 0.01\n');
  });

  it('rounds HALF-UP on request, per version', async () => {
    const r = await run(['uom', 'convert', '1234', 'g', 'kg', '--rounding', 'half-up', '--odoo-version', '19'], { cwd: tempWorkspace() });
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('1234 g = 1.23 kg');
    expect(r.stdout).toContain('Odoo 19.0 _compute_quantity, rounded HALF-UP to 0.01');
  });

  it('describes an item pack', async () => {
    const r = await run(['uom', 'convert', '7', 'BX12', 'EA'], { cwd: tempWorkspace() });
    expect(r.stdout).toBe('7 BX12 = 84.00 EA\n  BX12 = box of 12 Units\n  Odoo 18.0 _compute_quantity, rounded UP to 0.01\n');
  });

  it('prints one JSON object with --json', async () => {
    const r = await run(['uom', 'convert', '13', 'EA', 'DZ', '--json'], { cwd: tempWorkspace() });
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as { ok: boolean; qty: string; value: number; route: string; from: { xmlid: string }; to: { xmlid: string } };
    expect(result).toMatchObject({ ok: true, qty: '1.09', value: 1.09, route: 'same-category', from: { xmlid: 'uom.product_uom_unit' }, to: { xmlid: 'uom.product_uom_dozen' } });
  });

  it('exits 3 for an unknown unit, with one line and a hint', async () => {
    const r = await run(['uom', 'convert', '1', 'furlong', 'm'], { cwd: tempWorkspace() });
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('error: uom convert 1 furlong m: "furlong" is not a known unit of measure\nhint: run `invsync uom list` for the units and spellings invsync knows\n');
  });

  it('exits 3 for a conversion across categories without a factor', async () => {
    const r = await run(['uom', 'convert', '1.5', 'kg', 'EA', '--json'], { cwd: tempWorkspace() });
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      'error: uom convert 1.5 kg EA: kg (Weight) and Units (Unit) are in different categories and there is no item-specific factor between them\n' +
        'hint: convert within one category, or give --sku for an item whose master carries the factor\n',
    );
  });

  it('exits 3 for an ambiguous code, and reads it in its dialect', async () => {
    const ws = tempWorkspace();
    expect((await run(['uom', 'convert', '1', 'TN', 'kg'], { cwd: ws })).code).toBe(3);
    const x12 = await run(['uom', 'convert', '1', 'TN', 'kg', '--dialect', 'x12'], { cwd: ws });
    expect(x12.code).toBe(0);
    expect(x12.stdout.split('\n')[0]).toBe('1 TN = 907.19 kg');
  });

  it('exits 3 for a package without a size', async () => {
    const r = await run(['uom', 'convert', '3', 'case', 'EA'], { cwd: tempWorkspace() });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/"case" is a case whose size belongs to the item/);
  });

  it('exits 2 for a quantity that is not a number, or a bad rounding', async () => {
    const ws = tempWorkspace();
    const comma = await run(['uom', 'convert', '1,5', 'kg', 'g'], { cwd: ws });
    expect(comma.code).toBe(2);
    expect(comma.stderr).toBe('error: "1,5" is not a quantity: write a decimal number such as 12 or 1.5\n');
    expect((await run(['uom', 'convert', '1', 'kg', 'g', '--rounding', 'down'], { cwd: ws })).code).toBe(2);
    expect((await run(['uom', 'convert', '1', 'kg'], { cwd: ws })).code).toBe(2);
  });

  it('takes negative quantities after --', async () => {
    const r = await run(['uom', 'convert', '--', '-1234', 'g', 'kg'], { cwd: tempWorkspace() });
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('-1234 g = -1.24 kg');
  });
});

describe('invsync uom convert --sku', () => {
  it('exits 4 when there is no workspace database', async () => {
    const ws = tempWorkspace();
    const r = await run(['uom', 'convert', '3', 'case', 'EA', '--sku', 'PLB-1'], { cwd: ws });
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/^error: --sku needs the staged item master, and there is no staging database at .*invsync\.db\nhint: run `invsync load ITEMS\.xlsx --as items` first/);
    expect(fs.existsSync(path.join(ws, 'invsync.db'))).toBe(false);
  });

  it("uses the item's base unit and pack size from the staged item master", async () => {
    const ws = tempWorkspace();
    fs.writeFileSync(
      path.join(ws, 'items.csv'),
      'sku,description,uom,pack_size\nPLB-1,Angle valve,EA,24\nELC-7,Cable H07V-K,M,100\nFST-3,Washer,PCS,\nDUP-1,Twin,EA,12\nDUP-1,Twin,EA,24\n',
    );
    const load = await runCli(['load', 'items.csv', '--as', 'items'], { cwd: ws });
    expect(load.code).toBe(0);

    const caseToEa = await run(['uom', 'convert', '3', 'case', 'EA', '--sku', 'PLB-1'], { cwd: ws });
    expect(caseToEa.code).toBe(0);
    expect(caseToEa.stdout.split('\n').slice(0, 2)).toEqual(['3 case = 72.00 EA', '  case = case of 24 Units']);

    const x12 = await run(['uom', 'convert', '10', 'CA', 'PCS', '--sku', 'PLB-1', '--dialect', 'x12', '--json'], { cwd: ws });
    expect(JSON.parse(x12.stdout)).toMatchObject({ qty: '240.00', sku: 'PLB-1' });

    const roll = await run(['uom', 'convert', '2', 'roll', 'm', '--sku', 'ELC-7', '--odoo-version', '19'], { cwd: ws });
    expect(roll.stdout.split('\n')[0]).toBe('2 roll = 200.00 m');

    const noSize = await run(['uom', 'convert', '1', 'box', 'EA', '--sku', 'FST-3'], { cwd: ws });
    expect(noSize.code).toBe(3);
    expect(noSize.stderr).toContain('the item master has no pack size for FST-3');

    const missing = await run(['uom', 'convert', '1', 'box', 'EA', '--sku', 'NOPE'], { cwd: ws });
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/items\.sku.*: sku "NOPE" is not in the staged item master\n/);

    const twins = await run(['uom', 'convert', '1', 'case', 'EA', '--sku', 'DUP-1'], { cwd: ws });
    expect(twins.code).toBe(3);
    expect(twins.stderr).toContain('sku "DUP-1" has conflicting rows in the item master (units EA, pack sizes 12 / 24)');
  });
});
