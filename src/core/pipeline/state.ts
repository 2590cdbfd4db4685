/**
 * What `run` remembers of each step (table pipeline_steps): the fingerprint of its
 * inputs, the files it wrote with their SHA-256, its key figures and outcome. A step
 * is skipped when its fingerprint is the same and its outputs are still there, as
 * written; outputs are byte-identical on a rerun anyway, so skipping is only speed.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { sha256File } from '../loaders/load.js';
import type { Db } from '../staging/database.js';

export interface FileDigest {
  readonly path: string;
  readonly sha256: string;
}

export type StepOutcome = 'success' | 'check_failed';

export interface StepState {
  readonly step: string;
  readonly fingerprint: string;
  /** Step-specific detail of the inputs (the load step keeps one fingerprint per source). */
  readonly inputs: unknown;
  readonly outputs: readonly FileDigest[];
  readonly result: StepFigures;
  readonly outcome: StepOutcome;
}

/** The key figures of a step, for the summary and for downstream steps that were skipped. */
export type StepFigures = Readonly<Record<string, string | number | boolean | readonly string[]>>;

export function readStepState(db: Db, step: string): StepState | undefined {
  const row = db.prepare('SELECT step, fingerprint, inputs, outputs, result, outcome FROM pipeline_steps WHERE step = ?').get(step) as
    | { step: string; fingerprint: string; inputs: string; outputs: string; result: string; outcome: StepOutcome }
    | undefined;
  if (!row) return undefined;
  return { step: row.step, fingerprint: row.fingerprint, inputs: JSON.parse(row.inputs), outputs: JSON.parse(row.outputs) as FileDigest[], result: JSON.parse(row.result) as StepFigures, outcome: row.outcome };
}

export function writeStepState(db: Db, state: StepState, runId: number): void {
  db.prepare(
    `INSERT INTO pipeline_steps (step, fingerprint, inputs, outputs, result, outcome, run_id) VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT(step) DO UPDATE SET fingerprint = excluded.fingerprint, inputs = excluded.inputs, outputs = excluded.outputs,
       result = excluded.result, outcome = excluded.outcome, run_id = excluded.run_id`,
  ).run(state.step, state.fingerprint, JSON.stringify(state.inputs), JSON.stringify(state.outputs), JSON.stringify(state.result), state.outcome, runId);
}

/** SHA-256 over a canonical JSON of the parts (keys sorted, so the order they were written in does not matter). */
export function fingerprintOf(parts: unknown): string {
  return crypto.createHash('sha256').update(canonicalJson(parts)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (value === undefined) return 'null';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export async function digestFiles(files: readonly string[]): Promise<FileDigest[]> {
  const out: FileDigest[] = [];
  for (const file of files) out.push({ path: file, sha256: await sha256File(file) });
  return out;
}

/** Are the outputs of the last run still there, as written? Returns what is missing or changed. */
export async function outputsMissing(outputs: readonly FileDigest[]): Promise<string | undefined> {
  for (const o of outputs) {
    if (!fs.existsSync(o.path)) return `${o.path} is missing`;
    if ((await sha256File(o.path)) !== o.sha256) return `${o.path} was changed`;
  }
  return undefined;
}
