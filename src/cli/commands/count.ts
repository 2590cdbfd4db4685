/**
 * invsync count plan|sheets|ingest|close
 *
 * Cycle counts after cleansing: an ABC plan of count tasks spread over the working
 * days (each with the book quantity it will be compared with), blind count sheets in
 * walking order, ingest of the filled-in sheets with tolerances per class and
 * recounts, and the close: adjustments as Odoo's physical inventory import plus the
 * accuracy KPIs.
 */
import type { Command } from 'commander';
import { closeCounts, type CloseResult } from '../../core/counts/close.js';
import type { CountCycleDemoResult } from '../../core/counts/demo.js';
import { ingestCounts, type IngestResult } from '../../core/counts/ingest.js';
import { DEFAULT_PLAN_DAYS, planCounts, type PlanResult } from '../../core/counts/plan.js';
import { countSettings, CLASSES } from '../../core/counts/settings.js';
import { writeCountSheets, type SheetsResult } from '../../core/counts/sheets.js';
import { UsageError } from '../../core/errors.js';
import { readWorkspaceConfig } from '../../core/workspace/config.js';
import type { CommandContext } from '../context.js';
import { table, type Output } from '../ui/output.js';
import { startProgress } from '../ui/progress.js';

const EXAMPLES = `
Examples:
  $ invsync count plan --as-of 2026-06-30 --days 30
  $ invsync count sheets --out sheets --from 2026-07-01 --to 2026-07-03
  $ invsync count ingest sheets/count-2026-07-01-WH-NORTH.xlsx counts-vans.csv
  $ invsync count close --out out --odoo-version 18`;

export function registerCount(program: Command, ctx: CommandContext): void {
  const count = program.command('count').description('cycle counts: ABC plan, blind sheets, ingest with recounts, close to Odoo').addHelpText('after', EXAMPLES);

  count
    .command('plan')
    .description('ABC classes and count tasks over the working days, with the book snapshot')
    .requiredOption('--as-of <date>', 'book and usage date (YYYY-MM-DD); the period starts the day after')
    .option('--days <n>', `calendar days of the period (default ${DEFAULT_PLAN_DAYS})`)
    .option('--config <file>', 'workspace configuration (default ./invsync.yaml)')
    .addHelpText('after', '\nExamples:\n  $ invsync count plan --as-of 2026-06-30 --days 30')
    .action(async (options: { asOf: string; days?: string; config?: string }, command: Command) => {
      const out = ctx.output(command);
      const config = readWorkspaceConfig(ctx.io.cwd, options.config);
      const settings = countSettings(config.sections.counts);
      const days = options.days === undefined ? undefined : Number(options.days);
      if (days !== undefined && !Number.isInteger(days)) throw new UsageError(`--days must be a whole number, not "${options.days}"`);
      const progress = await startProgress(ctx.io, ctx.globals(command));
      try {
        const result = await ctx.withDatabase(command, { create: false }, async (db) => planCounts(db, { asOf: options.asOf, days, settings, config, onProgress: (s, n) => progress.update(s, n) }));
        progress.stop();
        out.result(result, () => renderPlan(result, out));
      } finally {
        progress.stop();
      }
    });

  count
    .command('sheets')
    .description('blind count sheets (xlsx), one per warehouse and day, in walking order')
    .option('--out <dir>', 'folder for the workbooks', 'count-sheets')
    .option('--from <date>', 'only tasks due on or after this day')
    .option('--to <date>', 'only tasks due on or before this day')
    .addHelpText('after', '\nExamples:\n  $ invsync count sheets --out sheets --from 2026-07-01 --to 2026-07-01')
    .action(async (options: { out: string; from?: string; to?: string }, command: Command) => {
      const out = ctx.output(command);
      const result = await ctx.withDatabase(command, { create: false }, (db) => writeCountSheets(db, { outDir: ctx.resolve(options.out), from: options.from, to: options.to }));
      out.result(result, () => renderSheets(result));
    });

  count
    .command('ingest')
    .description('filled-in sheets or counts files against the plan: variances, tolerances, recounts')
    .argument('<files...>', 'filled-in count sheets (xlsx) or counts files (csv, xlsx)')
    .option('--config <file>', 'workspace configuration (default ./invsync.yaml)')
    .addHelpText('after', '\nExamples:\n  $ invsync count ingest sheets/*.xlsx')
    .action(async (files: string[], options: { config?: string }, command: Command) => {
      const out = ctx.output(command);
      const config = readWorkspaceConfig(ctx.io.cwd, options.config);
      const settings = countSettings(config.sections.counts);
      const result = await ctx.withDatabase(command, { create: false }, (db, run) => ingestCounts(db, { files: files.map((f) => ctx.resolve(f)), config, settings }, run));
      out.result(result, () => renderIngest(result));
    });

  count
    .command('close')
    .description('accepted counts as an Odoo physical inventory import, with accuracy KPIs')
    .option('--out <dir>', 'folder for the import file and the KPI report', 'out')
    .option('--odoo-version <version>', 'Odoo version of the import file: 17, 18 or 19 (default: invsync.yaml, else 18)')
    .option('--config <file>', 'workspace configuration (default ./invsync.yaml)')
    .addHelpText('after', '\nExamples:\n  $ invsync count close --out out --odoo-version 17')
    .action(async (options: { out: string; odooVersion?: string; config?: string }, command: Command) => {
      const out = ctx.output(command);
      const config = readWorkspaceConfig(ctx.io.cwd, options.config);
      const settings = countSettings(config.sections.counts);
      const version = options.odooVersion === undefined ? config.odooVersion : Number(options.odooVersion);
      if (version !== 17 && version !== 18 && version !== 19) throw new UsageError(`--odoo-version must be 17, 18 or 19, not "${options.odooVersion}"`);
      const result = await ctx.withDatabase(command, { create: false }, (db) => closeCounts(db, { outDir: ctx.resolve(options.out), odooVersion: version, config, settings }));
      out.result(result, () => renderClose(result, out));
    });
}

const percent = (ratio: string): string => `${(Number(ratio) * 100).toFixed(2)}%`;
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

export function renderPlan(r: PlanResult, out: Output): string {
  return [
    out.color.bold(`Count plan ${r.plan}: ${r.firstDay} .. ${r.lastDay}, ${r.workingDays} working days, ${r.tasks} tasks (${r.tasksPerDay.min}..${r.tasksPerDay.max} a day)`),
    table(
      ['class', 'SKUs', 'value', 'places', 'counts/year', 'tasks'],
      CLASSES.map((c) => [c, r.classes[c].skus, r.classes[c].value, r.classes[c].locations, r.classes[c].perYear, r.classes[c].tasks]),
    ),
    `ranked by annual usage value ${r.usageWindow.from} .. ${r.usageWindow.to}: ${plural(r.basis.usage, 'SKU')}; by on-hand value (no issues in the window): ${plural(r.basis.onHand, 'SKU')}`,
    `opportunity counts (book zero or negative): ${r.opportunityCounts}${r.superseded ? `; plan ${r.superseded} superseded` : ''}`,
    ...(r.cleansedFirst ? ['(the staged data changed since the last cleanse: cleansed first)'] : []),
  ].join('\n');
}

export function renderSheets(r: SheetsResult): string {
  return `${r.files.length} blind count sheet${r.files.length === 1 ? '' : 's'} (${r.lines} lines) for plan ${r.plan}${r.files.length ? ` in ${r.files[0]!.file.replace(/[\\/][^\\/]*$/, '')}` : ''}`;
}

export function renderIngest(r: IngestResult): string {
  const o = r.outcomes;
  const lines = [
    `${plural(r.files.length, 'file')}, ${plural(r.rows, 'line')}: ${plural(r.counts, 'count')}, ${r.blank} left blank`,
    `accepted ${o.accepted}, recounts asked ${o.recount}, third counts asked ${o.third_count}, unplanned ${o.unplanned}; ${plural(r.openTasks, 'task')} still open`,
  ];
  const reasons = Object.entries(r.unplannedReasons);
  if (reasons.length) lines.push(`unplanned counts kept: ${reasons.map(([k, n]) => `${k} ${n}`).join(', ')}`);
  return lines.join('\n');
}

export function renderClose(r: CloseResult, out: Output): string {
  const k = r.kpis;
  const row = (name: string, c: (typeof k)['overall']): (string | number)[] => [name, c.planned, c.counted, c.accepted, percent(c.inventoryRecordAccuracy), percent(c.recountRate), c.adjustments, c.grossAdjustmentValue, c.netAdjustmentValue];
  return [
    out.color.bold(`Closed count plan ${k.plan}: ${r.adjustments} adjustments for Odoo ${k.odooVersion}`),
    table(['class', 'planned', 'counted', 'accepted', 'IRA', 'recount rate', 'adjustments', 'gross value', 'net value'], [...CLASSES.map((c) => row(c, k.byClass[c])), row('all', k.overall)]),
    `waiting for a recount ${k.overall.pendingRecount}, not counted ${k.overall.notCounted}, unplanned counts kept ${k.unplannedCounts}${r.rounded ? `, ${r.rounded} counts rounded to the unit's precision` : ''}`,
    ...(r.notImported.length ? [`not in the Odoo file (nothing the opening-stock export creates to refer to): ${r.notImported.length}`, ...r.notImported.map((n) => `  ${n.sku} @ ${n.location}${n.lot ? ` / ${n.lot}` : ''} counted ${n.counted}: ${n.reason}`)] : []),
    `files: ${Object.values(r.files).join(', ')}`,
  ].join('\n');
}

/** The demo's count cycle: plan, sheets, each round's ingest, close. */
export function renderCountCycle(r: CountCycleDemoResult, out: Output): string {
  return [
    renderPlan(r.plan, out),
    renderSheets(r.sheets),
    ...r.rounds.flatMap((round) => [`${round.folder}: ${renderIngest(round.result).replace(/\n/g, '\n  ')}`]),
    renderClose(r.close, out),
  ].join('\n');
}
