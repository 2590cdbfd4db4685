/**
 * The audit trail: every command run is a row in `runs`, written outside the
 * command's transaction so that a failed attempt is recorded while its changes are
 * rolled back.
 */
import { TOOL_VERSION } from '../version.js';
import { WorkspaceError } from '../errors.js';
import { inTransaction, type Db } from './database.js';

export interface RunInput {
  readonly path: string;
  readonly sha256: string;
}

export type Outcome = 'success' | 'failed' | 'check_failed';

export function startRun(db: Db, command: string, args: readonly string[]): number {
  try {
    const info = db
      .prepare('INSERT INTO runs (command, arguments, tool_version, started_at) VALUES (?, ?, ?, ?)')
      .run(command, JSON.stringify(args), TOOL_VERSION, new Date().toISOString());
    return Number(info.lastInsertRowid);
  } catch (err) {
    const code = (err as { code?: string }).code ?? '';
    if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
      throw new WorkspaceError('the workspace database is locked by another process', 'wait for the other invsync command to finish, then run this one again');
    }
    if (code.startsWith('SQLITE_READONLY')) throw new WorkspaceError('the workspace database is read-only', 'check the file’s permissions');
    throw err;
  }
}

export function finishRun(
  db: Db,
  runId: number,
  outcome: Outcome,
  details: { exitCode: number; message?: string; inputs?: readonly RunInput[]; result?: unknown },
): void {
  db.prepare('UPDATE runs SET ended_at = ?, outcome = ?, exit_code = ?, message = ?, inputs = ?, result = ? WHERE id = ?').run(
    new Date().toISOString(),
    outcome,
    details.exitCode,
    details.message ?? null,
    JSON.stringify(details.inputs ?? []),
    details.result === undefined ? null : JSON.stringify(details.result),
    runId,
  );
}

/** What a command records about itself while it runs. */
export class RunContext {
  readonly inputs: RunInput[] = [];
  constructor(readonly runId: number) {}
  addInput(input: RunInput): void {
    if (!this.inputs.some((i) => i.path === input.path && i.sha256 === input.sha256)) this.inputs.push(input);
  }
}

/**
 * Runs a command's work in one transaction, recorded in the audit trail: on failure
 * the staged data is exactly as before and only the `runs` row tells of the attempt.
 */
export async function recordedRun<T>(
  db: Db,
  command: string,
  args: readonly string[],
  work: (run: RunContext) => Promise<T>,
  outcomeOf: (result: T) => { outcome: Outcome; exitCode: number } = () => ({ outcome: 'success', exitCode: 0 }),
): Promise<T> {
  const run = new RunContext(startRun(db, command, args));
  let result: T;
  try {
    result = await inTransaction(db, () => work(run));
  } catch (err) {
    const exitCode = (err as { exitCode?: number }).exitCode ?? 70;
    finishRun(db, run.runId, 'failed', { exitCode, message: (err as Error).message, inputs: run.inputs });
    throw err;
  }
  const { outcome, exitCode } = outcomeOf(result);
  finishRun(db, run.runId, outcome, { exitCode, inputs: run.inputs, result });
  return result;
}
