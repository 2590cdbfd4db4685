/**
 * invsync run [--config invsync.yaml] [--out DIR] [--force]
 *
 * The whole cutover as invsync.yaml configures it: load every source, cleanse with
 * the accepted review decisions, reconcile, write the Odoo load files, validate. A
 * step whose inputs (file bytes, its configuration, the steps before it) have not
 * changed since the last run is skipped, unless --force. Ends with a one-screen
 * summary; exit 0 when every step succeeded and validate passed, else 1.
 */
import path from 'node:path';
import type { Command } from 'commander';
import { runPipeline, type PipelineResult, type StepReport } from '../../core/pipeline/pipeline.js';
import { readWorkspaceConfig } from '../../core/workspace/config.js';
import type { CommandContext } from '../context.js';
import { table, type Output } from '../ui/output.js';
import { startProgress } from '../ui/progress.js';

const EXAMPLES = `
Examples:
  $ invsync run                          # the cutover of ./invsync.yaml, outputs in ./out
  $ invsync run --config cutover.yaml --out build
  $ invsync run --force                  # every step, changed or not
  $ invsync run --json | jq '.steps[] | {step, status}'`;

export function registerRun(program: Command, ctx: CommandContext): void {
  program
    .command('run')
    .description('the whole cutover as configured: load, cleanse, reconcile, export, validate')
    .option('--config <file>', 'workspace configuration (default ./invsync.yaml)')
    .option('--out <dir>', 'folder for reports, load files and validate.junit.xml', 'out')
    .option('--force', 'run every step, even when its inputs have not changed')
    .addHelpText('after', EXAMPLES)
    .action(async (options: { config?: string; out: string; force?: boolean }, command: Command) => {
      const out = ctx.output(command);
      const config = readWorkspaceConfig(ctx.io.cwd, options.config ?? 'invsync.yaml');
      const progress = await startProgress(ctx.io, ctx.globals(command));
      try {
        const result = await ctx.withDatabase(
          command,
          { create: true },
          (db, run) =>
            runPipeline(
              db,
              {
                config,
                outDir: ctx.resolve(options.out),
                force: options.force,
                onProgress: (p) => progress.update(`loading ${p.file}`, p.rows),
                onStep: (_step, message) => progress.update(message, 0),
              },
              run,
            ),
          (r) => (r.passed ? { outcome: 'success', exitCode: 0 } : { outcome: 'check_failed', exitCode: 1 }),
        );
        progress.stop();
        out.result(result, () => renderRun(result, out));
        if (!result.passed) ctx.exitCode = 1;
      } finally {
        progress.stop();
      }
    });
}

/** The one-screen summary: the steps, the output files, the verdict. */
export function renderRun(r: PipelineResult, out: Output): string {
  const rows = r.steps.map((s) => [s.step, s.status === 'ran' ? s.status : `skipped (${s.why})`, s.outcome === 'success' ? 'ok' : 'FAILED', s.seconds.toFixed(2).padStart(7), figuresOf(s)]);
  const lines = [out.color.bold(`Cutover of ${r.config}`), table(['step', 'status', 'result', 'seconds', 'key figures'], rows), ''];
  // From the validate step's figures, so that a skipped validate still says what failed.
  const detail = (r.steps.find((s) => s.step === 'validate')?.figures.failures_detail ?? []) as readonly string[];
  for (const line of detail) lines.push(line.startsWith(' ') ? line : `${out.color.red('failed:')} ${line}`);
  if (detail.length) lines.push('');
  lines.push(`outputs in ${r.outDir}: ${outputsOf(r)}`);
  lines.push(r.passed ? out.color.green('verdict: PASSED, ready for cutover') : out.color.red('verdict: FAILED'));
  return lines.join('\n');
}

function figuresOf(s: StepReport): string {
  const f = s.figures;
  switch (s.step) {
    case 'load':
      if (s.status === 'skipped') return `${f.files} files unchanged, ${num(f.rows_staged)} rows staged, ${num(f.rows_rejected)} rejected`;
      return `${f.files} files (${f.loaded} loaded, ${f.unchanged} unchanged${f.removed ? `, ${f.removed} removed` : ''}), ${num(f.rows_staged)} rows staged, ${num(f.rows_rejected)} rejected`;
    case 'cleanse':
      return `${f.decisions_applied} decisions applied, ${f.unmapped} unmapped, ${f.pending_review} to review, ${num(f.held_back)} of ${num(f.lines)} lines held back`;
    case 'reconcile':
      return `accuracy ${(Number(f.accuracy) * 100).toFixed(2)}%, net ${f.net_variance_value}, gross ${f.gross_variance_value}`;
    case 'export':
      if (f.available === false) return 'no Odoo exporter in this build';
      return `Odoo ${(f.versions as string[]).join(', ')}: ${f.files} files, ${num(f.rows)} rows${(f.refused as string[]).length ? `; refused by the pre-flight: ${(f.refused as string[]).join(', ')}` : ''}`;
    case 'validate':
      return `${Number(f.checks) - Number(f.failures)} of ${f.checks} checks passed`;
    default:
      return Object.entries(f)
        .map(([k, v]) => `${k.replace(/_/g, ' ')} ${Array.isArray(v) ? v.join(', ') : String(v)}`)
        .join(', ');
  }
}

/** The output files, grouped by folder, so that the list fits a screen. */
function outputsOf(r: PipelineResult): string {
  const names: string[] = [];
  for (const s of r.steps) {
    const folders = new Map<string, number>();
    for (const o of s.outputs) {
      const parts = path.relative(r.outDir, o).split(path.sep);
      if (parts[0] === '..' || path.isAbsolute(parts[0]!)) names.push(o);
      else if (parts.length === 1) names.push(parts[0]!);
      else folders.set(`${parts[0]}/`, (folders.get(`${parts[0]}/`) ?? 0) + 1);
    }
    for (const [folder, n] of folders) names.push(`${folder} (${n} files)`);
  }
  return names.join(', ');
}

function num(v: unknown): string {
  return Number(v).toLocaleString('en-US');
}
