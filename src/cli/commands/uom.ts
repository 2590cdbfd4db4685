/**
 * invsync uom list [--odoo-version 17|18|19] [--dialect free|x12|rec20]
 * invsync uom convert QTY FROM TO [--sku SKU] [--rounding up|half-up] [--odoo-version …]
 *
 * The unit catalogue (Odoo's standard units per version, their factors, rounding,
 * UN/ECE Rec 20 codes and the spellings invsync reads) and quantity conversions
 * with Odoo's own `_compute_quantity` semantics. `--sku` takes the item's base unit
 * and pack size from the staged item master, so "case" or "box" has a size.
 * Exit 3 for an unknown unit or a conversion across categories with no factor.
 */
import fs from 'node:fs';
import { Command, Option } from 'commander';
import { buildCatalogue, DIALECTS, type Catalogue, type Dialect, type OdooUnit } from '../../core/uom/catalogue.js';
import { convertQuantity, type ConversionOk } from '../../core/uom/convert.js';
import { formatFixed, type OdooVersion, type RoundingMethod } from '../../core/uom/float-round.js';
import { itemConversionsFromMaster, type ItemConversions } from '../../core/uom/packs.js';
import { InputError, UsageError, WorkspaceError } from '../../core/errors.js';
import { openDatabase } from '../../core/staging/database.js';
import type { CommandContext } from '../context.js';
import { table, type Output } from '../ui/output.js';

const EXAMPLES = `
Examples:
  $ invsync uom list
  $ invsync uom list --odoo-version 19 --json | jq '.units[] | {name, xmlid, factor}'
  $ invsync uom convert 1234 g kg                  # 1.24 kg (Odoo rounds UP by default)
  $ invsync uom convert 1234 g kg --rounding half-up
  $ invsync uom convert 3 case EA --sku PLB-1042   # the case size from the item master
  $ invsync uom convert 10 CA EA --dialect x12 --sku PLB-1042`;

const LIST_EXAMPLES = `
Examples:
  $ invsync uom list
  $ invsync uom list --odoo-version 19
  $ invsync uom list --json | jq '.units[] | select(.status == "custom") | .name'`;

const CONVERT_EXAMPLES = `
Examples:
  $ invsync uom convert 1234 g kg
  $ invsync uom convert 7 BX12 EA
  $ invsync uom convert 2 24x500ml L
  $ invsync uom convert 3 case EA --sku PLB-1042 --odoo-version 17
  $ invsync uom convert 1 dozen units --rounding half-up --json`;

interface VersionOptions {
  odooVersion: string;
  dialect: Dialect;
}

const versionOption = (): Option => new Option('--odoo-version <version>', 'Odoo version whose units and rounding to use').choices(['17', '18', '19']).default('18');
const dialectOption = (): Option => new Option('--dialect <dialect>', 'how unit codes are meant: free text, ASC X12 (CA = case) or UN/ECE Rec 20 (CA = can)').choices([...DIALECTS]).default('free');

export function registerUom(program: Command, ctx: CommandContext): void {
  const uom = program
    .command('uom')
    .description('the unit-of-measure catalogue and conversions with Odoo\'s semantics')
    .addHelpText('after', EXAMPLES);

  uom
    .command('list')
    .description('units per Odoo version: external id, category, type, factor, rounding, Rec 20 code, spellings')
    .addOption(versionOption())
    .addOption(dialectOption())
    .addHelpText('after', LIST_EXAMPLES)
    .action((options: VersionOptions, command: Command) => {
      const out = ctx.output(command);
      const version = Number(options.odooVersion) as OdooVersion;
      const result = listUnits(buildCatalogue(), version, options.dialect);
      out.result(result, () => renderList(result, out));
    });

  uom
    .command('convert')
    .description('convert a quantity between units as Odoo\'s _compute_quantity does')
    .argument('<qty>', 'the quantity, a decimal number such as 12 or 1.5')
    .argument('<from>', 'the unit it is in (a spelling, Odoo name or external id, or a pack such as BX12)')
    .argument('<to>', 'the unit to convert to')
    .option('--sku <sku>', 'take the item\'s base unit and pack size from the staged item master')
    .addOption(new Option('--rounding <method>', 'Odoo\'s rounding_method: up (the default of _compute_quantity) or half-up (stock moves)').choices(['up', 'half-up']).default('up'))
    .addOption(versionOption())
    .addOption(dialectOption())
    .addHelpText('after', CONVERT_EXAMPLES)
    .action((qty: string, from: string, to: string, options: VersionOptions & { sku?: string; rounding: string }, command: Command) => {
      const out = ctx.output(command);
      const version = Number(options.odooVersion) as OdooVersion;
      const rounding: RoundingMethod = options.rounding === 'half-up' ? 'HALF-UP' : 'UP';
      const what = `uom convert ${qty} ${from} ${to}`;
      const itemConversions = options.sku === undefined ? undefined : readItem(ctx, command, options.sku);
      const result = convertQuantity({ qty, from, to, sku: options.sku, itemConversions, rounding, odooVersion: version, dialect: options.dialect });
      if (!result.ok) {
        if (result.reason === 'invalid-quantity') throw new UsageError(result.message);
        const hint =
          result.reason === 'cross-category'
            ? 'convert within one category, or give --sku for an item whose master carries the factor'
            : result.reason === 'pack-size-unknown'
              ? 'give --sku (the item master\'s pack size) or a spelling with its size, such as CS/24'
              : result.reason === 'ambiguous-unit'
                ? 'say which code list it comes from with --dialect x12 or --dialect rec20'
                : 'run `invsync uom list` for the units and spellings invsync knows';
        throw new InputError({ file: what }, result.message, hint);
      }
      out.result(result, () => renderConversion(result));
    });
}

/** The item's base unit and pack size, read from the staged item master. */
function readItem(ctx: CommandContext, command: Command, sku: string): ItemConversions {
  const file = ctx.dbPath(command);
  if (file !== ':memory:' && !fs.existsSync(file)) {
    throw new WorkspaceError(
      `--sku needs the staged item master, and there is no staging database at ${file}`,
      'run `invsync load ITEMS.xlsx --as items` first (or point --db / INVSYNC_DB at the workspace), or convert without --sku',
    );
  }
  const db = openDatabase(file, { create: false });
  let rows: { sku: string; uom: string | null; pack_size: string | null }[];
  try {
    rows = db.prepare('SELECT sku, uom, pack_size FROM items WHERE sku = ? ORDER BY id').all(sku) as typeof rows;
  } finally {
    db.close();
  }
  const where = { file, column: 'items.sku' };
  if (rows.length === 0) throw new InputError(where, `sku "${sku}" is not in the staged item master`, 'check the spelling, or load the item master with `invsync load FILE --as items`');
  const distinct = (values: (string | null)[]): string[] => [...new Set(values.map((v) => v?.trim() ?? '').filter(Boolean))];
  const uoms = distinct(rows.map((r) => r.uom));
  const packs = distinct(rows.map((r) => r.pack_size));
  if (uoms.length > 1 || packs.length > 1) {
    throw new InputError(
      where,
      `sku "${sku}" has conflicting rows in the item master (units ${uoms.join(' / ') || '—'}, pack sizes ${packs.join(' / ') || '—'})`,
      'resolve the duplicate item rows first (invsync profile lists them)',
    );
  }
  return itemConversionsFromMaster({ sku, uom: uoms[0] ?? null, pack_size: packs[0] ?? null });
}

// ---------------------------------------------------------------------------
// list

export interface UomListRow {
  readonly key: string;
  readonly name: string;
  readonly xmlid: string | null;
  readonly status: OdooUnit['status'];
  readonly category: string;
  readonly categoryName: string;
  readonly uomType: string | null;
  readonly factor: number;
  readonly relativeFactor: number | null;
  readonly relativeTo: string | null;
  readonly rounding: number;
  readonly active: boolean;
  readonly rec20: string | null;
  readonly spellings: Readonly<Record<Dialect, readonly string[]>>;
  readonly note: string | null;
}

export interface UomListResult {
  readonly odooVersion: OdooVersion;
  readonly dialect: Dialect;
  readonly units: readonly UomListRow[];
  readonly packages: readonly { key: string; name: string; rec20: string; spellings: Readonly<Record<Dialect, readonly string[]>> }[];
}

export function listUnits(catalogue: Catalogue, version: OdooVersion, dialect: Dialect = 'free'): UomListResult {
  const units = catalogue.units.map((u): UomListRow => {
    const o = catalogue.odoo(u.key, version);
    return {
      key: u.key,
      name: o.name,
      xmlid: o.xmlid ?? null,
      status: o.status,
      category: o.category,
      categoryName: o.categoryName,
      uomType: o.uomType ?? null,
      factor: o.factor,
      relativeFactor: o.relativeFactor ?? null,
      relativeTo: o.relativeTo ?? null,
      rounding: o.rounding,
      active: o.active,
      rec20: o.rec20 ?? null,
      spellings: catalogue.spellingsOf(u.key),
      note: u.note ?? null,
    };
  });
  const packages = catalogue.packages.map((p) => ({ key: p.key, name: p.name, rec20: p.rec20, spellings: catalogue.spellingsOf(p.key) }));
  return { odooVersion: version, dialect, units, packages };
}

function renderList(result: UomListResult, out: Output): string {
  const v = result.odooVersion;
  const names = new Map(result.units.map((u) => [u.key, u.name]));
  const spellings = (s: Readonly<Record<Dialect, readonly string[]>>): string => {
    const list = s[result.dialect].length ? s[result.dialect] : s.free;
    return list.length > 8 ? `${list.slice(0, 8).join(', ')}, … (${list.length - 8} more)` : list.join(', ');
  };
  const rows = result.units.map((u) => [
    `${u.name}${u.active ? '' : ' (archived)'}`,
    u.xmlid ? `${u.xmlid}${u.status === 'standard-later' ? ' *' : ''}` : '(created by the load files)',
    v === 19 ? `${names.get(u.category) ?? u.category} tree` : u.categoryName,
    v === 19 ? (u.relativeTo ? `${u.relativeFactor} × ${names.get(u.relativeTo) ?? u.relativeTo}` : 'root') : (u.uomType ?? ''),
    String(u.factor),
    String(u.rounding),
    u.rec20 ?? '',
    spellings(u.spellings),
  ]);
  const lines = [
    out.color.bold(`Units of measure, Odoo ${v}.0`),
    table(['unit', 'external id', v === 19 ? 'root' : 'category', v === 19 ? 'relative to' : 'type', v === 19 ? 'factor (root units in one)' : 'factor (per reference)', 'rounding', 'Rec 20', 'spellings'], rows),
    '',
    v === 19
      ? "19.0: factor = relative_factor × the reference's factor, in root units; every unit rounds to the 'Product Unit' precision (2 digits: 0.01)."
      : `${v}.0: factor = how many of the unit make one reference unit of its category (g 1000, t 0.001); rounding is per unit (0.01 unless set).`,
  ];
  if (result.units.some((u) => u.status === 'standard-later')) lines.push('* shipped only by a 2026 stable update of this version (odoo/odoo#238342): older databases do not have it.');
  lines.push(
    '',
    out.color.bold('Package units (their size belongs to the item: "BX12", "CS/24", or the master\'s pack size for "case")'),
    table(['package', 'Rec 20/21', 'spellings'], result.packages.map((p) => [p.name, p.rec20, spellings(p.spellings)])),
  );
  return lines.join('\n');
}

// ---------------------------------------------------------------------------
// convert

function renderConversion(result: ConversionOk): string {
  const input = result.input;
  const lines = [`${input} ${result.from.spelling} = ${result.qty} ${result.to.spelling}`];
  const describe = (u: ConversionOk['from']): string | undefined => (u.kind === 'pack' ? `${u.spelling} = ${u.name}` : undefined);
  const packs = [describe(result.from), describe(result.to)].filter((d): d is string => d !== undefined);
  if (packs.length) lines.push(`  ${[...new Set(packs)].join('; ')}`);
  if (result.link) lines.push(`  item factor${result.sku ? ` of ${result.sku}` : ''}: 1 ${result.link.unit} = ${result.link.contains} ${result.link.of}`);
  lines.push(`  Odoo ${result.odooVersion}.0 _compute_quantity, rounded ${result.rounding.method} to ${formatFixed(result.rounding.step, result.rounding.decimals)}`);
  return lines.join('\n');
}
