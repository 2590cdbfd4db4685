/**
 * A staged row's provenance: which file (path, SHA-256), sheet and row it came from,
 * and its cells exactly as read, rebuilt from the canonical values and the raw
 * remainder (see migrations.ts for why the remainder is all that `raw` stores).
 */
import { KIND_SPECS, type Kind } from '../model/kinds.js';
import type { Cell } from '../loaders/types.js';
import { quoteIdentifier, type Db } from './database.js';

export interface Provenance {
  readonly file: string;
  readonly sha256: string;
  readonly sheet: string;
  readonly row: number;
  readonly headers: readonly string[];
  /** The row's cells as read, column A first. */
  readonly cells: readonly Cell[];
}

/** Rebuilds the cells as read from a staged row's canonical values and raw remainder. */
export function cellsAsRead(row: Readonly<Record<string, unknown>>, mappedColumns: Readonly<Record<string, number>>, raw: string | null): Cell[] {
  const cells: Cell[] = [];
  for (const [canonical, index] of Object.entries(mappedColumns)) {
    const value = row[canonical];
    if (value !== null && value !== undefined) cells[index] = value as Cell;
  }
  if (raw) {
    const { n: numbers, ...rest } = JSON.parse(raw) as Record<string, Cell> & { n?: number[] };
    for (const [index, cell] of Object.entries(rest)) cells[Number(index)] = cell;
    // Cells that were numbers whose canonical text gives them back exactly.
    for (const index of numbers ?? []) cells[index] = Number(cells[index]);
  }
  for (let i = 0; i < cells.length; i++) if (cells[i] === undefined) cells[i] = null;
  return cells;
}

export function provenanceOf(db: Db, kind: Kind, rowId: number): Provenance | undefined {
  const columns = KIND_SPECS[kind].columns.map((c) => `t.${quoteIdentifier(c.name)}`).join(', ');
  const row = db
    .prepare(
      `SELECT ${columns}, t.raw AS __raw, t.row_no AS __row, sh.name AS __sheet, sh.headers AS __headers, sh.mapped_columns AS __mapped, s.path AS __file, s.sha256 AS __sha
       FROM ${quoteIdentifier(kind)} t JOIN source_sheets sh ON sh.id = t.sheet_id JOIN sources s ON s.id = sh.source_id WHERE t.id = ?`,
    )
    .get(rowId) as Record<string, unknown> | undefined;
  if (!row) return undefined;
  return {
    file: row.__file as string,
    sha256: row.__sha as string,
    sheet: row.__sheet as string,
    row: row.__row as number,
    headers: JSON.parse(row.__headers as string) as string[],
    cells: cellsAsRead(row, JSON.parse(row.__mapped as string) as Record<string, number>, row.__raw as string | null),
  };
}
