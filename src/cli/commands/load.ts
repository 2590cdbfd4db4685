/**
 * invsync load FILE... --as KIND [--map FILE] [--sheet NAME]
 *
 * Stage files into the workspace. Formats are told by their bytes: csv/txt (any
 * common delimiter; UTF-8, UTF-8 BOM or Windows-1252), xlsx, legacy xls, HTML
 * tables saved as .xls, and ANSI X12 846 for wms. Loading a file again replaces
 * its earlier load.
 */
import { Command, Option } from 'commander';
import { KINDS } from '../../core/model/kinds.js';
import { loadFiles, type LoadResult } from '../../core/loaders/load.js';
import type { CommandContext } from '../context.js';
import { table, type Output } from '../ui/output.js';
import { startProgress } from '../ui/progress.js';

const EXAMPLES = `
Examples:
  $ invsync load legacy/item-master.xlsx --as items
  $ invsync load stock-*.xlsx --as erp --sheet Stock
  $ invsync load wms-extract.csv --as wms --map maps/wms.yaml
  $ invsync load 3pl-846.edi --as wms --json`;

export function registerLoad(program: Command, ctx: CommandContext): void {
  program
    .command('load')
    .description('stage files of one kind into the workspace database')
    .argument('<files...>', 'csv, txt, xlsx, xls or X12 846 files')
    .addOption(new Option('--as <kind>', 'what the files hold').choices([...KINDS]).makeOptionMandatory())
    .option('--map <file>', 'column mapping (YAML or JSON) for headers no synonym knows')
    .option('--sheet <name>', 'read only this sheet (default: every sheet with a usable header)')
    .addHelpText('after', EXAMPLES)
    .action(async (files: string[], options: { as: string; map?: string; sheet?: string }, command: Command) => {
      const out = ctx.output(command);
      const progress = await startProgress(ctx.io, ctx.globals(command));
      try {
        const result = await ctx.withDatabase(command, { create: true }, (db, run) =>
          loadFiles(
            db,
            {
              files: files.map((f) => ctx.resolve(f)),
              kind: options.as,
              mapFile: options.map ? ctx.resolve(options.map) : undefined,
              sheet: options.sheet,
              onProgress: (p) => progress.update(`loading ${p.file}`, p.rows),
              secondThread: ctx.io.env.INVSYNC_THREADS !== '1',
            },
            run,
          ),
        );
        progress.stop();
        out.result(result, () => renderLoad(result, out));
      } finally {
        progress.stop();
      }
    });
}

export function renderLoad(result: LoadResult, out: Output): string {
  const lines: string[] = [];
  for (const f of result.files) {
    const how = [f.format, f.encoding, f.delimiter ? `delimiter ${JSON.stringify(f.delimiter)}` : undefined, f.decimalSeparator ? `decimal "${f.decimalSeparator}"` : undefined]
      .filter(Boolean)
      .join(', ');
    lines.push(`${out.color.bold(f.file)} as ${f.kind} (${how})`);
    if (f.replaced) {
      const note = { unchanged: 'replaced its earlier load (file unchanged)', changed: 'replaced its earlier load (the file has changed since)', 'same-content': `replaced an earlier load of the same content: ${f.replaced.previous}` }[f.replaced.how];
      lines.push(`  ${note}`);
    }
    for (const s of f.sheets) {
      const label = s.name ? `sheet "${s.name}"` : 'rows';
      if (s.headerRow === undefined) {
        lines.push(`  ${label}: skipped (${s.skipped})`);
        continue;
      }
      lines.push(`  ${label}: header at row ${s.headerRow}; ${s.rowsStaged.toLocaleString('en-US')} staged, ${s.rowsRejected.toLocaleString('en-US')} rejected`);
      lines.push(`    mapped: ${Object.entries(s.mapped).map(([c, h]) => `${c} ← "${h}"`).join(', ')}`);
      if (s.unmapped.length) lines.push(`    kept unmapped: ${s.unmapped.map((h) => `"${h}"`).join(', ')}`);
    }
    if (Object.keys(f.rejectsByReason).length) {
      lines.push(
        table(
          ['  rejected because', 'rows'],
          Object.entries(f.rejectsByReason).map(([reason, n]) => [`  ${reason}`, n]),
        ),
      );
    }
  }
  const t = result.totals;
  lines.push(`${t.rowsRead.toLocaleString('en-US')} rows read = ${t.rowsStaged.toLocaleString('en-US')} staged + ${t.rowsRejected.toLocaleString('en-US')} rejected (see \`invsync profile\`)`);
  return lines.join('\n');
}
