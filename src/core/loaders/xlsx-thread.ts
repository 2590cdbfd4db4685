/**
 * The xlsx reader on a second thread. exceljs's streaming reader (unzip, XML parse,
 * cells) takes about two thirds of staging a big workbook; on a worker thread it reads
 * ahead while the loading thread parses values and inserts rows, with the same rows
 * as readXlsx on one thread (it is readXlsx, run there).
 *
 * Protocol: the worker posts `{ type: 'sheet', name }`, then `{ type: 'rows', rows }`
 * per batch of RawRows (plain data: they cross threads as structured clones), then
 * `{ type: 'sheetEnd' }`; `{ type: 'end' }` after the last sheet, `{ type: 'error' }`
 * on failure (the same InputError as on one thread). It keeps at most IN_FLIGHT
 * batches unread: the loading thread acknowledges each one it takes, so memory stays
 * flat whichever thread is faster.
 */
import { Worker } from 'node:worker_threads';
import { Inbox, workerScript, type ThreadError } from '../threads.js';
import type { RawRow, RawSheet, ReadOptions, WorkbookSource } from './types.js';

const WORKER_SCRIPT = workerScript(new URL('./xlsx-worker.js', import.meta.url));
/** Batches the worker may have sent that the loading thread has not taken yet. */
export const IN_FLIGHT = 8;

export type FromXlsxWorker = { type: 'sheet'; name: string } | { type: 'rows'; rows: RawRow[] } | { type: 'sheetEnd' } | { type: 'end' } | { type: 'error'; error: ThreadError };

/** readXlsx on a worker thread; null where there is no compiled worker script (then readXlsx on this thread). */
export function readXlsxOnThread(file: string, options: ReadOptions): WorkbookSource | null {
  if (!WORKER_SCRIPT) return null;
  return {
    info: { format: 'xlsx', readOnThread: true },
    async *sheets(): AsyncGenerator<RawSheet> {
      const worker = new Worker(WORKER_SCRIPT, { workerData: { file, options } });
      const inbox = new Inbox<FromXlsxWorker>(worker, 'the xlsx reader thread');
      try {
        for (;;) {
          const m = await inbox.next();
          if (m.type === 'end') return;
          if (m.type !== 'sheet') throw new Error(`unexpected message from the xlsx reader thread: ${m.type}`);
          let ended = false;
          const take = async (): Promise<RawRow[] | null> => {
            const b = await inbox.next();
            if (b.type === 'sheetEnd') {
              ended = true;
              return null;
            }
            if (b.type !== 'rows') throw new Error(`unexpected message from the xlsx reader thread: ${b.type}`);
            worker.postMessage('ack');
            return b.rows;
          };
          async function* batches(): AsyncGenerator<RawRow[]> {
            for (let rows = await take(); rows; rows = await take()) yield rows;
          }
          yield { name: m.name, rows: [], batches: batches() };
          // A sheet the loader leaves unread (skipped, or given up on) is read through.
          while (!ended) await take();
        }
      } finally {
        await worker.terminate();
      }
    },
  };
}
