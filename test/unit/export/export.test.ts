import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { stagedWorkspace } from '../../helpers/staged.js';
import { describe, expect, it } from 'vitest';
import { cleanseWorkspace } from '../../../src/core/cleanse/cleanse.js';
import { CheckFailedError } from '../../../src/core/errors.js';
import { divideHalfUp, productCost } from '../../../src/core/export/costs.js';
import { compareDecimals, fromScaled, mulDecimals, subDecimals } from '../../../src/core/model/decimal.js';
import { escapeKey, externalId } from '../../../src/core/export/ids.js';
import { exportOdoo } from '../../../src/core/export/odoo.js';
import { warehouseCodes } from '../../../src/core/export/plan.js';
import { preflight } from '../../../src/core/export/preflight.js';
import type { Db } from '../../../src/core/staging/database.js';
import { parseWorkspaceConfig, type WorkspaceConfig } from '../../../src/core/workspace/config.js';

const ITEMS = [
  'sku,description,uom,purchase_uom,pack_size,category,unit_cost,tracking',
  'A,Widget,EA,BX12,12,Parts/Small,2.50,none',
  'B,Bolt M6,EA,BX100,100,Parts/Small,0.10,none',
  'L,Sealant,EA,,,Chemicals,4,lot',
  'S,Pump,EA,,,Machines,100,serial',
  '',
].join('\n');
const LOCATIONS = 'location,warehouse,usage\nW1,W1,view\nW1/B-01,W1,internal\nW1/B-02,W1,internal\n';

async function workspace(files: Record<string, string>, exportSection?: unknown): Promise<{ db: Db; dir: string; config: WorkspaceConfig }> {
  const { db, dir } = await stagedWorkspace({ items: ITEMS, locations: LOCATIONS, ...files }, 'invsync-export-');
  const config = parseWorkspaceConfig(exportSection === undefined ? {} : { export: exportSection }, path.join(dir, 'invsync.yaml'));
  cleanseWorkspace(db, { config });
  return { db, dir, config };
}

const rules = (db: Db, config: WorkspaceConfig, version: 17 | 18 | 19 = 18): string[] => preflight(db, { odooVersion: version, config }).map((f) => `${f.rule} ${f.record}`);

describe('external ids', () => {
  it.each([
    ['PLB-1088', 'PLB-1088'],
    ['PLB_1088', 'PLB__1088'],
    ['A/B', 'A_2fB'],
    ['a b', 'a_20b'],
    ['GEB-115.890.00.1', 'GEB-115_2e890_2e00_2e1'],
    ['Stück', 'St_c3_bcck'],
  ])('%s escapes to %s (no dot, so Odoo reads it as __import__.<id>)', (key, escaped) => {
    expect(escapeKey(key)).toBe(escaped);
    expect(escapeKey(key)).not.toContain('.');
  });

  it('distinct keys never share an id', () => {
    const keys = ['a_b', 'a b', 'a__b', 'a_20b', 'A_B', 'a-b', 'a_2db'];
    expect(new Set(keys.map(escapeKey)).size).toBe(keys.length);
    expect(externalId.lot('A_', 'B')).not.toBe(externalId.lot('A', '_B'));
  });
});

describe('cost tie-out', () => {
  it.each([
    ['10', '3', 2, '3.33'],
    ['10', '6', 2, '1.67'],
    ['0.125', '1', 2, '0.13'],
    ['-0.125', '1', 2, '-0.13'],
    ['2527.28', '2256.5', 2, '1.12'],
    ['1', '3', 4, '0.3333'],
  ])('%s ÷ %s at %i digits is %s (HALF-UP)', (a, b, digits, expected) => {
    expect(divideHalfUp(a, b, digits)).toBe(expected);
  });

  it('quantity × cost equals the GL value to the cent where the division allows', () => {
    expect(productCost({ glValue: '2527.28', qty: '2256.5', masterCost: '1.10', digits: 2 })).toEqual({ cost: '1.12', value: '2527.28', residual: '0', basis: 'gl' });
  });

  it('reports the residual where it cannot tie exactly (10.00 over 3 units)', () => {
    expect(productCost({ glValue: '10', qty: '3', masterCost: null, digits: 2 })).toEqual({ cost: '3.33', value: '9.99', residual: '0.01', basis: 'gl' });
    expect(productCost({ glValue: '10', qty: '6', masterCost: null, digits: 2 })).toEqual({ cost: '1.67', value: '10.02', residual: '-0.02', basis: 'gl' });
  });

  it('the integer fast path agrees with exact decimal arithmetic (property)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 13n), max: 10n ** 13n }), fc.bigInt({ min: 1n, max: 10n ** 14n }), fc.integer({ min: 0, max: 4 }), (glCents, qtyMicro, digits) => {
        const glValue = fromScaled({ units: glCents, scale: 2 });
        const qty = fromScaled({ units: qtyMicro, scale: 6 });
        const c = productCost({ glValue, qty, masterCost: '1', digits });
        const cost = divideHalfUp(glValue, qty, digits);
        if (compareDecimals(cost, '0') < 0) return c.basis === 'master_sign';
        return c.basis === 'gl' && c.cost === cost && c.value === mulDecimals(qty, cost) && c.residual === subDecimals(glValue, mulDecimals(qty, cost));
      }),
    );
  });

  it('falls back to the master cost without a GL value, without stock, or with opposite signs', () => {
    expect(productCost({ glValue: null, qty: '4', masterCost: '2.5', digits: 2 })).toMatchObject({ cost: '2.5', residual: null, basis: 'master_no_gl' });
    expect(productCost({ glValue: '50', qty: '0', masterCost: '2.5', digits: 2 })).toMatchObject({ cost: '2.5', residual: '50', basis: 'master_no_stock' });
    expect(productCost({ glValue: '-37.5', qty: '15', masterCost: '2.5', digits: 2 })).toMatchObject({ cost: '2.5', value: '37.5', residual: '-75', basis: 'master_sign' });
  });
});

describe('warehouse codes', () => {
  it('are at most 5 characters, unique, never the default warehouse WH', () => {
    const codes = warehouseCodes(['WH-NORTH', 'WH-SOUTH', 'VAN-01', 'ASM', 'WH', 'NORTH'], { ASM: 'KIT' });
    expect(Object.fromEntries(codes)).toEqual({ 'WH-NORTH': 'NORTH', 'WH-SOUTH': 'SOUTH', 'VAN-01': 'VAN01', ASM: 'KIT', WH: 'WH2', NORTH: 'NORT2' });
  });
});

describe('pre-flight failures, one by one', () => {
  it('a clean workspace has none', async () => {
    const { db, config } = await workspace({ counts: 'sku,location,lot,qty\nA,W1/B-01,,10\nL,W1/B-01,L1,5\nS,W1/B-02,SN1,1\n' });
    expect(rules(db, config, 17)).toEqual([]);
    expect(rules(db, config, 19)).toEqual([]);
  });

  it('unit_missing: a product without a unit', async () => {
    const { db, config } = await workspace({ items: 'sku,description,uom\nA,Widget,EA\nN,No unit,\n', counts: 'sku,location,qty\nA,W1/B-01,1\n' });
    expect(rules(db, config)).toEqual(['unit_missing N']);
  });

  it('purchase_unit_category: units in two categories', async () => {
    const { db, config } = await workspace({ items: 'sku,description,uom,purchase_uom\nK,Wire,kg,EA\n', counts: 'sku,location,qty\nK,W1/B-01,1\n' });
    expect(rules(db, config)).toEqual(['purchase_unit_category K']);
  });

  it('serial_qty_not_1: a serial with more than one unit', async () => {
    const { db, config } = await workspace({ counts: 'sku,location,lot,qty\nS,W1/B-01,SN1,2\n' });
    expect(rules(db, config)).toEqual(['serial_qty_not_1 S @ W1/B-01 / SN1']);
  });

  it('serial_duplicate: one serial in two places', async () => {
    const { db, config } = await workspace({ counts: 'sku,location,lot,qty\nS,W1/B-01,SN1,1\nS,W1/B-02,SN1,1\n' });
    expect(rules(db, config)).toEqual(['serial_duplicate S @ W1/B-01 / SN1', 'serial_duplicate S @ W1/B-02 / SN1']);
  });

  it('lot_missing: lot-tracked stock without a lot', async () => {
    const { db, config } = await workspace({ counts: 'sku,location,lot,qty\nL,W1/B-01,,5\n' });
    expect(rules(db, config)).toEqual(['lot_missing L @ W1/B-01']);
  });

  it('negative_stock: only when the negative exclusion is switched off', async () => {
    const files = { erp: 'sku,location,qty\nA,W1/B-01,-4\n' };
    const excluded = await workspace(files);
    expect(rules(excluded.db, excluded.config)).toEqual([]);
    const strict = await workspace(files, { exclude: ['zero'] });
    expect(rules(strict.db, strict.config)).toEqual(['negative_stock A @ W1/B-01']);
  });

  it('product_unresolved: a counted SKU in no item master, when unusable lines are not excluded', async () => {
    const { db, config } = await workspace({ counts: 'sku,location,qty\nZZZ,W1/B-01,4\n' }, { exclude: ['negative', 'zero'] });
    expect(rules(db, config)).toEqual(['product_unresolved ZZZ @ W1/B-01']);
  });

  it('location_unresolved: stock in a location the master does not have, or in a view', async () => {
    const { db, config } = await workspace({ locations: 'location,warehouse,usage\nW1,W1,view\nW1/B-01,W1,internal\nW1/V,W1,view\n', counts: 'sku,location,qty\nA,W1/B-09,4\nB,W1/V,1\n' });
    expect(rules(db, config)).toEqual(['location_unresolved A @ W1/B-09', 'location_unresolved B @ W1/V']);
  });

  it('exportOdoo throws CheckFailedError listing the findings and writes nothing', async () => {
    const { db, dir, config } = await workspace({ counts: 'sku,location,lot,qty\nS,W1/B-01,SN1,3\n' });
    const out = path.join(dir, 'odoo');
    const attempt = exportOdoo(db, { odooVersion: 18, outDir: out, config });
    await expect(attempt).rejects.toThrow(CheckFailedError);
    await expect(exportOdoo(db, { odooVersion: 18, outDir: out, config })).rejects.toThrow('stock.quant.csv  S @ W1/B-01 / SN1  serial_qty_not_1');
    expect(fs.existsSync(out)).toBe(false);
    expect(fs.readdirSync(dir).filter((f) => f.includes('tmp'))).toEqual([]);
  });
});

describe('export files', () => {
  it('opening stock: counts where counted, the book elsewhere; rounding to the unit reported', async () => {
    const { db, dir, config } = await workspace({
      erp: 'sku,location,qty\nA,W1/B-01,10\nB,W1/B-02,7.126\n',
      counts: 'sku,location,qty\nA,W1/B-01,12\n',
      gl: 'sku,warehouse,value\nA,W1,30\nB,W1,1\n',
    });
    const result = await exportOdoo(db, { odooVersion: 18, outDir: path.join(dir, 'out'), config });
    const quants = fs.readFileSync(path.join(dir, 'out', 'stock.quant.001.csv'), 'utf8');
    expect(quants).toBe('location_id,product_id/id,lot_id/id,inventory_quantity\nW1/Stock/B-01,invsync_product_A,,12\nW1/Stock/B-02,invsync_product_B,,7.13\n');
    expect(fs.readFileSync(path.join(dir, 'out', 'rounding.csv'), 'utf8')).toContain('B,W1,W1/B-02,,7.126,7.13,0.004');
    // A: 30 / 12 = 2.5 exactly; B: 1 / 7.13 = 0.14, 7.13 × 0.14 = 0.9982, residual 0.0018.
    const costs = fs.readFileSync(path.join(dir, 'out', 'costs.csv'), 'utf8');
    expect(costs).toContain('A,12,30,2.5,30,0,gl');
    expect(costs).toContain('B,7.13,1,0.14,0.9982,0.0018,gl');
    expect(result.costTieOut).toMatchObject({ gl_value: '31', value_at_gl_cost: '30.9982', residual: '0.0018', residual_products: 1, gl_not_exported: '0', ties: true });
    expect(result.controlTotals.total).toMatchObject({ lines: 2, qty: '19.13', value: '30.9982', gl_value: '31' });
  });

  it('sums GL values exactly: more than 6 places, several rows per SKU, SKUs without a product', async () => {
    const { db, dir, config } = await workspace({
      erp: 'sku,location,qty\nA,W1/B-01,3\nB,W1/B-02,2\n',
      gl: 'sku,warehouse,value\nA,W1,10.0000001\nA,W1,-0.0000001\nB,W1,1.25\nB,W1,0.75\nZ,W1,5.123456789\nZ,W1,1\n',
    });
    const result = await exportOdoo(db, { odooVersion: 18, outDir: path.join(dir, 'out'), config });
    const costs = fs.readFileSync(path.join(dir, 'out', 'costs.csv'), 'utf8');
    expect(costs).toContain('A,3,10,3.33,9.99,0.01,gl');
    expect(costs).toContain('B,2,2,1,2,0,gl');
    expect(costs).toContain('Z,,6.123456789,,,6.123456789,gl_not_exported');
    expect(result.costTieOut).toMatchObject({ gl_value: '18.123456789', residual: '0.01', gl_not_exported: '6.123456789' });
  });

  it('sums GL values exactly beyond what doubles hold exactly (2^53 millionths), and beyond 9 digits', async () => {
    const { db, dir, config } = await workspace({
      erp: 'sku,location,qty\nA,W1/B-01,1\nB,W1/B-02,1\n',
      gl: ['sku,warehouse,value', ...new Array(20).fill('A,W1,999999999.999999'), 'B,W1,12345678901.25', 'B,W1,0.75', ''].join('\n'),
    });
    await exportOdoo(db, { odooVersion: 18, outDir: path.join(dir, 'out'), config });
    const costs = fs.readFileSync(path.join(dir, 'out', 'costs.csv'), 'utf8');
    expect(costs).toContain('A,1,19999999999.99998,20000000000,20000000000,-0.00002,gl');
    expect(costs).toContain('B,1,12345678902,12345678902,12345678902,0,gl');
  });

  it('sums quantities and values exactly beyond 2^53 millionths (the lines are read again for the value)', async () => {
    const { db, dir, config } = await workspace({
      erp: 'sku,location,qty\nA,W1/B-01,5000000000\nA,W1/B-02,5000000000.000001\nB,W1/B-01,1\n',
      gl: 'sku,warehouse,value\nA,W1,30000000000\nB,W1,2.5\n',
    });
    const result = await exportOdoo(db, { odooVersion: 18, outDir: path.join(dir, 'out'), config });
    // A: 10,000,000,000.000001 units rounded to 0.01 per line: 5,000,000,000 + 5,000,000,000 at cost 3.
    expect(fs.readFileSync(path.join(dir, 'out', 'costs.csv'), 'utf8')).toContain('A,10000000000,30000000000,3,30000000000,0,gl');
    expect(result.controlTotals.total).toMatchObject({ lines: 3, qty: '10000000001', value: '30000000002.5', gl_value: '30000000002.5' });
  });

  it('batches never split a location when it fits, and re-running gives byte-identical files', async () => {
    const counts = ['sku,location,qty', 'A,W1/B-01,1', 'B,W1/B-01,2', 'A,W1/B-02,3', 'B,W1/B-02,4', ''].join('\n');
    const { db, dir, config } = await workspace({ counts }, { residual_entry: { journal: 'MISC', account: '1400', counterpart: '1490', date: '2026-06-30' } });
    const first = await exportOdoo(db, { odooVersion: 17, outDir: path.join(dir, 'out'), config, batchRows: 3 });
    expect(first.files.filter((f) => f.model === 'stock.quant').map((f) => [f.file, f.rows])).toEqual([
      ['stock.quant.001.csv', 2],
      ['stock.quant.002.csv', 2],
    ]);
    const bytes = (): Record<string, string> => Object.fromEntries(fs.readdirSync(path.join(dir, 'out')).sort().map((f) => [f, fs.readFileSync(path.join(dir, 'out', f), 'utf8')]));
    const before = bytes();
    await exportOdoo(db, { odooVersion: 17, outDir: path.join(dir, 'out'), config, batchRows: 3 });
    expect(bytes()).toEqual(before);
  });

  it('writes the residual journal entry when one is configured and a residual exists', async () => {
    const { db, dir, config } = await workspace(
      { counts: 'sku,location,qty\nA,W1/B-01,3\n', gl: 'sku,warehouse,value\nA,W1,10\n' },
      { residual_entry: { journal: 'MISC', account: '1400', counterpart: '1490', date: '2026-06-30' } },
    );
    await exportOdoo(db, { odooVersion: 19, outDir: path.join(dir, 'out'), config });
    expect(fs.readFileSync(path.join(dir, 'out', 'account.move.csv'), 'utf8')).toBe(
      [
        'id,date,ref,journal_id,line_ids/account_id,line_ids/name,line_ids/debit,line_ids/credit',
        'invsync_opening_cost_residual,2026-06-30,Opening stock: cost rounding residual,MISC,1400,A: opening cost rounding residual,0.01,0',
        ',,,,1490,Opening stock: cost rounding residual,0,0.01',
        '',
      ].join('\n'),
    );
  });

  it('puts the accounting date on every stock line when the workspace sets one', async () => {
    const { db, dir, config } = await workspace({ counts: 'sku,location,qty\nA,W1/B-01,3\n' }, { accounting_date: '2026-06-30', apply_mode: 'auto' });
    await exportOdoo(db, { odooVersion: 17, outDir: path.join(dir, 'out'), config });
    expect(fs.readFileSync(path.join(dir, 'out', 'stock.quant.001.csv'), 'utf8')).toBe('location_id,product_id/id,lot_id/id,inventory_quantity_auto_apply,accounting_date\nW1/Stock/B-01,invsync_product_A,,3,2026-06-30\n');
  });

  it.each([
    [{ opening_stock: 'guess' }, 'opening_stock must be counts_then_book, book or counts'],
    [{ exclude: ['negatives'] }, 'exclude: "negatives" is not one of unusable, negative, zero'],
    [{ warehouse_codes: { 'WH-NORTH': 'NORTHERN' } }, 'is not a code of 1 to 5 characters'],
    [{ batch_rows: 0 }, 'batch_rows must be a positive whole number'],
    [{ accounting_date: '30.06.2026' }, 'accounting_date must be YYYY-MM-DD'],
    [{ colour: 'red' }, 'unknown key "colour"'],
  ])('a bad export setting %j is an input error naming it', async (section, message) => {
    const { db, dir, config } = await workspace({ counts: 'sku,location,qty\nA,W1/B-01,3\n' }, section);
    await expect(exportOdoo(db, { odooVersion: 18, outDir: path.join(dir, 'out'), config })).rejects.toThrow(message);
  });

  it('refuses an output folder that holds something other than an earlier export', async () => {
    const { db, dir, config } = await workspace({ counts: 'sku,location,qty\nA,W1/B-01,3\n' });
    fs.mkdirSync(path.join(dir, 'busy'));
    fs.writeFileSync(path.join(dir, 'busy', 'notes.txt'), 'mine');
    await expect(exportOdoo(db, { odooVersion: 18, outDir: path.join(dir, 'busy'), config })).rejects.toThrow(/not empty/);
    expect(fs.readdirSync(path.join(dir, 'busy'))).toEqual(['notes.txt']);
  });
});
