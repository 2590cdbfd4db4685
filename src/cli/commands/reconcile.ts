/**
 * invsync reconcile [--out DIR] [--tolerance qty=1,percent=2,value=10] [--fail-on ...] [--sheet-rows N]
 *
 * Three-way reconciliation after cleansing: physical counts against the book (ERP,
 * or the WMS bins where a WMS covers the warehouse), the ERP against the WMS, and the
 * book value against the GL, each with statuses and cause hints. Writes variance.csv,
 * valuation.csv, sync.csv, summary.json and variance.xlsx.
 */
import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import { reconcile, type ReconcileCommandResult } from '../../core/reconcile/reconcile.js';
import { readWorkspaceConfig } from '../../core/workspace/config.js';
import type { CommandContext } from '../context.js';
import { table, type Output } from '../ui/output.js';
import { startProgress } from '../ui/progress.js';

const EXAMPLES = `
Examples:
  $ invsync reconcile
  $ invsync reconcile --out reports --tolerance percent=2,value=25
  $ invsync reconcile --fail-on "accuracy<0.97,net_value>1000"   # exit 1 in CI when a threshold fails
  $ invsync reconcile --json | jq .summary.inventory_record_accuracy`;

export function registerReconcile(program: Command, ctx: CommandContext): void {
  program
    .command('reconcile')
    .description('three-way reconciliation: counts vs book vs GL, with reports')
    .option('--out <dir>', 'folder for the reports', 'out')
    .option('--tolerance <limits>', 'qty=N,percent=N,value=N (overrides invsync.yaml)')
    .option('--fail-on <conditions>', 'exit 1 when a measure crosses a limit: accuracy<0.97,net_value>1000,…')
    .option('--sheet-rows <n>', 'lines per detail sheet of variance.xlsx; beyond it, the lines that are not a match come first (the CSV files hold every line)', '100000')
    .option('--config <file>', 'workspace configuration (default ./invsync.yaml)')
    .addHelpText('after', EXAMPLES)
    .action(async (options: { out: string; tolerance?: string; failOn?: string; sheetRows: string; config?: string }, command: Command) => {
      const sheetRows = Number(options.sheetRows);
      if (!Number.isInteger(sheetRows) || sheetRows < 1) throw new UsageError(`--sheet-rows takes a whole number of at least 1, not "${options.sheetRows}"`);
      const out = ctx.output(command);
      const config = readWorkspaceConfig(ctx.io.cwd, options.config);
      const progress = await startProgress(ctx.io, ctx.globals(command));
      try {
        const result = await ctx.withDatabase(
          command,
          { create: false },
          (db) => reconcile(db, { config, outDir: ctx.resolve(options.out), tolerance: options.tolerance, failOn: options.failOn, maxDetailRows: sheetRows, secondThread: ctx.io.env.INVSYNC_THREADS !== '1', onProgress: (s, n) => progress.update(s, n) }),
          (r) => (r.failed.length ? { outcome: 'check_failed', exitCode: 1 } : { outcome: 'success', exitCode: 0 }),
        );
        progress.stop();
        out.result(result, () => renderReconcile(result, out));
        if (result.failed.length) {
          ctx.exitCode = 1;
          for (const f of result.failed) ctx.io.stderr.write(`${out.color.red('failed:')} ${f.condition} (${f.measure} is ${f.value})\n`);
        }
      } finally {
        progress.stop();
      }
    });
}

export function renderReconcile(r: ReconcileCommandResult, out: Output): string {
  const s = r.summary;
  const statusRows = Object.entries(s.counts_by_status).filter(([, n]) => n > 0).map(([status, n]) => [status, n]);
  const lines = [
    out.color.bold('Quantity leg: counts against the book'),
    `lines compared ${s.lines_compared}, inventory record accuracy ${(Number(s.inventory_record_accuracy) * 100).toFixed(2)}%, net variance value ${s.net_variance_value}, gross ${s.gross_variance_value}`,
    table(['status', 'lines'], statusRows),
  ];
  const causes = Object.entries(s.counts_by_cause).filter(([, n]) => n > 0);
  if (causes.length) lines.push(`causes: ${causes.map(([c, n]) => `${c} ${n}`).join(', ')}`);
  if (s.set_aside.length) lines.push(`set aside: ${s.set_aside.map((a) => `${a.reason} (${a.lines} lines, qty ${a.qty})`).join('; ')}`);
  lines.push(
    '',
    out.color.bold('Value leg: book value against the GL'),
    `lines ${s.valuation.lines}: book ${s.valuation.book_value}, GL ${s.valuation.gl_value}, net ${s.valuation.net_value_variance}`,
    table(['account', 'item values', 'trial balance', 'difference', 'status'], s.gl_tie_out.map((t) => [t.account, t.item_value, t.control_total ?? '', t.difference ?? '', t.status])),
    '',
    out.color.bold('Systems: ERP against WMS'),
    s.systems.lines ? Object.entries(s.systems.counts_by_status).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`).join(', ') : 'no warehouse has both an ERP balance and a WMS extract',
    '',
    `reports: ${Object.values(r.files).join(', ')}`,
  );
  if (r.cleansedFirst) lines.unshift('(the staged data changed since the last cleanse: cleansed first)', '');
  return lines.join('\n');
}
