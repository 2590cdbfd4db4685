import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadFiles } from '../../src/core/loaders/load.js';
import { profileWorkspace, skuSpellingKey } from '../../src/core/profile/profile.js';
import { recordedRun } from '../../src/core/staging/audit.js';
import { openDatabase } from '../../src/core/staging/database.js';
import { tempWorkspace } from '../helpers/cli.js';

describe('profile', () => {
  it('reports each source’s findings from the staged data', async () => {
    const dir = tempWorkspace();
    const db = openDatabase(path.join(dir, 'invsync.db'), { create: true });
    const write = (name: string, text: string): string => {
      fs.writeFileSync(path.join(dir, name), text);
      return path.join(dir, name);
    };
    const items = write('items.csv', 'sku,description,uom,tracking\nAB-100,Bolt,EA,none\nab 100,Bolt,each,none\nS-1,Scanner,PCS,serial\nL-1,Glue,KG,lot\nX-9,Thing,furlong,none\n');
    const counts = write('counts.csv', 'sku,location,lot,qty\nS-1,A1,SN1,1\nS-1,A1,,2\nL-1,A2,,5\nAB-100,A3,,-3\nAB-100,A3,,0\n,A4,,1\nX-9,A5,,many\n');
    await recordedRun(db, 'load', [], async (run) => {
      await loadFiles(db, { files: [items], kind: 'items' }, run);
      await loadFiles(db, { files: [counts], kind: 'counts' }, run);
    });
    const result = profileWorkspace(db);
    const [countsProfile, itemsProfile] = result.sources;
    expect(itemsProfile).toMatchObject({
      kind: 'items',
      rowsStaged: 5,
      duplicateSkuSpellings: [{ key: 'AB100', spellings: ['AB-100', 'ab 100'] }],
      unknownUnits: [{ unit: 'furlong', rows: 1 }],
    });
    expect(countsProfile).toMatchObject({
      kind: 'counts',
      rowsRead: 7,
      rowsStaged: 5,
      rowsRejected: 2,
      rejectsByReason: { bad_qty: 1, blank_sku: 1 },
      blankSkus: 1,
      nonNumericQuantities: 1,
      negativeQuantities: 1,
      zeroQuantities: 1,
      duplicateKeys: 1,
      tracking: { serialQuantityNotOne: 1, missingLotOrSerial: 2 },
    });
    expect(result.totals).toEqual({ rowsRead: 12, rowsStaged: 10, rowsRejected: 2 });
  });

  it.each([
    ['AB-100', 'AB100'],
    ['ab 100', 'AB100'],
    ['ab_100/x', 'AB100X'],
    ['Ｆ-1', 'F1'],
  ])('spelling key of %s is %s', (sku, key) => expect(skuSpellingKey(sku)).toBe(key));
});
