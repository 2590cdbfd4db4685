/**
 * Pins each version's load-file headers. Where they come from (../shared/reference/odoo-formats.md,
 * read from the Odoo 17.0 / 18.0 / 19.0 source trees it names). Read directly for this test
 * with the search tools (third-party copies of the release trees named in its section 0):
 * 19.0 addons/product/models/product_template.py (`type` consu/service/combo, `uom_ids`
 * "Packagings" with domain id != uom_id, `standard_price` digits 'Product Price', `categ_id`
 * not required) and addons/stock/models/stock_quant.py (`inventory_quantity` labelled
 * "Counted", the create whitelist check, write forbidding product_id, location_id, lot_id,
 * package_id, owner_id) in IToldegloryventures/Party-Time-Odoo; 17.0 addons/uom/models/uom_uom.py
 * (`factor_inv` read-only; create/write turn factor_inv into factor) in nguyenmanhdat006/quan_ly_kho_odoo.
 * - product.product: addons/product/models/product_template.py and addons/stock/models/product.py —
 *   17.0 `detailed_type` ('product' = Storable Product); 18.0/19.0 `type` ('consu' = Goods) plus
 *   `is_storable` ("Track Inventory"); `uom_po_id` in 17/18, removed in 19 for `uom_ids` ("Packagings");
 *   `tracking`, `standard_price` ("Cost", digits 'Product Price'), `categ_id`, `default_code`, `barcode`.
 * - uom.uom: addons/uom/models/uom_uom.py — 17/18 `category_id`, `uom_type`, `factor`, `rounding`
 *   (`factor_inv` is computed and read-only); 19 `relative_factor`, `relative_uom_id` (categories removed).
 * - stock.location / stock.warehouse / stock.lot: addons/stock/models/stock_location.py
 *   (`location_id`, `usage`, `barcode`), stock_warehouse.py (`name`, `code` ≤ 5), stock_lot.py (`name`, `product_id`).
 * - stock.quant: addons/stock/models/stock_quant.py `_get_inventory_fields_create()`: only
 *   product_id, owner_id, inventory_quantity, inventory_quantity_auto_apply, lot_id, location_id,
 *   package_id, … on create in inventory mode. The template Odoo ships
 *   (/work/shared/samples/odoo-templates/<v>/stock_quant.xlsx: Product, Lot/Serial Number, Quantity,
 *   Counted Quantity, Difference, Scheduled Date, Assigned To) fails as shipped because Quantity and
 *   Difference are outside that list; the product template (product_template.xls: External ID, Name,
 *   Product Type, Internal Reference, Barcode, Sales Price, Cost, …) confirms the "External ID" = `id` column.
 */
import { describe, expect, it } from 'vitest';
import { LOCATION_COLUMNS, LOT_COLUMNS, PRODUCT_CATEGORY_COLUMNS, UOM_CATEGORY_COLUMNS, WAREHOUSE_COLUMNS, productColumns, quantColumns, uomColumns } from '../../../src/core/export/headers.js';

describe('load-file headers per Odoo version', () => {
  it.each([
    [17, 'id,default_code,name,barcode,detailed_type,uom_id/id,uom_po_id/id,tracking,standard_price,categ_id/id'],
    [18, 'id,default_code,name,barcode,type,is_storable,uom_id/id,uom_po_id/id,tracking,standard_price,categ_id/id'],
    [19, 'id,default_code,name,barcode,type,is_storable,uom_id/id,uom_ids/id,tracking,standard_price,categ_id/id'],
  ] as const)('product.product in %i', (version, header) => {
    expect(productColumns(version).join(',')).toBe(header);
  });

  it.each([
    [17, 'id,name,category_id/id,uom_type,factor,rounding'],
    [18, 'id,name,category_id/id,uom_type,factor,rounding'],
    [19, 'id,name,relative_factor,relative_uom_id/id'],
  ] as const)('uom.uom in %i', (version, header) => {
    expect(uomColumns(version).join(',')).toBe(header);
  });

  it('stock.quant holds only columns inventory mode accepts on create', () => {
    const allowed = ['product_id', 'owner_id', 'inventory_quantity', 'inventory_quantity_auto_apply', 'inventory_diff_quantity', 'inventory_date', 'user_id', 'inventory_quantity_set', 'is_outdated', 'lot_id', 'location_id', 'package_id', 'accounting_date'];
    for (const mode of ['count', 'auto'] as const) for (const column of quantColumns(mode, true)) expect(allowed).toContain(column.replace(/\/id$/, ''));
    expect(quantColumns('count').join(',')).toBe('location_id,product_id/id,lot_id/id,inventory_quantity');
    expect(quantColumns('auto').join(',')).toBe('location_id,product_id/id,lot_id/id,inventory_quantity_auto_apply');
    expect(quantColumns('count', true).join(',')).toBe('location_id,product_id/id,lot_id/id,inventory_quantity,accounting_date');
  });

  it('the other models', () => {
    expect(UOM_CATEGORY_COLUMNS.join(',')).toBe('id,name');
    expect(PRODUCT_CATEGORY_COLUMNS.join(',')).toBe('id,name,parent_id/id');
    expect(WAREHOUSE_COLUMNS.join(',')).toBe('id,name,code');
    expect(LOCATION_COLUMNS.join(',')).toBe('id,name,location_id,usage,barcode');
    expect(LOT_COLUMNS.join(',')).toBe('id,name,product_id/id');
  });
});
