/**
 * Places of the book that resolve to one Odoo location hold one quant there: Odoo keys
 * a quant by product × location × lot, and two rows of one stock.quant import make two
 * quants. The export sums their lines exactly before rounding; a count replaces the
 * book of the Odoo location it counts, whichever way the book names it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { stagedWorkspace } from '../../helpers/staged.js';
import { cleanseWorkspace } from '../../../src/core/cleanse/cleanse.js';
import { exportOdoo } from '../../../src/core/export/odoo.js';
import { parseWorkspaceConfig } from '../../../src/core/workspace/config.js';

const ITEMS = 'sku,description,uom,unit_cost,tracking\nA,Widget,EA,2.5,none\nB,Bolt,EA,1,none\nL,Sealant,EA,4,lot\n';
// "B-01" (warehouse W1) and "W1/B-01" are two rows of the master with one complete name, W1/Stock/B-01.
const LOCATIONS = 'location,warehouse,usage\nVAN-05,VAN-05,view\nVAN-05/Stock,VAN-05,internal\nW1,W1,view\nW1/B-01,W1,internal\nB-01,W1,internal\n';

async function exported(files: Record<string, string>, version: 17 | 18 | 19): Promise<{ read: (file: string) => string; result: Awaited<ReturnType<typeof exportOdoo>> }> {
  const { db, dir } = await stagedWorkspace({ items: ITEMS, locations: LOCATIONS, ...files }, 'invsync-one-quant-');
  const config = parseWorkspaceConfig({}, path.join(dir, 'invsync.yaml'));
  cleanseWorkspace(db, { config });
  const result = await exportOdoo(db, { odooVersion: version, outDir: path.join(dir, 'out'), config });
  db.close();
  return { read: (file) => fs.readFileSync(path.join(dir, 'out', file), 'utf8'), result };
}

describe('one quant per Odoo location', () => {
  it.each([17, 18, 19] as const)('Odoo %i: the book of "VAN-05", "VAN-05/Stock" and the warehouse alone is one quant of VAN05/Stock, summed before rounding', async (version) => {
    const erp = [
      'sku,warehouse,location,lot,qty',
      'A,VAN-05,,,1.004',
      'A,VAN-05,VAN-05/Stock,,2.004',
      'L,VAN-05,VAN-05,L1,1',
      'L,VAN-05,van-05/stock,L1,2',
      'A,W1,W1/B-01,,1',
      'A,W1,B-01,,2',
      // -5 and 3 in one quant: -2, left out as negative stock (once, naming both places).
      'B,VAN-05,VAN-05,,-5',
      'B,VAN-05,VAN-05/Stock,,3',
      '',
    ].join('\n');
    const { read, result } = await exported({ erp }, version);
    expect(read('stock.quant.001.csv')).toBe(
      ['location_id,product_id/id,lot_id/id,inventory_quantity', 'VAN05/Stock,invsync_product_A,,3.01', 'VAN05/Stock,invsync_product_L,invsync_lot_L_-L1,3', 'W1/Stock/B-01,invsync_product_A,,3', ''].join('\n'),
    );
    // One rounding: 1.004 + 2.004 = 3.008 → 3.01 (rounding each place first would give 3).
    expect(read('rounding.csv')).toBe('sku,warehouse,location,lot,qty,rounded,difference\nA,VAN-05,VAN-05 + VAN-05/Stock,,3.008,3.01,0.002\n');
    expect(read('rejects.csv')).toBe(
      'file,record,rule,reason,sku,warehouse,location,lot,qty,source\nstock.quant.csv,B @ VAN-05 + VAN-05/Stock,negative_stock,negative opening stock -2: Odoo cannot count a negative quantity,B,VAN-05,VAN-05 + VAN-05/Stock,,-2,book\n',
    );
    expect(result.controlTotals.warehouses.map((w) => [w.warehouse, w.lines, w.qty])).toEqual([
      ['VAN-05', 2, '6.01'],
      ['W1', 1, '3'],
    ]);
    expect(read('costs.csv')).toContain('A,6.01,,2.5,15.025,,master_no_gl');
  });

  it('two rows of the location master with one complete name are one stock.location record; rows that disagree are a finding', async () => {
    const erp = 'sku,warehouse,location,qty\nA,W1,W1/B-01,1\nA,W1,B-01,2\n';
    const locations = (b01: string): string => `location,warehouse,usage,barcode\nW1,W1,view,\nW1/B-01,W1,internal,\n${b01}\n`;
    const { read } = await exported({ erp, locations: locations('B-01,W1,internal,LOC-B01') }, 18);
    const rows = read('stock.location.csv').trimEnd().split('\n');
    expect(rows.filter((r) => r.includes('B-01'))).toHaveLength(1);
    expect(rows.find((r) => r.includes('B-01'))).toContain('LOC-B01'); // the barcode of the row that had one
    expect(read('stock.quant.001.csv')).toBe('location_id,product_id/id,lot_id/id,inventory_quantity\nW1/Stock/B-01,invsync_product_A,,3\n');
    await expect(exported({ erp, locations: locations('B-01,W1,view,') }, 18)).rejects.toThrow(
      /stock\.location\.csv {2}W1\/B-01 {2}location_name_duplicate: is W1\/Stock\/B-01 in Odoo, as B-01 is, but with usage internal \(B-01: view\): keep one of the two rows of the location master/,
    );
  });

  it('a count of "VAN-05/Stock" replaces the book kept as the warehouse alone, not added to it', async () => {
    const { read, result } = await exported(
      {
        erp: 'sku,warehouse,location,qty\nA,VAN-05,,5\nA,VAN-05,VAN-05/Bin,1\nA,W1,W1/B-01,7\n',
        counts: 'sku,warehouse,location,qty\nA,VAN-05,VAN-05/Stock,4\nA,W1,B-01,6\n',
        locations: `${LOCATIONS}VAN-05/Bin,VAN-05,internal\n`,
      },
      18,
    );
    expect(read('stock.quant.001.csv')).toBe(['location_id,product_id/id,lot_id/id,inventory_quantity', 'VAN05/Stock,invsync_product_A,,4', 'VAN05/Stock/Bin,invsync_product_A,,1', 'W1/Stock/B-01,invsync_product_A,,6', ''].join('\n'));
    expect(JSON.parse(read('manifest.json')).opening_stock.superseded_book).toEqual({ lines: 2, qty: '12' });
    expect(result.controlTotals.total).toMatchObject({ lines: 3, qty: '11' });
  });
});
