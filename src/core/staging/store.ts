/**
 * Writing staged rows: multi-row INSERT statements prepared once per sheet over
 * just the columns that sheet fills (a prepared single-row INSERT per row costs
 * about 3x the raw import floor; every bound parameter counts on a million rows).
 * Callers write a row's values straight into `buffer` at `offset` and call commit().
 */
import { KIND_SPECS, type Kind } from '../model/kinds.js';
import type { Db } from './database.js';

/** Rows per multi-row INSERT: large enough to amortise the call, well under SQLite's 32,766 parameters. */
const ROWS_PER_STATEMENT = 128;

type RunStatement = { run(...params: unknown[]): { lastInsertRowid: number | bigint; changes: number } };

export class BatchInserter {
  private readonly many: RunStatement;
  private readonly single: RunStatement;
  private readonly width: number;
  /** The parameters of the next INSERT; a row's values go at `offset`. */
  readonly buffer: unknown[];
  private pending = 0;
  /** Row ids written: one contiguous range (a reload deletes by range). */
  firstId: number | undefined;
  lastId: number | undefined;
  inserted = 0;

  /**
   * @param sheetId written as a literal (it is an integer this process made), one parameter less per row
   * @param columns the staged columns after sheet_id, in the order callers fill them
   */
  constructor(db: Db, kind: Kind, sheetId: number, columns: readonly string[]) {
    if (!Number.isSafeInteger(sheetId)) throw new Error('sheet id must be an integer');
    const known = new Set(['row_no', 'raw', 'qty_unit_in_cell', 'flags', ...KIND_SPECS[kind].columns.map((c) => c.name)]);
    for (const c of columns) if (!known.has(c)) throw new Error(`unknown staged column ${c}`);
    this.width = columns.length;
    const one = `(${sheetId},${columns.map(() => '?').join(',')})`;
    const sql = (rows: number): string => `INSERT INTO ${kind} (sheet_id,${columns.join(',')}) VALUES ${Array.from({ length: rows }, () => one).join(',')}`;
    this.many = db.prepare(sql(ROWS_PER_STATEMENT));
    this.single = db.prepare(sql(1));
    this.buffer = new Array(ROWS_PER_STATEMENT * this.width).fill(null);
  }

  /** Where the next row's first value goes. */
  get offset(): number {
    return this.pending * this.width;
  }

  /** The row written at `offset` is complete. */
  commit(): void {
    if (++this.pending === ROWS_PER_STATEMENT) {
      this.record(this.many.run(...this.buffer));
      this.pending = 0;
    }
  }

  flush(): void {
    for (let r = 0; r < this.pending; r++) this.record(this.single.run(...this.buffer.slice(r * this.width, (r + 1) * this.width)));
    this.pending = 0;
  }

  private record(info: { lastInsertRowid: number | bigint; changes: number }): void {
    const last = Number(info.lastInsertRowid);
    this.firstId ??= last - info.changes + 1;
    this.lastId = last;
    this.inserted += info.changes;
  }
}
