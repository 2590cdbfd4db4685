/**
 * The kinds of input (contract: "Kinds of input") and their canonical columns.
 * Each canonical column has a value type that decides how its cells are parsed.
 * The staging schema (src/core/staging/migrations.ts) has one table per kind with
 * these columns, in this order.
 */

export type ValueType =
  /** Identifiers and free text: kept as text exactly as a person reads it. */
  | 'text'
  /** Identifiers that Excel may have mangled (SKUs, barcodes, lots). */
  | 'code'
  /** Exact decimal stored as a canonical decimal string. */
  | 'decimal'
  /** A quantity: exact decimal, possibly with a unit inside the cell ("12 pcs"). */
  | 'quantity'
  /** A date (or date-time), stored as ISO text. */
  | 'date';

export interface ColumnSpec {
  readonly name: string;
  readonly type: ValueType;
}

export interface KindSpec {
  readonly kind: Kind;
  readonly description: string;
  readonly columns: readonly ColumnSpec[];
  /**
   * Required columns: every inner list is one requirement satisfied by any of its
   * columns (erp needs `location` or `warehouse`; gl needs `sku` or `account`).
   */
  readonly required: readonly (readonly string[])[];
  /** Columns whose blank value makes a row unusable (checked per row, any-of per group). */
  readonly rowKeys: readonly (readonly string[])[];
}

export const KINDS = ['items', 'locations', 'erp', 'wms', 'counts', 'gl', 'moves'] as const;
export type Kind = (typeof KINDS)[number];

export function isKind(value: string): value is Kind {
  return (KINDS as readonly string[]).includes(value);
}

const t = (name: string): ColumnSpec => ({ name, type: 'text' });
const code = (name: string): ColumnSpec => ({ name, type: 'code' });
const dec = (name: string): ColumnSpec => ({ name, type: 'decimal' });
const qty = (name: string): ColumnSpec => ({ name, type: 'quantity' });
const date = (name: string): ColumnSpec => ({ name, type: 'date' });

export const KIND_SPECS: Record<Kind, KindSpec> = {
  items: {
    kind: 'items',
    description: 'legacy item master',
    columns: [
      code('sku'),
      t('description'),
      t('uom'),
      t('purchase_uom'),
      dec('pack_size'),
      t('category'),
      dec('unit_cost'),
      code('barcode'),
      t('tracking'),
      dec('weight'),
    ],
    required: [['sku'], ['description']],
    rowKeys: [['sku']],
  },
  locations: {
    kind: 'locations',
    description: 'warehouses and bins',
    columns: [code('location'), code('parent'), code('warehouse'), t('usage'), code('barcode'), t('description')],
    required: [['location']],
    rowKeys: [['location']],
  },
  erp: {
    kind: 'erp',
    description: 'book (perpetual) stock balances',
    columns: [
      code('sku'),
      code('warehouse'),
      code('location'),
      code('lot'),
      qty('qty'),
      t('uom'),
      dec('unit_cost'),
      dec('value'),
      t('status'),
      t('description'),
    ],
    required: [['sku'], ['location', 'warehouse'], ['qty']],
    rowKeys: [['sku'], ['location', 'warehouse']],
  },
  wms: {
    kind: 'wms',
    description: 'WMS bin-level stock extract',
    columns: [
      code('sku'),
      code('warehouse'),
      code('location'),
      code('lot'),
      qty('qty'),
      t('uom'),
      date('expiry'),
      t('status'),
      t('description'),
    ],
    required: [['sku'], ['location'], ['qty']],
    rowKeys: [['sku'], ['location']],
  },
  counts: {
    kind: 'counts',
    description: 'physical count results',
    columns: [
      code('sku'),
      code('warehouse'),
      code('location'),
      code('lot'),
      qty('qty'),
      t('uom'),
      code('count_id'),
      t('counter'),
      date('counted_at'),
      t('description'),
    ],
    required: [['sku'], ['location'], ['qty']],
    rowKeys: [['sku'], ['location']],
  },
  gl: {
    kind: 'gl',
    description: 'accounting values (item valuation or trial balance)',
    columns: [code('sku'), code('account'), code('warehouse'), dec('value'), qty('qty'), t('uom'), t('currency'), t('description')],
    required: [['value'], ['sku', 'account']],
    rowKeys: [['sku', 'account']],
  },
  moves: {
    kind: 'moves',
    description: 'movement history',
    columns: [
      code('sku'),
      date('date'),
      qty('qty'),
      t('uom'),
      code('warehouse'),
      code('location'),
      t('type'),
      code('reference'),
      dec('unit_cost'),
    ],
    required: [['sku'], ['qty'], ['date']],
    rowKeys: [['sku']],
  },
};

/** The quantity column a kind's `uom` column qualifies (for "12 pcs" cells). */
export function quantityColumns(spec: KindSpec): string[] {
  return spec.columns.filter((c) => c.type === 'quantity').map((c) => c.name);
}
