/**
 * `demo`: the pipeline on the bundled sample data (fixtures/demo, with its own
 * invsync.yaml), staged in the current workspace so that every other command can be
 * tried on it afterwards: load every source, cleanse, write the review workbook,
 * reconcile and write the reports to the output folder.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cleanseWorkspace, type CleanseResult } from './cleanse/cleanse.js';
import { runCountCycleDemo, type CountCycleDemoResult } from './counts/demo.js';
import { writeReviewWorkbook } from './cleanse/review.js';
import { WorkspaceError } from './errors.js';
import { reconcile, type ReconcileCommandResult } from './reconcile/reconcile.js';
import { readWorkspaceConfig } from './workspace/config.js';
import { loadFiles, type LoadOptions, type LoadResult } from './loaders/load.js';
import { profileWorkspace, type ProfileResult } from './profile/profile.js';
import type { RunContext } from './staging/audit.js';
import type { Db } from './staging/database.js';

export interface DemoSource {
  readonly file: string;
  readonly kind: string;
  readonly map?: string;
  readonly sheet?: string;
  readonly note?: string;
}

export interface DemoResult {
  readonly fixtures: string;
  readonly loads: readonly LoadResult[];
  readonly cleanse: CleanseResult;
  readonly reviewWorkbook: { readonly file: string; readonly rows: number };
  readonly reconcile: ReconcileCommandResult;
  readonly profile: ProfileResult;
  readonly countCycle: CountCycleDemoResult;
}

/** fixtures/demo of the installed package (dist/src/core → ../../../fixtures/demo). */
export function bundledFixtures(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  for (const up of ['../../..', '../..']) {
    const candidate = path.resolve(here, up, 'fixtures', 'demo');
    if (fs.existsSync(path.join(candidate, 'sources.json'))) return candidate;
  }
  throw new WorkspaceError('the bundled sample data (fixtures/demo) is missing from this installation');
}

export function readDemoSources(fixtures: string): DemoSource[] {
  return JSON.parse(fs.readFileSync(path.join(fixtures, 'sources.json'), 'utf8')) as DemoSource[];
}

export async function runDemo(
  db: Db,
  options: { fixtures?: string; outDir: string; onProgress?: LoadOptions['onProgress']; onStep?: (message: string) => void },
  run?: RunContext,
): Promise<DemoResult> {
  const fixtures = options.fixtures ?? bundledFixtures();
  const config = readWorkspaceConfig(fixtures);
  const loads: LoadResult[] = [];
  for (const source of readDemoSources(fixtures)) {
    options.onStep?.(`load ${source.file} as ${source.kind}`);
    loads.push(
      await loadFiles(
        db,
        {
          files: [path.join(fixtures, source.file)],
          kind: source.kind,
          mapFile: source.map ? path.join(fixtures, source.map) : undefined,
          sheet: source.sheet,
          onProgress: options.onProgress,
        },
        run,
      ),
    );
  }
  options.onStep?.('cleanse');
  const cleanse = cleanseWorkspace(db, { config });
  const reviewFile = path.join(options.outDir, 'review.xlsx');
  const reviewWorkbook = { file: reviewFile, ...(await writeReviewWorkbook(db, reviewFile)) };
  options.onStep?.('reconcile');
  const reconciled = await reconcile(db, { config, outDir: options.outDir, cleansed: true });
  const profile = profileWorkspace(db);
  options.onStep?.('cycle count');
  const countCycle = await runCountCycleDemo(db, { fixtures, outDir: options.outDir, config }, run);
  return { fixtures, loads, cleanse, reviewWorkbook, reconcile: reconciled, profile, countCycle };
}
