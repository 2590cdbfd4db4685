/**
 * One error type per exit code. Core code throws these; the CLI maps them to exit
 * codes in one table (src/cli/main.ts) and prints `message` plus `hint`.
 * Findings (variances, failed checks) are results, not exceptions.
 */
export abstract class InvsyncError extends Error {
  abstract readonly exitCode: number;
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Exit 1: the data failed a check the user asked for. */
export class CheckFailedError extends InvsyncError {
  readonly exitCode = 1;
}

/** Exit 2: unknown command or flag, bad flag value. */
export class UsageError extends InvsyncError {
  readonly exitCode = 2;
}

/** Where in an input a problem sits; every part is optional but the file. */
export interface InputLocation {
  file: string;
  sheet?: string;
  row?: number;
  column?: string;
}

/** Exit 3: an input file is unreadable, malformed or cannot be mapped. */
export class InputError extends InvsyncError {
  readonly exitCode = 3;
  constructor(
    readonly where: InputLocation,
    what: string,
    hint?: string,
  ) {
    super(`${formatLocation(where)}: ${what}`, hint);
  }
}

/** Exit 4: missing, locked or incompatible database; unwritable output. */
export class WorkspaceError extends InvsyncError {
  readonly exitCode = 4;
}

export function formatLocation(where: InputLocation): string {
  const parts = [where.file];
  if (where.sheet) parts.push(`sheet "${where.sheet}"`);
  if (where.row !== undefined) parts.push(`row ${where.row}`);
  if (where.column !== undefined) parts.push(`column "${where.column}"`);
  return parts.join(', ');
}

/**
 * An output that could not be written, as the user reads it: the file and the
 * system's code ("cannot write out/valuation.csv: EISDIR"). A WorkspaceError passes
 * as it is (it already names its file).
 */
export function cannotWrite(file: string, err: unknown, hint = 'check that the folder exists and is writable'): WorkspaceError {
  if (err instanceof WorkspaceError) return err;
  return new WorkspaceError(`cannot write ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, hint);
}
