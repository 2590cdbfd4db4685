/**
 * invsync init [DIR]
 *
 * Creates a workspace: DIR (default: the current folder) with a commented
 * invsync.yaml and an empty staging database. An existing invsync.yaml is kept.
 */
import type { Command } from 'commander';
import { initWorkspace } from '../../core/workspace/init.js';
import type { CommandContext } from '../context.js';

const EXAMPLES = `
Examples:
  $ invsync init
  $ invsync init cutover-2026 && cd cutover-2026`;

export function registerInit(program: Command, ctx: CommandContext): void {
  program
    .command('init')
    .description('create a workspace with a commented invsync.yaml')
    .argument('[dir]', 'workspace folder', '.')
    .addHelpText('after', EXAMPLES)
    .action(async (dir: string, _options: unknown, command: Command) => {
      const out = ctx.output(command);
      const globals = ctx.globals(command);
      const result = initWorkspace(ctx.resolve(dir), globals.db ? ctx.resolve(globals.db) : undefined);
      out.result(result, () =>
        [
          `${result.configCreated ? 'created' : 'kept existing'} ${result.config}`,
          `${result.databaseCreated ? 'created' : 'kept existing'} ${result.database}`,
          'next: invsync load FILE --as KIND (or try invsync demo)',
        ].join('\n'),
      );
    });
}
