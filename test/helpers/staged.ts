/**
 * A workspace of small hand-made CSV files, staged in one recorded run: the start of
 * most engine tests (reconcile, export). Each text is written as `<kind>.csv` and
 * loaded as its kind.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadFiles } from '../../src/core/loaders/load.js';
import { recordedRun } from '../../src/core/staging/audit.js';
import { openDatabase, type Db } from '../../src/core/staging/database.js';

export async function stagedWorkspace(texts: Record<string, string>, prefix = 'invsync-'): Promise<{ db: Db; dir: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const db = openDatabase(path.join(dir, 'invsync.db'), { create: true });
  await recordedRun(db, 'load', [], async (run) => {
    for (const [kind, text] of Object.entries(texts)) {
      const file = path.join(dir, `${kind}.csv`);
      fs.writeFileSync(file, text);
      await loadFiles(db, { files: [file], kind }, run);
    }
  });
  return { db, dir };
}
