/**
 * Runs the CLI in-process (fast) or as a real process (bin/invsync), capturing
 * stdout, stderr and the exit code, with NO_COLOR and temp paths normalised.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../../src/cli/main.js';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SHARED_SAMPLES = path.resolve(REPO, '../shared/samples');

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export async function runCli(args: readonly string[], options: { cwd: string; env?: NodeJS.ProcessEnv } ): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    stdout: { write: (s: string) => (stdout += s), isTTY: false },
    stderr: { write: (s: string) => (stderr += s), isTTY: false },
    env: { NO_COLOR: '1', ...options.env },
    cwd: options.cwd,
  });
  return { code, stdout, stderr };
}

/** The built binary, as a user runs it (needs `npm run build`). */
export function spawnCli(args: readonly string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): CliRun {
  const result = spawnSync(process.execPath, [path.join(REPO, 'bin/invsync'), ...args], {
    cwd: options.cwd,
    env: { ...process.env, NO_COLOR: '1', CI: '1', ...options.env },
    encoding: 'utf8',
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

export function tempWorkspace(prefix = 'invsync-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Replaces a temp folder's path by <ws> so output can be compared to golden text. */
export function normalise(text: string, workspace: string): string {
  return text.split(fs.realpathSync(workspace)).join('<ws>').split(workspace).join('<ws>').split(REPO).join('<repo>');
}
