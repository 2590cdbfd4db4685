/**
 * A progress line with rows/s for long work: only on a terminal, never in CI, with
 * --json or --quiet. The core reports progress through a callback; this turns it
 * into an ora spinner.
 */
import type { CliIo } from '../io.js';
import type { GlobalOptions } from '../options.js';

export interface Progress {
  update(label: string, rows: number): void;
  stop(): void;
}

const NONE: Progress = { update: () => undefined, stop: () => undefined };

export async function startProgress(io: CliIo, options: GlobalOptions): Promise<Progress> {
  if (options.json || options.quiet || io.env.CI || !io.stderr.isTTY) return NONE;
  const { default: ora } = await import('ora');
  const spinner = ora({ stream: io.stderr as NodeJS.WritableStream, discardStdin: false }).start();
  let started = Date.now();
  let label = '';
  return {
    update(next, rows) {
      if (next !== label) {
        label = next;
        started = Date.now();
      }
      const seconds = Math.max((Date.now() - started) / 1000, 0.001);
      spinner.text = `${label}: ${rows.toLocaleString('en-US')} rows (${Math.round(rows / seconds).toLocaleString('en-US')} rows/s)`;
    },
    stop() {
      spinner.stop();
    },
  };
}
