import { describe, expect, it } from 'vitest';
import { quantColumns } from '../../../src/core/export/headers.js';
import { ODOO_QUANT_COLUMNS, odooImportFileName, odooQuantImport, roundHalfUp } from '../../../src/core/counts/odoo.js';

describe('the Odoo physical inventory import of a closed count', () => {
  it('has only fields Odoo allows when it creates a quant in inventory mode', () => {
    // stock.quant._get_inventory_fields_create() (+ accounting_date from stock_account); no quantity, no Difference.
    // Spelled as the export's own stock.quant files (count mode): the records are referred to by their external ids.
    expect(ODOO_QUANT_COLUMNS).toEqual(['location_id', 'product_id/id', 'lot_id/id', 'inventory_quantity', 'accounting_date']);
    expect(ODOO_QUANT_COLUMNS).toEqual(quantColumns('count', true));
    expect(odooImportFileName(19)).toBe('stock.quant-count-odoo19.csv');
  });

  it('rounds a count with more decimals than the unit keeps, half up, and counts it', () => {
    const rows = [
      { locationRef: 'W1/Stock/B-1', sku: 'WIRE', productRef: 'invsync_product_WIRE', lotRef: '', counted: '12.345', countedOn: '2026-07-01' },
      { locationRef: 'W1/Stock/B-2', sku: 'BOLT', productRef: 'invsync_product_BOLT', lotRef: 'invsync_lot_BOLT_-L1', counted: '7', countedOn: '2026-07-02' },
    ];
    const file = odooQuantImport(rows, (sku) => (sku === 'WIRE' ? 2 : 0));
    expect(file.rows).toEqual([
      ['W1/Stock/B-1', 'invsync_product_WIRE', '', '12.35', '2026-07-01'],
      ['W1/Stock/B-2', 'invsync_product_BOLT', 'invsync_lot_BOLT_-L1', '7', '2026-07-02'],
    ]);
    expect(file.rounded).toBe(1);
  });

  it.each([
    ['1.005', 2, '1.01'],
    ['-1.005', 2, '-1.01'],
    ['2.5', 0, '3'],
    ['0.0049', 2, '0'],
    ['12', 3, '12'],
  ])('roundHalfUp(%s, %i) = %s', (value, places, expected) => {
    expect(roundHalfUp(value, places)).toBe(expected);
  });
});
