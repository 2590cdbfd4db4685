/** Entry of the xlsx reader thread (xlsx-thread.ts): readXlsx, its rows posted in batches. */
import { parentPort, workerData } from 'node:worker_threads';
import { errorForThread } from '../threads.js';
import type { ReadOptions } from './types.js';
import { IN_FLIGHT, type FromXlsxWorker } from './xlsx-thread.js';
import { readXlsx } from './xlsx.js';

async function run(port: NonNullable<typeof parentPort>, job: { file: string; options: ReadOptions }): Promise<void> {
  let credits = IN_FLIGHT;
  let waiting: (() => void) | null = null;
  port.on('message', () => {
    credits++;
    waiting?.();
    waiting = null;
  });
  const post = (m: FromXlsxWorker): void => port.postMessage(m);
  try {
    for await (const sheet of readXlsx(job.file, job.options).sheets()) {
      post({ type: 'sheet', name: sheet.name });
      // readXlsx hands its rows over in batches (its `rows` is empty).
      for await (const rows of sheet.batches ?? []) {
        if (credits === 0) await new Promise<void>((resolve) => (waiting = resolve));
        credits--;
        post({ type: 'rows', rows });
      }
      post({ type: 'sheetEnd' });
    }
    post({ type: 'end' });
  } catch (err) {
    post({ type: 'error', error: errorForThread(err) });
  }
  port.close();
}

if (parentPort) void run(parentPort, workerData as { file: string; options: ReadOptions });
