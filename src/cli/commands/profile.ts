/**
 * invsync profile
 *
 * Data-quality findings per staged source: rows staged and rejected (by reason),
 * blank SKUs, duplicate SKU spellings, unknown units, negative or non-numeric
 * quantities, and what the loaders flagged (codes stored as numbers, scientific
 * notation, ambiguous dates).
 */
import type { Command } from 'commander';
import { profileWorkspace, type ProfileResult } from '../../core/profile/profile.js';
import type { CommandContext } from '../context.js';
import { table, type Output } from '../ui/output.js';

const EXAMPLES = `
Examples:
  $ invsync profile
  $ invsync profile --json | jq '.sources[] | {file, rowsRejected}'`;

export function registerProfile(program: Command, ctx: CommandContext): void {
  program
    .command('profile')
    .description('data-quality findings per staged source')
    .addHelpText('after', EXAMPLES)
    .action(async (_options: unknown, command: Command) => {
      const out = ctx.output(command);
      const result = await ctx.withDatabase(command, { create: false }, async (db) => profileWorkspace(db));
      out.result(result, () => renderProfile(result, out));
    });
}

export function renderProfile(result: ProfileResult, out: Output): string {
  if (result.sources.length === 0) return 'nothing staged yet: run `invsync load FILE --as KIND` (or `invsync demo`)';
  const rows = result.sources.map((s) => [
    s.kind,
    shortName(s.file),
    s.rowsStaged,
    s.rowsRejected,
    s.blankSkus,
    s.duplicateSkuSpellings.length,
    s.unknownUnits.length,
    s.negativeQuantities,
    s.nonNumericQuantities,
  ]);
  const lines = [
    out.color.bold('Staged sources'),
    table(['kind', 'file', 'staged', 'rejected', 'blank sku', 'dup spellings', 'unknown units', 'negative qty', 'non-numeric qty'], rows),
  ];
  for (const s of result.sources) {
    const findings: string[] = [];
    const rejects = Object.entries(s.rejectsByReason);
    if (rejects.length) findings.push(`rejects: ${rejects.map(([r, n]) => `${r} ${n}`).join(', ')}`);
    if (s.duplicateSkuSpellings.length) {
      const shown = s.duplicateSkuSpellings.slice(0, 5).map((d) => d.spellings.join(' / '));
      findings.push(`SKU spellings of one key: ${shown.join('; ')}${s.duplicateSkuSpellings.length > 5 ? `; … ${s.duplicateSkuSpellings.length - 5} more` : ''}`);
    }
    if (s.duplicateKeys) findings.push(`repeated keys: ${s.duplicateKeys} rows repeat another row's key`);
    if (s.unknownUnits.length) findings.push(`unknown units: ${s.unknownUnits.map((u) => `"${u.unit}" (${u.rows})`).join(', ')}`);
    if (s.zeroQuantities) findings.push(`zero quantities: ${s.zeroQuantities}`);
    if (s.tracking.serialQuantityNotOne) findings.push(`serial-tracked lines with a quantity other than 1: ${s.tracking.serialQuantityNotOne}`);
    if (s.tracking.missingLotOrSerial) findings.push(`lot- or serial-tracked lines without a lot/serial: ${s.tracking.missingLotOrSerial}`);
    const flags = Object.entries(s.flags);
    if (flags.length) findings.push(`flags: ${flags.map(([f, n]) => `${f} ${n}`).join(', ')}`);
    if (findings.length) lines.push('', `${out.color.bold(shortName(s.file))} (${s.kind})`, ...findings.map((f) => `  - ${f}`));
  }
  if (result.cleansing) {
    const c = result.cleansing;
    lines.push('', out.color.bold('Left open by cleansing'));
    lines.push(`  - unmapped SKUs: ${c.unmappedSkus.length ? c.unmappedSkus.map((u) => `"${u.spelling}" (${u.kinds.join(', ')}; ${u.lines} lines)`).join(', ') : 'none'}`);
    lines.push(`  - SKU spellings waiting for review: ${c.skusToReview}`);
    lines.push(`  - unit problems: ${c.unitProblems.length ? c.unitProblems.map((u) => `"${u.unit}" ${u.status.replace(/_/g, ' ')} (${u.lines} lines)`).join(', ') : 'none'}`);
  }
  const t = result.totals;
  lines.push('', `${t.rowsRead.toLocaleString('en-US')} rows read = ${t.rowsStaged.toLocaleString('en-US')} staged + ${t.rowsRejected.toLocaleString('en-US')} rejected`);
  return lines.join('\n');
}

function shortName(file: string): string {
  const parts = file.split('/');
  return parts.slice(-2).join('/');
}
