/**
 * Pre-flight: everything Odoo would refuse, checked over the staged, cleansed data
 * before a file is written. The checks are the ones buildPlan() runs while it plans
 * the load files (one place, so the export and the check cannot disagree):
 *
 * - unit_missing / unit_unknown: every product has a unit Odoo can have;
 * - purchase_unit_category / purchase_unit_unknown: a product's units are in one category
 *   (17/18) or under one root unit (19), and a pack unit has a size;
 * - lot_missing, serial_qty_not_1, serial_duplicate: tracked stock carries lots, a serial is one unit in one place;
 * - negative_stock (unless export.exclude lists `negative`): no negative opening stock;
 * - product_unresolved, unit_unconvertible (unless `unusable` is excluded), location_unresolved,
 *   warehouse_missing: every reference resolves;
 * - location_usage_unknown, location_barcode_duplicate, tracking_unknown.
 *
 * Quantities are rounded to the unit's precision; that is reported (rounding.csv),
 * not a failure.
 */
import type { Db } from '../staging/database.js';
import type { WorkspaceConfig } from '../workspace/config.js';
import { buildPlan, dropWorkTables, type PreflightFinding } from './plan.js';
import { exportSettings } from './settings.js';

export type { PreflightFinding } from './plan.js';

/** Everything Odoo would refuse, checked over the staged, cleansed data; [] when clean. */
export function preflight(db: Db, options: { odooVersion: 17 | 18 | 19; config: WorkspaceConfig }): PreflightFinding[] {
  try {
    return [...buildPlan(db, { odooVersion: options.odooVersion, config: options.config, settings: exportSettings(options.config) }).findings];
  } finally {
    dropWorkTables(db);
  }
}
