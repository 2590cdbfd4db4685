/**
 * invsync validate [--junit FILE] [--json] [--config invsync.yaml]
 *
 * The opening-balance checks a CI job runs before cutover: every row and line
 * accounted for, no unmapped SKU, no unconverted unit, no review decision pending,
 * nothing the Odoo import would refuse, and the reconciliation within the thresholds
 * of invsync.yaml `validate:`. Exit 0 when every check passes, 1 when one fails.
 */
import type { Command } from 'commander';
import { ODOO_EXPORTER } from '../../core/pipeline/odoo.js';
import { writeFileAtomic } from '../../core/reports/files.js';
import { junitXml } from '../../core/validate/junit.js';
import { validateWorkspace, type ValidateResult } from '../../core/validate/validate.js';
import { readWorkspaceConfig } from '../../core/workspace/config.js';
import type { CommandContext } from '../context.js';
import { table, type Output } from '../ui/output.js';

const EXAMPLES = `
Examples:
  $ invsync validate
  $ invsync validate --junit reports/validate.junit.xml     # for the CI server's test report
  $ invsync validate --json | jq '.checks[] | select(.passed | not) | .name'`;

export function registerValidate(program: Command, ctx: CommandContext): void {
  program
    .command('validate')
    .description('opening-balance checks for CI: exit 0 when all pass, 1 when one fails')
    .option('--junit <file>', 'write the checks as JUnit XML (one test case per check)')
    .option('--config <file>', 'workspace configuration (default ./invsync.yaml)')
    .addHelpText('after', EXAMPLES)
    .action(async (options: { junit?: string; config?: string }, command: Command) => {
      const out = ctx.output(command);
      const config = readWorkspaceConfig(ctx.io.cwd, options.config);
      const junit = options.junit ? ctx.resolve(options.junit) : undefined;
      const result = await ctx.withDatabase(
        command,
        { create: false },
        async (db) => {
          const validated = validateWorkspace(db, { config, ...(ODOO_EXPORTER ? { preflight: ODOO_EXPORTER.preflight } : {}) });
          if (junit) writeFileAtomic(junit, junitXml(validated));
          return { ...validated, ...(junit ? { junit } : {}) };
        },
        (r) => (r.passed ? { outcome: 'success', exitCode: 0 } : { outcome: 'check_failed', exitCode: 1 }),
      );
      out.result(result, () => renderValidate(result, out));
      if (!result.passed) ctx.exitCode = 1;
    });
}

export function renderValidate(r: ValidateResult & { junit?: string }, out: Output): string {
  const lines = [table(['check', 'result', 'measured', 'passes when'], r.checks.map((c) => [c.name, c.passed ? 'pass' : 'FAIL', c.measured, c.threshold]))];
  for (const c of r.checks.filter((x) => !x.passed)) {
    lines.push('', `${out.color.red('failed:')} ${c.name} (${c.description})`);
    for (const o of c.offenders) lines.push(`  ${o}`);
    if (c.offenderCount > c.offenders.length) lines.push(`  … and ${c.offenderCount - c.offenders.length} more`);
  }
  if (r.cleansedFirst) lines.unshift('(the staged data changed since the last cleanse: cleansed first)', '');
  lines.push('', `${r.tests - r.failures} of ${r.tests} checks passed${r.junit ? `; JUnit XML in ${r.junit}` : ''}`);
  lines.push(r.passed ? out.color.green('PASSED') : out.color.red('FAILED'));
  return lines.join('\n');
}
