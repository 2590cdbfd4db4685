/**
 * `init`: a workspace folder with a commented invsync.yaml and an empty staging
 * database. Never overwrites an existing configuration.
 */
import fs from 'node:fs';
import path from 'node:path';
import { WorkspaceError } from '../errors.js';
import { DEFAULT_DB_FILE, openDatabase } from '../staging/database.js';

export const CONFIG_FILE = 'invsync.yaml';

export const CONFIG_TEMPLATE = `# invsync workspace configuration.
# Every command reads this file from the workspace folder; \`invsync run\` replays
# the whole cutover from it. Paths are relative to this folder.

# The staging database (default: invsync.db here; --db or INVSYNC_DB override it).
# database: invsync.db

# Sources to load, in order: one entry per file (or glob) and kind.
# kinds: items, locations, erp, wms, counts, gl, moves
sources: []
#  - file: legacy/item-master.xlsx
#    kind: items
#  - file: legacy/stock-wh-south.xlsx
#    kind: erp
#    map: maps/stock-wh-south.yaml   # column mapping for headers no synonym knows
#  - file: wms/extract.csv
#    kind: wms
`;

export interface InitResult {
  readonly folder: string;
  readonly config: string;
  readonly configCreated: boolean;
  readonly database: string;
  readonly databaseCreated: boolean;
}

export function initWorkspace(folder: string, dbPath?: string): InitResult {
  const dir = path.resolve(folder);
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw new WorkspaceError(`cannot create ${dir}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const config = path.join(dir, CONFIG_FILE);
  const configCreated = !fs.existsSync(config);
  if (configCreated) {
    const temp = `${config}.tmp-${process.pid}`;
    try {
      fs.writeFileSync(temp, CONFIG_TEMPLATE);
      fs.renameSync(temp, config);
    } catch (err) {
      fs.rmSync(temp, { force: true });
      throw new WorkspaceError(`cannot write ${config}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  }
  const database = dbPath ? path.resolve(dbPath) : path.join(dir, DEFAULT_DB_FILE);
  const databaseCreated = !fs.existsSync(database);
  openDatabase(database, { create: true }).close();
  return { folder: dir, config, configCreated, database, databaseCreated };
}
