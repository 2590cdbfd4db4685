/**
 * The three-way reconciliation: physical (counts) against book (erp, or the WMS bins
 * where a WMS covers the warehouse) per sku × location × lot at the finest grain both
 * sides have; the ERP against the WMS rolled up to the ERP's grain; book value against
 * the GL at the GL's grain; and the GL's item values per account against the trial
 * balance. Works on the cleansed quantities (canonical SKUs, base units, exact
 * millionths) and groups in SQL (UNION ALL + GROUP BY); JavaScript sees one row per
 * compared key.
 *
 * Scope: a location absent from every count is not counted, so its book stock is set
 * aside ("not counted"), not missing. In-transit book stock is never expected in a
 * count: it is set aside from the quantity leg and still carries value. Everything
 * left out is in summary.set_aside with its reason; nothing disappears.
 */
import type { Db } from '../staging/database.js';
import { DecimalSum, addDecimals, canonicalDecimal, compareDecimals, fromMicro, mulDecimals, subDecimals } from '../model/decimal.js';
import { assignQuantityCauses, assignSyncCauses, assignValuationCauses } from './causes.js';
import { toleranceFor, withinTolerance, type ToleranceConfig } from './tolerance.js';
import { CAUSES, STATUSES, type Cause, type GlTieOut, type QuantityLine, type ReconcileSummary, type Status, type SyncLine, type ValuationLine } from './types.js';

export interface ReconcileResult {
  readonly quantity: QuantityLine[];
  readonly valuation: ValuationLine[];
  readonly systems: SyncLine[];
  readonly summary: ReconcileSummary;
}

const USABLE = "('same_unit', 'converted', 'unit_assumed')";
/** A location as a key: case, spaces and back slashes do not matter ("wh-n / a-01-03" is "WH-N/A-01-03"). */
const LOC_KEY = (column: string): string => `upper(replace(replace(replace(trim(${column}), ' ', ''), char(9), ''), '\\', '/'))`;

/**
 * A line's warehouse in SQL (`t` the staged row, `l` its row of the location master):
 * its own, else the location master's, else the first part of its path when that
 * names a warehouse ("WH-NORTH/A-01-03"), else the location itself.
 */
const warehouseOf = (t: string): string =>
  `coalesce(nullif(trim(${t}.warehouse), ''), l.warehouse, (SELECT w.warehouse FROM wh w WHERE w.key = upper(substr(${LOC_KEY(`${t}.location`)}, 1, instr(${LOC_KEY(`${t}.location`)} || '/', '/') - 1))), ${t}.location, '')`;

/** Builds the temporary tables the legs read: every usable line with its warehouse and location key. */
function prepare(db: Db): void {
  db.exec(`
DROP TABLE IF EXISTS temp.loc;
CREATE TEMP TABLE loc AS
  SELECT ${LOC_KEY('location')} AS key, max(location) AS location, max(warehouse) AS warehouse
  FROM locations GROUP BY 1;
CREATE INDEX temp.loc_key ON loc(key);
DROP TABLE IF EXISTS temp.wh;
CREATE TEMP TABLE wh AS SELECT DISTINCT upper(trim(warehouse)) AS key, warehouse FROM locations WHERE warehouse IS NOT NULL;
DROP TABLE IF EXISTS temp.rl;
CREATE TEMP TABLE rl (side TEXT NOT NULL, sku TEXT NOT NULL, warehouse TEXT NOT NULL, loc_key TEXT NOT NULL, location TEXT NOT NULL, lot TEXT NOT NULL, status TEXT NOT NULL, qty INTEGER NOT NULL, unit_cost TEXT, value TEXT);
`);
  const insert = (side: string, kind: 'counts' | 'erp' | 'wms', extra: { status: string; cost: string; value: string }): void => {
    db.exec(`
INSERT INTO rl (side, sku, warehouse, loc_key, location, lot, status, qty, unit_cost, value)
SELECT '${side}', q.sku, ${warehouseOf('t')},
       coalesce(${LOC_KEY('t.location')}, ''), coalesce(l.location, t.location, ''), coalesce(t.lot, ''), ${extra.status}, q.qty_micro, ${extra.cost}, ${extra.value}
FROM quantities q JOIN ${kind} t ON t.id = q.row_id
LEFT JOIN loc l ON l.key = ${LOC_KEY('t.location')}
WHERE q.kind = '${kind}' AND q.status IN ${USABLE};`);
  };
  insert('P', 'counts', { status: "'counted'", cost: 'NULL', value: 'NULL' });
  insert('E', 'erp', { status: "coalesce(lower(replace(trim(t.status), ' ', '_')), 'available')", cost: 't.unit_cost', value: 't.value' });
  insert('W', 'wms', { status: "coalesce(lower(replace(trim(t.status), ' ', '_')), 'available')", cost: 'NULL', value: 'NULL' });
  db.exec(`
UPDATE rl SET status = 'in_transit' WHERE status IN ('in_transit', 'intransit', 'transit', 'in-transit');
UPDATE rl SET warehouse = (SELECT w.warehouse FROM wh w WHERE w.key = upper(rl.warehouse)) WHERE EXISTS (SELECT 1 FROM wh w WHERE w.key = upper(rl.warehouse) AND w.warehouse <> rl.warehouse);
CREATE INDEX temp.rl_key ON rl(side, warehouse, sku);
`);
}

interface Context {
  readonly tolerances: ToleranceConfig;
  readonly items: Map<string, { cost: string | null; category: string | null; uom: string | null; packSize: string | null; uomKey: string | null }>;
}

const ZERO = 0n;

export function reconcileWorkspace(db: Db, options: { tolerances: ToleranceConfig }): ReconcileResult {
  prepare(db);
  const items = new Map(
    (db.prepare('SELECT sku, unit_cost, category, uom, pack_size, uom_key FROM items_clean').all() as { sku: string; unit_cost: string | null; category: string | null; uom: string | null; pack_size: string | null; uom_key: string | null }[]).map(
      (r) => [r.sku, { cost: r.unit_cost, category: r.category, uom: r.uom, packSize: r.pack_size, uomKey: r.uom_key }],
    ),
  );
  const ctx: Context = { tolerances: options.tolerances, items };
  const setAside: ReconcileSummary['set_aside'] = [];

  // Which side is the book in each warehouse: the WMS bins where a WMS covers it, else the ERP.
  const wmsWarehouses = new Set((db.prepare("SELECT DISTINCT warehouse FROM rl WHERE side = 'W'").all() as { warehouse: string }[]).map((r) => r.warehouse));
  const bookSide = (warehouse: string): 'W' | 'E' => (wmsWarehouses.has(warehouse) ? 'W' : 'E');
  const costOf = erpCosts(db, items);

  const quantity = quantityLeg(db, ctx, bookSide, costOf, setAside);
  const twins = twinsBySku(db);
  const factors = factorsBySku(db, items);
  assignQuantityCauses(quantity, { factors: (sku) => factors.get(sku) ?? [], twins: (sku) => twins.get(sku) ?? [] });
  quantity.push(...unmappedLines(db));
  quantity.sort(compareLines);

  const systems = systemsLeg(db, ctx, wmsWarehouses);
  assignSyncCauses(systems, { factors: (sku) => factors.get(sku) ?? [] });
  systems.sort(compareLines);

  const { lines: valuation, glQty } = valuationLeg(db, ctx, costOf);
  assignValuationCauses(valuation, { glQty: (sku, warehouse) => glQty.get(`${sku}\u0000${warehouse}`) ?? null });
  valuation.sort((a, b) => cmp(a.sku, b.sku) || cmp(a.warehouse, b.warehouse));

  const summary = summarise(quantity, valuation, systems, glTieOut(db, options.tolerances), setAside, options.tolerances);
  return { quantity, valuation, systems, summary };
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
function compareLines(a: { sku: string; warehouse: string; location: string; lot: string }, b: { sku: string; warehouse: string; location: string; lot: string }): number {
  return cmp(a.sku, b.sku) || cmp(a.warehouse, b.warehouse) || cmp(a.location, b.location) || cmp(a.lot, b.lot);
}

/** Unit cost per sku × warehouse from the ERP where it gives one, else the item master's. */
function erpCosts(db: Db, items: Context['items']): (sku: string, warehouse: string) => string | null {
  const rows = db.prepare("SELECT sku, warehouse, min(unit_cost) AS cost FROM rl WHERE side = 'E' AND unit_cost IS NOT NULL GROUP BY sku, warehouse").all() as { sku: string; warehouse: string; cost: string }[];
  const map = new Map(rows.map((r) => [`${r.sku}\u0000${r.warehouse}`, canonicalDecimal(r.cost)]));
  return (sku, warehouse) => map.get(`${sku}\u0000${warehouse}`) ?? (items.get(sku)?.cost ? canonicalDecimal(items.get(sku)!.cost!) : null);
}

function quantityLeg(
  db: Db,
  ctx: Context,
  bookSide: (warehouse: string) => 'W' | 'E',
  costOf: (sku: string, warehouse: string) => string | null,
  setAside: ReconcileSummary['set_aside'],
): QuantityLine[] {
  // Per warehouse: are the book's lines per bin? per lot? and what was counted.
  const grains = db
    .prepare(
      `SELECT warehouse,
              max(CASE WHEN side <> 'P' AND loc_key <> '' AND loc_key <> upper(warehouse) THEN 1 ELSE 0 END) AS book_bins_e,
              max(CASE WHEN side = 'E' AND lot <> '' THEN 1 ELSE 0 END) AS lots_e,
              max(CASE WHEN side = 'W' AND lot <> '' THEN 1 ELSE 0 END) AS lots_w,
              max(CASE WHEN side = 'P' AND lot <> '' THEN 1 ELSE 0 END) AS lots_p,
              max(CASE WHEN side = 'E' AND loc_key <> '' AND loc_key <> upper(warehouse) THEN 1 ELSE 0 END) AS bins_e,
              max(CASE WHEN side = 'W' AND loc_key <> '' AND loc_key <> upper(warehouse) THEN 1 ELSE 0 END) AS bins_w,
              max(CASE WHEN side = 'P' THEN 1 ELSE 0 END) AS counted
       FROM rl GROUP BY warehouse`,
    )
    .all() as { warehouse: string; bins_e: number; bins_w: number; lots_e: number; lots_w: number; lots_p: number; counted: number }[];
  const lines: QuantityLine[] = [];
  const aside = new Map<string, { lines: number; qty: DecimalSum; value: DecimalSum }>();
  const setAsideLine = (reason: string, qty: string, value: string | null): void => {
    const a = aside.get(reason) ?? { lines: 0, qty: new DecimalSum(), value: new DecimalSum() };
    a.lines++;
    a.qty.add(qty);
    a.value.add(value);
    aside.set(reason, a);
  };
  for (const g of grains) {
    const book = bookSide(g.warehouse);
    const bins = book === 'W' ? g.bins_w : g.bins_e;
    const lots = (book === 'W' ? g.lots_w : g.lots_e) && g.lots_p;
    const locationExpr = bins ? 'loc_key' : "''";
    const lotExpr = lots ? 'lot' : "''";
    const rows = db
      .prepare(
        `SELECT sku, ${locationExpr} AS loc_key, max(CASE WHEN ${bins ? 1 : 0} THEN location ELSE '' END) AS location, ${lotExpr} AS lot,
                sum(CASE WHEN side = 'P' THEN qty END) AS physical,
                sum(CASE WHEN side = ? AND status <> 'in_transit' THEN qty END) AS book,
                sum(CASE WHEN side = ? AND status = 'in_transit' THEN qty END) AS transit
         FROM rl WHERE warehouse = ? AND side IN ('P', ?)
         GROUP BY sku, ${locationExpr}, ${lotExpr} ORDER BY sku, 2, 4`,
      )
      .safeIntegers(true)
      .all(book, book, g.warehouse, book) as { sku: string; loc_key: string; location: string; lot: string; physical: bigint | null; book: bigint | null; transit: bigint | null }[];
    // Counted places: bins of this warehouse that appear in a count (or the warehouse itself).
    const counted = new Set(
      (db.prepare("SELECT DISTINCT loc_key FROM rl WHERE side = 'P' AND warehouse = ?").all(g.warehouse) as { loc_key: string }[]).map((r) => r.loc_key),
    );
    for (const r of rows) {
      const item = ctx.items.get(r.sku);
      const cost = costOf(r.sku, g.warehouse);
      if (r.transit !== null && r.transit !== ZERO) setAsideLine('in transit: not expected in a count (valued in the valuation leg)', fromMicro(r.transit), cost ? mulDecimals(fromMicro(r.transit), cost) : null);
      if (r.physical === null && r.book === null) continue;
      const physical = r.physical === null ? null : fromMicro(r.physical);
      const bookQty = r.book === null ? null : fromMicro(r.book);
      const isCounted = bins ? counted.has(r.loc_key) : g.counted === 1;
      if (physical === null && !isCounted) {
        setAsideLine(bins ? 'not counted: the location is on no count sheet' : 'not counted: the warehouse is on no count sheet', bookQty!, cost ? mulDecimals(bookQty!, cost) : null);
        continue;
      }
      const variance = subDecimals(physical ?? '0', bookQty ?? '0');
      const valueImpact = cost ? mulDecimals(variance, cost) : null;
      let status: Status;
      if (physical === null) status = 'missing_in_count';
      else if (bookQty === null) status = 'missing_in_book';
      else if (compareDecimals(variance, '0') === 0) status = 'match';
      else if (withinTolerance(toleranceFor(ctx.tolerances, item?.category), variance, bookQty, valueImpact)) status = 'within_tolerance';
      else status = compareDecimals(variance, '0') > 0 ? 'over' : 'short';
      lines.push({
        sku: r.sku,
        warehouse: g.warehouse,
        location: bins ? r.location || r.loc_key : '',
        lot: r.lot,
        uom: item?.uom ?? '',
        physical_qty: physical,
        book_qty: bookQty,
        qty_variance: variance,
        unit_cost: cost,
        value_impact: valueImpact,
        status,
        cause: '',
      });
    }
  }
  for (const [reason, a] of [...aside].sort(([x], [y]) => cmp(x, y))) setAside.push({ reason, lines: a.lines, qty: a.qty.toString(), value: a.value.toString() });
  return lines;
}

/** Lines whose SKU or unit could not be used: shown as `unmapped`, as written. */
function unmappedLines(db: Db): QuantityLine[] {
  const rows = db
    .prepare(
      `SELECT q.kind, coalesce(q.spelling, '') AS sku, ${warehouseOf('t')} AS warehouse, coalesce(l.location, t.location, '') AS location, coalesce(t.lot, '') AS lot, coalesce(q.uom, '') AS uom, q.qty, q.status
       FROM quantities q JOIN (
         SELECT 'counts' AS kind, id, warehouse, location, lot FROM counts
         UNION ALL SELECT 'erp', id, warehouse, location, lot FROM erp
         UNION ALL SELECT 'wms', id, warehouse, location, lot FROM wms
       ) t ON t.kind = q.kind AND t.id = q.row_id
       LEFT JOIN loc l ON l.key = ${LOC_KEY('t.location')}
       WHERE q.kind IN ('counts', 'erp', 'wms') AND q.status NOT IN ${USABLE}
       ORDER BY 2, 3, 4, 5, q.kind`,
    )
    .all() as { kind: string; sku: string; warehouse: string; location: string; lot: string; uom: string; qty: string; status: string }[];
  return rows.map((r) => ({
    sku: r.sku,
    warehouse: r.warehouse,
    location: r.location,
    lot: r.lot,
    uom: r.uom,
    physical_qty: r.kind === 'counts' ? canonicalDecimal(r.qty) : null,
    book_qty: r.kind === 'counts' ? null : canonicalDecimal(r.qty),
    qty_variance: r.kind === 'counts' ? canonicalDecimal(r.qty) : subDecimals('0', r.qty),
    unit_cost: null,
    value_impact: null,
    status: 'unmapped' as const,
    cause: '' as const,
    evidence: r.status.replace(/_/g, ' '),
  }));
}

/** ERP against the WMS, where both cover a warehouse, at the ERP's grain. */
function systemsLeg(db: Db, ctx: Context, wmsWarehouses: Set<string>): SyncLine[] {
  const lines: SyncLine[] = [];
  for (const warehouse of [...wmsWarehouses].sort(cmp)) {
    const erp = db.prepare("SELECT max(CASE WHEN loc_key <> '' AND loc_key <> upper(warehouse) THEN 1 ELSE 0 END) AS bins, max(CASE WHEN lot <> '' THEN 1 ELSE 0 END) AS lots, count(*) AS n FROM rl WHERE side = 'E' AND warehouse = ?").get(warehouse) as { bins: number; lots: number; n: number };
    if (erp.n === 0) continue;
    const wmsLots = (db.prepare("SELECT max(CASE WHEN lot <> '' THEN 1 ELSE 0 END) AS lots FROM rl WHERE side = 'W' AND warehouse = ?").get(warehouse) as { lots: number }).lots;
    const locationExpr = erp.bins ? 'loc_key' : "''";
    const lotExpr = erp.lots && wmsLots ? 'lot' : "''";
    const rows = db
      .prepare(
        `SELECT sku, ${locationExpr} AS loc_key, max(CASE WHEN ${erp.bins ? 1 : 0} THEN location ELSE '' END) AS location, ${lotExpr} AS lot,
                sum(CASE WHEN side = 'E' THEN qty END) AS erp, sum(CASE WHEN side = 'W' THEN qty END) AS wms
         FROM rl WHERE warehouse = ? AND side IN ('E', 'W') GROUP BY sku, ${locationExpr}, ${lotExpr}`,
      )
      .safeIntegers(true)
      .all(warehouse) as { sku: string; loc_key: string; location: string; lot: string; erp: bigint | null; wms: bigint | null }[];
    for (const r of rows) {
      const item = ctx.items.get(r.sku);
      const erpQty = r.erp === null ? null : fromMicro(r.erp);
      const wmsQty = r.wms === null ? null : fromMicro(r.wms);
      const variance = subDecimals(wmsQty ?? '0', erpQty ?? '0');
      let status: Status;
      if (compareDecimals(variance, '0') === 0) status = 'match';
      else if (withinTolerance(toleranceFor(ctx.tolerances, item?.category), variance, erpQty, null)) status = 'within_tolerance';
      else status = compareDecimals(variance, '0') > 0 ? 'over' : 'short';
      lines.push({ sku: r.sku, warehouse, location: erp.bins ? r.location : '', lot: r.lot, uom: item?.uom ?? '', erp_qty: erpQty, wms_qty: wmsQty, qty_variance: variance, status, cause: '' });
    }
  }
  return lines;
}

/** Book value (book quantity × unit cost) against the GL's item values, at the GL's grain. */
function valuationLeg(
  db: Db,
  ctx: Context,
  costOf: (sku: string, warehouse: string) => string | null,
): { lines: ValuationLine[]; glQty: Map<string, string> } {
  const glRows = db
    .prepare(
      `SELECT CASE WHEN x.status IN ('auto', 'merged', 'confirmed') THEN x.canonical_sku ELSE g.sku END AS sku,
              coalesce(g.warehouse, '') AS warehouse, g.value, g.qty,
              x.status IN ('auto', 'merged', 'confirmed') AS usable
       FROM gl g LEFT JOIN sku_xref x ON x.spelling = g.sku WHERE g.sku IS NOT NULL ORDER BY 1, 2`,
    )
    .all() as { sku: string; warehouse: string; value: string | null; qty: string | null; usable: number | null }[];
  const unusable = new Set(glRows.filter((r) => !r.usable).map((r) => r.sku));
  const glHasWarehouse = glRows.some((r) => r.warehouse !== '');
  const gl = new Map<string, { value: DecimalSum; qty: DecimalSum; hasQty: boolean }>();
  for (const r of glRows) {
    const key = `${r.sku}\u0000${glHasWarehouse ? r.warehouse : ''}`;
    const entry = gl.get(key) ?? { value: new DecimalSum(), qty: new DecimalSum(), hasQty: false };
    entry.value.add(r.value);
    if (r.qty !== null) {
      entry.qty.add(r.qty);
      entry.hasQty = true;
    }
    gl.set(key, entry);
  }
  // Book per sku × warehouse: the ERP where it has the warehouse (the GL follows the ERP), else the WMS.
  const erpWarehouses = new Set((db.prepare("SELECT DISTINCT warehouse FROM rl WHERE side = 'E'").all() as { warehouse: string }[]).map((r) => r.warehouse));
  const bookRows = db
    .prepare("SELECT side, sku, warehouse, sum(qty) AS qty, max(status = 'in_transit') AS transit FROM rl WHERE side IN ('E', 'W') GROUP BY side, sku, warehouse ORDER BY sku, warehouse")
    .safeIntegers(true)
    .all() as { side: 'E' | 'W'; sku: string; warehouse: string; qty: bigint; transit: bigint }[];
  const book = new Map<string, { qty: DecimalSum; value: DecimalSum; cost: string | null; transit: boolean }>();
  for (const r of bookRows) {
    const source = erpWarehouses.has(r.warehouse) ? 'E' : 'W';
    if (r.side !== source) continue;
    const key = `${r.sku}\u0000${glHasWarehouse ? r.warehouse : ''}`;
    const cost = costOf(r.sku, r.warehouse);
    const qty = fromMicro(r.qty);
    const entry = book.get(key) ?? { qty: new DecimalSum(), value: new DecimalSum(), cost, transit: false };
    entry.qty.add(qty);
    if (cost) entry.value.add(mulDecimals(qty, cost));
    if (r.transit === 1n) entry.transit = true;
    book.set(key, entry);
  }
  const lines: ValuationLine[] = [];
  const glQty = new Map<string, string>();
  for (const key of new Set([...book.keys(), ...gl.keys()])) {
    const [sku, warehouse] = key.split('\u0000') as [string, string];
    const b = book.get(key);
    const g = gl.get(key);
    if (g?.hasQty) glQty.set(key, g.qty.toString());
    const bookValue = b && b.cost ? b.value.toString() : null;
    const glValue = g ? g.value.toString() : null;
    const variance = subDecimals(glValue ?? '0', bookValue ?? '0');
    let status: Status;
    if (!b && unusable.has(sku)) status = 'unmapped';
    else if (!g) status = 'missing_in_gl';
    else if (!b) status = 'missing_in_book';
    else if (compareDecimals(variance, '0') === 0) status = 'match';
    else if (withinTolerance(valueOnly(ctx, sku), variance, null, variance)) status = 'within_tolerance';
    else status = compareDecimals(variance, '0') > 0 ? 'over' : 'short';
    lines.push({
      sku,
      warehouse,
      book_qty: b ? b.qty.toString() : null,
      unit_cost: b?.cost ?? null,
      book_value: bookValue,
      gl_value: glValue,
      value_variance: variance,
      status,
      cause: b?.transit ? 'in_transit' : '',
      ...(b?.transit ? { evidence: 'goods in transit: valued, not expected in a count' } : {}),
    });
  }
  return { lines, glQty };
}

/** The value leg compares money only: the value tolerance applies, quantity and percent do not. */
function valueOnly(ctx: Context, sku: string): { value?: string } {
  const t = toleranceFor(ctx.tolerances, ctx.items.get(sku)?.category);
  return t.value !== undefined ? { value: t.value } : {};
}

/** Item-level GL values per account against the trial balance's balances. */
function glTieOut(db: Db, tolerances: ToleranceConfig): GlTieOut[] {
  const item = db.prepare("SELECT account, value FROM gl WHERE sku IS NOT NULL AND account IS NOT NULL AND value IS NOT NULL ORDER BY account").all() as { account: string; value: string }[];
  const control = db.prepare('SELECT account, value FROM gl WHERE sku IS NULL AND account IS NOT NULL AND value IS NOT NULL ORDER BY account').all() as { account: string; value: string }[];
  const byAccount = new Map<string, { item: DecimalSum | null; control: DecimalSum | null }>();
  for (const r of item) {
    const e = byAccount.get(r.account) ?? { item: null, control: null };
    (e.item ??= new DecimalSum()).add(r.value);
    byAccount.set(r.account, e);
  }
  for (const r of control) {
    const e = byAccount.get(r.account) ?? { item: null, control: null };
    (e.control ??= new DecimalSum()).add(r.value);
    byAccount.set(r.account, e);
  }
  return [...byAccount]
    .sort(([a], [b]) => cmp(a, b))
    .map(([account, e]) => {
      const itemValue = e.item?.toString() ?? '0';
      const controlTotal = e.control?.toString() ?? null;
      const difference = controlTotal === null ? null : subDecimals(itemValue, controlTotal);
      let status: GlTieOut['status'];
      if (!e.item) status = 'no_item_values';
      else if (controlTotal === null) status = 'no_control_total';
      else if (compareDecimals(difference!, '0') === 0) status = 'match';
      else if (tolerances.global.value !== undefined && withinTolerance({ value: tolerances.global.value }, difference!, null, difference)) status = 'within_tolerance';
      else status = compareDecimals(difference!, '0') > 0 ? 'over' : 'short';
      return { account, item_value: itemValue, control_total: controlTotal, difference, status };
    });
}

/** SKUs in the same duplicate cluster still in review: the twins of a duplicate_sku hint. */
function twinsBySku(db: Db): Map<string, string[]> {
  const rows = db.prepare("SELECT cluster, sku FROM item_clusters WHERE status IN ('review', 'decided') ORDER BY cluster, sku").all() as { cluster: number; sku: string }[];
  const byCluster = new Map<number, string[]>();
  for (const r of rows) byCluster.set(r.cluster, [...(byCluster.get(r.cluster) ?? []), r.sku]);
  const twins = new Map<string, string[]>();
  for (const members of byCluster.values()) for (const m of members) twins.set(m, members.filter((x) => x !== m));
  return twins;
}

/** Factors that make a uom_factor hint plausible: pack sizes seen for the item, dozens, metric steps. */
function factorsBySku(db: Db, items: Context['items']): Map<string, string[]> {
  const factors = new Map<string, Set<string>>();
  const add = (sku: string, f: string): void => {
    const set = factors.get(sku) ?? new Set<string>();
    set.add(canonicalDecimal(f));
    factors.set(sku, set);
  };
  for (const [sku, item] of items) {
    if (item.packSize && /^\d+(\.\d+)?$/.test(item.packSize) && compareDecimals(item.packSize, '1') > 0) add(sku, item.packSize);
    const key = item.uomKey ?? '';
    if (['kg', 'g', 't', 'l', 'ml', 'm', 'cm', 'mm', 'km', 'lb', 'oz'].includes(key.toLowerCase())) for (const f of ['10', '100', '1000']) add(sku, f);
  }
  // Pack sizes written in the sources' units ("BX12", "CS/24", "2 BX" of a 12-pack): the converted ratio.
  const converted = db
    .prepare("SELECT sku, qty, qty_base FROM quantities WHERE status = 'converted' AND sku IS NOT NULL AND qty_base IS NOT NULL")
    .all() as { sku: string; qty: string; qty_base: string }[];
  for (const r of converted) {
    if (compareDecimals(r.qty, '0') === 0) continue;
    const ratio = exactRatio(r.qty_base, r.qty);
    if (ratio && compareDecimals(ratio, '1') > 0) add(r.sku, ratio);
  }
  return new Map([...factors].map(([sku, set]) => [sku, [...set].sort((a, b) => compareDecimals(a, b))]));
}

/** a / b when it is a whole number, else undefined. */
function exactRatio(a: string, b: string): string | undefined {
  for (let n = 2; n <= 10_000; n = n < 100 ? n + 1 : n * 10) if (compareDecimals(mulDecimals(b, String(n)), a) === 0) return String(n);
  return undefined;
}

function summarise(
  quantity: QuantityLine[],
  valuation: ValuationLine[],
  systems: SyncLine[],
  tieOut: GlTieOut[],
  setAside: ReconcileSummary['set_aside'],
  tolerances: ToleranceConfig,
): ReconcileSummary {
  const countBy = <T extends string>(keys: readonly T[], values: readonly string[]): Record<T, number> => {
    const out = Object.fromEntries(keys.map((k) => [k, 0])) as Record<T, number>;
    for (const v of values) if (v in out) out[v as T]++;
    return out;
  };
  const compared = quantity.filter((l) => l.status !== 'unmapped');
  const good = compared.filter((l) => l.status === 'match' || l.status === 'within_tolerance').length;
  const gross = new DecimalSum();
  const net = new DecimalSum();
  for (const l of quantity) {
    if (l.value_impact === null) continue;
    net.add(l.value_impact);
    gross.add(l.value_impact.startsWith('-') ? l.value_impact.slice(1) : l.value_impact);
  }
  const top = quantity
    .filter((l) => l.value_impact !== null && compareDecimals(l.value_impact, '0') !== 0)
    .sort((a, b) => compareDecimals(absOf(b.value_impact!), absOf(a.value_impact!)) || compareLines(a, b))
    .slice(0, 20);
  const bookValue = new DecimalSum();
  const glValue = new DecimalSum();
  const valueNet = new DecimalSum();
  for (const v of valuation) {
    bookValue.add(v.book_value);
    glValue.add(v.gl_value);
    valueNet.add(v.value_variance);
  }
  return {
    lines_compared: compared.length,
    counts_by_status: countBy(STATUSES, quantity.map((l) => l.status)),
    counts_by_cause: countBy(CAUSES, [...quantity, ...valuation, ...systems].map((l) => l.cause as Cause)),
    inventory_record_accuracy: compared.length === 0 ? '1' : ratio4(good, compared.length),
    gross_variance_value: gross.toString(),
    net_variance_value: net.toString(),
    top_value_variances: top,
    valuation: { lines: valuation.length, book_value: bookValue.toString(), gl_value: glValue.toString(), net_value_variance: valueNet.toString(), counts_by_status: countBy(STATUSES, valuation.map((l) => l.status)) },
    systems: { lines: systems.length, counts_by_status: countBy(STATUSES, systems.map((l) => l.status)) },
    gl_tie_out: tieOut,
    set_aside: setAside,
    tolerances: { ...tolerances.global, ...(Object.keys(tolerances.byCategory).length ? { categories: tolerances.byCategory } : {}), ...(Object.keys(tolerances.byClass).length ? { classes: tolerances.byClass } : {}) },
  };
}

function absOf(d: string): string {
  return d.startsWith('-') ? d.slice(1) : d;
}

/** good / total with 4 decimals, rounded half up, exactly. */
function ratio4(good: number, total: number): string {
  const scaled = (BigInt(good) * 100_000n) / BigInt(total);
  const rounded = (scaled + 5n) / 10n;
  return canonicalDecimal(addDecimals(`${rounded / 10_000n}`, `0.${String(rounded % 10_000n).padStart(4, '0')}`));
}
