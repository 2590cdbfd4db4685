/**
 * invsync export odoo [--odoo-version 17|18|19] [--out DIR] [--apply-mode count|auto] [--batch-rows N] [--check]
 *
 * Writes the CSV load files Odoo's Settings > Import takes as they are: units Odoo
 * does not ship, product categories, products, warehouses, locations, lots and
 * serial numbers, and the opening stock as a physical inventory (stock.quant) in
 * batches; plus manifest.json (import order, rows, SHA-256s, control totals) and
 * the reports costs.csv, rejects.csv and rounding.csv. Pre-flight checks run first:
 * any finding exits 1 with the list and writes nothing. `--check` runs them alone.
 */
import { Command, Option } from 'commander';
import { UsageError } from '../../core/errors.js';
import { checkExport, exportOdoo, findingsMessage, type ExportOdooResult } from '../../core/export/odoo.js';
import { readWorkspaceConfig } from '../../core/workspace/config.js';
import type { CommandContext } from '../context.js';
import { table, type Output } from '../ui/output.js';
import { startProgress } from '../ui/progress.js';

const EXAMPLES = `
Examples:
  $ invsync export odoo --odoo-version 18 --out odoo-18
  $ invsync export odoo --odoo-version 19 --apply-mode auto --batch-rows 2000
  $ invsync export odoo --check                      # pre-flight only: exit 1 with the findings
  $ invsync export odoo --json | jq .controlTotals.total`;

interface ExportFlags {
  odooVersion?: string;
  out: string;
  applyMode?: 'count' | 'auto';
  batchRows?: string;
  check?: boolean;
  config?: string;
}

export function registerExport(program: Command, ctx: CommandContext): void {
  const exportCommand = program.command('export').description('write load files for the target system').addHelpText('after', EXAMPLES);
  exportCommand
    .command('odoo')
    .description('Odoo import files: units, categories, products, locations, lots, opening stock, manifest')
    .addOption(new Option('--odoo-version <version>', 'Odoo 17, 18 or 19 (default: odoo_version of invsync.yaml)').choices(['17', '18', '19']))
    .option('--out <dir>', 'folder for the load files (replaced whole)', 'odoo')
    .addOption(new Option('--apply-mode <mode>', 'count: record counts, apply in Odoo; auto: apply on import').choices(['count', 'auto']))
    .option('--batch-rows <n>', 'opening-stock lines per stock.quant file (default 5000)')
    .option('--check', 'run the pre-flight checks only; write nothing')
    .option('--config <file>', 'workspace configuration (default ./invsync.yaml)')
    .addHelpText('after', EXAMPLES)
    .action(async (flags: ExportFlags, command: Command) => {
      const out = ctx.output(command);
      const config = readWorkspaceConfig(ctx.io.cwd, flags.config);
      const odooVersion = (flags.odooVersion ? Number(flags.odooVersion) : config.odooVersion) as 17 | 18 | 19;
      let batchRows: number | undefined;
      if (flags.batchRows !== undefined) {
        batchRows = Number(flags.batchRows);
        if (!Number.isInteger(batchRows) || batchRows < 1) throw new UsageError(`--batch-rows must be a positive whole number, not "${flags.batchRows}"`);
      }
      if (flags.check) {
        const { findings, cleansedFirst } = await ctx.withDatabase(
          command,
          { create: false },
          async (db) => checkExport(db, { odooVersion, config }),
          (r) => (r.findings.length ? { outcome: 'check_failed', exitCode: 1 } : { outcome: 'success', exitCode: 0 }),
        );
        if (out.json) out.result({ odooVersion, findings, cleansedFirst }, () => '');
        else if (findings.length === 0) out.result(null, () => `pre-flight: no problems for Odoo ${odooVersion}`);
        if (findings.length) {
          ctx.exitCode = 1;
          if (!out.json) out.error(findingsMessage(findings).replace('; nothing was written', ''));
        }
        return;
      }
      const progress = await startProgress(ctx.io, ctx.globals(command));
      try {
        const result = await ctx.withDatabase(command, { create: false }, (db, run) =>
          exportOdoo(db, { odooVersion, outDir: ctx.resolve(flags.out), config, ...(flags.applyMode ? { applyMode: flags.applyMode } : {}), ...(batchRows !== undefined ? { batchRows } : {}), onProgress: (m) => progress.update(m, 0) }, run),
        );
        progress.stop();
        out.result(result, () => renderExport(result, out));
      } finally {
        progress.stop();
      }
    });
}

export function renderExport(r: ExportOdooResult, out: Output): string {
  const t = r.controlTotals.total;
  const c = r.costTieOut;
  const lines = [
    out.color.bold(`Odoo ${r.odooVersion}.0 load files in ${r.outDir} (apply mode ${r.applyMode})`),
    table(['#', 'file', 'rows'], r.files.map((f, i) => [i + 1, f.file, f.rows])),
    '',
    table(['warehouse', 'code', 'lines', 'quantity', 'value', 'GL value'], [...r.controlTotals.warehouses.map((w) => [w.warehouse || '(none)', w.code, w.lines, w.qty, w.value, w.gl_value]), ['total', '', t.lines, t.qty, t.value, t.gl_value]]),
    `cost tie-out: GL ${c.gl_value} = value at cost ${c.value_at_gl_cost} + residual ${c.residual} (${c.residual_products} products, costs.csv) + GL of SKUs not exported ${c.gl_not_exported}${c.ties ? '' : ' (DOES NOT TIE)'}`,
    `stock of products without a GL value, at the master's cost: ${c.value_without_gl}`,
  ];
  const leftOut = Object.entries(r.leftOut);
  if (leftOut.length) lines.push(`left out (rejects.csv): ${leftOut.map(([rule, n]) => `${rule} ${n}`).join(', ')}`);
  if (r.roundedLines) lines.push(`rounded to the unit's precision (rounding.csv): ${r.roundedLines} lines`);
  lines.push(`manifest: ${r.manifestFile}`);
  if (r.cleansedFirst) lines.unshift('(the staged data changed since the last cleanse: cleansed first)', '');
  return lines.join('\n');
}
