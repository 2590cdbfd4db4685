/**
 * The staging schema, as numbered migrations applied in order inside one
 * transaction and tracked with PRAGMA user_version. Append new migrations at the
 * end; never edit one that has shipped. `schema.sql` beside this file is a snapshot
 * of the result that a test keeps current, so a schema change shows as a diff.
 */
import { KIND_SPECS, KINDS, type Kind } from '../model/kinds.js';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/**
 * Columns of a staged table: provenance (sheet → source file and SHA-256, row
 * number), canonical values, flags, and `raw`: the cells as read that the canonical
 * columns do not reproduce exactly, as a JSON object keyed by 0-based column index
 * (NULL when every cell is reproduced). Cells = raw ∪ mapped canonical values, so the
 * row as read is always recoverable (see staging/provenance.ts) at half the bytes.
 */
function stagedTable(kind: Kind): string {
  const columns = KIND_SPECS[kind].columns.map((c) => `  ${c.name} TEXT`);
  const extra =
    KIND_SPECS[kind].columns.some((c) => c.type === 'quantity')
      ? ['  qty_unit_in_cell TEXT']
      : [];
  return `CREATE TABLE ${kind} (
  id INTEGER PRIMARY KEY,
  sheet_id INTEGER NOT NULL REFERENCES source_sheets(id),
  row_no INTEGER NOT NULL,
  raw TEXT,
${[...columns, ...extra].join(',\n')},
  flags TEXT
) STRICT;`;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'staging model: runs, sources, sheets, one table per kind, rejects',
    sql: `
CREATE TABLE runs (
  id INTEGER PRIMARY KEY,
  command TEXT NOT NULL,
  arguments TEXT NOT NULL,
  tool_version TEXT NOT NULL,
  started_at TEXT NOT NULL,
  ended_at TEXT,
  outcome TEXT NOT NULL DEFAULT 'running',
  exit_code INTEGER,
  message TEXT,
  inputs TEXT NOT NULL DEFAULT '[]',
  result TEXT
) STRICT;

CREATE TABLE sources (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  path TEXT NOT NULL,
  file_name TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  size_bytes INTEGER NOT NULL,
  format TEXT NOT NULL,
  encoding TEXT,
  delimiter TEXT,
  decimal_separator TEXT,
  date_order TEXT,
  map_file TEXT,
  rows_read INTEGER NOT NULL,
  rows_staged INTEGER NOT NULL,
  rows_rejected INTEGER NOT NULL,
  rows_skipped_blank INTEGER NOT NULL,
  run_id INTEGER NOT NULL REFERENCES runs(id),
  replaced_source TEXT
) STRICT;
CREATE INDEX sources_by_kind_path ON sources(kind, path);
CREATE INDEX sources_by_sha ON sources(sha256);

CREATE TABLE source_sheets (
  id INTEGER PRIMARY KEY,
  source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  header_row INTEGER,
  headers TEXT NOT NULL,
  mapping TEXT NOT NULL,
  constants TEXT NOT NULL DEFAULT '{}',
  rows_staged INTEGER NOT NULL DEFAULT 0,
  rows_rejected INTEGER NOT NULL DEFAULT 0,
  first_row_id INTEGER,
  last_row_id INTEGER,
  note TEXT
) STRICT;
CREATE INDEX source_sheets_by_source ON source_sheets(source_id);

${KINDS.map(stagedTable).join('\n\n')}

CREATE TABLE rejects (
  id INTEGER PRIMARY KEY,
  sheet_id INTEGER NOT NULL REFERENCES source_sheets(id) ON DELETE CASCADE,
  row_no INTEGER NOT NULL,
  column_name TEXT,
  reason_code TEXT NOT NULL,
  reason TEXT NOT NULL,
  raw TEXT NOT NULL
) STRICT;
CREATE INDEX rejects_by_sheet ON rejects(sheet_id);
`,
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;
