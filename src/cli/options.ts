/** The options every command takes, defined once. */
import type { Command } from 'commander';

export interface GlobalOptions {
  db?: string;
  json?: boolean;
  quiet?: boolean;
  color?: boolean;
  debug?: boolean;
}

export function addGlobalOptions(program: Command): Command {
  return program
    .option('--db <path>', 'staging database (default ./invsync.db, or $INVSYNC_DB)')
    .option('--json', 'print one JSON object on stdout (human text goes to stderr)')
    .option('-q, --quiet', 'print nothing but errors')
    .option('--no-color', 'no colours (NO_COLOR is honoured too)')
    .option('--debug', 'show the stack trace of an internal error');
}
