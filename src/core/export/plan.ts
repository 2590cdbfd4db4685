/**
 * The export plan: everything the Odoo load files will hold, computed before a byte
 * is written, with the pre-flight findings. Small things (units, categories,
 * products, warehouses, locations) are in memory; the opening stock, which can run
 * to millions of lines, stays in temporary SQL tables and is streamed by the writer.
 *
 * Opening stock (export.opening_stock, default counts_then_book): the counted
 * quantity where a location was counted, the book elsewhere. The book of a warehouse
 * is the WMS where a WMS covers it, else the ERP (as reconcile reads it). When the
 * book is kept per bin, counts replace the book bin by bin; when it is kept per
 * warehouse, a count of the warehouse replaces all of it. Quantities are the
 * cleansed ones (canonical SKU, the item's base unit, exact millionths), summed per
 * product × Odoo location × lot and rounded HALF-UP to the unit's precision: places of
 * the book that resolve to one Odoo location are one quant there, and a count replaces
 * the book of the Odoo location it counts.
 *
 * Left out, each with its reason in rejects.csv (and as a finding when the
 * `export.exclude` list does not name the rule): lines whose SKU or unit cleansing
 * could not use, negative balances, zero balances.
 */
import { catalogueFor } from '../cleanse/cleanse.js';
import { LOC_KEY, MAPPED_SQL, USABLE_SQL, lineWarehouse, locationKey, upperAscii } from '../cleanse/sql.js';
import { DecimalSum, canonicalDecimal, fromMicro } from '../model/decimal.js';
import { collectGarbage } from '../memory.js';
import type { Db } from '../staging/database.js';
import { parsePack, type Catalogue, type CatalogueUnit } from '../uom/index.js';
import type { WorkspaceConfig } from '../workspace/config.js';
import { productCost, type ProductCost } from './costs.js';
import type { OdooVersion } from './headers.js';
import { externalId } from './ids.js';
import type { ExportSettings } from './settings.js';

export interface PreflightFinding {
  readonly file: string;
  readonly record: string;
  readonly rule: string;
  readonly message: string;
}

export interface Reject {
  readonly file: string;
  readonly record: string;
  readonly rule: string;
  readonly reason: string;
  readonly sku: string;
  readonly warehouse: string;
  readonly location: string;
  readonly lot: string;
  readonly qty: string;
  readonly source: string;
}

export interface UomCategoryRow {
  readonly id: string;
  readonly name: string;
}
export interface UomRow {
  readonly key: string;
  readonly id: string;
  readonly name: string;
  /** 17/18 */
  readonly categoryRef?: string;
  readonly uomType?: string;
  readonly factor?: string;
  readonly rounding?: string;
  /** 19 */
  readonly relativeFactor?: string;
  readonly relativeRef?: string;
}

export interface ProductRow {
  readonly sku: string;
  readonly id: string;
  readonly name: string;
  readonly barcode: string;
  readonly uomRef: string;
  readonly purchaseUomRef: string;
  readonly tracking: 'none' | 'lot' | 'serial';
  readonly categoryRef: string;
  readonly masterCost: string | null;
  /** The unit's precision in millionths (10000 for 0.01). */
  readonly stepMicro: number;
}

export interface WarehouseRow {
  readonly name: string;
  readonly id: string;
  readonly code: string;
  /** Complete name of its Stock location in Odoo ("NORTH/Stock"). */
  readonly stockName: string;
}

export interface LocationRow {
  readonly key: string;
  readonly id: string;
  readonly name: string;
  readonly parentName: string;
  readonly completeName: string;
  readonly usage: string;
  readonly barcode: string;
  readonly depth: number;
}

export interface CostLine extends ProductCost {
  readonly sku: string;
  readonly qty: string;
  readonly glValue: string | null;
}

export interface ExportPlan {
  readonly version: OdooVersion;
  readonly settings: ExportSettings;
  readonly uomCategories: readonly UomCategoryRow[];
  readonly uoms: readonly UomRow[];
  readonly categories: readonly { readonly id: string; readonly name: string; readonly parentRef: string }[];
  readonly products: readonly ProductRow[];
  readonly warehouses: readonly WarehouseRow[];
  readonly locations: readonly LocationRow[];
  /** How a place of the book maps onto the Odoo locations (count close refers to them too). */
  readonly resolveLocation: LocationPlanner['resolve'];
  readonly findings: readonly PreflightFinding[];
  readonly rejects: readonly Reject[];
  readonly summary: {
    readonly source: ExportSettings['openingStock'];
    readonly lines_read: number;
    readonly superseded_book: { readonly lines: number; readonly qty: string };
    readonly barcodes_left_out: number;
  };
}

/** A place's warehouse, as reconcile reads it (`t` a named place). */
const warehouseOf = (t: string): string => lineWarehouse(t, `(SELECT l.warehouse FROM xlocm l WHERE l.key = ${LOC_KEY(`${t}.location`)})`, 'xwhn');

const PRODUCT_FILE = 'product.product.csv';
const QUANT_FILE = 'stock.quant.csv';
const LOCATION_FILE = 'stock.location.csv';

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export function buildPlan(db: Db, options: { odooVersion: OdooVersion; config: WorkspaceConfig; settings: ExportSettings }): ExportPlan {
  const { odooVersion: version, config, settings } = options;
  const findings: PreflightFinding[] = [];
  const rejects: Reject[] = [];
  const catalogue = catalogueFor(config);
  const units = unitPlanner(catalogue, version);

  // ---- products, units, categories
  const items = itemsBySku(db);
  const categories = new Map<string, { id: string; name: string; parentRef: string }>();
  const categoryRefs = new Map<string, string>();
  const categoryRef = (path: string): string => {
    const known = categoryRefs.get(path);
    if (known !== undefined) return known;
    const ref = newCategoryRef(path);
    categoryRefs.set(path, ref);
    return ref;
  };
  const newCategoryRef = (path: string): string => {
    const parts = path.split('/').map((p) => p.trim()).filter((p) => p !== '');
    let parentRef = '';
    let sofar = '';
    for (const part of parts) {
      sofar = sofar ? `${sofar}/${part}` : part;
      if (!categories.has(sofar)) categories.set(sofar, { id: externalId.category(sofar), name: part, parentRef });
      parentRef = categories.get(sofar)!.id;
    }
    return parentRef;
  };
  const barcodeOwner = new Map<string, string>();
  let barcodesLeftOut = 0;
  const products: ProductRow[] = [];
  const finding = (record: string, rule: string, message: string): void => void findings.push({ file: PRODUCT_FILE, record, rule, message });
  const TRACKING = new Set(['none', 'lot', 'serial']);
  for (const item of items) {
    const record = item.sku;
    const base = units.base(item);
    if ('rule' in base) {
      finding(record, base.rule, base.message);
      continue;
    }
    const purchase = units.purchase(item, base);
    if ('rule' in purchase) finding(record, purchase.rule, purchase.message);
    const trackingText = item.tracking === null ? '' : item.tracking.trim().toLowerCase();
    const tracking = (TRACKING.has(trackingText) ? trackingText : 'none') as ProductRow['tracking'];
    if (trackingText !== '' && !TRACKING.has(trackingText)) finding(record, 'tracking_unknown', `tracking "${item.tracking}" is not none, lot or serial`);
    let barcode = '';
    const written = (item.barcode ?? '').trim();
    if (written) {
      const reject = (rule: string, reason: string): void => {
        barcodesLeftOut++;
        rejects.push({ file: PRODUCT_FILE, record, rule, reason, sku: item.sku, warehouse: '', location: '', lot: '', qty: '', source: 'item master' });
      };
      if (item.barcode_status !== 'valid') reject('barcode_invalid', `barcode "${written}" left out: ${item.barcode_status ?? 'not checked'}`);
      else if (barcodeOwner.has(written)) reject('barcode_duplicate', `barcode "${written}" left out: ${barcodeOwner.get(written)} has it already (Odoo refuses a barcode twice)`);
      else {
        barcodeOwner.set(written, item.sku);
        barcode = written;
      }
    }
    products.push({
      sku: item.sku,
      id: externalId.product(item.sku),
      name: item.description?.trim() || item.sku,
      barcode,
      uomRef: base.ref,
      purchaseUomRef: 'rule' in purchase ? base.ref : purchase.ref,
      tracking,
      categoryRef: item.category?.trim() ? categoryRef(item.category) : '',
      masterCost: item.unit_cost,
      stepMicro: base.stepMicro,
    });
  }
  // The item rows are garbage now: collected before the lines are planned on top of them (memory.ts).
  collectGarbage();

  // ---- opening stock lines (temporary tables), then warehouses and locations
  // The places stock sits are resolved once per distinct place a source names (a few
  // thousand), not once per line (millions): the lines find theirs by what they name.
  const shape = namedPlaces(db);
  const { warehouses, locations, resolve } = locationPlanner(db, settings, findings, shape);
  const linesRead = db.prepare('SELECT (SELECT count(*) FROM counts) + (SELECT count(*) FROM erp) + (SELECT count(*) FROM wms)').pluck().get() as number;
  const opening = selectOpening(db, settings.openingStock, shape);

  // n: the product's index in `products`, so that the writer looks products up by number, not by text.
  db.exec('DROP TABLE IF EXISTS temp.xsku; CREATE TEMP TABLE xsku (sku TEXT PRIMARY KEY, tracking TEXT NOT NULL, step INTEGER NOT NULL, n INTEGER NOT NULL) WITHOUT ROWID;');
  // Many rows per statement: a statement per product costs more than the insert itself.
  const SKUS_AT_ONCE = 250;
  const insertSkus = db.prepare(`INSERT INTO xsku VALUES ${new Array(SKUS_AT_ONCE).fill('(?, ?, ?, ?)').join(', ')}`);
  const insertSku = db.prepare('INSERT INTO xsku VALUES (?, ?, ?, ?)');
  const values: (string | number)[] = [];
  for (let n = 0; n < products.length; n++) {
    const p = products[n]!;
    values.push(p.sku, p.tracking, p.stepMicro, n);
    if (values.length === SKUS_AT_ONCE * 4) {
      insertSkus.run(values);
      values.length = 0;
    }
  }
  for (let i = 0; i < values.length; i += 4) insertSku.run(values.slice(i, i + 4));

  // Each place stock sits, resolved once: its Odoo complete name (or why it has none).
  // loc_id numbers the places in file order (complete name, then warehouse and location
  // key), so that sorting the lines by loc_id puts them in file order.
  const masterLocation = new Map((db.prepare('SELECT key, location FROM xlocm').raw(true).all() as [string, string | null][]).map(([key, location]) => [key, location]));
  const seenPlaces = new Set<string>();
  const places: { warehouse: string; loc_key: string; location: string; resolved: { ref: string } | { problem: string } }[] = [];
  for (const r of shape) {
    const id = `${r.warehouse}\u0000${r.loc_key}`;
    if (seenPlaces.has(id)) continue;
    seenPlaces.add(id);
    const location = masterLocation.get(r.loc_key) ?? r.loc_key;
    places.push({ warehouse: r.warehouse, loc_key: r.loc_key, location, resolved: resolve(r.warehouse, r.loc_key, location) });
  }
  const refs = [...new Set(places.map((p) => ('ref' in p.resolved ? p.resolved.ref : '')))].sort(cmp);
  const rank = new Map(refs.map((ref, i) => [ref, i]));
  const inFileOrder = places.map((p, i) => ({ p, i, ord: rank.get('ref' in p.resolved ? p.resolved.ref : '') ?? 0 })).sort((a, b) => a.ord - b.ord || a.i - b.i);
  // Places that resolve to one Odoo location hold one quant there (Odoo keys a quant by
  // product × location × lot, and two rows of one import make two quants): they share a
  // quant_id, the loc_id of the first of them, and their lines are summed as one. Decided
  // per place, so the lines pay nothing for it. xquant is the quant's location as the
  // reports name it: the places' locations joined by " + " where several share it.
  db.exec(`DROP TABLE IF EXISTS temp.xloc; CREATE TEMP TABLE xloc (warehouse TEXT NOT NULL, loc_key TEXT NOT NULL, loc_id INTEGER NOT NULL UNIQUE, quant_id INTEGER NOT NULL, location TEXT NOT NULL, ref TEXT, problem TEXT, PRIMARY KEY (warehouse, loc_key)) WITHOUT ROWID;
DROP TABLE IF EXISTS temp.xquant; CREATE TEMP TABLE xquant (quant_id INTEGER PRIMARY KEY, warehouse TEXT NOT NULL, location TEXT NOT NULL, ref TEXT, problem TEXT);`);
  const insertLoc = db.prepare('INSERT INTO xloc (warehouse, loc_key, loc_id, quant_id, location, ref, problem) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const insertQuant = db.prepare('INSERT INTO xquant (quant_id, warehouse, location, ref, problem) VALUES (?, ?, ?, ?, ?)');
  const quantOfRef = new Map<string, { id: number; warehouse: string; locations: string[]; ref: string }>();
  inFileOrder.forEach(({ p }, locId) => {
    const ref = 'ref' in p.resolved ? p.resolved.ref : null;
    let quantId = locId;
    if (ref === null) insertQuant.run(locId, p.warehouse, p.location, null, 'problem' in p.resolved ? p.resolved.problem : null);
    else {
      const shared = quantOfRef.get(ref);
      if (shared) {
        quantId = shared.id;
        if (!shared.locations.includes(p.location || p.warehouse)) shared.locations.push(p.location || p.warehouse);
      } else quantOfRef.set(ref, { id: locId, warehouse: p.warehouse, locations: [p.location || p.warehouse], ref });
    }
    insertLoc.run(p.warehouse, p.loc_key, locId, quantId, p.location, ref, 'problem' in p.resolved ? p.resolved.problem : null);
  });
  for (const q of quantOfRef.values()) insertQuant.run(q.id, q.warehouse, q.locations.length === 1 ? q.locations[0]! : q.locations.join(' + '), q.ref, null);

  // A count replaces the book of the Odoo location it counts, whichever way the book names
  // it ("VAN-05" against "VAN-05/Stock"): else both would be summed into its quant.
  if (opening.anyCounted) {
    db.exec(`INSERT OR IGNORE INTO xcounted SELECT l.warehouse, l.loc_key FROM xloc l WHERE l.ref IS NOT NULL AND l.quant_id IN (SELECT p.quant_id FROM xcounted c JOIN xloc p ON p.warehouse = c.warehouse AND p.loc_key = c.loc_key)`);
  }

  // Keyed location first: a line's look-up then mostly decides on the first column (a
  // tenth less time per million lines than side first, whose values all lines share).
  // Per named place: its place number, whether it resolves to no Odoo location, whether its lines make the opening stock (sel),
  // and whether they are book lines superseded by counts.
  db.exec(`
DROP TABLE IF EXISTS temp.xplace;
CREATE TEMP TABLE xplace (side TEXT NOT NULL, wh_raw TEXT NOT NULL, loc_raw TEXT NOT NULL, loc_id INTEGER NOT NULL, quant_id INTEGER NOT NULL, unresolved INTEGER NOT NULL, sel INTEGER NOT NULL, superseded INTEGER NOT NULL, PRIMARY KEY (loc_raw, wh_raw, side)) WITHOUT ROWID;
INSERT INTO xplace
SELECT x.side, x.wh_raw, x.loc_raw, l.loc_id, l.quant_id, l.ref IS NULL, (${opening.condition}), x.side = w.book AND NOT (${opening.condition})
FROM xnamed x JOIN xwh w ON w.warehouse = x.warehouse JOIN xloc l ON l.warehouse = x.warehouse AND l.loc_key = x.loc_key;`);
  const sidesOf = (flag: 'sel' | 'superseded'): (typeof SIDES)[number][] => SIDES.filter(([side]) => db.prepare(`SELECT 1 FROM xplace WHERE side = ? AND ${flag} LIMIT 1`).get(side) !== undefined);
  // The sources with lines in the opening stock: the others need no statement.
  const selectedSides = sidesOf('sel');
  // A source's lines with their named place (r) and their product (s), by the line's own raw values.
  // CROSS JOIN keeps the lines the outer loop: the planner must never scan them per place.
  const linesOf = ([side, kind]: (typeof SIDES)[number], also = ''): string => `
  FROM quantities q CROSS JOIN ${kind} t CROSS JOIN xplace r ${also} LEFT JOIN xsku s ON s.sku = q.sku
  WHERE q.kind = '${kind}' AND t.id = q.row_id AND r.side = '${side}' AND r.wh_raw = coalesce(t.warehouse, '') AND r.loc_raw = coalesce(t.location, '')`;

  // Only counts can supersede the book: without any, no line needs looking at.
  const superseded = { n: 0n, micro: 0n };
  for (const source of sidesOf('superseded')) {
    const r = db.prepare(`SELECT count(*) AS n, coalesce(sum(q.qty_micro), 0) AS micro ${linesOf(source)} AND r.superseded`).safeIntegers(true).get() as { n: bigint; micro: bigint };
    superseded.n += r.n;
    superseded.micro += r.micro;
  }

  // Unusable lines in scope: rejected (or findings), with the line as staged.
  const anyUnusable = db.prepare(`SELECT 1 FROM quantities WHERE kind IN ('counts', 'erp', 'wms') AND status NOT IN ${USABLE_SQL} LIMIT 1`).get() !== undefined;
  const unusable = !anyUnusable
    ? []
    : selectedSides.flatMap((source) =>
        db
          .prepare(`SELECT coalesce(q.sku, q.spelling, '') AS sku, coalesce(t.location, '') AS location, coalesce(t.lot, '') AS lot, q.qty, q.reason, q.status, l.warehouse, '${source[0]}' AS side ${linesOf(source, 'JOIN xloc l ON l.loc_id = r.loc_id')} AND r.sel AND q.status NOT IN ${USABLE_SQL}`)
          .all() as { sku: string; location: string; lot: string; qty: string; reason: string; status: string; warehouse: string; side: string }[],
      );
  unusable.sort((x, y) => cmp(x.sku, y.sku) || cmp(x.warehouse, y.warehouse) || cmp(x.location, y.location) || cmp(x.lot, y.lot));
  for (const r of unusable) {
    const rule = r.status === 'unmapped_sku' || r.status === 'review_sku' ? 'product_unresolved' : 'unit_unconvertible';
    const record = `${r.sku} @ ${r.location || r.warehouse}${r.lot ? ` / ${r.lot}` : ''}`;
    if (settings.exclude.has('unusable')) rejects.push({ file: QUANT_FILE, record, rule, reason: r.reason, sku: r.sku, warehouse: r.warehouse, location: r.location, lot: r.lot, qty: r.qty, source: r.side === 'P' ? 'count' : 'book' });
    else findings.push({ file: QUANT_FILE, record, rule, message: r.reason });
  }

  // One row per product × Odoo location (quant_id) × lot, in the order of the load files (location, product, lot), so
  // that the writer streams it by rowid without sorting again; rule says why a row is not
  // written (NULL: it is written). A zero balance is written (a count of 0 is a valid count)
  // unless export.exclude lists `zero`.
  const zeroRule = settings.exclude.has('zero') ? "'zero_stock'" : 'NULL';
  const openingLines = selectedSides
    .map(
      (source) =>
        `SELECT r.quant_id * 4294967296 + coalesce(s.n, 4294967295) AS quant_product, r.quant_id, s.n, q.sku, CASE WHEN s.tracking IN ('lot', 'serial') THEN coalesce(trim(t.lot), '') ELSE '' END AS lot, q.qty_micro AS micro, '${source[0]}' AS side,
           coalesce(trim(t.lot), '') <> '' AND coalesce(s.tracking, 'none') NOT IN ('lot', 'serial') AS lot_dropped, r.unresolved, s.tracking, s.step ${linesOf(source)} AND r.sel AND q.status IN ${USABLE_SQL}`,
    )
    .join('\nUNION ALL\n');
  db.exec(`
DROP TABLE IF EXISTS temp.op;
CREATE TEMP TABLE op (product_n INTEGER, sku TEXT, quant_id INTEGER NOT NULL, lot TEXT NOT NULL, rounded INTEGER, micro INTEGER, source TEXT NOT NULL, lot_dropped INTEGER NOT NULL, rule TEXT);
${openingLines === '' ? '' : `
-- The SKU is kept where a line is not written (a rule) or has no product number: the
-- findings and rejects are listed by it; written lines take their product's.
INSERT INTO op
SELECT product_n, CASE WHEN product_n IS NULL OR rule IS NOT NULL THEN sku END, quant_id, lot, rounded, micro, source, lot_dropped, rule
FROM (
SELECT product_n, sku, quant_id, lot, rounded, CASE WHEN micro <> rounded THEN micro END AS micro, source, lot_dropped,
  CASE
    WHEN tracking IS NULL THEN 'product_unresolved'
    WHEN unresolved THEN 'location_unresolved'
    WHEN rounded < 0 THEN 'negative_stock'
    WHEN rounded = 0 THEN ${zeroRule}
    WHEN tracking IN ('lot', 'serial') AND lot = '' THEN 'lot_missing'
    WHEN tracking = 'serial' AND rounded <> 1000000 THEN 'serial_qty_not_1'
  END AS rule
FROM (
  SELECT x.sku, x.quant_id, x.lot, sum(x.micro) AS micro,
         CASE WHEN x.step IS NULL THEN sum(x.micro) WHEN sum(x.micro) >= 0 THEN ((sum(x.micro) + x.step / 2) / x.step) * x.step ELSE -(((-sum(x.micro) + x.step / 2) / x.step) * x.step) END AS rounded,
         CASE WHEN min(x.side) = 'P' THEN 'count' ELSE 'book' END AS source,
         max(x.lot_dropped) AS lot_dropped,
         x.tracking, x.n AS product_n, x.unresolved
  FROM (${openingLines}) x
  -- Quant (Odoo location) and product as one integer sort faster than their texts, in the same order:
  -- products are numbered in SKU order. The SKU only separates lines whose product is
  -- not exported (no number).
  GROUP BY x.quant_product, x.sku, x.lot
));`}`);
  if (products.some((p) => p.tracking === 'serial')) {
    db.exec(`
CREATE INDEX temp.xsku_n ON xsku(n);
UPDATE op SET rule = 'serial_duplicate', sku = (SELECT s.sku FROM xsku s WHERE s.n = op.product_n) WHERE rule IS NULL AND rounded <> 0 AND (product_n, lot) IN (
  SELECT product_n, lot FROM op WHERE product_n IN (SELECT n FROM xsku WHERE tracking = 'serial') AND lot <> '' AND rounded > 0 GROUP BY 1, 2 HAVING count(*) > 1);`);
  }
  const excludedRules = new Map<string, boolean>([
    ['negative_stock', settings.exclude.has('negative')],
    ['zero_stock', settings.exclude.has('zero')],
  ]);
  const messages: Record<string, (r: { qty: string; tracking: string; location: string; lot: string }) => string> = {
    product_unresolved: () => 'the product is not in the export (its item could not be exported)',
    location_unresolved: (r) => `location "${r.location}" resolves to no location of the export`,
    negative_stock: (r) => `negative opening stock ${r.qty}: Odoo cannot count a negative quantity`,
    zero_stock: () => 'zero balance: nothing to count',
    lot_missing: (r) => `${r.tracking}-tracked product without a lot/serial number`,
    serial_qty_not_1: (r) => `serial ${r.lot} has quantity ${r.qty}; a serial number is one unit`,
    serial_duplicate: (r) => `serial ${r.lot} is in more than one location`,
  };
  // op keeps the SKU only of lines without a product number: the others take their product's.
  for (const r of db
    .prepare('SELECT o.product_n, o.sku, l.warehouse, l.location, o.lot, o.rounded, o.rule, o.source, l.problem FROM op o JOIN xquant l ON l.quant_id = o.quant_id WHERE o.rule IS NOT NULL ORDER BY o.sku, l.warehouse, l.location, o.lot')
    .iterate() as IterableIterator<{ product_n: number | null; sku: string; warehouse: string; location: string; lot: string; rounded: number; rule: string; source: string; problem: string | null }>) {
    const qty = fromMicro(r.rounded);
    const record = `${r.sku} @ ${r.location || r.warehouse}${r.lot ? ` / ${r.lot}` : ''}`;
    const tracking = r.product_n === null ? '' : products[r.product_n]!.tracking;
    const message = r.rule === 'location_unresolved' && r.problem ? r.problem : messages[r.rule]!({ qty, tracking, location: r.location, lot: r.lot });
    if (excludedRules.get(r.rule)) rejects.push({ file: QUANT_FILE, record, rule: r.rule, reason: message, sku: r.sku, warehouse: r.warehouse, location: r.location, lot: r.lot, qty, source: r.source });
    else if (r.rule !== 'zero_stock') findings.push({ file: QUANT_FILE, record, rule: r.rule, message });
  }

  findings.sort((a, b) => cmp(a.file, b.file) || cmp(a.record, b.record) || cmp(a.rule, b.rule));
  return {
    version,
    settings,
    uomCategories: units.categories(),
    uoms: units.rows(),
    categories: [...categories.entries()].sort(([a], [b]) => cmp(a, b)).map(([, c]) => c),
    products,
    warehouses,
    locations,
    resolveLocation: resolve,
    findings,
    rejects,
    summary: {
      source: settings.openingStock,
      lines_read: linesRead,
      superseded_book: { lines: Number(superseded.n), qty: fromMicro(superseded.micro ?? 0n) },
      barcodes_left_out: barcodesLeftOut,
    },
  };
}

interface ItemRow {
  sku: string;
  description: string | null;
  uom: string | null;
  uom_key: string | null;
  purchase_uom: string | null;
  pack_size: string | null;
  category: string | null;
  unit_cost: string | null;
  barcode: string | null;
  barcode_status: string | null;
  tracking: string | null;
}

/**
 * The cleansed items in SKU order, a few thousand at once (.all costs less per row
 * than a step per row, and rows as arrays less than rows as objects).
 */
function* itemsBySku(db: Db): Generator<ItemRow> {
  const COLUMNS = 'sku, description, uom, uom_key, purchase_uom, pack_size, category, unit_cost, barcode, barcode_status, tracking';
  const AT_ONCE = 5000;
  type Raw = [string, string | null, string | null, string | null, string | null, string | null, string | null, string | null, string | null, string | null, string | null];
  const item = (r: Raw): ItemRow => ({ sku: r[0], description: r[1], uom: r[2], uom_key: r[3], purchase_uom: r[4], pack_size: r[5], category: r[6], unit_cost: r[7], barcode: r[8], barcode_status: r[9], tracking: r[10] });
  // NULL sorts first (cleansing writes none); every text is >= ''; then on from the last one read.
  for (const r of db.prepare(`SELECT ${COLUMNS} FROM items_clean WHERE sku IS NULL`).raw(true).all() as Raw[]) yield item(r);
  const next = db.prepare(`SELECT ${COLUMNS} FROM items_clean WHERE sku > ? ORDER BY sku LIMIT ${AT_ONCE}`).raw(true);
  let rows = db.prepare(`SELECT ${COLUMNS} FROM items_clean WHERE sku >= '' ORDER BY sku LIMIT ${AT_ONCE}`).raw(true).all() as Raw[];
  while (rows.length > 0) {
    for (const r of rows) yield item(r);
    if (rows.length < AT_ONCE) return;
    rows = next.all(rows[rows.length - 1]![0]) as Raw[];
  }
}

/** The sources of lines: counts, the ERP and the WMS, by side letter and table. */
const SIDES = [['P', 'counts'], ['E', 'erp'], ['W', 'wms']] as const;

/** A place as the lines name it, by side: the warehouse and location key it resolves to, whether it has usable lines. */
interface LineShape {
  readonly warehouse: string;
  readonly loc_key: string;
  readonly side: string;
  readonly usable: number;
}

/**
 * xnamed: every distinct place (warehouse and location as written) each source names,
 * with the warehouse and location key it resolves to, as reconcile reads it. A
 * warehouse written in another case than the location master's ("wh-north") is the
 * master's. NULL and '' name the same place: warehouseOf and LOC_KEY treat them
 * alike. Returns the distinct resolved places with their sides.
 */
function namedPlaces(db: Db): LineShape[] {
  db.exec(`
DROP TABLE IF EXISTS temp.xlocm;
CREATE TEMP TABLE xlocm AS SELECT ${LOC_KEY('location')} AS key, max(location) AS location, max(warehouse) AS warehouse FROM locations GROUP BY 1;
CREATE INDEX temp.xlocm_key ON xlocm(key);
DROP TABLE IF EXISTS temp.xwhn;
CREATE TEMP TABLE xwhn AS SELECT DISTINCT upper(trim(warehouse)) AS key, warehouse FROM locations WHERE warehouse IS NOT NULL;
DROP TABLE IF EXISTS temp.xnamed;
CREATE TEMP TABLE xnamed (side TEXT NOT NULL, wh_raw TEXT NOT NULL, loc_raw TEXT NOT NULL, warehouse TEXT NOT NULL, loc_key TEXT NOT NULL, usable INTEGER NOT NULL, PRIMARY KEY (side, wh_raw, loc_raw)) WITHOUT ROWID;
`);
  for (const [side, kind] of SIDES) {
    // Whether a WMS place holds usable lines decides whether the WMS is a warehouse's book:
    // only there are the lines read with their quantities. DISTINCT keeps a small index of
    // the places instead of sorting the lines (0.4 s against 1 s for a million).
    const named =
      side === 'W'
        ? `SELECT warehouse, location, max(usable) AS usable FROM (SELECT DISTINCT coalesce(t.warehouse, '') AS warehouse, coalesce(t.location, '') AS location, q.status IN ${USABLE_SQL} AS usable FROM quantities q JOIN wms t ON t.id = q.row_id WHERE q.kind = 'wms') GROUP BY 1, 2`
        : `SELECT DISTINCT coalesce(warehouse, '') AS warehouse, coalesce(location, '') AS location, 1 AS usable FROM ${kind}`;
    db.exec(`INSERT INTO xnamed SELECT '${side}', t.warehouse, t.location, ${warehouseOf('t')}, ${LOC_KEY('t.location')}, t.usable FROM (${named}) t;`);
  }
  const spelling = new Map((db.prepare('SELECT key, warehouse FROM xwhn').all() as { key: string; warehouse: string }[]).map((r) => [r.key, r.warehouse]));
  const rename = db.prepare('UPDATE xnamed SET warehouse = ? WHERE warehouse = ?');
  for (const warehouse of db.prepare('SELECT DISTINCT warehouse FROM xnamed').pluck().all() as string[]) {
    const master = spelling.get(upperAscii(warehouse));
    if (master !== undefined && master !== warehouse) rename.run(master, warehouse);
  }
  // Ordered by SQLite (bytes of UTF-8), as the places are numbered.
  return db.prepare('SELECT warehouse, loc_key, side, max(usable) AS usable FROM xnamed GROUP BY 1, 2, 3 ORDER BY 1, 2, 3').all() as LineShape[];
}

/**
 * Per warehouse: which side is the book, whether it was counted, whether its book
 * is kept per bin (xwh), and the counted places (xcounted). Returns the SQL
 * condition, over `x` (an xnamed row) and `w` (its xwh row), of a place whose lines make the
 * opening stock (see the module comment), and whether any warehouse was counted.
 */
function selectOpening(db: Db, source: ExportSettings['openingStock'], shape: readonly LineShape[]): { condition: string; anyCounted: boolean } {
  const binSides = new Set(shape.filter((r) => r.loc_key !== '' && r.loc_key !== upperAscii(r.warehouse)).map((r) => `${r.warehouse}\u0000${r.side}`));
  const meta = new Map<string, { wms: boolean; counted: boolean }>();
  const counted = new Map<string, { warehouse: string; loc_key: string }>();
  for (const r of shape) {
    const m = meta.get(r.warehouse) ?? { wms: false, counted: false };
    if (r.side === 'W' && r.usable) m.wms = true;
    if (r.side === 'P') {
      m.counted = true;
      counted.set(`${r.warehouse}\u0000${r.loc_key}`, r);
    }
    meta.set(r.warehouse, m);
  }
  db.exec(`
DROP TABLE IF EXISTS temp.xwh;
CREATE TEMP TABLE xwh (warehouse TEXT PRIMARY KEY, book TEXT NOT NULL, counted INTEGER NOT NULL, bins INTEGER NOT NULL) WITHOUT ROWID;
DROP TABLE IF EXISTS temp.xcounted;
CREATE TEMP TABLE xcounted (warehouse TEXT NOT NULL, loc_key TEXT NOT NULL, PRIMARY KEY (warehouse, loc_key)) WITHOUT ROWID;`);
  const insertCounted = db.prepare('INSERT INTO xcounted VALUES (?, ?)');
  for (const c of counted.values()) insertCounted.run(c.warehouse, c.loc_key);
  const insert = db.prepare('INSERT INTO xwh VALUES (?, ?, ?, ?)');
  for (const [warehouse, m] of [...meta].sort(([a], [b]) => cmp(a, b))) {
    const book = m.wms ? 'W' : 'E';
    insert.run(warehouse, book, m.counted ? 1 : 0, binSides.has(`${warehouse}\u0000${book}`) ? 1 : 0);
  }
  const anyCounted = counted.size > 0;
  const counts = "x.side = 'P'";
  const book = 'x.side = w.book';
  if (source === 'counts') return { condition: counts, anyCounted };
  if (source === 'book') return { condition: book, anyCounted };
  // Nothing counted: the book is the opening stock everywhere, no look-up per line.
  if (!anyCounted) return { condition: book, anyCounted };
  return { condition: `${counts} OR (${book} AND NOT CASE WHEN w.bins THEN EXISTS (SELECT 1 FROM xcounted c WHERE c.warehouse = x.warehouse AND c.loc_key = x.loc_key) ELSE w.counted END)`, anyCounted };
}

interface Resolved {
  readonly ref: string;
  readonly stepMicro: number;
  readonly key: string;
  readonly category: string;
}
type UnitProblem = { readonly rule: string; readonly message: string };

/** Odoo units for the items: standard ones by their uom.* external id, the others created by uom.uom.csv. */
function unitPlanner(catalogue: Catalogue, version: OdooVersion) {
  const rows = new Map<string, UomRow>();
  const cats = new Map<string, UomCategoryRow>();
  const order: string[] = [];
  const stepOf = (rounding: number): number => Math.max(1, Math.round(rounding * 1_000_000));
  const add = (row: UomRow): void => {
    if (!rows.has(row.key)) {
      rows.set(row.key, row);
      order.push(row.key);
    }
  };
  const categoryRefOf = (u: { category: string; categoryName: string }): string => {
    if (u.category.startsWith('uom.')) return u.category;
    const id = externalId.uomCategory(u.categoryName);
    if (!cats.has(id)) cats.set(id, { id, name: u.categoryName });
    return id;
  };

  /** The reference to a catalogue unit in this version; creates the row for a unit Odoo does not ship. */
  function ensure(key: string): Resolved {
    const u = catalogue.odoo(key, version);
    const step = stepOf(u.rounding);
    if (u.xmlid && u.status === 'standard') return { ref: u.xmlid, stepMicro: step, key, category: u.category };
    const id = externalId.uom(key);
    if (version === 19) {
      const parent = u.relativeTo ? ensure(u.relativeTo) : undefined;
      add({ key, id, name: u.name, relativeFactor: String(u.relativeFactor ?? 1), relativeRef: parent?.ref ?? '' });
    } else {
      add({ key, id, name: u.name, categoryRef: categoryRefOf(u), uomType: u.uomType ?? 'reference', factor: String(u.factor), rounding: String(u.rounding) });
    }
    return { ref: id, stepMicro: step, key, category: u.category };
  }

  /** A package word used as an item's base unit ("roll"): a unit of its own, the reference of its own category. */
  function ensurePackageBase(pkgKey: string, pkgName: string): Resolved {
    const key = `package:${pkgKey}`;
    const id = externalId.uom(key);
    if (version === 19) add({ key, id, name: pkgName, relativeFactor: '1', relativeRef: '' });
    else add({ key, id, name: pkgName, categoryRef: categoryRefOf({ category: key, categoryName: pkgName }), uomType: 'reference', factor: '1', rounding: '0.01' });
    return { ref: id, stepMicro: 10_000, key, category: key };
  }

  /** A pack of `size` base units ("Box of 100"): bigger than the base, in its category (17/18) or under it (19). */
  function ensurePack(base: Resolved, baseUnit: CatalogueUnit | undefined, pkgKey: string, pkgName: string, size: number): Resolved {
    if (baseUnit?.key === 'units' && size === 12) return ensure('dozens');
    if (baseUnit?.key === 'units' && size === 6) return ensure('pack_6');
    const sizeText = canonicalDecimal(String(size));
    const key = `pack:${pkgKey}:${sizeText}:${base.key}`;
    const id = externalId.uom(key);
    const name = baseUnit?.key === 'units' || !baseUnit ? `${pkgName} of ${sizeText}` : `${pkgName} of ${sizeText} ${catalogue.odoo(baseUnit.key, version).name}`;
    if (version === 19) add({ key, id, name, relativeFactor: sizeText, relativeRef: base.ref });
    else {
      const baseOdoo = baseUnit ? catalogue.odoo(baseUnit.key, version) : undefined;
      const baseFactor = baseOdoo?.factor ?? 1;
      const categoryRef = baseOdoo ? categoryRefOf(baseOdoo) : (rows.get(base.key)?.categoryRef ?? '');
      add({ key, id, name, categoryRef, uomType: size >= 1 ? 'bigger' : 'smaller', factor: String(baseFactor / size), rounding: '0.01' });
    }
    return { ref: id, stepMicro: base.stepMicro, key, category: base.category };
  }

  const baseCache = new Map<string, Resolved | UnitProblem>();
  const purchaseCache = new Map<string, Resolved | UnitProblem>();
  const planner = {
    base(item: { uom: string | null; uom_key: string | null }): Resolved | UnitProblem {
      const key = `${item.uom_key ?? ''}\u0000${item.uom ?? ''}`;
      let r = baseCache.get(key);
      if (!r) baseCache.set(key, (r = planner.newBase(item)));
      return r;
    },
    purchase(item: { purchase_uom: string | null; pack_size: string | null; uom_key: string | null }, base: Resolved): Resolved | UnitProblem {
      const key = `${item.purchase_uom ?? ''}\u0000${item.pack_size ?? ''}\u0000${item.uom_key ?? ''}\u0000${base.key}`;
      let r = purchaseCache.get(key);
      if (!r) purchaseCache.set(key, (r = planner.newPurchase(item, base)));
      return r;
    },
    newBase(item: { uom: string | null; uom_key: string | null }): Resolved | UnitProblem {
      if (item.uom_key && catalogue.unit(item.uom_key)) return ensure(item.uom_key);
      if (!item.uom || !item.uom.trim()) return { rule: 'unit_missing', message: 'the item has no unit of measure' };
      const m = catalogue.lookup(item.uom);
      if (m.kind === 'unit') return ensure(m.unit.key);
      if (m.kind === 'package') return ensurePackageBase(m.package.key, capitalise(m.package.name));
      return { rule: 'unit_unknown', message: `unit "${item.uom}" is not a known unit (add it to cleansing.units in invsync.yaml)` };
    },
    newPurchase(item: { purchase_uom: string | null; pack_size: string | null; uom_key: string | null }, base: Resolved): Resolved | UnitProblem {
      const spelling = item.purchase_uom?.trim();
      if (!spelling) return base;
      const baseUnit = item.uom_key ? catalogue.unit(item.uom_key) : undefined;
      const m = catalogue.lookup(spelling);
      if (m.kind === 'unit') {
        const r = ensure(m.unit.key);
        if (r.category !== base.category) return { rule: 'purchase_unit_category', message: `purchase unit "${spelling}" (${r.category}) is not in the category of the unit (${base.category})` };
        return r;
      }
      const pack = parsePack(m.kind === 'alias' ? m.target : spelling, { packSize: item.pack_size, catalogue });
      if (!pack || pack.quantityPerPack === undefined) return { rule: 'purchase_unit_unknown', message: `purchase unit "${spelling}" has no known size (give the item a pack size)` };
      let size = pack.quantityPerPack * (pack.innerQuantity ?? 1);
      if (pack.innerUnit && baseUnit && pack.innerUnit !== baseUnit.key) {
        const inner = catalogue.unit(pack.innerUnit);
        if (!inner || inner.category !== baseUnit.category) return { rule: 'purchase_unit_category', message: `purchase unit "${spelling}" holds ${pack.innerUnit}, not in the category of the unit ${baseUnit.key}` };
        size = (size * baseUnit.legacy.factor) / inner.legacy.factor;
      }
      const pkg = catalogue.package(pack.packUnit);
      return ensurePack(base, baseUnit, pack.packUnit, capitalise(pkg?.name ?? pack.packUnit), size);
    },
    categories: (): UomCategoryRow[] => [...cats.values()].sort((a, b) => cmp(a.id, b.id)),
    // Parents before children (19's relative units), then by key: a stable order.
    rows: (): UomRow[] => {
      const sorted = [...order].sort(cmp);
      const out: UomRow[] = [];
      const done = new Set<string>();
      const visit = (key: string): void => {
        if (done.has(key)) return;
        const row = rows.get(key)!;
        const parent = [...rows.values()].find((r) => r.id === row.relativeRef);
        if (parent) visit(parent.key);
        done.add(key);
        out.push(row);
      };
      for (const k of sorted) visit(k);
      return out;
    },
  };
  return planner;
}

/** Package words are lower case in the catalogue; Odoo's unit names start with a capital ("Dozens"). */
const capitalise = (name: string): string => name.charAt(0).toUpperCase() + name.slice(1);

/** Warehouses and locations from the location master; how a line's location maps onto them. */
type LocationPlanner = ReturnType<typeof locationPlanner>;

function locationPlanner(db: Db, settings: ExportSettings, findings: PreflightFinding[], shape: readonly LineShape[]) {
  const master = db
    .prepare(`SELECT ${LOC_KEY('location')} AS key, location, parent, warehouse, usage, barcode FROM locations WHERE location IS NOT NULL AND trim(location) <> '' ORDER BY id`)
    .all() as { key: string; location: string; parent: string | null; warehouse: string | null; usage: string | null; barcode: string | null }[];
  const byKey = new Map<string, (typeof master)[number]>();
  for (const m of master) if (!byKey.has(m.key)) byKey.set(m.key, m);
  const keyOf = locationKey;
  const warehouseOfRow = (m: (typeof master)[number]): string => m.warehouse?.trim() || m.location.split(/[/\\]/)[0]!.trim();

  // Warehouses: named in the master or by the lines.
  const names = new Set<string>(master.map(warehouseOfRow).filter((w) => w !== ''));
  for (const r of shape) if (r.warehouse !== '') names.add(r.warehouse);
  const codes = warehouseCodes([...names].sort(cmp), settings.warehouseCodes);
  const warehouses: WarehouseRow[] = [...names].sort(cmp).map((name) => ({ name, id: externalId.warehouse(name), code: codes.get(name)!, stockName: `${codes.get(name)!}/Stock` }));
  const whByKey = new Map(warehouses.map((w) => [keyOf(w.name), w]));

  const isRoot = (m: (typeof master)[number]): boolean => whByKey.has(m.key);
  const isStockOfRoot = (m: (typeof master)[number]): boolean => {
    const parts = m.location.split('/');
    const parentKey = m.parent ? keyOf(m.parent) : keyOf(parts.slice(0, -1).join('/'));
    return whByKey.has(parentKey) && parts[parts.length - 1]!.trim().toLowerCase() === 'stock';
  };
  const locations = new Map<string, LocationRow>();
  const VALID_USAGE = ['internal', 'view', 'transit', 'supplier', 'customer', 'inventory', 'production'];
  const completeOf = (m: (typeof master)[number], seen = new Set<string>()): string => {
    const wh = whByKey.get(keyOf(warehouseOfRow(m)));
    if (isRoot(m) || isStockOfRoot(m)) return wh ? wh.stockName : m.location;
    if (locations.has(m.key)) return locations.get(m.key)!.completeName;
    if (seen.has(m.key)) return m.location;
    seen.add(m.key);
    const parts = m.location.split('/');
    let parent = m.parent ? byKey.get(keyOf(m.parent)) : undefined;
    if (!parent) for (let i = parts.length - 1; i > 0 && !parent; i--) parent = byKey.get(keyOf(parts.slice(0, i).join('/')));
    const parentName = parent ? completeOf(parent, seen) : (wh?.stockName ?? '');
    const name = parts[parts.length - 1]!.trim();
    const usageRaw = (m.usage ?? '').trim().toLowerCase() || 'internal';
    if (!VALID_USAGE.includes(usageRaw)) findings.push({ file: LOCATION_FILE, record: m.location, rule: 'location_usage_unknown', message: `usage "${m.usage}" is not one of ${VALID_USAGE.join(', ')}` });
    if (!wh) findings.push({ file: LOCATION_FILE, record: m.location, rule: 'warehouse_missing', message: 'the location belongs to no warehouse' });
    const completeName = parentName ? `${parentName}/${name}` : name;
    locations.set(m.key, { key: m.location, id: externalId.location(m.location), name, parentName, completeName, usage: VALID_USAGE.includes(usageRaw) ? usageRaw : 'internal', barcode: m.barcode?.trim() ?? '', depth: completeName.split('/').length });
    return completeName;
  };
  for (const m of master) if (!isRoot(m) && !isStockOfRoot(m)) completeOf(m);
  // Two rows of the master can name one Odoo location ("W1/B-01", and "B-01" under
  // W1). A record each would give Odoo two locations of one complete name, and the
  // quants, which name their location by it, an ambiguous reference (Odoo's import
  // takes the first match). One record per complete name is written: the first by
  // spelling, with the other's barcode when it has none; rows that disagree on usage
  // or barcode are a finding, since which is right is the master's owner's call.
  const written = new Map<string, LocationRow>();
  for (const l of [...locations.values()].sort((a, b) => cmp(a.key, b.key))) {
    const first = written.get(l.completeName);
    if (!first) {
      written.set(l.completeName, l);
      continue;
    }
    const clash = first.usage !== l.usage ? `usage ${l.usage} (${first.key}: ${first.usage})` : first.barcode && l.barcode && first.barcode !== l.barcode ? `barcode ${l.barcode} (${first.key}: ${first.barcode})` : null;
    if (clash) findings.push({ file: LOCATION_FILE, record: l.key, rule: 'location_name_duplicate', message: `is ${l.completeName} in Odoo, as ${first.key} is, but with ${clash}: keep one of the two rows of the location master` });
    else if (!first.barcode && l.barcode) written.set(l.completeName, { ...first, barcode: l.barcode });
  }
  // Barcodes are unique per company in Odoo: a repeated one is a finding.
  const seenBarcodes = new Map<string, string>();
  for (const l of [...written.values()].sort((a, b) => cmp(a.key, b.key))) {
    if (!l.barcode) continue;
    if (seenBarcodes.has(l.barcode)) findings.push({ file: LOCATION_FILE, record: l.key, rule: 'location_barcode_duplicate', message: `barcode ${l.barcode} is also on ${seenBarcodes.get(l.barcode)}` });
    else seenBarcodes.set(l.barcode, l.key);
  }

  return {
    warehouses,
    locations: [...written.values()].sort((a, b) => a.depth - b.depth || cmp(a.completeName, b.completeName)),
    /** The Odoo complete name a line's location maps to. */
    resolve(warehouse: string, locKey: string, location: string): { ref: string } | { problem: string } {
      const wh = whByKey.get(keyOf(warehouse));
      if (locKey === '' || locKey === keyOf(warehouse)) return wh ? { ref: wh.stockName } : { problem: `warehouse "${warehouse}" is not exported` };
      const m = byKey.get(locKey);
      if (!m) return { problem: `location "${location}" is not in the location master` };
      if (isRoot(m) || isStockOfRoot(m)) return { ref: whByKey.get(keyOf(warehouseOfRow(m)))?.stockName ?? m.location };
      const l = locations.get(locKey)!;
      if (l.usage === 'view') return { problem: `location "${location}" is a view: Odoo keeps no stock in it` };
      if (!['internal', 'transit'].includes(l.usage)) return { problem: `location "${location}" has usage ${l.usage}: opening stock belongs in internal or transit locations` };
      return { ref: l.completeName };
    },
  };
}

/** Odoo's warehouse code: at most 5 characters, unique; "WH" is the default warehouse's. */
export function warehouseCodes(names: readonly string[], configured: Readonly<Record<string, string>>): Map<string, string> {
  const taken = new Set<string>(['WH', ...Object.values(configured).map((c) => c.toUpperCase())]);
  const out = new Map<string, string>();
  for (const name of names) {
    if (configured[name]) {
      out.set(name, configured[name]!);
      continue;
    }
    const alnum = name.toUpperCase().replace(/[^A-Z0-9]/g, '');
    const parts = name.toUpperCase().split(/[^A-Z0-9]+/).filter((p) => p !== '');
    const last = parts[parts.length - 1] ?? '';
    let code = alnum.length >= 1 && alnum.length <= 5 ? alnum : last.length >= 2 && last.length <= 5 && last !== 'STOCK' ? last : alnum.slice(0, 5) || 'W';
    for (let n = 2; taken.has(code); n++) code = `${code.slice(0, 5 - String(n).length)}${n}`.slice(0, 5);
    taken.add(code);
    out.set(name, code);
  }
  return out;
}


/**
 * GL values summed per product number (the SKU is the canonical one where cleansing
 * mapped the spelling), and per SKU for SKUs that are not exported. Exact: DecimalSum
 * adds plain values as whole millionths while doubles hold them exactly.
 */
function glSums(db: Db, products: number): { byProduct: (DecimalSum | undefined)[]; notExported: Map<string, DecimalSum> } {
  const byProduct = new Array<DecimalSum | undefined>(products);
  const notExported = new Map<string, DecimalSum>();
  const range = db
    .prepare(
      `SELECT s.n, g.sku, g.value FROM (
         SELECT g.id, CASE WHEN x.status IN ${MAPPED_SQL} THEN x.canonical_sku ELSE g.sku END AS sku, g.value
         FROM gl g LEFT JOIN sku_xref x ON x.spelling = g.sku WHERE g.id > ? AND g.id <= ? AND g.sku IS NOT NULL AND g.value IS NOT NULL) g
       LEFT JOIN xsku s ON s.sku = g.sku ORDER BY g.id`,
    )
    .raw(true);
  const last = (db.prepare('SELECT max(id) FROM gl').pluck().get() as number | null) ?? 0;
  for (let from = 0; from < last; from += GL_ROWS_AT_ONCE) {
    for (const [n, sku, value] of range.all(from, from + GL_ROWS_AT_ONCE) as [number | null, string, string][]) {
      if (n === null) notExported.set(sku, (notExported.get(sku) ?? new DecimalSum()).add(value));
      else (byProduct[n] ??= new DecimalSum()).add(value);
    }
  }
  return { byProduct, notExported };
}
const GL_ROWS_AT_ONCE = 10_000;

export interface ProductCosts {
  /** lines[n] is the cost of products[n]. */
  readonly lines: readonly CostLine[];
  /** GL values of SKUs that are not exported (unmapped, in review): all residual. */
  readonly glNotExported: readonly { readonly sku: string; readonly value: string }[];
}

/** Cost per product from the GL values (per SKU, every warehouse and account) and the opening quantity (millionths, by product number). */
export function productCosts(db: Db, products: readonly ProductRow[], qty: readonly (bigint | undefined)[], digits: number): ProductCosts {
  const gl = glSums(db, products.length);
  const glNotExported = [...gl.notExported].map(([sku, v]) => ({ sku, value: v.toString() })).sort((a, b) => cmp(a.sku, b.sku));
  const costs: CostLine[] = [];
  for (let n = 0; n < products.length; n++) {
    const p = products[n]!;
    const glValue = gl.byProduct[n]?.toString() ?? null;
    const q = fromMicro(qty[n] ?? 0n);
    costs.push({ sku: p.sku, qty: q, glValue, ...productCost({ glValue, qty: q, masterCost: p.masterCost, digits }) });
  }
  return { lines: costs, glNotExported };
}

/** The lots the export creates (stock.lot.csv): every lot of an opening-stock line, by SKU (products are numbered in SKU order) and lot. */
export function* exportedLots(db: Db, plan: Pick<ExportPlan, 'products'>): Generator<{ sku: string; lot: string }> {
  for (const [n, lot] of db.prepare("SELECT DISTINCT product_n, lot FROM op WHERE rule IS NULL AND lot <> '' ORDER BY 1, 2").raw(true).iterate() as IterableIterator<[number, string]>) {
    yield { sku: plan.products[n]!.sku, lot };
  }
}

/** The working tables buildPlan leaves for the writer; drop them when done. */
export const WORK_TABLES = ['xnamed', 'xplace', 'op', 'xloc', 'xquant', 'xlocm', 'xwhn', 'xwh', 'xcounted', 'xsku'] as const;

export function dropWorkTables(db: Db): void {
  for (const table of WORK_TABLES) db.exec(`DROP TABLE IF EXISTS temp.${table}`);
}
