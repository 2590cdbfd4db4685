/**
 * Writing many rows: multi-row INSERT statements prepared once (a prepared
 * single-row INSERT per row costs about 3x the raw import floor; every bound
 * parameter counts on a million rows). Staging writes just the columns a sheet
 * fills. Callers write a row's values straight into `buffer` at `offset` and call
 * commit(), or hand a whole row to add().
 */
import { KIND_SPECS, type Kind } from '../model/kinds.js';
import { quoteIdentifier, type Db } from './database.js';

/** Rows per multi-row INSERT: large enough to amortise the call, well under SQLite's 32,766 parameters. */
const ROWS_PER_STATEMENT = 128;

type RunStatement = { run(...params: unknown[]): { lastInsertRowid: number | bigint; changes: number } };

export class BatchInserter {
  /** Stages rows of one sheet of a kind: its sheet_id is fixed, the staged columns are checked. */
  static forSheet(db: Db, kind: Kind, sheetId: number, columns: readonly string[]): BatchInserter {
    const known = new Set(['row_no', 'raw', 'qty_unit_in_cell', 'flags', ...KIND_SPECS[kind].columns.map((c) => c.name)]);
    for (const c of columns) if (!known.has(c)) throw new Error(`unknown staged column ${c}`);
    return new BatchInserter(db, kind, columns, { sheet_id: sheetId });
  }

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
  /**
   * @param fixed columns whose value is the same integer for every row, written as a
   *   literal (an id this process made): one parameter less per row
   * @param columns the columns callers fill, in order
   */
  constructor(db: Db, table: string, columns: readonly string[], fixed: Readonly<Record<string, number>> = {}) {
    for (const [c, v] of Object.entries(fixed)) if (!Number.isSafeInteger(v)) throw new Error(`fixed column ${c} must be an integer`);
    for (const c of [...columns, ...Object.keys(fixed), table]) quoteIdentifier(c);
    this.width = columns.length;
    const names = [...Object.keys(fixed), ...columns];
    const one = `(${[...Object.values(fixed).map(String), ...columns.map(() => '?')].join(',')})`;
    const sql = (rows: number): string => `INSERT INTO ${table} (${names.join(',')}) VALUES ${Array.from({ length: rows }, () => one).join(',')}`;
    this.many = db.prepare(sql(ROWS_PER_STATEMENT));
    this.single = db.prepare(sql(1));
    this.buffer = new Array(ROWS_PER_STATEMENT * this.width).fill(null);
  }

  /** Where the next row's first value goes. */
  get offset(): number {
    return this.pending * this.width;
  }

  add(values: readonly unknown[]): void {
    const at = this.offset;
    for (let i = 0; i < this.width; i++) this.buffer[at + i] = values[i] ?? null;
    this.commit();
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
