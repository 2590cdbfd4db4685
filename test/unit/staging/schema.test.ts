import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { WorkspaceError } from '../../../src/core/errors.js';
import { KIND_SPECS, KINDS } from '../../../src/core/model/kinds.js';
import { openDatabase, schemaVersion } from '../../../src/core/staging/database.js';
import { SCHEMA_VERSION } from '../../../src/core/staging/migrations.js';
import { schemaSnapshot } from '../../../src/core/staging/schema.js';
import { REPO, tempWorkspace } from '../../helpers/cli.js';

describe('staging schema', () => {
  it('schema.sql is current (run `npm run schema` after changing a migration)', () => {
    const db = openDatabase(':memory:', { create: true });
    const committed = fs.readFileSync(path.join(REPO, 'src/core/staging/schema.sql'), 'utf8');
    expect(schemaSnapshot(db)).toBe(committed);
  });

  it.each(KINDS)('table %s has provenance, the canonical columns in order, flags', (kind) => {
    const db = openDatabase(':memory:', { create: true });
    const columns = (db.prepare(`PRAGMA table_info(${kind})`).all() as { name: string }[]).map((c) => c.name);
    const spec = KIND_SPECS[kind];
    const unit = spec.columns.some((c) => c.type === 'quantity') ? ['qty_unit_in_cell'] : [];
    expect(columns).toEqual(['id', 'sheet_id', 'row_no', 'raw', ...spec.columns.map((c) => c.name), ...unit, 'flags']);
  });

  it('migrates a new database to the current version', () => {
    const db = openDatabase(':memory:', { create: true });
    expect(schemaVersion(db)).toBe(SCHEMA_VERSION);
  });

  it('refuses a database from a newer invsync (exit 4)', () => {
    const file = path.join(tempWorkspace(), 'newer.db');
    const raw = new Database(file);
    raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    raw.exec('CREATE TABLE future (x)');
    raw.close();
    expect(() => openDatabase(file)).toThrow(WorkspaceError);
    expect(() => openDatabase(file)).toThrow(/newer invsync/);
  });

  it('refuses a missing database unless asked to create it, and a file that is not SQLite', () => {
    const dir = tempWorkspace();
    expect(() => openDatabase(path.join(dir, 'none.db'))).toThrow(/no staging database/);
    const junk = path.join(dir, 'junk.db');
    fs.writeFileSync(junk, 'this is not a database at all, just some text that is long enough'.repeat(20));
    expect(() => openDatabase(junk)).toThrow(WorkspaceError);
  });
});
