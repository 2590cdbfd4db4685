/**
 * The value leg on a second thread. The quantity leg and the value leg share only the
 * staged tables: each groups a million lines of its own and writes its own CSV file.
 * On a machine with two cores the value leg (grouping the GL, the trial-balance
 * tie-out, valuation.csv) runs beside the quantity leg on a worker thread with its own
 * read-only connection, instead of after it; the lines and figures are the same as on
 * one thread (a test holds the two to the same bytes).
 *
 * The worker reads what the workspace has committed, so reconcile uses it only when
 * its own transaction has written nothing yet (no cleanse first) and the workspace is
 * a file; an in-memory database, a run that cleansed first (the demo, `run`),
 * INVSYNC_THREADS=1 (the CLI's switch), or running from the TypeScript sources (no
 * compiled worker script: the unit tests) keep the value leg on the calling thread.
 *
 * Protocol, main thread to worker: workerData is the job; `{ type: 'lines', select,
 * count }` asks for the next lines of a walk (after the report); `{ type: 'stop' }`
 * ends the worker (mid-walk it abandons valuation.csv, which is then left as it was).
 * Worker to main thread: `{ type: 'report' }` once valuation.csv is written,
 * `{ type: 'lines' }` per batch asked for, `{ type: 'error' }` on failure.
 */
import fs from 'node:fs';
import { Worker, type MessagePort } from 'node:worker_threads';
import { writeCsv } from '../reports/csv.js';
import { Inbox, errorForThread, workerScript, type ThreadError } from '../threads.js';
import { openDatabase, type Db } from '../staging/database.js';
import { openValuationLeg, type Selection, type ValuationFigures, type ValuationLeg } from './engine.js';
import type { ToleranceConfig } from './tolerance.js';
import { VALUATION_COLUMNS, type ValuationLine } from './types.js';

export interface ValuationJob {
  readonly dbFile: string;
  readonly tolerances: ToleranceConfig;
  /** valuation.csv's path. */
  readonly file: string;
  /** Lines per detail sheet: how many lines that are not a match to keep for the workbook. */
  readonly cap: number;
}

/** What valuation.csv's walk leaves for the summary and the workbook. */
export interface ValuationReport {
  readonly figures: ValuationFigures;
  /** The lines that are not a match, in order, up to the sheet's cap. */
  readonly exceptions: ValuationLine[];
}

class Stopped extends Error {}

/**
 * Writes valuation.csv (whole or not at all) from the leg's full walk and keeps what
 * the summary and the workbook need: its figures, and its lines that are not a match
 * up to `cap` (the walk builds those as objects anyway; no second walk for them).
 */
export async function writeValuationCsv(leg: ValuationLeg, file: string, cap: number, stopped: () => boolean = () => false): Promise<ValuationReport> {
  const exceptions: ValuationLine[] = [];
  function* rows(): Generator<string | ValuationLine> {
    let n = 0;
    for (const line of leg.csvRows()) {
      // Whether to stop is asked now and then: a message from the main thread arrives
      // only while the writer waits for the disk.
      if (++n % 4096 === 0 && stopped()) throw new Stopped('stopped');
      if (typeof line !== 'string' && line.status !== 'match' && exceptions.length < cap) exceptions.push(line);
      yield line;
    }
  }
  await writeCsv(file, VALUATION_COLUMNS, rows());
  return { figures: leg.figures(), exceptions };
}

// ---------------------------------------------------------------------------------
// Main thread

const WORKER_SCRIPT = workerScript(new URL('./valuation-worker.js', import.meta.url));
/** Lines a batch from the worker: big enough that messages cost little, small enough to stay flat. */
const BATCH_LINES = 2_000;

type FromWorker = { type: 'report'; report: ValuationReport } | { type: 'lines'; lines: ValuationLine[]; done: boolean } | { type: 'error'; error: ThreadError };

export class ValuationThread {
  /** Resolves once valuation.csv is written; rejects with the worker's error. */
  readonly report: Promise<ValuationReport>;
  private readonly inbox: Inbox<FromWorker>;
  private readonly exited: Promise<void>;

  private constructor(private readonly worker: Worker) {
    this.inbox = new Inbox<FromWorker>(worker, 'the valuation thread');
    this.exited = new Promise((resolve) => worker.once('exit', () => resolve()));
    this.report = this.inbox.next().then((m) => {
      if (m.type !== 'report') throw new Error(`unexpected message from the valuation thread: ${m.type}`);
      return m.report;
    });
    this.report.catch(() => undefined); // awaited later, or never when the main thread fails first
  }

  /**
   * The value leg on a worker thread, where it can run there (see the top of this
   * file); null where it stays on the calling thread.
   */
  static start(db: Db, job: Omit<ValuationJob, 'dbFile'>): ValuationThread | null {
    if (db.memory || !fs.existsSync(db.name) || !WORKER_SCRIPT) return null;
    const workerData: ValuationJob = { ...job, dbFile: db.name };
    return new ValuationThread(new Worker(WORKER_SCRIPT, { workerData }));
  }

  /** The leg's lines (`select` as in ValuationLeg.lines), in batches from the worker; only after the report. */
  async *lines(select: Selection): AsyncGenerator<ValuationLine> {
    for (;;) {
      this.worker.postMessage({ type: 'lines', select, count: BATCH_LINES });
      const batch = await this.inbox.next();
      if (batch.type !== 'lines') throw new Error(`unexpected message from the valuation thread: ${batch.type}`);
      yield* batch.lines;
      if (batch.done) return;
    }
  }

  /** Ends the worker (mid-walk it abandons valuation.csv) and waits for it to exit. */
  async close(): Promise<void> {
    this.worker.postMessage({ type: 'stop' });
    await this.exited;
  }
}

// ---------------------------------------------------------------------------------
// Worker thread

type ToWorker = { type: 'lines'; select: Selection; count: number } | { type: 'stop' };

/** The worker's side: the value leg on its own connection, valuation.csv, then lines on request. */
export async function runValuationWorker(port: MessagePort, job: ValuationJob): Promise<void> {
  let stopped = false;
  let db: Db | null = null;
  let walk: { select: Selection; lines: Iterator<ValuationLine> } | null = null;
  let leg: ValuationLeg | null = null;
  const end = (): void => {
    db?.close();
    db = null;
    port.close();
  };
  port.on('message', (m: ToWorker) => {
    if (m.type === 'stop') {
      stopped = true;
      if (leg) end(); // else the walk stops at its next check
      return;
    }
    try {
      if (!leg) throw new Error('lines asked for before the report');
      if (!walk || walk.select !== m.select) walk = { select: m.select, lines: leg.lines(m.select) };
      const lines: ValuationLine[] = [];
      let done = false;
      while (lines.length < m.count) {
        const r = walk.lines.next();
        if (r.done) {
          done = true;
          walk = null;
          break;
        }
        lines.push(r.value);
      }
      port.postMessage({ type: 'lines', lines, done });
    } catch (err) {
      port.postMessage({ type: 'error', error: errorForThread(err) });
    }
  });
  try {
    db = openDatabase(job.dbFile, { readonly: true });
    const opened = openValuationLeg(db, { tolerances: job.tolerances });
    const report = await writeValuationCsv(opened, job.file, job.cap, () => stopped);
    leg = opened;
    if (stopped) end();
    else port.postMessage({ type: 'report', report });
  } catch (err) {
    if (!(err instanceof Stopped)) port.postMessage({ type: 'error', error: errorForThread(err) });
    end();
  }
}
