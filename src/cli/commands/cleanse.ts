/**
 * invsync cleanse [--review FILE] [--accept FILE]
 *
 * Maps every SKU spelling in the staged sources to one canonical SKU of the item
 * master (exact, same key, lost leading zeros, revision suffix; merged duplicates),
 * clusters duplicate items, and converts every quantity to its item's base unit with
 * Odoo's rules. What it will not decide alone goes to a review workbook; --accept
 * applies a reviewed one.
 */
import type { Command } from 'commander';
import { cleanseWorkspace, type CleanseResult } from '../../core/cleanse/cleanse.js';
import { readReviewDecisions, storeDecisions, writeReviewWorkbook } from '../../core/cleanse/review.js';
import { readWorkspaceConfig } from '../../core/workspace/config.js';
import type { CommandContext } from '../context.js';
import { table, type Output } from '../ui/output.js';
import { startProgress } from '../ui/progress.js';

const EXAMPLES = `
Examples:
  $ invsync cleanse
  $ invsync cleanse --review review.xlsx      # decide the open cases in Excel, then:
  $ invsync cleanse --accept review.xlsx
  $ invsync cleanse --json | jq .spellings`;

export interface CleanseCommandResult extends CleanseResult {
  readonly accepted?: number;
  readonly reviewWorkbook?: { readonly file: string; readonly rows: number };
}

export function registerCleanse(program: Command, ctx: CommandContext): void {
  program
    .command('cleanse')
    .description('one canonical SKU per spelling, every quantity in its base unit')
    .option('--review <file>', 'write the cases to decide to this xlsx workbook')
    .option('--accept <file>', 'apply the decisions of a reviewed workbook first')
    .option('--config <file>', 'workspace configuration (default ./invsync.yaml)')
    .addHelpText('after', EXAMPLES)
    .action(async (options: { review?: string; accept?: string; config?: string }, command: Command) => {
      const out = ctx.output(command);
      const config = readWorkspaceConfig(ctx.io.cwd, options.config);
      const progress = await startProgress(ctx.io, ctx.globals(command));
      try {
        const result = await ctx.withDatabase(command, { create: false }, async (db): Promise<CleanseCommandResult> => {
          let accepted: number | undefined;
          if (options.accept) {
            const file = ctx.resolve(options.accept);
            // The first pass makes sure the clusters and items the decisions name exist.
            cleanseWorkspace(db, { config });
            accepted = storeDecisions(db, file, await readReviewDecisions(file));
          }
          const cleansed = cleanseWorkspace(db, { config, onProgress: (step, n) => progress.update(step, n) });
          let reviewWorkbook: CleanseCommandResult['reviewWorkbook'];
          if (options.review) {
            const file = ctx.resolve(options.review);
            reviewWorkbook = { file, ...(await writeReviewWorkbook(db, file)) };
          }
          return { ...cleansed, ...(accepted !== undefined ? { accepted } : {}), ...(reviewWorkbook ? { reviewWorkbook } : {}) };
        });
        progress.stop();
        out.result(result, () => renderCleanse(result, out));
      } finally {
        progress.stop();
      }
    });
}

export function renderCleanse(r: CleanseCommandResult, out: Output): string {
  const s = r.spellings;
  const lines = [
    out.color.bold('SKU spellings'),
    table(
      ['mapped automatically', 'merged', 'confirmed', 'to review', 'unmapped', 'rejected', 'total'],
      [[s.auto, s.merged, s.confirmed, s.review, s.unmapped, s.rejected, s.total]],
    ),
    '',
    `Item master: ${r.items.masterRows} rows → ${r.items.canonical} items; ${r.clusters.total} duplicate clusters (${r.clusters.autoMerged} merged automatically, ${r.clusters.decided} decided, ${r.clusters.review} to review); ${r.items.invalidBarcodes} invalid barcodes`,
    '',
    out.color.bold('Quantities in base units'),
    table(
      ['kind', 'lines', 'usable', 'held back', 'why'],
      Object.entries(r.quantities).map(([kind, q]) => {
        const held = Object.values(q.heldBack).reduce((a, b) => a + b, 0);
        return [kind, q.lines, q.usable, held, Object.entries(q.heldBack).map(([why, n]) => `${why.replace(/_/g, ' ')} ${n}`).join(', ')];
      }),
    ),
  ];
  if (r.accepted !== undefined) lines.push('', `applied ${r.accepted} review decisions`);
  if (r.reviewWorkbook) lines.push('', `wrote ${r.reviewWorkbook.rows} rows to review to ${r.reviewWorkbook.file}`);
  else if (r.pendingReview > 0) lines.push('', `${r.pendingReview} cases wait for a decision: invsync cleanse --review review.xlsx`);
  return lines.join('\n');
}
