/**
 * invsync demo [--out DIR]
 *
 * Runs the pipeline on the bundled sample data (a regional distributor's cutover:
 * item master, per-warehouse stock sheets, a WMS extract, a 3PL's X12 846 feed,
 * count sheets, GL values, movement history), staged in this folder's workspace so
 * that every other command can be tried on it afterwards.
 */
import type { Command } from 'commander';
import { runDemo } from '../../core/demo.js';
import type { CommandContext } from '../context.js';
import { startProgress } from '../ui/progress.js';
import { renderCleanse } from './cleanse.js';
import { renderCountCycle } from './count.js';
import { renderReconcile } from './reconcile.js';
import { renderProfile } from './profile.js';

const EXAMPLES = `
Examples:
  $ invsync demo
  $ invsync demo --db /tmp/demo.db --json`;

export function registerDemo(program: Command, ctx: CommandContext): void {
  program
    .command('demo')
    .description('run the pipeline on the bundled sample data')
    .option('--out <dir>', 'where reports are written', 'out')
    .addHelpText('after', EXAMPLES)
    .action(async (options: { out: string }, command: Command) => {
      const out = ctx.output(command);
      const progress = await startProgress(ctx.io, ctx.globals(command));
      try {
        const result = await ctx.withDatabase(command, { create: true }, (db, run) =>
          runDemo(
            db,
            { outDir: ctx.resolve(options.out), onProgress: (p) => progress.update(`loading ${p.file}`, p.rows), onStep: (s) => progress.update(s, 0) },
            run,
          ),
        );
        progress.stop();
        out.result(result, () => {
          const loaded = result.loads.flatMap((l) => l.files);
          const lines = [
            out.color.bold(`Staged the sample cutover (${loaded.length} files) into ${ctx.dbPath(command)}`),
            ...loaded.map((f) => `  ${f.kind.padEnd(9)} ${f.file.slice(result.fixtures.length + 1).padEnd(34)} ${String(f.rowsStaged).padStart(6)} staged ${String(f.rowsRejected).padStart(4)} rejected`),
            '',
            renderProfile(result.profile, out),
            '',
            out.color.bold('Cleansing'),
            renderCleanse({ ...result.cleanse, reviewWorkbook: result.reviewWorkbook }, out),
            '',
            out.color.bold('Reconciliation'),
            renderReconcile(result.reconcile, out),
            '',
            out.color.bold('Cycle count'),
            renderCountCycle(result.countCycle, out),
          ];
          return lines.join('\n');
        });
      } finally {
        progress.stop();
      }
    });
}
