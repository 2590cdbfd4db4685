/**
 * The rows and results of the three-way reconciliation. Column order of each row
 * type is the contract's (spec: "Three-way reconciliation"); quantities and money
 * are exact decimal strings (canonical: "12.5", "-3", "0"), null where a side has none.
 */

export const STATUSES = ['match', 'within_tolerance', 'over', 'short', 'missing_in_count', 'missing_in_book', 'missing_in_gl', 'unmapped'] as const;
export type Status = (typeof STATUSES)[number];

export const CAUSES = ['uom_factor', 'transposition', 'misplaced', 'duplicate_sku', 'sign', 'lot_mismatch', 'cost_mismatch', 'in_transit'] as const;
export type Cause = (typeof CAUSES)[number];

/** variance.csv / sheet Quantity: the quantity leg, physical (counts) against book. */
export interface QuantityLine {
  sku: string;
  warehouse: string;
  /** Empty when the compared grain is the warehouse. */
  location: string;
  lot: string;
  uom: string;
  physical_qty: string | null;
  book_qty: string | null;
  qty_variance: string;
  unit_cost: string | null;
  value_impact: string | null;
  status: Status;
  cause: Cause | '';
  /** Why the cause was given (not a column of the CSV; kept in JSON and the xlsx). */
  evidence?: string;
}
export const QUANTITY_COLUMNS = ['sku', 'warehouse', 'location', 'lot', 'uom', 'physical_qty', 'book_qty', 'qty_variance', 'unit_cost', 'value_impact', 'status', 'cause'] as const;

/** valuation.csv / sheet Valuation: book quantity × unit cost against the GL value. */
export interface ValuationLine {
  sku: string;
  warehouse: string;
  book_qty: string | null;
  unit_cost: string | null;
  book_value: string | null;
  gl_value: string | null;
  value_variance: string;
  status: Status;
  cause: Cause | '';
  evidence?: string;
}
export const VALUATION_COLUMNS = ['sku', 'warehouse', 'book_qty', 'unit_cost', 'book_value', 'gl_value', 'value_variance', 'status', 'cause'] as const;

/** sync.csv / sheet Systems: the ERP against the WMS rolled up to the ERP's grain. */
export interface SyncLine {
  sku: string;
  warehouse: string;
  location: string;
  lot: string;
  uom: string;
  erp_qty: string | null;
  wms_qty: string | null;
  qty_variance: string;
  status: Status;
  cause: Cause | '';
  evidence?: string;
}
export const SYNC_COLUMNS = ['sku', 'warehouse', 'location', 'lot', 'uom', 'erp_qty', 'wms_qty', 'qty_variance', 'status', 'cause'] as const;

export interface GlTieOut {
  account: string;
  /** Sum of the item-level GL values booked to the account. */
  item_value: string;
  /** The trial balance's balance of the account (null when the trial balance lacks it). */
  control_total: string | null;
  difference: string | null;
  status: 'match' | 'within_tolerance' | 'over' | 'short' | 'no_control_total' | 'no_item_values';
}

export interface ReconcileSummary {
  /** Lines compared in the quantity leg (not set aside). */
  lines_compared: number;
  counts_by_status: Record<Status, number>;
  counts_by_cause: Record<Cause, number>;
  /** Share of compared lines that match or are within tolerance (4 decimals). */
  inventory_record_accuracy: string;
  /** Sum of |value_impact| and of value_impact over the quantity leg. */
  gross_variance_value: string;
  net_variance_value: string;
  /** Top 20 quantity lines by |value_impact|. */
  top_value_variances: QuantityLine[];
  valuation: { lines: number; book_value: string; gl_value: string; net_value_variance: string; counts_by_status: Record<Status, number> };
  systems: { lines: number; counts_by_status: Record<Status, number> };
  gl_tie_out: GlTieOut[];
  /** What was left out of the comparison, with the reason (nothing disappears). */
  set_aside: { reason: string; lines: number; qty: string; value: string }[];
  tolerances: Record<string, unknown>;
}
