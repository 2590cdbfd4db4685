/**
 * `demo`: the pipeline on the bundled sample data (fixtures/demo), staged in the
 * current workspace so that every other command can be tried on it afterwards.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WorkspaceError } from './errors.js';
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
  readonly profile: ProfileResult;
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
  options: { fixtures?: string; onProgress?: LoadOptions['onProgress']; onStep?: (message: string) => void },
  run?: RunContext,
): Promise<DemoResult> {
  const fixtures = options.fixtures ?? bundledFixtures();
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
  return { fixtures, loads, profile: profileWorkspace(db) };
}
