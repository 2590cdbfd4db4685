/**
 * `demo`: `run` over the bundled sample data (fixtures/demo and its invsync.yaml,
 * which names the sources, the reviewed decisions, the tolerances, the Odoo versions
 * and the validate thresholds), staged in the current workspace so that every other
 * command can be tried on it afterwards. Reports, the review workbook, the load files
 * and validate's JUnit XML go to the output folder.
 *
 * A new step of the cutover belongs in PIPELINE_STEPS (src/core/pipeline/pipeline.ts),
 * so that `run` does it too; the demo then does it without a change here. Work that
 * only the demo shows (a walk-through on the staged sample) goes after runPipeline.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WorkspaceError } from './errors.js';
import type { LoadProgress } from './loaders/load.js';
import { runCountCycleDemo, type CountCycleDemoResult } from './counts/demo.js';
import { runPipeline, type PipelineResult } from './pipeline/pipeline.js';
import { profileWorkspace, type ProfileResult } from './profile/profile.js';
import type { RunContext } from './staging/audit.js';
import type { Db } from './staging/database.js';
import { CONFIG_FILE } from './workspace/init.js';
import { readWorkspaceConfig } from './workspace/config.js';

export interface DemoResult {
  readonly fixtures: string;
  readonly pipeline: PipelineResult;
  readonly profile: ProfileResult;
  readonly countCycle: CountCycleDemoResult;
}

/** fixtures/demo of the installed package (dist/src/core → ../../../fixtures/demo). */
export function bundledFixtures(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  for (const up of ['../../..', '../..']) {
    const candidate = path.resolve(here, up, 'fixtures', 'demo');
    if (fs.existsSync(path.join(candidate, CONFIG_FILE))) return candidate;
  }
  throw new WorkspaceError('the bundled sample data (fixtures/demo) is missing from this installation');
}

export async function runDemo(
  db: Db,
  options: { fixtures?: string; outDir: string; force?: boolean; onProgress?: (progress: LoadProgress) => void; onStep?: (message: string) => void },
  run: RunContext,
): Promise<DemoResult> {
  const fixtures = options.fixtures ?? bundledFixtures();
  const config = readWorkspaceConfig(fixtures);
  const pipeline = await runPipeline(
    db,
    { config, outDir: options.outDir, force: options.force, onProgress: options.onProgress, onStep: (_step, message) => options.onStep?.(message) },
    run,
  );
  const profile = profileWorkspace(db);
  // A walk-through only the demo shows: a small cycle count on the staged sample.
  options.onStep?.('cycle count');
  const countCycle = await runCountCycleDemo(db, { fixtures, outDir: options.outDir, config }, run);
  return { fixtures, pipeline, profile, countCycle };
}
