/**
 * The staging schema, as numbered migrations applied in order inside one
 * transaction and tracked with PRAGMA user_version. Append new migrations at the
 * end; never edit one that has shipped. `schema.sql` beside this file is a snapshot
 * of the result that a test keeps current, so a schema change shows as a diff.
 */

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/**
 * Migration 1. Each kind's table has its canonical columns (model/kinds.ts, in
 * that order) and: provenance (sheet → source file and SHA-256, row
 * number), canonical values, flags, and `raw`: the cells as read that the canonical
 * columns do not reproduce exactly, as a JSON object keyed by 0-based column index
 * (NULL when every cell is reproduced; `"n": [i, …]` lists number cells whose canonical
 * text gives the number back exactly, so only their type is kept). Cells = raw ∪ mapped
 * canonical values, so the row as read is always recoverable (see staging/provenance.ts)
 * at half the bytes.
 */
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
  mapped_columns TEXT NOT NULL DEFAULT '{}',
  constants TEXT NOT NULL DEFAULT '{}',
  rows_staged INTEGER NOT NULL DEFAULT 0,
  rows_rejected INTEGER NOT NULL DEFAULT 0,
  first_row_id INTEGER,
  last_row_id INTEGER,
  note TEXT
) STRICT;
CREATE INDEX source_sheets_by_source ON source_sheets(source_id);

CREATE TABLE items (
  id INTEGER PRIMARY KEY,
  sheet_id INTEGER NOT NULL REFERENCES source_sheets(id),
  row_no INTEGER NOT NULL,
  raw TEXT,
  sku TEXT,
  description TEXT,
  uom TEXT,
  purchase_uom TEXT,
  pack_size TEXT,
  category TEXT,
  unit_cost TEXT,
  barcode TEXT,
  tracking TEXT,
  weight TEXT,
  flags TEXT
) STRICT;

CREATE TABLE locations (
  id INTEGER PRIMARY KEY,
  sheet_id INTEGER NOT NULL REFERENCES source_sheets(id),
  row_no INTEGER NOT NULL,
  raw TEXT,
  location TEXT,
  parent TEXT,
  warehouse TEXT,
  usage TEXT,
  barcode TEXT,
  description TEXT,
  flags TEXT
) STRICT;

CREATE TABLE erp (
  id INTEGER PRIMARY KEY,
  sheet_id INTEGER NOT NULL REFERENCES source_sheets(id),
  row_no INTEGER NOT NULL,
  raw TEXT,
  sku TEXT,
  warehouse TEXT,
  location TEXT,
  lot TEXT,
  qty TEXT,
  uom TEXT,
  unit_cost TEXT,
  value TEXT,
  status TEXT,
  description TEXT,
  qty_unit_in_cell TEXT,
  flags TEXT
) STRICT;

CREATE TABLE wms (
  id INTEGER PRIMARY KEY,
  sheet_id INTEGER NOT NULL REFERENCES source_sheets(id),
  row_no INTEGER NOT NULL,
  raw TEXT,
  sku TEXT,
  warehouse TEXT,
  location TEXT,
  lot TEXT,
  qty TEXT,
  uom TEXT,
  expiry TEXT,
  status TEXT,
  description TEXT,
  qty_unit_in_cell TEXT,
  flags TEXT
) STRICT;

CREATE TABLE counts (
  id INTEGER PRIMARY KEY,
  sheet_id INTEGER NOT NULL REFERENCES source_sheets(id),
  row_no INTEGER NOT NULL,
  raw TEXT,
  sku TEXT,
  warehouse TEXT,
  location TEXT,
  lot TEXT,
  qty TEXT,
  uom TEXT,
  count_id TEXT,
  counter TEXT,
  counted_at TEXT,
  description TEXT,
  qty_unit_in_cell TEXT,
  flags TEXT
) STRICT;

CREATE TABLE gl (
  id INTEGER PRIMARY KEY,
  sheet_id INTEGER NOT NULL REFERENCES source_sheets(id),
  row_no INTEGER NOT NULL,
  raw TEXT,
  sku TEXT,
  account TEXT,
  warehouse TEXT,
  value TEXT,
  qty TEXT,
  uom TEXT,
  currency TEXT,
  description TEXT,
  qty_unit_in_cell TEXT,
  flags TEXT
) STRICT;

CREATE TABLE moves (
  id INTEGER PRIMARY KEY,
  sheet_id INTEGER NOT NULL REFERENCES source_sheets(id),
  row_no INTEGER NOT NULL,
  raw TEXT,
  sku TEXT,
  date TEXT,
  qty TEXT,
  uom TEXT,
  warehouse TEXT,
  location TEXT,
  type TEXT,
  reference TEXT,
  unit_cost TEXT,
  qty_unit_in_cell TEXT,
  flags TEXT
) STRICT;

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
  {
    version: 2,
    name: 'cleansing: SKU cross-reference, duplicate clusters, review decisions, clean items, quantities in base units',
    sql: `
CREATE TABLE sku_xref (
  spelling TEXT PRIMARY KEY,
  canonical_sku TEXT,
  rule TEXT NOT NULL,
  confidence REAL NOT NULL,
  status TEXT NOT NULL,
  confirmed_by TEXT NOT NULL,
  evidence TEXT,
  kinds TEXT NOT NULL,
  line_count INTEGER NOT NULL
) STRICT;

CREATE TABLE item_clusters (
  cluster INTEGER NOT NULL,
  sku TEXT NOT NULL,
  survivor TEXT NOT NULL,
  decision TEXT NOT NULL,
  status TEXT NOT NULL,
  evidence TEXT NOT NULL,
  PRIMARY KEY (cluster, sku)
) STRICT;

CREATE TABLE review_decisions (
  sku TEXT PRIMARY KEY,
  decision TEXT NOT NULL,
  target_sku TEXT,
  decided_by TEXT NOT NULL,
  decided_at TEXT NOT NULL,
  workbook TEXT
) STRICT;

CREATE TABLE items_clean (
  sku TEXT PRIMARY KEY,
  description TEXT,
  uom TEXT,
  uom_key TEXT,
  purchase_uom TEXT,
  pack_size TEXT,
  category TEXT,
  unit_cost TEXT,
  barcode TEXT,
  gtin14 TEXT,
  barcode_status TEXT,
  tracking TEXT,
  weight TEXT,
  merged_from TEXT NOT NULL DEFAULT '[]'
) STRICT;

CREATE TABLE quantities (
  kind TEXT NOT NULL,
  row_id INTEGER NOT NULL,
  spelling TEXT,
  sku TEXT,
  qty TEXT,
  uom TEXT,
  qty_base TEXT,
  qty_micro INTEGER,
  base_uom TEXT,
  status TEXT NOT NULL,
  reason TEXT
) STRICT;
CREATE INDEX quantities_by_kind_row ON quantities(kind, row_id);
`,
  },
  {
    version: 3,
    name: 'cycle counts: plans, ABC classes, tasks with their book snapshot, counted lines',
    sql: `
CREATE TABLE count_plans (
  id INTEGER PRIMARY KEY,
  as_of TEXT NOT NULL,
  first_day TEXT NOT NULL,
  last_day TEXT NOT NULL,
  calendar_days INTEGER NOT NULL,
  working_days INTEGER NOT NULL,
  settings TEXT NOT NULL,
  status TEXT NOT NULL,
  run_id INTEGER,
  closed_run_id INTEGER
) STRICT;

CREATE TABLE count_classes (
  plan_id INTEGER NOT NULL REFERENCES count_plans(id) ON DELETE CASCADE,
  sku TEXT NOT NULL,
  class TEXT NOT NULL,
  basis TEXT NOT NULL,
  value TEXT NOT NULL,
  rank INTEGER NOT NULL,
  cumulative_before TEXT NOT NULL,
  PRIMARY KEY (plan_id, sku)
) STRICT;

CREATE TABLE count_places (
  id INTEGER PRIMARY KEY,
  plan_id INTEGER NOT NULL REFERENCES count_plans(id) ON DELETE CASCADE,
  sku TEXT NOT NULL,
  warehouse TEXT NOT NULL,
  location TEXT NOT NULL,
  loc_key TEXT NOT NULL,
  lot TEXT NOT NULL,
  class TEXT NOT NULL,
  book_micro INTEGER NOT NULL,
  unit_cost TEXT,
  uom TEXT
) STRICT;
CREATE INDEX count_places_by_key ON count_places(plan_id, sku, loc_key, lot);

-- No foreign keys on the tasks: a year's plan writes millions of them, and each
-- key would be a lookup per row; the plan writes them for its own places only.
CREATE TABLE count_tasks (
  id INTEGER PRIMARY KEY,
  plan_id INTEGER NOT NULL,
  place_id INTEGER NOT NULL,
  round INTEGER NOT NULL DEFAULT 1,
  parent_id INTEGER,
  due_date TEXT NOT NULL,
  reason TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'open',
  counted_micro INTEGER,
  result_id INTEGER
) STRICT;
CREATE INDEX count_tasks_by_place ON count_tasks(place_id, status);

CREATE TABLE count_results (
  id INTEGER PRIMARY KEY,
  plan_id INTEGER NOT NULL REFERENCES count_plans(id) ON DELETE CASCADE,
  task_id INTEGER,
  status TEXT NOT NULL,
  reason TEXT,
  spelling TEXT,
  sku TEXT,
  warehouse TEXT,
  location TEXT,
  lot TEXT NOT NULL,
  qty TEXT,
  uom TEXT,
  qty_micro INTEGER,
  counter TEXT,
  counted_at TEXT,
  file TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  sheet TEXT,
  row_no INTEGER NOT NULL,
  run_id INTEGER
) STRICT;
CREATE INDEX count_results_by_plan ON count_results(plan_id, status);
`,
  },
  {
    version: 4,
    name: 'run: the state of each pipeline step (input fingerprint, outputs, last result)',
    sql: `
CREATE TABLE pipeline_steps (
  step TEXT PRIMARY KEY,
  fingerprint TEXT NOT NULL,
  inputs TEXT NOT NULL,
  outputs TEXT NOT NULL,
  result TEXT NOT NULL,
  outcome TEXT NOT NULL,
  run_id INTEGER NOT NULL REFERENCES runs(id)
) STRICT;
`,
  },
];

/** The highest version, whatever order branches appended their migrations in. */
export const SCHEMA_VERSION = Math.max(...MIGRATIONS.map((m) => m.version));
