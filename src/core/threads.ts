/**
 * Work on a second thread (node:worker_threads): the value leg of reconcile, the xlsx
 * reader of load. What both need: the compiled worker script, and errors that cross
 * the thread boundary as data and come back as the same type (the CLI maps the type
 * to an exit code, and prints the message and hint as on one thread).
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import { CheckFailedError, InputError, InvsyncError, UsageError, WorkspaceError, type InputLocation } from './errors.js';

/**
 * The worker script at `url`, or null where there is none: running from the
 * TypeScript sources (the unit tests) there is no compiled .js beside the module, and
 * the work stays on the calling thread.
 */
export function workerScript(url: URL): URL | null {
  return url.protocol === 'file:' && fs.existsSync(fileURLToPath(url)) ? url : null;
}

export interface ThreadError {
  name: string;
  message: string;
  hint?: string;
  where?: InputLocation;
  stack?: string;
}

export function errorForThread(err: unknown): ThreadError {
  if (!(err instanceof Error)) return { name: 'Error', message: String(err) };
  return { name: err.name, message: err.message, hint: (err as InvsyncError).hint, where: (err as InputError).where, stack: err.stack };
}

const ERROR_TYPES: Record<string, { prototype: InvsyncError; exitCode: number }> = {
  CheckFailedError: { prototype: CheckFailedError.prototype, exitCode: 1 },
  UsageError: { prototype: UsageError.prototype, exitCode: 2 },
  InputError: { prototype: InputError.prototype, exitCode: 3 },
  WorkspaceError: { prototype: WorkspaceError.prototype, exitCode: 4 },
};

export function errorFromThread(e: ThreadError): Error {
  const type = ERROR_TYPES[e.name];
  const err: Error = type ? (Object.create(type.prototype) as Error) : new Error(e.message);
  Object.assign(err, { name: e.name, message: e.message, stack: e.stack }, type ? { exitCode: type.exitCode, hint: e.hint, where: e.where } : {});
  return err;
}

/**
 * Messages from a worker, taken one at a time, in order. A message `{ type: 'error',
 * error }` throws that error, back in its own type; a worker that fails or exits
 * fails what waits, and what is asked after.
 */
export class Inbox<M extends { type: string }> {
  private readonly queue: M[] = [];
  private waiting: { resolve: (m: M) => void; reject: (err: Error) => void } | null = null;
  private failure: Error | null = null;

  constructor(worker: Worker, name: string) {
    worker.on('message', (m: M) => {
      if (this.waiting) {
        const w = this.waiting;
        this.waiting = null;
        w.resolve(m);
      } else this.queue.push(m);
    });
    const fail = (err: Error): void => {
      this.failure ??= err;
      this.waiting?.reject(this.failure);
      this.waiting = null;
    };
    worker.on('error', fail);
    worker.on('exit', () => fail(new Error(`${name} stopped before it finished`)));
  }

  async next(): Promise<Exclude<M, { type: 'error' }>> {
    const m = this.queue.shift() ?? (await new Promise<M>((resolve, reject) => (this.failure ? reject(this.failure) : (this.waiting = { resolve, reject }))));
    if (m.type === 'error') throw errorFromThread((m as unknown as { error: ThreadError }).error);
    return m as Exclude<M, { type: 'error' }>;
  }
}
