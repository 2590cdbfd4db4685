/**
 * Pins each version's load-file headers. Every column was checked against the Odoo source of
 * 17.0, 18.0 and 19.0 (the field exists on the model, is writable, and holds the values the
 * writer puts in it), read with the search tools from complete Odoo trees committed to public
 * repositories (the index's odoo/odoo mixes commits of release and fork branches; see
 * ../shared/reference/odoo-formats.md section 0):
 *   [17] nguyenmanhdat006/quan_ly_kho_odoo (17.0 final) @ 9e0a8d34 / 0d390b26 / fa29e2cd, paths addons/…
 *   [18] informaticeng0011/odoo_18.0 (18.0 with upstream/18.0 merged in) @ 011dedd5 / 002e5a75 /
 *        033971a5 / 05afbf57, paths addons/… (some of its files carry unresolved merge markers;
 *        only field blocks free of them were used)
 *   [19] jnvdx6/skymedic-odoo (19.0, 2026-02) @ 85dffc07, paths addons/…; and
 *        IToldegloryventures/Party-Time-Odoo (19.0, 2025-12) @ deabbb32, paths odoo/addons/…
 *   [OU] OCA/OpenUpgrade openupgrade_scripts/scripts/<module>/<version>/upgrade_analysis.txt
 *        (field-level diffs 17→18 and 18→19)
 *   [T]  the import templates Odoo ships, /work/shared/samples/odoo-templates/<v>/
 *
 * - header spelling: addons/base_import/models/base_import.py [17] get_fields_tree(): the columns the
 *   importer maps are `id` ("External ID"), every field that fields_get() does not mark read-only, and
 *   for many2one/many2many the subfields `id` (External ID) and `.id`; one2many fields recurse, hence
 *   `line_ids/account_id`. Every column below is a technical name that is writable in its version
 *   (computed fields here all have an inverse or readonly=False). [T] product_template.xls (all
 *   three): "External ID | Name | Product Type | …" is the same `id` column.
 * - product.product (product.template fields, reachable through _inherits):
 *   addons/product/models/product_template.py [17] [19]: name, default_code, barcode, standard_price
 *   ("Cost"), categ_id, uom_id; 17 `detailed_type` (+ computed `type`) and `uom_po_id` "Purchase UoM";
 *   19 `type` consu "Goods"/service/combo and `uom_ids` "Packagings" (domain id != uom_id), no uom_po_id.
 *   addons/stock/models/product.py [17] [18] [19]: 17 detailed_type selection_add ('product',
 *   'Storable Product'); 18/19 `is_storable` "Track Inventory"; `tracking` serial/lot/none in all three.
 *   18's product_template.py is only in [18] with merge markers in it, so its fields come from
 *   [OU] stock/18.0.1.1 (detailed_type DEL, is_storable NEW) and product/19.0.1.2 (uom_po_id DEL,
 *   uom_ids NEW, i.e. 18 still has uom_po_id) and [T] 18.0/product_template.xls (Product Type "Goods").
 * * - uom.category / uom.uom: addons/uom/models/uom_uom.py [17] [18]: uom.category `name`; uom.uom
 *   `name`, `category_id` (required), `uom_type` bigger/reference/smaller, `factor` (digits=0),
 *   `rounding`; `factor_inv` is readonly=True (create()/write() turn it into factor, but the importer
 *   offers no read-only field). [19]: no uom.category; `relative_factor` "Contains" (required,
 *   default 1), `relative_uom_id` "Reference Unit"; factor computed, rounding computed.
 * - product.category: addons/product/models/product_category.py [19] (`name`, `parent_id`);
 *   [OU] lists no change to either field 17→18→19.
 * - stock.warehouse: addons/stock/models/stock_warehouse.py [17] [18] [19]: `name` required,
 *   `code` "Short Name" required, size=5; create() names the view location after the code, so the
 *   stock location is "<code>/Stock".
 * - stock.location: addons/stock/models/stock_location.py [17] [18] [19]: `name`, `location_id`
 *   (parent), `barcode`, `usage` keys supplier/view/internal/customer/inventory/production/transit
 *   in all three (19 only relabels them); _rec_names_search = complete_name, barcode, which is why
 *   a parent or quant location is given by its full name ("ASM/Stock").
 * - stock.lot: addons/stock/models/stock_lot.py [17] [18] [19]: _name 'stock.lot', `name`, `product_id`
 *   required. (John75SunCity/ssh-git-github.com-odoo-odoo.git-18.0's copy says
 *   'stock.production.lot' in an otherwise 18.0 file: a local edit, not Odoo.)
 * - stock.quant: addons/stock/models/stock_quant.py [17] [18] [19]: product_id, location_id, lot_id
 *   (stock.lot), `inventory_quantity` ("Counted Quantity" 17/18, "Counted" 19),
 *   `inventory_quantity_auto_apply`; create() in inventory mode refuses any key outside
 *   _get_inventory_fields_create() = product_id, owner_id + inventory_quantity,
 *   inventory_quantity_auto_apply, inventory_diff_quantity, inventory_date, user_id,
 *   inventory_quantity_set, is_outdated, lot_id, location_id, package_id ([17]; same check in [18]
 *   [19]); addons/stock_account/models/stock_quant.py [17] [19] adds `accounting_date`.
 *   [T] stock_quant.xlsx (identical in 17/18/19): Product | Lot/Serial Number | Quantity | Counted
 *   Quantity | Difference | Scheduled Date | Assigned To. Quantity and Difference are outside that
 *   list, so the template fails as shipped.
 * - account.move (residual entry): addons/account/models/account_move_line.py [17] [19]: move line
 *   `account_id`, `name` "Label", `debit`/`credit` (computed with inverse, writable); `date`, `ref`,
 *   `journal_id` are the move's fields (related on the line). addons/account/models/account_account.py
 *   [17] _name_search with '=' matches the code or the name; [19] _search_display_name matches
 *   code =like '<value>%' or the name.
 */
import { describe, expect, it } from 'vitest';
import { LOCATION_COLUMNS, LOT_COLUMNS, MOVE_COLUMNS, PRODUCT_CATEGORY_COLUMNS, UOM_CATEGORY_COLUMNS, WAREHOUSE_COLUMNS, productColumns, quantColumns, uomColumns } from '../../../src/core/export/headers.js';

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
    expect(MOVE_COLUMNS.join(',')).toBe('id,date,ref,journal_id,line_ids/account_id,line_ids/name,line_ids/debit,line_ids/credit');
  });
});
