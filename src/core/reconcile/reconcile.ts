/**
 * `reconcile`: compute the three legs (engine.ts), then write the reports: variance.csv,
 * valuation.csv, sync.csv, summary.json and variance.xlsx in the output folder. Each
 * file is written under a temporary name and renamed, so a failure leaves no
 * half-written report. Cleansing runs first when the staged data changed since the
 * last cleanse (the comparison needs canonical SKUs and base units).
 */
import fs from 'node:fs';
import path from 'node:path';
import { catalogueFor, cleanseWorkspace } from '../cleanse/cleanse.js';
import { decimalsOf } from '../uom/index.js';
import type { Db } from '../staging/database.js';
import { cannotWrite } from '../errors.js';
import { tempNameFor, writeCsv } from '../reports/csv.js';
import { writeFileAtomic } from '../reports/files.js';
import { DEFAULT_MAX_DETAIL_ROWS, writeReconcileWorkbook, type DetailSelection, type Lines } from '../reports/reconcile-workbook.js';
import type { WorkspaceConfig } from '../workspace/config.js';
import { openReconciliation, type Selection } from './engine.js';
import { failingMeasures, parseFailOn, type FailedMeasure } from './fail-on.js';
import { toleranceConfig } from './tolerance.js';
import { QUANTITY_COLUMNS, SYNC_COLUMNS, type ReconcileSummary, type ValuationLine } from './types.js';
import { ValuationThread, writeValuationCsv } from './valuation-thread.js';

export interface ReconcileOptions {
  readonly config: WorkspaceConfig;
  readonly outDir: string;
  /** `--tolerance qty=1,percent=2,value=10`: overrides invsync.yaml's global tolerances. */
  readonly tolerance?: string;
  /** `--fail-on accuracy<0.97,net_value>1000`. */
  readonly failOn?: string;
  readonly onProgress?: (step: string, count: number) => void;
  /** Lines per detail sheet of variance.xlsx (default DEFAULT_MAX_DETAIL_ROWS); the CSV files hold every line. */
  readonly maxDetailRows?: number;
  /** The caller has just cleansed (the demo, `run`): no need to check. */
  readonly cleansed?: boolean;
  /**
   * Run the value leg on a second thread where it can (valuation-thread.ts); the CLI
   * turns it off with INVSYNC_THREADS=1. Off unless asked for.
   */
  readonly secondThread?: boolean;
}

export interface ReconcileCommandResult {
  readonly summary: ReconcileSummary;
  readonly files: Readonly<Record<string, string>>;
  readonly cleansedFirst: boolean;
  readonly failed: readonly FailedMeasure[];
  /** Threads the comparison ran on: 2 where the value leg had its own (valuation-thread.ts). */
  readonly threads: 1 | 2;
}

/** Has anything been loaded since the last successful cleanse? */
export function cleanseIsStale(db: Db): boolean {
  // Every command that cleanses when the staged data changed leaves it cleansed. Older
  // versions recorded subcommands by their verb alone ('odoo', 'plan').
  const lastCleanse = (
    db
      .prepare("SELECT max(id) AS id FROM runs WHERE outcome IN ('success', 'check_failed') AND command IN ('cleanse', 'demo', 'reconcile', 'run', 'export odoo', 'validate', 'count plan', 'odoo', 'plan')")
      .get() as { id: number | null }
  ).id;
  const lastLoad = (db.prepare('SELECT max(run_id) AS id FROM sources').get() as { id: number | null }).id;
  const empty = (db.prepare('SELECT count(*) AS n FROM quantities').get() as { n: number }).n === 0;
  return lastCleanse === null || (lastLoad !== null && lastLoad > lastCleanse) || empty;
}

export async function reconcile(db: Db, options: ReconcileOptions): Promise<ReconcileCommandResult> {
  const thresholds = options.failOn ? parseFailOn(options.failOn) : [];
  const tolerances = toleranceConfig(options.config.sections.tolerances, options.tolerance);
  const cleansedFirst = !options.cleansed && cleanseIsStale(db);
  if (cleansedFirst) cleanseWorkspace(db, { config: options.config, onProgress: options.onProgress });
  options.onProgress?.('comparing', 0);
  const files = {
    variance: path.join(options.outDir, 'variance.csv'),
    valuation: path.join(options.outDir, 'valuation.csv'),
    sync: path.join(options.outDir, 'sync.csv'),
    summary: path.join(options.outDir, 'summary.json'),
    workbook: path.join(options.outDir, 'variance.xlsx'),
  };
  const cap = options.maxDetailRows ?? DEFAULT_MAX_DETAIL_ROWS;
  // The value leg runs beside the quantity leg on a second thread where it can: it
  // reads only what is committed, and a cleanse in this run is not (valuation-thread.ts).
  // It writes valuation.csv under a name of its own, renamed here once the files before
  // it are written, so that a failure leaves the same files as on one thread.
  const valuationAside = tempNameFor(files.valuation);
  const thread = options.secondThread && !cleansedFirst && !options.cleansed ? ValuationThread.start(db, { tolerances, file: valuationAside, cap }) : null;
  let valuationPlaced = false;
  try {
    const result = openReconciliation(db, { tolerances, valuation: thread ? 'elsewhere' : 'here' });
    options.onProgress?.('writing reports', result.counts.quantity);
    // The CSV files hold every line, streamed in order. The value leg's full walk (for
    // valuation.csv) also gathers its figures for the summary and keeps its lines that
    // are not a match, up to the sheet's cap, for the workbook.
    await writeCsv(files.variance, QUANTITY_COLUMNS, result.quantityCsvRows());
    await writeCsv(files.sync, SYNC_COLUMNS, result.systems);
    // What the workbook needs of this connection, asked while the value leg may still run.
    const decimals = unitDecimals(db, options.config);
    const currency = currencyOf(db);
    const valuation = thread ? await thread.report : await writeValuationCsv(result.valuation!, files.valuation, cap);
    if (thread) {
      await fs.promises.rename(valuationAside, files.valuation).catch((err: unknown) => {
        throw cannotWrite(files.valuation, err);
      });
      valuationPlaced = true;
    }
    const summary = result.summary(valuation.figures);
    writeFileAtomic(files.summary, `${JSON.stringify(summary, null, 2)}\n`);
    const valuationLines = (select: Selection): Lines<ValuationLine> =>
      select === 'exceptions' ? valuation.exceptions : thread ? thread.lines(select) : result.valuation!.lines(select);
    await writeReconcileWorkbook(files.workbook, {
      summary,
      quantity: detailSelection(result.counts.quantity, cap, result.quantityLines.bind(result)),
      valuation: detailSelection(summary.valuation.lines, cap, valuationLines),
      systems: result.systems,
      currency,
      quantityDecimals: (line) => decimals.get(line.sku) ?? 3,
      maxDetailRows: cap,
    });
    return { summary, files, cleansedFirst, failed: failingMeasures(summary, thresholds), threads: thread ? 2 : 1 };
  } finally {
    await thread?.close();
    if (thread && !valuationPlaced) await fs.promises.rm(valuationAside, { force: true });
  }
}

/**
 * What a detail sheet shows: every line when they fit under the cap; else the lines
 * that are not a match first (the ones a person works through), then matches, up to
 * the cap, each part in report order. A sheet that holds a million matches helps no
 * one, and Excel stops at 1,048,576 rows.
 */
function detailSelection<L extends { status: string }>(total: number, cap: number, lines: (select: Selection) => Lines<L>): DetailSelection<L> {
  if (total <= cap) return { lines: lines('all'), total };
  async function* pick(): AsyncGenerator<L> {
    let shown = 0;
    for (const select of ['exceptions', 'matches'] as const) {
      for await (const line of lines(select)) {
        if (shown++ >= cap) return;
        yield line;
      }
    }
  }
  return { lines: pick(), total, note: 'every line that is not a match first, then matches in order' };
}

/** Decimals of each item's base unit (its Odoo rounding), so the workbook shows quantities at their unit's precision. */
function unitDecimals(db: Db, config: WorkspaceConfig): Map<string, number> {
  const catalogue = catalogueFor(config);
  const out = new Map<string, number>();
  // A handful of units serve every item: each is looked up once.
  const byUnit = new Map<string, number | undefined>();
  const decimalsOfUnit = (unit: string): number | undefined => {
    try {
      return decimalsOf(catalogue.odoo(unit, config.odooVersion).rounding);
    } catch {
      return undefined; // a unit this version does not have: the default precision
    }
  };
  for (const [sku, unit] of db.prepare('SELECT sku, uom_key FROM items_clean WHERE uom_key IS NOT NULL').raw(true).all() as [string, string][]) {
    if (!byUnit.has(unit)) byUnit.set(unit, decimalsOfUnit(unit));
    const decimals = byUnit.get(unit);
    if (decimals !== undefined) out.set(sku, decimals);
  }
  return out;
}

/** The GL's currency when it names one (and only one). */
function currencyOf(db: Db): string | undefined {
  const rows = db.prepare('SELECT DISTINCT currency FROM gl WHERE currency IS NOT NULL').all() as { currency: string }[];
  return rows.length === 1 ? rows[0]!.currency : undefined;
}
