/** What every command gets: its io, the global options, output and the database. */
import path from 'node:path';
import type { Command } from 'commander';
import { DEFAULT_DB_FILE, openDatabase, type Db } from '../core/staging/database.js';
import { recordedRun, type RunContext } from '../core/staging/audit.js';
import type { Outcome } from '../core/staging/audit.js';
import type { CliIo } from './io.js';
import type { GlobalOptions } from './options.js';
import { Output } from './ui/output.js';

export class CommandContext {
  exitCode = 0;
  constructor(
    readonly io: CliIo,
    readonly argv: readonly string[],
  ) {}

  globals(command: Command): GlobalOptions {
    return command.optsWithGlobals() as GlobalOptions;
  }

  output(command: Command): Output {
    return new Output(this.io, this.globals(command));
  }

  /** --db, else $INVSYNC_DB, else ./invsync.db; relative to the folder the command runs in. */
  dbPath(command: Command): string {
    return resolveFrom(this.io.cwd, this.globals(command).db ?? this.io.env.INVSYNC_DB ?? DEFAULT_DB_FILE);
  }

  /** Opens the workspace database, runs `work` as one recorded transaction, closes. */
  async withDatabase<T>(
    command: Command,
    options: { create: boolean },
    work: (db: Db, run: RunContext) => Promise<T>,
    outcomeOf?: (result: T) => { outcome: Outcome; exitCode: number },
  ): Promise<T> {
    const db = openDatabase(this.dbPath(command), { create: options.create });
    try {
      // A subcommand is recorded with its parent ("count plan", "export odoo"): its verb alone says too little.
      const name = command.parent?.parent ? `${command.parent.name()} ${command.name()}` : command.name();
      return await recordedRun(db, name, this.argv, (run) => work(db, run), outcomeOf);
    } finally {
      db.close();
    }
  }

  resolve(file: string): string {
    return resolveFrom(this.io.cwd, file);
  }
}

function resolveFrom(cwd: string, file: string): string {
  return file === ':memory:' ? file : path.resolve(cwd, file);
}
