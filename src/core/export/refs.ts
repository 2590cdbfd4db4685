/**
 * The references to the records `export odoo` creates, for a file imported after the
 * opening-stock load files (the cycle count's physical inventory): worked out by the
 * export's own plan (buildPlan, the same settings from invsync.yaml), so that what is
 * referenced here is what the load files create, and how they name it.
 *
 * - a product: its external id, when the export has the product;
 * - a lot: its external id, when the export creates that lot (stock.lot.csv holds the
 *   lots of the opening stock it writes); the export ignores lots of a product that
 *   is not lot- or serial-tracked;
 * - a location: the complete name the export's stock.quant files use (a bin under its
 *   warehouse's `CODE/Stock`, or `CODE/Stock` itself for stock kept per warehouse).
 */
import { tempTablesOnDisk, type Db } from '../staging/database.js';
import type { WorkspaceConfig } from '../workspace/config.js';
import type { OdooVersion } from './headers.js';
import { externalId } from './ids.js';
import { buildPlan, dropWorkTables, exportedLots } from './plan.js';
import { exportSettings } from './settings.js';

export type LotReference = { readonly ref: string } | { readonly untracked: true } | { readonly missing: true };

export interface OpeningStockReferences {
  /** The product's external id; undefined when the export has no such product. */
  product(sku: string): string | undefined;
  /** A lot of an exported product: its external id when the export creates it. */
  lot(sku: string, lot: string): LotReference;
  /** The complete name of the Odoo location a place of the book maps to, or why it maps to none. */
  location(warehouse: string, locKey: string, location: string): { readonly ref: string } | { readonly problem: string };
}

export function openingStockReferences(db: Db, options: { odooVersion: OdooVersion; config: WorkspaceConfig }): OpeningStockReferences {
  const settings = exportSettings(options.config);
  // The plan's working tables hold a row per staged line: on disk, as the export keeps them.
  const restoreTempStore = tempTablesOnDisk(db, 8);
  try {
    const plan = buildPlan(db, { odooVersion: options.odooVersion, config: options.config, settings });
    const tracked = new Map(plan.products.map((p) => [p.sku, p.tracking !== 'none']));
    const lots = new Set(Array.from(exportedLots(db, plan), (r) => `${r.sku}\u0000${r.lot}`));
    return {
      product: (sku) => (tracked.has(sku) ? externalId.product(sku) : undefined),
      lot: (sku, lot) => (!tracked.get(sku) ? { untracked: true } : lots.has(`${sku}\u0000${lot}`) ? { ref: externalId.lot(sku, lot) } : { missing: true }),
      location: (warehouse, locKey, location) => plan.resolveLocation(warehouse, locKey, location),
    };
  } finally {
    dropWorkTables(db);
    restoreTempStore();
  }
}
