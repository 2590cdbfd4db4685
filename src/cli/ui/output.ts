/**
 * Terminal output: the only place (with progress.ts) that knows chalk. stdout is
 * data (the --json object), stderr is people.
 */
import { Chalk, type ChalkInstance } from 'chalk';
import type { CliIo } from '../io.js';
import type { GlobalOptions } from '../options.js';

export class Output {
  readonly color: ChalkInstance;
  constructor(
    readonly io: CliIo,
    readonly options: GlobalOptions,
  ) {
    const useColor = options.color !== false && !io.env.NO_COLOR && Boolean(io.stderr.isTTY) && !io.env.CI;
    this.color = new Chalk({ level: useColor ? 1 : 0 });
  }

  get json(): boolean {
    return Boolean(this.options.json);
  }

  /** Human text: to stdout normally, to stderr when stdout carries JSON; nothing with --quiet. */
  say(text: string): void {
    if (this.options.quiet) return;
    (this.json ? this.io.stderr : this.io.stdout).write(text.endsWith('\n') ? text : `${text}\n`);
  }

  warn(text: string): void {
    if (this.options.quiet) return;
    this.io.stderr.write(`${this.color.yellow('warning:')} ${text}\n`);
  }

  /** The command's result: JSON on stdout with --json, else the human rendering. */
  result(value: unknown, human: () => string): void {
    if (this.json) this.io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
    else this.say(human());
  }

  error(message: string, hint?: string): void {
    this.io.stderr.write(`${this.color.red('error:')} ${message}\n`);
    if (hint) this.io.stderr.write(`${this.color.dim('hint:')} ${hint}\n`);
  }
}

/** A plain text table with right-aligned numbers. */
export function table(headers: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const cells = [headers, ...rows.map((r) => r.map((c) => (typeof c === 'number' ? c.toLocaleString('en-US') : c)))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => String(r[i] ?? '').length)));
  const numeric = headers.map((_, i) => rows.length > 0 && rows.every((r) => typeof r[i] === 'number'));
  return cells
    .map((r) =>
      r
        .map((c, i) => (numeric[i] ? String(c).padStart(widths[i]!) : String(c).padEnd(widths[i]!)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
