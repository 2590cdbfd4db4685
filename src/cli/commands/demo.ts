/**
 * invsync demo [--out DIR] [--force]
 *
 * `run` over the bundled sample data (a regional distributor's cutover: item master,
 * per-warehouse stock sheets, a WMS extract, a 3PL's X12 846 feed, count sheets, GL
 * values, movement history, and its reviewer's decisions), staged in this folder's
 * workspace so that every other command can be tried on it afterwards. Reports, load
 * files for Odoo 17, 18 and 19 and validate's JUnit XML go to ./out. Then a small cycle
 * count on the staged sample: plan, blind sheets, the bundled filled-in sheets, close.
 */
import type { Command } from 'commander';
import { runDemo } from '../../core/demo.js';
import type { CommandContext } from '../context.js';
import { startProgress } from '../ui/progress.js';
import { renderCountCycle } from './count.js';
import { renderRun } from './run.js';

const EXAMPLES = `
Examples:
  $ invsync demo
  $ invsync demo --out /tmp/demo-out --force
  $ invsync demo --db /tmp/demo.db --json`;

export function registerDemo(program: Command, ctx: CommandContext): void {
  program
    .command('demo')
    .description('run the whole cutover on the bundled sample data')
    .option('--out <dir>', 'where reports and load files are written', 'out')
    .option('--force', 'run every step, even when its inputs have not changed')
    .addHelpText('after', EXAMPLES)
    .action(async (options: { out: string; force?: boolean }, command: Command) => {
      const out = ctx.output(command);
      const progress = await startProgress(ctx.io, ctx.globals(command));
      try {
        const result = await ctx.withDatabase(
          command,
          { create: true },
          (db, run) =>
            runDemo(
              db,
              { outDir: ctx.resolve(options.out), force: options.force, onProgress: (p) => progress.update(`loading ${p.file}`, p.rows), onStep: (s) => progress.update(s, 0) },
              run,
            ),
          (r) => (r.pipeline.passed ? { outcome: 'success', exitCode: 0 } : { outcome: 'check_failed', exitCode: 1 }),
        );
        progress.stop();
        out.result(result, () =>
          [
            out.color.bold(`The sample cutover of Nordwind Supply, staged into ${ctx.dbPath(command)}`),
            '',
            renderRun(result.pipeline, out),
            '',
            out.color.bold('Cycle count'),
            renderCountCycle(result.countCycle, out),
            '',
            'Try next: invsync profile · invsync reconcile --fail-on "accuracy<0.97" · invsync validate --junit out/validate.junit.xml',
          ].join('\n'),
        );
        if (!result.pipeline.passed) ctx.exitCode = 1;
      } finally {
        progress.stop();
      }
    });
}
