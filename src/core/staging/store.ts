/**
 * Writing staged rows and rejects: multi-row INSERT statements prepared once per
 * table (a prepared single-row INSERT per row costs about 3x the raw import floor).
 */
import { KIND_SPECS, type Kind } from '../model/kinds.js';
import type { Db } from './database.js';

/** Rows per multi-row INSERT: large enough to amortise the call, well under SQLite's 32,766 parameters. */
const ROWS_PER_STATEMENT = 256;

export function stagedColumns(kind: Kind): string[] {
  const spec = KIND_SPECS[kind];
  const columns = ['sheet_id', 'row_no', 'raw', ...spec.columns.map((c) => c.name)];
  if (spec.columns.some((c) => c.type === 'quantity')) columns.push('qty_unit_in_cell');
  columns.push('flags');
  return columns;
}

function insertSql(table: string, columns: readonly string[], rows: number): string {
  const one = `(${columns.map(() => '?').join(',')})`;
  return `INSERT INTO ${table} (${columns.join(',')}) VALUES ${Array.from({ length: rows }, () => one).join(',')}`;
}

/** Buffers rows and writes them in multi-row INSERTs; call flush() at the end. */
export class BatchInserter {
  private readonly many;
  private readonly single;
  private readonly width: number;
  private buffer: unknown[] = [];
  private pending = 0;
  /** Row ids written since the last beginSegment(): one contiguous range per segment. */
  segmentFirstId: number | undefined;
  segmentLastId: number | undefined;
  inserted = 0;

  constructor(db: Db, table: string, columns: readonly string[]) {
    this.width = columns.length;
    this.many = db.prepare(insertSql(table, columns, ROWS_PER_STATEMENT));
    this.single = db.prepare(insertSql(table, columns, 1));
  }

  /** Adds one row; `values` must have one entry per column, in order. */
  add(values: readonly unknown[]): void {
    for (let i = 0; i < this.width; i++) this.buffer.push(values[i] ?? null);
    if (++this.pending === ROWS_PER_STATEMENT) this.write(this.many, this.buffer);
  }

  /** Flushes, then starts a new id range (one per sheet, so that a reload can delete by range). */
  beginSegment(): void {
    this.flush();
    this.segmentFirstId = undefined;
    this.segmentLastId = undefined;
  }

  flush(): void {
    for (let r = 0; r < this.pending; r++) this.write(this.single, this.buffer.slice(r * this.width, (r + 1) * this.width), false);
    this.buffer = [];
    this.pending = 0;
  }

  private write(statement: { run(...params: unknown[]): { lastInsertRowid: number | bigint; changes: number } }, params: unknown[], reset = true): void {
    const info = statement.run(...params);
    const last = Number(info.lastInsertRowid);
    this.segmentFirstId ??= last - info.changes + 1;
    this.segmentLastId = last;
    this.inserted += info.changes;
    if (reset) {
      this.buffer = [];
      this.pending = 0;
    }
  }
}
