/**
 * The demo's cycle count on the sample data, after cleansing: plan a week from the
 * cutover date, write the blind sheets, ingest the bundled filled-in sheets round by
 * round (first counts, recounts, a third count), and close. Callable on its own on
 * any workspace that holds the cleansed sample data.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { RunContext } from '../staging/audit.js';
import type { Db } from '../staging/database.js';
import type { WorkspaceConfig } from '../workspace/config.js';
import { closeCounts, type CloseResult } from './close.js';
import { ingestCounts, type IngestResult } from './ingest.js';
import { planCounts, type PlanResult } from './plan.js';
import { countSettings } from './settings.js';
import { writeCountSheets, type SheetsResult } from './sheets.js';

/** The sample data's cutover date: the book and the twelve months of moves end here. */
export const DEMO_AS_OF = '2026-06-30';
export const DEMO_DAYS = 7;
/** Where the bundled filled-in sheets are, per round, inside fixtures/demo. */
export const DEMO_CYCLE_FOLDER = 'cycle-count';

export interface CountCycleDemoResult {
  readonly plan: PlanResult;
  readonly sheets: SheetsResult;
  readonly rounds: readonly { readonly folder: string; readonly result: IngestResult }[];
  readonly close: CloseResult;
}

export async function runCountCycleDemo(db: Db, options: { fixtures: string; outDir: string; config: WorkspaceConfig }, run?: RunContext): Promise<CountCycleDemoResult> {
  const settings = countSettings(options.config.sections.counts);
  // The walk-through starts afresh each time, so that a second `demo` prints and
  // writes the same as the first (plan 1 again, not plan 2 over stale tasks).
  db.exec('DELETE FROM count_results; DELETE FROM count_tasks; DELETE FROM count_places; DELETE FROM count_classes; DELETE FROM count_plans;');
  const plan = planCounts(db, { asOf: DEMO_AS_OF, days: DEMO_DAYS, settings });
  const sheets = await writeCountSheets(db, { outDir: path.join(options.outDir, 'count-sheets') });
  const rounds: { folder: string; result: IngestResult }[] = [];
  for (const folder of demoRoundFolders(options.fixtures)) {
    const dir = path.join(options.fixtures, DEMO_CYCLE_FOLDER, folder);
    const files = fs.readdirSync(dir).filter((f) => /\.(xlsx|csv)$/.test(f)).sort().map((f) => path.join(dir, f));
    rounds.push({ folder, result: await ingestCounts(db, { files, config: options.config, settings }, run) });
  }
  const close = await closeCounts(db, { outDir: path.join(options.outDir, 'count'), odooVersion: options.config.odooVersion, config: options.config, settings });
  return { plan, sheets, rounds, close };
}

/** round-1, round-2, … in order. */
export function demoRoundFolders(fixtures: string): string[] {
  const dir = path.join(fixtures, DEMO_CYCLE_FOLDER);
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => /^round-\d+$/.test(f))
    .sort((a, b) => Number(a.slice(6)) - Number(b.slice(6)));
}
