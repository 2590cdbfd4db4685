/**
 * The columns of each load file, per Odoo version: technical field names, which
 * Settings > Import maps without a click (a header equal to a field name or its
 * label matches; names do not change with the user's language). Relational
 * columns use `field/id` (external id) where the target has one, and the plain
 * field (a name) only where it cannot: a warehouse's own Stock location has no
 * external id, so locations are referenced by their complete name.
 *
 * Sources (see ../shared/reference/odoo-formats.md sections 1, 3, 4, 5, 6, 9):
 * - product: addons/product/models/product_template.py, addons/stock/models/product.py
 *   (17.0: detailed_type 'product' = Storable; 18.0/19.0: type 'consu' + is_storable;
 *   19.0 drops uom_po_id for uom_ids "Packagings");
 * - units: addons/uom/models/uom_uom.py (17/18: category_id, uom_type, factor, rounding;
 *   19: relative_factor, relative_uom_id; factor_inv is read-only, so not importable);
 * - locations: addons/stock/models/stock_location.py (location_id, usage, barcode);
 *   warehouses: stock_warehouse.py (name, code of at most 5 characters);
 * - lots: addons/stock/models/stock_lot.py (name, product_id);
 * - quants: addons/stock/models/stock_quant.py: _get_inventory_fields_create() allows
 *   only product_id, owner_id, inventory_quantity, inventory_quantity_auto_apply,
 *   lot_id, location_id, package_id, … on create in inventory mode; any other column
 *   fails the row ("Quant's creation is restricted"). The template Odoo ships
 *   (stock/static/xlsx/stock_quant.xlsx: Product, Lot/Serial Number, Quantity,
 *   Counted Quantity, Difference, Scheduled Date, Assigned To) has Quantity and
 *   Difference, which is why it fails as shipped.
 * test/unit/export/headers.test.ts pins these lists.
 */
export type OdooVersion = 17 | 18 | 19;
export type ApplyMode = 'count' | 'auto';

export const UOM_CATEGORY_COLUMNS = ['id', 'name'] as const;

export function uomColumns(version: OdooVersion): readonly string[] {
  return version === 19 ? ['id', 'name', 'relative_factor', 'relative_uom_id/id'] : ['id', 'name', 'category_id/id', 'uom_type', 'factor', 'rounding'];
}

export const PRODUCT_CATEGORY_COLUMNS = ['id', 'name', 'parent_id/id'] as const;

export function productColumns(version: OdooVersion): readonly string[] {
  const common = ['id', 'default_code', 'name', 'barcode'];
  const tail = ['tracking', 'standard_price', 'categ_id/id'];
  if (version === 17) return [...common, 'detailed_type', 'uom_id/id', 'uom_po_id/id', ...tail];
  if (version === 18) return [...common, 'type', 'is_storable', 'uom_id/id', 'uom_po_id/id', ...tail];
  return [...common, 'type', 'is_storable', 'uom_id/id', 'uom_ids/id', ...tail];
}

export const WAREHOUSE_COLUMNS = ['id', 'name', 'code'] as const;
export const LOCATION_COLUMNS = ['id', 'name', 'location_id', 'usage', 'barcode'] as const;
export const LOT_COLUMNS = ['id', 'name', 'product_id/id'] as const;

/**
 * No `id` column: re-importing a quant by external id writes product_id, which inventory
 * mode refuses on write. `accounting_date` (added by stock_account, in the create
 * whitelist of 17/18/19) only when the workspace sets one: without stock_account the
 * column would not exist.
 */
export function quantColumns(mode: ApplyMode, withAccountingDate = false): readonly string[] {
  const columns = ['location_id', 'product_id/id', 'lot_id/id', mode === 'auto' ? 'inventory_quantity_auto_apply' : 'inventory_quantity'];
  return withAccountingDate ? [...columns, 'accounting_date'] : columns;
}

export const MOVE_COLUMNS = ['id', 'date', 'ref', 'journal_id', 'line_ids/account_id', 'line_ids/name', 'line_ids/debit', 'line_ids/credit'] as const;
