/**
 * The invsync command line: builds the program, runs one command, and turns every
 * error into one line, a hint and an exit code (the table is in exitCodeOf).
 */
import { Command, CommanderError } from 'commander';
import { InvsyncError } from '../core/errors.js';
import { TOOL_VERSION } from '../core/version.js';
import { registerCleanse } from './commands/cleanse.js';
import { registerCount } from './commands/count.js';
import { registerDemo } from './commands/demo.js';
import { registerExport } from './commands/export.js';
import { registerInit } from './commands/init.js';
import { registerLoad } from './commands/load.js';
import { registerProfile } from './commands/profile.js';
import { registerReconcile } from './commands/reconcile.js';
import { registerRun } from './commands/run.js';
import { registerUom } from './commands/uom.js';
import { registerValidate } from './commands/validate.js';
import { CommandContext } from './context.js';
import { processIo, type CliIo } from './io.js';
import { addGlobalOptions } from './options.js';
import { Output } from './ui/output.js';

export const EXIT = { ok: 0, checkFailed: 1, usage: 2, input: 3, workspace: 4, internal: 70 } as const;

export function buildProgram(ctx: CommandContext): Command {
  const program = new Command('invsync');
  program
    .description('Inventory cutover to Odoo: stage, cleanse, reconcile, count, export.')
    .version(TOOL_VERSION, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => void ctx.io.stdout.write(s),
      writeErr: (s) => void ctx.io.stderr.write(s),
    });
  addGlobalOptions(program);
  registerInit(program, ctx);
  registerLoad(program, ctx);
  registerProfile(program, ctx);
  registerCleanse(program, ctx);
  registerReconcile(program, ctx);
  registerValidate(program, ctx);
  registerRun(program, ctx);
  registerCount(program, ctx);
  registerDemo(program, ctx);
  registerUom(program, ctx);
  registerExport(program, ctx);
  for (const command of program.commands) {
    command.exitOverride();
    command.configureOutput({ writeOut: (s) => void ctx.io.stdout.write(s), writeErr: (s) => void ctx.io.stderr.write(s) });
  }
  return program;
}

export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const ctx = new CommandContext(io, argv);
  const program = buildProgram(ctx);
  const debug = argv.includes('--debug');
  const output = new Output(io, { json: argv.includes('--json'), color: argv.includes('--no-color') ? false : undefined });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return ctx.exitCode;
  } catch (err) {
    return exitCodeOf(err, output, debug);
  }
}

/** The one table from errors to exit codes. */
function exitCodeOf(err: unknown, output: Output, debug: boolean): number {
  if (err instanceof CommanderError) {
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return EXIT.ok;
    return EXIT.usage; // commander has printed its message already
  }
  if (err instanceof InvsyncError) {
    output.error(err.message, err.hint);
    if (debug) output.io.stderr.write(`${err.stack}\n`);
    return err.exitCode;
  }
  const message = err instanceof Error ? err.message : String(err);
  output.error(`internal error: ${message.split('\n')[0]}`, debug ? undefined : 'rerun with --debug for the stack');
  if (debug && err instanceof Error) output.io.stderr.write(`${err.stack}\n`);
  return EXIT.internal;
}
