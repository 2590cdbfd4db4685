/**
 * The three-way reconciliation: physical (counts) against book (erp, or the WMS bins
 * where a WMS covers the warehouse) per sku × location × lot at the finest grain both
 * sides have; the ERP against the WMS rolled up to the ERP's grain; book value against
 * the GL at the GL's grain; and the GL's item values per account against the trial
 * balance. Works on the cleansed quantities (canonical SKUs, base units, exact
 * millionths) and groups in SQL (UNION ALL + GROUP BY). Statuses that SQL can decide
 * (match, missing) are decided there; JavaScript holds only the lines that are not a
 * match (tolerances, causes) and streams the rest to the reports in order, so memory
 * does not grow with the matches (a million lines per side is the benchmark).
 *
 * Speed (the benchmark's budget is 2.5x one bare SQL statement over the same tables):
 * places are resolved once per distinct raw warehouse × location, not per line; a
 * grain every warehouse shares goes into the SQL as literals, not a join per line; and
 * the matches, nearly every line, never become objects: for variance.csv and
 * valuation.csv SQLite renders their CSV lines whole (csvFieldSql, DEC), because
 * better-sqlite3 charges per value it hands over and building, deciding and writing
 * an object costs more than the SQL. JavaScript still builds every line that is not a
 * match, and the walks for tests, the workbook and `validate` give objects throughout;
 * a test holds both walks to the same text and totals.
 *
 * Scope: a location absent from every count is not counted, so its book stock is set
 * aside ("not counted"), not missing. In-transit book stock is never expected in a
 * count: it is set aside from the quantity leg and still carries value. Everything
 * left out is in summary.set_aside with its reason; nothing disappears.
 */
import { LOC_KEY, MAPPED_SQL, USABLE_SQL, lineWarehouse } from '../cleanse/sql.js';
import { tempTablesOnDisk, type Db } from '../staging/database.js';
import { csvField, csvFieldSql } from '../reports/csv.js';
import { DecimalSum, addDecimals, canonicalDecimal, compareDecimals, formatScaled, mulDecimals, parseScaled, subDecimals, type Scaled } from '../model/decimal.js';
import { assignQuantityCauses, assignSyncCauses, assignValuationCauses } from './causes.js';
import { toleranceFor, withinTolerance, type ToleranceConfig } from './tolerance.js';
import { CAUSES, STATUSES, type Cause, type GlTieOut, type QuantityLine, type ReconcileSummary, type Status, type SyncLine, type ValuationLine } from './types.js';

/** A line's warehouse in SQL (`t` the staged row, `l` its row of the location master, `wh` the warehouse names). */
const warehouseOf = (t: string): string => lineWarehouse(t, 'l.warehouse', 'wh');

/** Sides of the comparison: P physical (counts), E the ERP, W the WMS. */
type Side = 'P' | 'E' | 'W';

/**
 * Builds the temporary tables the legs read: every usable line of `sides` with its
 * warehouse and location key (the value leg alone needs only the book sides).
 */
function prepare(db: Db, sides: readonly Side[] = ['P', 'E', 'W']): void {
  db.exec(`
DROP TABLE IF EXISTS temp.loc;
CREATE TEMP TABLE loc AS
  SELECT ${LOC_KEY('location')} AS key, max(location) AS location, max(warehouse) AS warehouse
  FROM locations GROUP BY 1;
CREATE INDEX temp.loc_key ON loc(key);
DROP TABLE IF EXISTS temp.wh;
CREATE TEMP TABLE wh (key TEXT PRIMARY KEY, warehouse TEXT NOT NULL) WITHOUT ROWID;
INSERT OR IGNORE INTO wh SELECT DISTINCT upper(trim(warehouse)), warehouse FROM locations WHERE warehouse IS NOT NULL ORDER BY 1, 2;
DROP TABLE IF EXISTS temp.item;
-- What the legs read of an item, keyed by SKU in one b-tree: items_clean's key is an
-- index beside its rows, two look-ups a key for a million keys.
CREATE TEMP TABLE item (sku TEXT PRIMARY KEY, uom TEXT, unit_cost TEXT) WITHOUT ROWID;
INSERT INTO item SELECT sku, uom, unit_cost FROM items_clean;
DROP TABLE IF EXISTS temp.rl;
CREATE TEMP TABLE rl (side TEXT NOT NULL, sku TEXT NOT NULL, warehouse TEXT NOT NULL, loc_key TEXT NOT NULL, location TEXT NOT NULL, lot TEXT NOT NULL, status TEXT NOT NULL, qty INTEGER NOT NULL, unit_cost TEXT);
`);
  // Places are resolved once per distinct raw (warehouse, location) pair of a source,
  // a few thousand, not once per line: the string functions, the look-ups in the
  // location master and the warehouse names cost seconds on three million lines;
  // the lines then find their place with one key look-up. Raw NULL and '' are one
  // pair ('' in `place`): both give the same warehouse, key and location (no staged
  // value is '', a blank cell is NULL, and NULL is what `t` holds below). Keyed
  // location first: a line's look-up then mostly decides on the first column.
  db.exec(`
DROP TABLE IF EXISTS temp.place;
CREATE TEMP TABLE place (side TEXT NOT NULL, raw_warehouse TEXT NOT NULL, raw_location TEXT NOT NULL, warehouse TEXT NOT NULL, loc_key TEXT NOT NULL, location TEXT NOT NULL,
                         PRIMARY KEY (raw_location, raw_warehouse, side)) WITHOUT ROWID;`);
  // The warehouse as the location master spells it ("wh-north" is "WH-NORTH"), the
  // status with in-transit spellings as one.
  const insert = (side: string, kind: 'counts' | 'erp' | 'wms', extra: { status: string; cost: string }): void => {
    const status = extra.status === "'counted'" ? extra.status : `CASE WHEN ${extra.status} IN ('in_transit', 'intransit', 'transit', 'in-transit') THEN 'in_transit' ELSE ${extra.status} END`;
    db.exec(`
INSERT INTO place (side, raw_warehouse, raw_location, warehouse, loc_key, location)
SELECT '${side}', t.raw_warehouse, t.raw_location, coalesce((SELECT w.warehouse FROM wh w WHERE w.key = upper(${warehouseOf('t')})), ${warehouseOf('t')}),
       coalesce(${LOC_KEY('t.location')}, ''), coalesce(l.location, t.location, '')
FROM (SELECT raw_warehouse, raw_location, nullif(raw_warehouse, '') AS warehouse, nullif(raw_location, '') AS location
      FROM (SELECT DISTINCT coalesce(warehouse, '') AS raw_warehouse, coalesce(location, '') AS raw_location FROM ${kind})) t
LEFT JOIN loc l ON l.key = ${LOC_KEY('t.location')};
INSERT INTO rl (side, sku, warehouse, loc_key, location, lot, status, qty, unit_cost)
SELECT '${side}', q.sku, p.warehouse, p.loc_key, p.location, coalesce(t.lot, ''), ${status}, q.qty_micro, ${extra.cost}
FROM quantities q JOIN ${kind} t ON t.id = q.row_id
JOIN place p ON p.side = '${side}' AND p.raw_warehouse = coalesce(t.warehouse, '') AND p.raw_location = coalesce(t.location, '')
WHERE q.kind = '${kind}' AND q.status IN ${USABLE_SQL};`);
  };
  if (sides.includes('P')) insert('P', 'counts', { status: "'counted'", cost: 'NULL' });
  if (sides.includes('E')) insert('E', 'erp', { status: "coalesce(lower(replace(trim(t.status), ' ', '_')), 'available')", cost: 't.unit_cost' });
  if (sides.includes('W')) insert('W', 'wms', { status: "coalesce(lower(replace(trim(t.status), ' ', '_')), 'available')", cost: 'NULL' });
  db.exec(`
DROP TABLE IF EXISTS temp.ecost;
-- The ERP per sku × warehouse, grouped once: its unit cost (where it gives one) for
-- every leg, and its quantity for the value leg.
-- book_cost: the cost the legs use, the item's where the ERP gives none; uom: the item's.
CREATE TEMP TABLE ecost (sku TEXT NOT NULL, warehouse TEXT NOT NULL, cost TEXT, qty INTEGER NOT NULL, transit INTEGER NOT NULL, book_cost TEXT, uom TEXT, PRIMARY KEY (sku, warehouse)) WITHOUT ROWID;
INSERT INTO ecost SELECT e.*, coalesce(e.cost, nullif(i.unit_cost, '')), i.uom
FROM (SELECT sku, warehouse, min(unit_cost) AS cost, sum(qty) AS qty, max(status = 'in_transit') AS transit FROM rl WHERE side = 'E' GROUP BY sku, warehouse) e
LEFT JOIN item i ON i.sku = e.sku;
`);
}

interface Context {
  readonly tolerances: ToleranceConfig;
  /** An item's category: read only when tolerances differ per category (else every line has the same). */
  readonly categoryOf: (sku: string) => string | null | undefined;
}

/** Which lines a reader wants: all of them, those that are not a match, or the matches. */
export type Selection = 'all' | 'exceptions' | 'matches';

/**
 * The reconciliation as streams: lines come out of SQL in report order, one at a
 * time, so memory holds only the lines that are not a match (they need their causes,
 * which pair lines across the whole leg) and never the matches.
 */
export interface Reconciliation {
  /** Quantity lines ordered by sku, warehouse, location, lot. */
  quantityLines(select?: Selection): Generator<QuantityLine>;
  /**
   * Every quantity line as quantityLines('all') gives them, for variance.csv: a match
   * as its CSV line, rendered by SQLite, any other line as an object.
   */
  quantityCsvRows(): Generator<string | QuantityLine>;
  /** The value leg, where it runs on this connection (null where it runs elsewhere). */
  readonly valuation: ValuationLeg | null;
  /** The value leg's lines (ValuationLeg.lines); not where the leg runs elsewhere. */
  valuationLines(select?: Selection): Generator<ValuationLine>;
  /** The value leg's lines for valuation.csv (ValuationLeg.csvRows); not where the leg runs elsewhere. */
  valuationCsvRows(): Generator<string | ValuationLine>;
  readonly systems: readonly SyncLine[];
  /** Lines per leg, and how many of them are not a match. */
  readonly counts: { quantity: number; quantityExceptions: number };
  /**
   * The totals, with the value leg's figures: given, where the leg ran elsewhere;
   * else its own (a walk of the leg unless a full walk has already run).
   */
  summary(valuation?: ValuationFigures): ReconcileSummary;
}

export interface ReconcileResult {
  readonly quantity: QuantityLine[];
  readonly valuation: ValuationLine[];
  readonly systems: SyncLine[];
  readonly summary: ReconcileSummary;
}

/** Every line in memory: for tests and small workspaces. The reports stream (reconcile.ts). */
export function reconcileWorkspace(db: Db, options: { tolerances: ToleranceConfig }): ReconcileResult {
  const r = openReconciliation(db, options);
  const quantity = [...r.quantityLines()];
  const valuation = [...r.valuationLines()];
  return { quantity, valuation, systems: [...r.systems], summary: r.summary() };
}

/**
 * A decimal column (millionths) as canonical text, computed by SQLite: "12.5", "-0.25",
 * "3". The fraction is padded by adding 10^6 and dropping the leading 1, not by printf,
 * which costs half a second a million values.
 */
export const DEC = (x: string): string =>
  `CASE WHEN ${x} IS NULL THEN NULL WHEN ${x} % 1000000 = 0 THEN CAST(${x} / 1000000 AS TEXT) ` +
  `ELSE CASE WHEN ${x} < 0 AND ${x} > -1000000 THEN '-0' ELSE CAST(${x} / 1000000 AS TEXT) END || '.' || rtrim(substr(1000000 + abs(${x} % 1000000), 2), '0') END`;

/**
 * A staged decimal column as exact millionths, in SQL: the digits without the point,
 * times 10^(6 − places). Staged decimals are plain (`-?digits[.digits]`: the loaders
 * write no other form, a cell that is not a number is rejected), so EXACT_MICRO_OK
 * only has to check the size: at most 6 places and 10 digits before the point, far
 * from 2^63 millionths even when summed. A value outside that is summed in exact
 * decimals in JavaScript instead.
 */
export const EXACT_MICRO_OK = (x: string): string =>
  `(CASE WHEN instr(${x}, '.') = 0 THEN length(ltrim(${x}, '-')) <= 10 ELSE instr(ltrim(${x}, '-'), '.') <= 11 AND length(${x}) - instr(${x}, '.') <= 6 END)`;
export const EXACT_MICRO = (x: string): string =>
  `CAST(replace(${x}, '.', '') AS INTEGER) * CAST(substr('1000000', 1, 7 - CASE WHEN instr(${x}, '.') = 0 THEN 0 ELSE length(${x}) - instr(${x}, '.') END) AS INTEGER)`;

const IN_TRANSIT_REASON = 'in transit: not expected in a count (valued in the valuation leg)';

/**
 * Canonical decimals and their parses, cached: a few thousand distinct costs serve a
 * million lines (the benchmark has 25,000; a cache that empties below that parses
 * every line again).
 */
class DecimalCache {
  private readonly canonical = new Map<string, string>();
  private readonly scaled = new Map<string, Scaled | null>();
  text(raw: string | null): string | null {
    if (raw === null) return null;
    let c = this.canonical.get(raw);
    if (c === undefined) {
      if (this.canonical.size > 200_000) this.canonical.clear();
      c = canonicalDecimal(raw);
      this.canonical.set(raw, c);
    }
    return c;
  }
  parse(raw: string): Scaled | null {
    let v = this.scaled.get(raw);
    if (v === undefined) {
      if (this.scaled.size > 200_000) this.scaled.clear();
      v = parseScaled(raw.trim());
      this.scaled.set(raw, v);
    }
    return v;
  }
}

/** units at `scale` times a cost: exact, as scaled units. */
function times(units: bigint, scale: number, cost: Scaled): Scaled {
  return { units: units * cost.units, scale: scale + cost.scale };
}

const ZERO: Scaled = { units: 0n, scale: 0 };

function subtract(a: Scaled, b: Scaled): Scaled {
  if (a.scale === b.scale) return { units: a.units - b.units, scale: a.scale };
  const scale = Math.max(a.scale, b.scale);
  return { units: a.units * 10n ** BigInt(scale - a.scale) - b.units * 10n ** BigInt(scale - b.scale), scale };
}

/** What a reconciliation works with on one connection: tolerances, item categories, cached decimals. */
interface Setup {
  readonly ctx: Context;
  readonly decimals: DecimalCache;
  /** Warehouses where a WMS covers the book (its bins are the book there). */
  readonly wmsWarehouses: Set<string>;
}

/**
 * The working tables of `sides` on `db`, and what both legs share: the context, the
 * decimal cache and the SQL functions that use it.
 */
function setUp(db: Db, tolerances: ToleranceConfig, work: { sides?: readonly Side[]; cacheMb: number }): Setup {
  // The temporary tables hold a row per staged line: on disk with a bounded cache, not
  // in memory, so a million lines per side do not cost a gigabyte. Left so: the lines
  // stream from them until the command ends. The caller sizes the cache: the value leg
  // alone (on its own thread, beside the quantity leg's connection) takes half of what
  // the whole reconciliation does, two connections sharing one memory budget.
  tempTablesOnDisk(db, work.cacheMb);
  prepare(db, work.sides);
  // Memory holds no per-item data unless a tolerance needs it (a million-line workspace
  // has hundreds of thousands of items).
  const categories = new Map<string, string | null>();
  if (Object.keys(tolerances.byCategory).length > 0) {
    for (const r of db.prepare('SELECT sku, category FROM items_clean').raw(true).iterate() as IterableIterator<[string, string | null]>) categories.set(r[0], r[1]);
  }
  const ctx: Context = { tolerances, categoryOf: (sku) => categories.get(sku) };
  const decimals = new DecimalCache();
  // A unit cost as its CSV field, for lines SQLite renders: the very function (and
  // cache) the lines built here use, so both kinds of line write the same text.
  db.function('reconcile_cost_field', { deterministic: true }, (raw: unknown) => (typeof raw === 'string' ? csvField(decimals.text(raw)) : ''));
  // A unit cost in exact millionths where it has at most 6 places (else NULL), as the cache parses it.
  db.function('reconcile_cost_micro', { deterministic: true }, (raw: unknown) => {
    const scaled = typeof raw === 'string' ? decimals.parse(raw) : null;
    return scaled && scaled.scale <= 6 ? scaled.units * 10n ** BigInt(6 - scaled.scale) : null;
  });
  // Which side is the book in each warehouse: the WMS bins where a WMS covers it, else the ERP.
  const wmsWarehouses = new Set((db.prepare("SELECT DISTINCT warehouse FROM rl WHERE side = 'W'").all() as { warehouse: string }[]).map((r) => r.warehouse));
  return { ctx, decimals, wmsWarehouses };
}

/**
 * The value leg: book value against the GL, and the GL against the trial balance.
 * Built by openReconciliation, or on its own connection by openValuationLeg (the
 * valuation thread, valuation-thread.ts), with the same lines and figures either way.
 */
export interface ValuationLeg {
  /** Valuation lines ordered by sku, warehouse. */
  lines(select?: Selection): Generator<ValuationLine>;
  /**
   * Every valuation line as lines('all') gives them, for valuation.csv: a match, where
   * SQLite can tell it, as its CSV line, any other line as an object. A full walk; it
   * gathers the figures for the summary, as lines('all').
   */
  csvRows(): Generator<string | ValuationLine>;
  /** The figures for the summary; walks the leg once unless a full walk has already run. */
  figures(): ValuationFigures;
}

/** What the summary needs of the value leg, as plain data (it crosses threads). */
export interface ValuationFigures {
  readonly lines: number;
  readonly book: string;
  readonly gl: string;
  readonly net: string;
  readonly byStatus: ReadonlyMap<string, number>;
  readonly byCause: ReadonlyMap<string, number>;
  readonly tieOut: GlTieOut[];
}

function valuationLeg(db: Db, setup: Setup): ValuationLeg {
  const valuation = valuationStream(db, setup.ctx, setup.decimals, setup.wmsWarehouses);
  const tieOut = glTieOut(db, setup.ctx.tolerances);
  let totals: ValuationTotals | null = null;
  return {
    *lines(select: Selection = 'all') {
      const all = select === 'all' ? new ValuationTotals() : undefined;
      for (const line of valuation.lines(all, select === 'matches')) {
        if (select === 'all' || (select === 'matches') === (line.status === 'match')) yield line;
      }
      if (all) totals = all;
    },
    *csvRows() {
      const all = new ValuationTotals();
      yield* valuation.csvRows(all);
      totals = all;
    },
    figures() {
      if (!totals) {
        // The cheaper walk: the same totals, most lines never built.
        const all = new ValuationTotals();
        for (const line of valuation.csvRows(all)) void line;
        totals = all;
      }
      return { lines: totals.lines, book: totals.book.toString(), gl: totals.gl.toString(), net: totals.net.toString(), byStatus: totals.byStatus, byCause: totals.byCause, tieOut };
    },
  };
}

/** The value leg alone on `db`: its own working tables (the book sides only) and walks. */
export function openValuationLeg(db: Db, options: { tolerances: ToleranceConfig }): ValuationLeg {
  return valuationLeg(db, setUp(db, options.tolerances, { sides: ['E', 'W'], cacheMb: 16 }));
}

/**
 * The reconciliation on `db`. With `valuation: 'elsewhere'` the value leg is left to
 * another connection (openValuationLeg on the valuation thread): its walks are not
 * available here, and summary() takes its figures.
 */
export function openReconciliation(db: Db, options: { tolerances: ToleranceConfig; valuation?: 'here' | 'elsewhere' }): Reconciliation {
  const setup = setUp(db, options.tolerances, { cacheMb: 32 });
  const { ctx, decimals, wmsWarehouses } = setup;
  const unmapped = unmappedLines(db);
  const setAside = buildQuantityTable(db, wmsWarehouses, decimals, unmapped);
  const factors = factorsBySku(db);
  const exceptions = quantityExceptions(db, ctx, decimals);
  for (const r of db.prepare("SELECT rowid AS id, ord FROM ql WHERE status = 'unmapped'").iterate() as IterableIterator<{ id: number; ord: number }>) exceptions.set(r.id, unmapped[r.ord - 1]!);
  const twins = twinsBySku(db);
  assignQuantityCauses([...exceptions.values()], { factors: (sku) => factors.get(sku) ?? [], twins: (sku) => twins.get(sku) ?? [] });

  const systems = systemsLeg(db, ctx, wmsWarehouses);
  assignSyncCauses(systems, { factors: (sku) => factors.get(sku) ?? [] });
  systems.sort(compareLines);

  const counted = db.prepare("SELECT count(*) AS n, sum(status = 'match') AS matches FROM ql WHERE status NOT IN ('none', 'aside')").get() as { n: number; matches: number | null };
  const leg = options.valuation === 'elsewhere' ? null : valuationLeg(db, setup);
  const here = (): ValuationLeg => {
    if (!leg) throw new Error('the value leg of this reconciliation runs on another connection');
    return leg;
  };

  return {
    systems,
    valuation: leg,
    counts: { quantity: counted.n, quantityExceptions: exceptions.size },
    *quantityLines(select: Selection = 'all') {
      const where = select === 'all' ? "status NOT IN ('none', 'aside')" : select === 'matches' ? "status = 'match'" : "status NOT IN ('none', 'aside', 'match')";
      const rows = db
        .prepare(`SELECT rowid AS id, sku, warehouse, location, lot, uom, cost, status, ${DEC('p')} AS physical FROM ql WHERE ${where} ORDER BY rowid`)
        .iterate() as IterableIterator<{ id: number; sku: string; warehouse: string; location: string; lot: string; uom: string; cost: string | null; status: string; physical: string | null }>;
      for (const r of rows) {
        if (r.status !== 'match') {
          yield exceptions.get(r.id)!;
          continue;
        }
        const cost = decimals.text(r.cost);
        yield {
          sku: r.sku,
          warehouse: r.warehouse,
          location: r.location,
          lot: r.lot,
          uom: r.uom,
          physical_qty: r.physical,
          book_qty: r.physical,
          qty_variance: '0',
          unit_cost: cost,
          value_impact: cost === null ? null : '0',
          status: 'match',
          cause: '',
        };
      }
    },
    *quantityCsvRows() {
      // A match is the bulk of the leg (98% on the benchmark) and needs nothing from
      // JavaScript: SQLite writes its whole line, and the walk pays one value per line
      // instead of building an object of twelve. The rowid stands for any other line.
      const matchLine = [
        ...['sku', 'warehouse', 'location', 'lot', 'uom'].map(csvFieldSql),
        `replace('#,#', '#', ${DEC('p')})`,
        "'0'",
        'reconcile_cost_field(cost)',
        "CASE WHEN cost IS NULL THEN '' ELSE '0' END",
        "'match'",
        "''",
      ].join(" || ',' || ");
      const rows = db.prepare(`SELECT CASE WHEN status = 'match' THEN ${matchLine} ELSE rowid END FROM ql WHERE status NOT IN ('none', 'aside') ORDER BY rowid`).pluck().iterate() as IterableIterator<string | number>;
      for (const r of rows) yield typeof r === 'string' ? r : exceptions.get(r)!;
    },
    valuationLines(select: Selection = 'all') {
      return here().lines(select);
    },
    valuationCsvRows() {
      return here().csvRows();
    },
    summary(valuation?: ValuationFigures) {
      return summarise([...exceptions.values()], counted.matches ?? 0, valuation ?? here().figures(), systems, setAside, options.tolerances);
    },
  };
}

/**
 * The quantity leg as a temporary table `ql`: a row per compared key at the grain of
 * its warehouse, with both sides' sums in millionths and a status where SQL can tell
 * it (match, missing_in_count, missing_in_book; `diff` when tolerances must decide;
 * `aside` for book stock in places no count covered; `none` for keys only in transit).
 * Returns what was set aside, with the reason.
 */
function buildQuantityTable(db: Db, wmsWarehouses: Set<string>, decimals: DecimalCache, unmapped: readonly QuantityLine[]): ReconcileSummary['set_aside'] {
  db.exec(`
DROP TABLE IF EXISTS temp.ql;
CREATE TEMP TABLE ql (sku TEXT NOT NULL, warehouse TEXT NOT NULL, location TEXT NOT NULL, lot TEXT NOT NULL, uom TEXT NOT NULL, cost TEXT,
                      p INTEGER, b INTEGER, transit INTEGER, status TEXT NOT NULL, aside TEXT, ord INTEGER NOT NULL);
DROP TABLE IF EXISTS temp.counted;
CREATE TEMP TABLE counted AS SELECT DISTINCT warehouse, loc_key FROM rl WHERE side = 'P';
CREATE INDEX temp.counted_key ON counted(warehouse, loc_key);
DROP TABLE IF EXISTS temp.grain;
CREATE TEMP TABLE grain (warehouse TEXT PRIMARY KEY, book TEXT NOT NULL, bins INTEGER NOT NULL, lots INTEGER NOT NULL, counted INTEGER NOT NULL, aside TEXT NOT NULL);
DROP TABLE IF EXISTS temp.um;
CREATE TEMP TABLE um (sku TEXT NOT NULL, warehouse TEXT NOT NULL, location TEXT NOT NULL, lot TEXT NOT NULL, uom TEXT NOT NULL, ord INTEGER NOT NULL);
`);
  // Per warehouse: which side is the book, are its lines per bin? per lot? was anything counted.
  // DISTINCT over a handful of combinations: no sort of the lines, as GROUP BY would.
  const grains = new Map<string, { bins_e: number; bins_w: number; lots_e: number; lots_w: number; lots_p: number; counted: number }>();
  for (const r of db
    .prepare("SELECT DISTINCT warehouse, side, loc_key <> '' AND loc_key <> upper(warehouse) AS bin, lot <> '' AS lot FROM rl")
    .all() as { warehouse: string; side: 'P' | 'E' | 'W'; bin: number; lot: number }[]) {
    const g = grains.get(r.warehouse) ?? { bins_e: 0, bins_w: 0, lots_e: 0, lots_w: 0, lots_p: 0, counted: 0 };
    if (r.side === 'P') {
      g.counted = 1;
      g.lots_p ||= r.lot;
    } else if (r.side === 'E') {
      g.bins_e ||= r.bin;
      g.lots_e ||= r.lot;
    } else {
      g.bins_w ||= r.bin;
      g.lots_w ||= r.lot;
    }
    grains.set(r.warehouse, g);
  }
  const addGrain = db.prepare('INSERT INTO grain VALUES (?, ?, ?, ?, ?, ?)');
  const grainRows: [string, 'E' | 'W', number, number, number, string][] = [];
  for (const [warehouse, g] of [...grains].sort(([a], [b]) => cmp(a, b))) {
    const book = wmsWarehouses.has(warehouse) ? 'W' : 'E';
    const bins = book === 'W' ? g.bins_w : g.bins_e;
    const lots = (book === 'W' ? g.lots_w : g.lots_e) && g.lots_p ? 1 : 0;
    grainRows.push([warehouse, book, bins, lots, g.counted, bins ? 'not counted: the location is on no count sheet' : 'not counted: the warehouse is on no count sheet']);
  }
  for (const row of grainRows) addGrain.run(...row);
  const addUnmapped = db.prepare('INSERT INTO um VALUES (?, ?, ?, ?, ?, ?)');
  unmapped.forEach((l, i) => addUnmapped.run(l.sku, l.warehouse, l.location, l.lot, l.uom, i + 1));

  // A warehouse's grain as SQL: its row of `grain`, or, when every warehouse has the
  // same grain (one ERP, counted per bin and lot, as on the benchmark), the values
  // themselves. A join per line costs a second on two million lines; literals cost
  // nothing, and the statement is the same either way.
  const uniform = grainRows.every((r) => r[1] === grainRows[0]![1] && r[2] === grainRows[0]![2] && r[3] === grainRows[0]![3] && (r[2] || r[4] === grainRows[0]![4]));
  const gr = (column: 'book' | 'bins' | 'lots' | 'counted' | 'aside'): string => {
    if (!uniform || grainRows.length === 0) return `gr.${column}`;
    const [, book, bins, lots, counted, aside] = grainRows[0]!;
    return { book: `'${book}'`, bins: String(bins), lots: String(lots), counted: String(counted), aside: `'${aside}'` }[column];
  };
  /** `expr` where the flag holds, else '' (no CASE left for SQLite to evaluate when the flag is a literal). */
  const when = (flag: string, expr: string): string => (flag === '1' ? expr : flag === '0' ? "''" : `CASE WHEN ${flag} THEN ${expr} ELSE '' END`);
  const joinGrain = (alias: string): string => (gr('bins') === 'gr.bins' ? `JOIN grain gr ON gr.warehouse = ${alias}.warehouse` : '');

  // One statement for every warehouse, each at its own grain, written in report order
  // (so that readers walk `ql` by rowid and never sort it again). Whether a place was
  // counted is asked only of the keys the count lacks (a lookup per key otherwise),
  // and the reason a key is set aside is kept only on the keys set aside.
  const counted = `CASE WHEN ${gr('bins')} THEN EXISTS (SELECT 1 FROM counted c WHERE c.warehouse = g.warehouse AND c.loc_key = g.loc_key) ELSE ${gr('counted')} END`;
  db.exec(`
INSERT INTO ql (sku, warehouse, location, lot, uom, cost, p, b, transit, status, aside, ord)
SELECT * FROM (
  -- The item's unit and cost: from its ERP row where it has one (ecost carries them, one
  -- look-up instead of two), else from the item.
  SELECT g.sku, g.warehouse, g.location, g.lot,
         coalesce(CASE WHEN e.sku IS NOT NULL THEN e.uom ELSE (SELECT i.uom FROM item i WHERE i.sku = g.sku) END, ''),
         CASE WHEN e.sku IS NOT NULL THEN e.book_cost ELSE (SELECT nullif(i.unit_cost, '') FROM item i WHERE i.sku = g.sku) END,
         g.p, g.b, g.t,
         CASE WHEN g.p IS NULL AND g.b IS NULL THEN 'none'
              WHEN g.p IS NULL AND NOT ${counted} THEN 'aside'
              WHEN g.p IS NULL THEN 'missing_in_count'
              WHEN g.b IS NULL THEN 'missing_in_book'
              WHEN g.p = g.b THEN 'match' ELSE 'diff' END,
         CASE WHEN g.p IS NULL AND g.b IS NOT NULL AND NOT ${counted} THEN ${gr('aside')} END, 0
  FROM (SELECT r.sku, r.warehouse,
               ${when(gr('bins'), 'r.loc_key')} AS loc_key,
               ${when(gr('bins'), "coalesce(nullif(max(r.location), ''), r.loc_key)")} AS location,
               ${when(gr('lots'), 'r.lot')} AS lot,
               sum(CASE WHEN r.side = 'P' THEN r.qty END) AS p,
               sum(CASE WHEN r.side = ${gr('book')} AND r.status <> 'in_transit' THEN r.qty END) AS b,
               sum(CASE WHEN r.side = ${gr('book')} AND r.status = 'in_transit' THEN r.qty END) AS t
        FROM rl r ${joinGrain('r')}
        WHERE r.side = 'P' OR r.side = ${gr('book')}
        GROUP BY r.sku, r.warehouse, ${when(gr('bins'), 'r.loc_key')}, ${when(gr('lots'), 'r.lot')}) g
  ${joinGrain('g')}
  LEFT JOIN ecost e ON e.sku = g.sku AND e.warehouse = g.warehouse
  UNION ALL
  SELECT sku, warehouse, location, lot, uom, NULL, NULL, NULL, NULL, 'unmapped', NULL, ord FROM um
) ORDER BY 1, 2, 3, 4, 12;
`);

  const aside = new Map<string, { lines: number; qty: DecimalSum; value: DecimalSum }>();
  const rows = db
    .prepare(
      `SELECT '${IN_TRANSIT_REASON}' AS reason, transit AS qty, cost FROM ql WHERE transit IS NOT NULL AND transit <> 0
       UNION ALL SELECT aside, b, cost FROM ql WHERE status = 'aside'`,
    )
    .safeIntegers(true)
    .iterate() as IterableIterator<{ reason: string; qty: bigint; cost: string | null }>;
  for (const r of rows) {
    const a = aside.get(r.reason) ?? { lines: 0, qty: new DecimalSum(), value: new DecimalSum() };
    a.lines++;
    a.qty.addScaled(r.qty, 6);
    const cost = r.cost === null ? null : decimals.parse(r.cost);
    if (cost) {
      const v = times(r.qty, 6, cost);
      a.value.addScaled(v.units, v.scale);
    }
    aside.set(r.reason, a);
  }
  return [...aside].sort(([x], [y]) => cmp(x, y)).map(([reason, a]) => ({ reason, lines: a.lines, qty: a.qty.toString(), value: a.value.toString() }));
}

/** The lines that are not a match, by their row in `ql`: statuses decided, value impacts exact. */
function quantityExceptions(db: Db, ctx: Context, decimals: DecimalCache): Map<number, QuantityLine> {
  const out = new Map<number, QuantityLine>();
  const rows = db
    .prepare("SELECT rowid AS id, sku, warehouse, location, lot, uom, cost, p, b, status FROM ql WHERE status IN ('diff', 'missing_in_count', 'missing_in_book')")
    .safeIntegers(true)
    .iterate() as IterableIterator<{ id: bigint; sku: string; warehouse: string; location: string; lot: string; uom: string; cost: string | null; p: bigint | null; b: bigint | null; status: string }>;
  for (const r of rows) {
    const physical = r.p === null ? null : formatScaled(r.p, 6);
    const bookQty = r.b === null ? null : formatScaled(r.b, 6);
    const delta = (r.p ?? 0n) - (r.b ?? 0n);
    const variance = formatScaled(delta, 6);
    const cost = decimals.text(r.cost);
    const costScaled = r.cost === null ? null : decimals.parse(r.cost);
    const value = costScaled ? times(delta, 6, costScaled) : null;
    const valueImpact = value ? formatScaled(value.units, value.scale) : null;
    let status: Status;
    if (r.status === 'missing_in_count') status = 'missing_in_count';
    else if (r.status === 'missing_in_book') status = 'missing_in_book';
    else if (withinTolerance(toleranceFor(ctx.tolerances, ctx.categoryOf(r.sku)), variance, bookQty, valueImpact)) status = 'within_tolerance';
    else status = delta > 0n ? 'over' : 'short';
    out.set(Number(r.id), {
      sku: r.sku,
      warehouse: r.warehouse,
      location: r.location,
      lot: r.lot,
      uom: r.uom,
      physical_qty: physical,
      book_qty: bookQty,
      qty_variance: variance,
      unit_cost: cost,
      value_impact: valueImpact,
      status,
      cause: '',
    });
  }
  return out;
}

/**
 * The value leg as a stream ordered by sku, warehouse: book quantity × unit cost per
 * sku × warehouse (the ERP where it has the warehouse, as the GL follows the ERP, else
 * the WMS) against the GL's item values at the GL's grain, one UNION ALL sorted by key
 * and grouped here, a key at a time.
 */
interface ValuationStream {
  /** Every line in order; with bookKeysOnly, only keys with book rows (all the matches are among them). */
  lines(totals?: ValuationTotals, bookKeysOnly?: boolean): Generator<ValuationLine>;
  csvRows(totals: ValuationTotals): Generator<string | ValuationLine>;
}

function valuationStream(db: Db, ctx: Context, decimals: DecimalCache, wmsWarehouses: Set<string>): ValuationStream {
  const glHasWarehouse = db.prepare("SELECT 1 FROM gl WHERE sku IS NOT NULL AND coalesce(warehouse, '') <> '' LIMIT 1").get() !== undefined;
  const key = (column: string): string => (glHasWarehouse ? column : "''");
  const glKeyed = `SELECT CASE WHEN x.status IN ${MAPPED_SQL} THEN x.canonical_sku ELSE g.sku END AS sku, ${key("coalesce(g.warehouse, '')")} AS wk, g.value AS value, g.qty AS qty,
                          x.status IS NULL OR x.status NOT IN ${MAPPED_SQL} AS unusable
                   FROM gl g LEFT JOIN sku_xref x ON x.spelling = g.sku WHERE g.sku IS NOT NULL`;
  // Where the GL has warehouses and no WMS is the book anywhere, the book side of a key
  // is the ERP's row of `ecost` as it is (same key, same order): read in place, not
  // copied into a table of its own.
  const bookIsErpByWarehouse = glHasWarehouse && wmsWarehouses.size === 0;
  const vbType = db.prepare("SELECT type FROM sqlite_temp_master WHERE name = 'vb'").pluck().get() as string | undefined;
  const dropVb = vbType === 'view' ? 'DROP VIEW temp.vb;' : vbType === 'table' ? 'DROP TABLE temp.vb;' : '';
  // Both sides grouped by key into tables ordered by key (appends: GROUP BY emits in
  // key order), so that the walk below merges them without sorting two million rows.
  // GL values and quantities are summed as exact millionths; the rare value that is
  // not a plain decimal of at most 6 places is summed in JavaScript (oddGl).
  db.exec(`
${dropVb}
${
  bookIsErpByWarehouse
    ? `CREATE TEMP VIEW vb AS SELECT sku, warehouse AS wk, warehouse AS wh, qty, transit, book_cost AS cost FROM ecost;`
    : `DROP TABLE IF EXISTS temp.ewh;
CREATE TEMP TABLE ewh AS SELECT DISTINCT warehouse FROM ecost;
CREATE TEMP TABLE vb (sku TEXT NOT NULL, wk TEXT NOT NULL, wh TEXT NOT NULL, qty INTEGER NOT NULL, transit INTEGER NOT NULL, cost TEXT, PRIMARY KEY (sku, wk, wh)) WITHOUT ROWID;
INSERT INTO vb
SELECT sku, ${key('warehouse')}, warehouse, qty, transit, book_cost FROM ecost;
INSERT INTO vb
SELECT b.sku, ${key('b.warehouse')}, b.warehouse, b.qty, b.transit, nullif(i.unit_cost, '')
FROM (SELECT sku, warehouse, sum(qty) AS qty, max(status = 'in_transit') AS transit FROM rl
      WHERE side = 'W' AND warehouse NOT IN (SELECT warehouse FROM ewh) GROUP BY sku, warehouse) b
LEFT JOIN item i ON i.sku = b.sku;`
}
DROP TABLE IF EXISTS temp.vg;
CREATE TEMP TABLE vg (sku TEXT NOT NULL, wk TEXT NOT NULL, value INTEGER NOT NULL, qty INTEGER, has_qty INTEGER NOT NULL, odd INTEGER NOT NULL, unusable INTEGER NOT NULL,
                      PRIMARY KEY (sku, wk)) WITHOUT ROWID;
INSERT INTO vg
SELECT sku, wk, coalesce(sum(value_micro), 0), sum(qty_micro), count(qty), sum(value IS NOT NULL AND value_micro IS NULL) + sum(qty IS NOT NULL AND qty_micro IS NULL), max(unusable)
-- Each value parsed once a row: OFFSET 0 keeps SQLite from folding the subquery into
-- the grouping, which would parse every value again where it is used.
FROM (SELECT *, CASE WHEN ${EXACT_MICRO_OK('value')} THEN ${EXACT_MICRO('value')} END AS value_micro, CASE WHEN ${EXACT_MICRO_OK('qty')} THEN ${EXACT_MICRO('qty')} END AS qty_micro
      FROM (${glKeyed}) LIMIT -1 OFFSET 0) GROUP BY sku, wk;
`);
  // GL SKUs the cross-reference cannot map: a row that is not mapped keeps its own
  // spelling as its key, so they are the keys of the groups that hold such a row
  // (read here, not in a second pass over the GL).
  const unusable = new Set(db.prepare('SELECT DISTINCT sku FROM vg WHERE unusable').pluck().all() as string[]);
  const oddGl = new Map<string, { values: string[]; qtys: string[] }>();
  const anyOdd = (db.prepare('SELECT sum(odd) AS n FROM vg').get() as { n: number | null }).n ?? 0;
  if (anyOdd > 0) {
    for (const r of db
      .prepare(
        `SELECT sku, wk, CASE WHEN value IS NOT NULL AND NOT ${EXACT_MICRO_OK('value')} THEN value END AS value, CASE WHEN qty IS NOT NULL AND NOT ${EXACT_MICRO_OK('qty')} THEN qty END AS qty
         FROM (${glKeyed}) WHERE (value IS NOT NULL AND NOT ${EXACT_MICRO_OK('value')}) OR (qty IS NOT NULL AND NOT ${EXACT_MICRO_OK('qty')})`,
      )
      .iterate() as IterableIterator<{ sku: string; wk: string; value: string | null; qty: string | null }>) {
      const k = `${r.sku}\u0000${r.wk}`;
      const entry = oddGl.get(k) ?? { values: [], qtys: [] };
      if (r.value !== null) entry.values.push(r.value);
      if (r.qty !== null) entry.qtys.push(r.qty);
      oddGl.set(k, entry);
    }
  }
  const statement = db
    .prepare(
      `SELECT b.sku AS sku, b.wk AS wk, b.wh AS wh, b.qty AS qty, b.transit AS transit, b.cost AS cost, g.sku IS NOT NULL AS gl, g.value AS value, g.qty AS glqty, g.has_qty AS has_qty
       FROM vb b LEFT JOIN vg g ON g.sku = b.sku AND g.wk = b.wk
       UNION ALL
       SELECT g.sku, g.wk, '', NULL, NULL, NULL, 1, g.value, g.qty, g.has_qty
       FROM vg g WHERE NOT EXISTS (SELECT 1 FROM vb b WHERE b.sku = g.sku AND b.wk = g.wk)
       ORDER BY 1, 2, 3`,
    )
    .safeIntegers(true);
  // Only keys with book rows can match: the walk for matches skips the GL-only keys,
  // and with them the look-up of every GL key in the book before its first row.
  const bookStatement = db
    .prepare(
      `SELECT b.sku AS sku, b.wk AS wk, b.wh AS wh, b.qty AS qty, b.transit AS transit, b.cost AS cost, g.sku IS NOT NULL AS gl, g.value AS value, g.qty AS glqty, g.has_qty AS has_qty
       FROM vb b LEFT JOIN vg g ON g.sku = b.sku AND g.wk = b.wk ORDER BY 1, 2, 3`,
    )
    .safeIntegers(true);

  interface Group {
    sku: string;
    wk: string;
    book: boolean;
    qty: bigint;
    value: DecimalSum;
    cost: string | null;
    costed: boolean;
    transit: boolean;
    gl: DecimalSum | null;
    glQty: DecimalSum | null;
  }
  const finish = (g: Group, totals: ValuationTotals | undefined): ValuationLine => {
    const hasBookValue = g.book && g.cost !== null;
    const bookScaled = hasBookValue ? g.value.scaled : ZERO;
    const glScaled = g.gl ? g.gl.scaled : ZERO;
    const bookValue = hasBookValue ? formatScaled(bookScaled.units, bookScaled.scale) : null;
    const glValue = g.gl ? formatScaled(glScaled.units, glScaled.scale) : null;
    const difference = subtract(glScaled, bookScaled);
    const variance = formatScaled(difference.units, difference.scale);
    let status: Status;
    if (!g.book && unusable.has(g.sku)) status = 'unmapped';
    else if (!g.gl) status = 'missing_in_gl';
    else if (!g.book) status = 'missing_in_book';
    else if (variance === '0') status = 'match';
    else if (withinTolerance(valueOnly(ctx, g.sku), variance, null, variance)) status = 'within_tolerance';
    else status = variance.startsWith('-') ? 'short' : 'over';
    const line: ValuationLine = {
      sku: g.sku,
      warehouse: g.wk,
      book_qty: g.book ? formatScaled(g.qty, 6) : null,
      unit_cost: g.book ? g.cost : null,
      book_value: bookValue,
      gl_value: glValue,
      value_variance: variance,
      status,
      cause: '',
    };
    if (g.transit) {
      line.cause = 'in_transit';
      line.evidence = 'goods in transit: valued, not expected in a count';
    } else if (status === 'over' || status === 'short') {
      const glQty = g.glQty ? g.glQty.toString() : null;
      assignValuationCauses([line], { glQty: () => glQty });
    }
    totals?.add(line, bookScaled, glScaled, difference);
    return line;
  };

  type Row = { sku: string; wk: string; qty: bigint | null; transit: bigint | null; cost: string | null; gl: bigint; value: bigint | null; glqty: bigint | null; has_qty: bigint | null };
  const startGroup = (r: Row): Group => {
    const g: Group = { sku: r.sku, wk: r.wk, book: false, qty: 0n, value: new DecimalSum(), cost: null, costed: false, transit: false, gl: null, glQty: null };
    if (r.gl === 1n) {
      g.gl = new DecimalSum().addScaled(r.value ?? 0n, 6);
      if (r.has_qty !== null && r.has_qty > 0n) g.glQty = new DecimalSum().addScaled(r.glqty ?? 0n, 6);
      const odd = oddGl.get(`${r.sku}\u0000${r.wk}`);
      if (odd) {
        for (const v of odd.values) g.gl.add(v);
        for (const q of odd.qtys) g.glQty!.add(q);
      }
    }
    return g;
  };
  const addBook = (g: Group, r: Row): void => {
    if (r.qty === null) return;
    const cost = decimals.text(r.cost);
    if (!g.book) g.cost = cost;
    g.book = true;
    g.qty += r.qty;
    const scaled = r.cost === null ? null : decimals.parse(r.cost);
    if (cost !== null && scaled) {
      const v = times(r.qty, 6, scaled);
      g.value.addScaled(v.units, v.scale);
    }
    if (r.transit === 1n) g.transit = true;
  };

  function* lines(totals?: ValuationTotals, bookKeysOnly = false): Generator<ValuationLine> {
    let g: Group | null = null;
    for (const r of (bookKeysOnly ? bookStatement : statement).iterate() as IterableIterator<Row>) {
      if (!g || g.sku !== r.sku || g.wk !== r.wk) {
        if (g) yield finish(g, totals);
        g = startGroup(r);
      }
      addBook(g, r);
    }
    if (g) yield finish(g, totals);
  }

  /**
   * The lines for valuation.csv: a match as its CSV line, rendered by SQLite, any
   * other line as an object; the same lines as `lines`, with the same totals. Where
   * the GL has warehouses, a key has at most one book row (its ERP or WMS balance),
   * so SQLite can tell a match by itself: book quantity × unit cost equals the GL
   * value, in exact integers (millionths × millionths of a unit cost, each cost
   * parsed once by the cache above into `vcost`; products that could pass 2^63 go
   * to JavaScript, as do keys with a GL value that is not a plain decimal). A match
   * is nearly every key, and SQLite writes it for a fraction of what building,
   * deciding and writing an object costs here.
   */
  function* csvRows(totals: ValuationTotals): Generator<string | ValuationLine> {
    if (!glHasWarehouse) {
      yield* lines(totals);
      return;
    }
    // maxq: the largest quantity whose product with the cost stays within 2^63.
    db.exec('DROP TABLE IF EXISTS temp.vcost; CREATE TEMP TABLE vcost (raw TEXT PRIMARY KEY, micro INTEGER, maxq INTEGER, field TEXT NOT NULL) WITHOUT ROWID;');
    db.exec(`INSERT INTO vcost SELECT raw, micro, 9000000000000000000 / max(abs(micro), 1), field
             FROM (SELECT raw, reconcile_cost_micro(raw) AS micro, reconcile_cost_field(raw) AS field FROM (SELECT DISTINCT cost AS raw FROM vb WHERE cost IS NOT NULL))`);
    const gv = 'g.value';
    // A NULL anywhere (no GL row, no exact cost) makes it false; odd GL values go to JavaScript.
    const fast = `(g.odd = 0 AND abs(b.qty) <= c.maxq AND abs(${gv}) <= 9000000000000 AND b.qty * c.micro = ${gv} * 1000000)`;
    // Book and GL value are the same text: formatted once, written twice.
    const line = [csvFieldSql('b.sku'), csvFieldSql('b.wk'), DEC('b.qty'), 'c.field', `replace('#,#', '#', ${DEC(gv)})`, "'0'", "'match'", "CASE WHEN b.transit THEN 'in_transit' ELSE '' END"].join(" || ',' || ");
    // SQLite evaluates `fast` once a row (in `line`); a line that is not a match comes
    // back as its key only, and its row is read again by key (2% of the rows). Each
    // value a row costs: the GL value is all a match adds (its transit shows in its line).
    const rows = db
      .prepare(
        `SELECT CASE WHEN ${fast} THEN ${line} END, g.value, b.sku, b.wk FROM vb b LEFT JOIN vg g ON g.sku = b.sku AND g.wk = b.wk LEFT JOIN vcost c ON c.raw = b.cost
         UNION ALL
         SELECT NULL, NULL, g.sku, g.wk FROM vg g WHERE NOT EXISTS (SELECT 1 FROM vb b WHERE b.sku = g.sku AND b.wk = g.wk)
         ORDER BY 3, 4`,
      )
      .raw(true)
      .safeIntegers(true)
      .iterate() as IterableIterator<[string | null, bigint | null, string, string]>;
    const bookRow = db
      .prepare('SELECT b.sku, b.wk, b.qty, b.transit, b.cost, g.sku IS NOT NULL AS gl, g.value, g.qty AS glqty, g.has_qty FROM vb b LEFT JOIN vg g ON g.sku = b.sku AND g.wk = b.wk WHERE b.sku = ? AND b.wk = ?')
      .safeIntegers(true);
    const glRow = db.prepare('SELECT sku, wk, NULL AS qty, NULL AS transit, NULL AS cost, 1 AS gl, value, qty AS glqty, has_qty FROM vg WHERE sku = ? AND wk = ?').safeIntegers(true);
    for (const [text, value, sku, wk] of rows) {
      if (text !== null) {
        totals.addMatch(value!, text.endsWith(',in_transit'));
        yield text;
        continue;
      }
      const r = (bookRow.get(sku, wk) ?? glRow.get(sku, wk)) as Row;
      const g = startGroup(r);
      addBook(g, r);
      yield finish(g, totals);
    }
  }

  return { lines, csvRows };
}

/** What the summary needs of the valuation leg, gathered while it streams by. */
class ValuationTotals {
  lines = 0;
  readonly book = new DecimalSum();
  readonly gl = new DecimalSum();
  readonly net = new DecimalSum();
  readonly byStatus = new Map<string, number>();
  readonly byCause = new Map<string, number>();
  add(line: ValuationLine, book: Scaled, gl: Scaled, variance: Scaled): void {
    this.lines++;
    this.book.addScaled(book.units, book.scale);
    this.gl.addScaled(gl.units, gl.scale);
    this.net.addScaled(variance.units, variance.scale);
    this.byStatus.set(line.status, (this.byStatus.get(line.status) ?? 0) + 1);
    if (line.cause) this.byCause.set(line.cause, (this.byCause.get(line.cause) ?? 0) + 1);
  }
  /** A match SQLite rendered: book and GL both `micro` millionths, no variance. */
  addMatch(micro: bigint, transit: boolean): void {
    this.lines++;
    this.book.addScaled(micro, 6);
    this.gl.addScaled(micro, 6);
    this.byStatus.set('match', (this.byStatus.get('match') ?? 0) + 1);
    if (transit) this.byCause.set('in_transit', (this.byCause.get('in_transit') ?? 0) + 1);
  }
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
function compareLines(a: { sku: string; warehouse: string; location: string; lot: string }, b: { sku: string; warehouse: string; location: string; lot: string }): number {
  return cmp(a.sku, b.sku) || cmp(a.warehouse, b.warehouse) || cmp(a.location, b.location) || cmp(a.lot, b.lot);
}

function summarise(
  exceptions: readonly QuantityLine[],
  matches: number,
  valuation: ValuationFigures,
  systems: readonly SyncLine[],
  setAside: ReconcileSummary['set_aside'],
  tolerances: ToleranceConfig,
): ReconcileSummary {
  const statusCounts = (extra: ReadonlyMap<string, number>): Record<Status, number> => Object.fromEntries(STATUSES.map((s) => [s, extra.get(s) ?? 0])) as Record<Status, number>;
  const tally = (values: Iterable<string>, into = new Map<string, number>()): Map<string, number> => {
    for (const v of values) into.set(v, (into.get(v) ?? 0) + 1);
    return into;
  };
  const quantityStatuses = tally(exceptions.map((l) => l.status), new Map([['match', matches]]));
  const compared = matches + exceptions.filter((l) => l.status !== 'unmapped').length;
  const good = matches + (quantityStatuses.get('within_tolerance') ?? 0);
  const gross = new DecimalSum();
  const net = new DecimalSum();
  for (const l of exceptions) {
    if (l.value_impact === null) continue;
    net.add(l.value_impact);
    gross.add(absOf(l.value_impact));
  }
  const top = exceptions
    .filter((l) => l.value_impact !== null && l.value_impact !== '0')
    .sort((a, b) => compareDecimals(absOf(b.value_impact!), absOf(a.value_impact!)) || compareLines(a, b))
    .slice(0, 20);
  const causes = tally([...exceptions, ...systems].map((l) => l.cause).filter((c) => c !== ''), new Map(valuation.byCause));
  return {
    lines_compared: compared,
    counts_by_status: statusCounts(quantityStatuses),
    counts_by_cause: Object.fromEntries(CAUSES.map((c) => [c, causes.get(c) ?? 0])) as Record<Cause, number>,
    inventory_record_accuracy: compared === 0 ? '1' : ratio4(good, compared),
    gross_variance_value: gross.toString(),
    net_variance_value: net.toString(),
    top_value_variances: top,
    valuation: { lines: valuation.lines, book_value: valuation.book, gl_value: valuation.gl, net_value_variance: valuation.net, counts_by_status: statusCounts(valuation.byStatus) },
    systems: { lines: systems.length, counts_by_status: statusCounts(tally(systems.map((l) => l.status))) },
    gl_tie_out: valuation.tieOut,
    set_aside: setAside,
    tolerances: { ...tolerances.global, ...(Object.keys(tolerances.byCategory).length ? { categories: tolerances.byCategory } : {}), ...(Object.keys(tolerances.byClass).length ? { classes: tolerances.byClass } : {}) },
  };
}

/** Lines whose SKU or unit could not be used: shown as `unmapped`, as written. */
function unmappedLines(db: Db): QuantityLine[] {
  const rows = db
    .prepare(
      // One pass over the quantities (a look-up per line of the index on kind costs
      // more than reading them all), then each unusable line's own row.
      `SELECT t.kind, coalesce(t.spelling, '') AS sku, ${warehouseOf('t')} AS warehouse, coalesce(l.location, t.location, '') AS location, coalesce(t.lot, '') AS lot, coalesce(t.uom, '') AS uom, t.qty, t.status
       FROM (SELECT q.kind, q.spelling, q.uom, q.qty, q.status, coalesce(c.warehouse, e.warehouse, w.warehouse) AS warehouse,
                    coalesce(c.location, e.location, w.location) AS location, coalesce(c.lot, e.lot, w.lot) AS lot
             FROM (SELECT kind, row_id, spelling, uom, qty, status FROM quantities NOT INDEXED WHERE kind IN ('counts', 'erp', 'wms') AND status NOT IN ${USABLE_SQL}) q
             LEFT JOIN counts c ON q.kind = 'counts' AND c.id = q.row_id
             LEFT JOIN erp e ON q.kind = 'erp' AND e.id = q.row_id
             LEFT JOIN wms w ON q.kind = 'wms' AND w.id = q.row_id
             WHERE coalesce(c.id, e.id, w.id) IS NOT NULL) t
       LEFT JOIN loc l ON l.key = ${LOC_KEY('t.location')}
       ORDER BY 2, 3, 4, 5, t.kind`,
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
        `SELECT g.*, coalesce(i.uom, '') AS uom FROM (
           SELECT sku, ${locationExpr} AS loc_key, max(CASE WHEN ${erp.bins ? 1 : 0} THEN location ELSE '' END) AS location, ${lotExpr} AS lot,
                  sum(CASE WHEN side = 'E' THEN qty END) AS erp, sum(CASE WHEN side = 'W' THEN qty END) AS wms
           FROM rl WHERE warehouse = ? AND side IN ('E', 'W') GROUP BY sku, ${locationExpr}, ${lotExpr}) g
         LEFT JOIN items_clean i ON i.sku = g.sku`,
      )
      .safeIntegers(true)
      .all(warehouse) as { sku: string; loc_key: string; location: string; lot: string; erp: bigint | null; wms: bigint | null; uom: string }[];
    for (const r of rows) {
      const erpQty = r.erp === null ? null : formatScaled(r.erp, 6);
      const wmsQty = r.wms === null ? null : formatScaled(r.wms, 6);
      const variance = subDecimals(wmsQty ?? '0', erpQty ?? '0');
      let status: Status;
      if (compareDecimals(variance, '0') === 0) status = 'match';
      else if (withinTolerance(toleranceFor(ctx.tolerances, ctx.categoryOf(r.sku)), variance, erpQty, null)) status = 'within_tolerance';
      else status = compareDecimals(variance, '0') > 0 ? 'over' : 'short';
      lines.push({ sku: r.sku, warehouse, location: erp.bins ? r.location : '', lot: r.lot, uom: r.uom, erp_qty: erpQty, wms_qty: wmsQty, qty_variance: variance, status, cause: '' });
    }
  }
  return lines;
}

/** The value leg compares money only: the value tolerance applies, quantity and percent do not. */
function valueOnly(ctx: Context, sku: string): { value?: string } {
  const t = toleranceFor(ctx.tolerances, ctx.categoryOf(sku));
  return t.value !== undefined ? { value: t.value } : {};
}

/** Item-level GL values per account against the trial balance's balances. */
function glTieOut(db: Db, tolerances: ToleranceConfig): GlTieOut[] {
  // Item values are summed per account in SQL as exact millionths where the text is a
  // plain decimal of at most 6 places (nearly always); any other value is summed here.
  // (Reading them off the value leg's grouped GL instead costs as much: the grouping
  // then carries the accounts of a million rows.)
  const sums = db
    .prepare(
      // Each value parsed once (OFFSET 0 keeps the subquery from being folded into the sums).
      `SELECT account, control, sum(m) AS micro, sum(m IS NULL) AS odd
       FROM (SELECT account, sku IS NULL AS control, CASE WHEN ${EXACT_MICRO_OK('value')} THEN ${EXACT_MICRO('value')} END AS m
             FROM gl WHERE account IS NOT NULL AND value IS NOT NULL LIMIT -1 OFFSET 0)
       GROUP BY account, control`,
    )
    .safeIntegers(true)
    .all() as { account: string; control: bigint; micro: bigint | null; odd: bigint }[];
  const byAccount = new Map<string, { item: DecimalSum | null; control: DecimalSum | null }>();
  for (const r of sums) {
    const e = byAccount.get(r.account) ?? { item: null, control: null };
    const sum = new DecimalSum().addScaled(r.micro ?? 0n, 6);
    if (r.control === 1n) e.control = sum;
    else e.item = sum;
    byAccount.set(r.account, e);
  }
  const odd = sums.some((r) => r.odd > 0n)
    ? (db.prepare(`SELECT account, sku IS NULL AS control, value FROM gl WHERE account IS NOT NULL AND value IS NOT NULL AND NOT (${EXACT_MICRO_OK('value')})`).all() as { account: string; control: number; value: string }[])
    : [];
  for (const r of odd) {
    const e = byAccount.get(r.account)!;
    (r.control === 1 ? e.control : e.item)!.add(r.value);
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
function factorsBySku(db: Db): Map<string, string[]> {
  const factors = new Map<string, Set<string>>();
  const add = (sku: string, f: string): void => {
    const set = factors.get(sku) ?? new Set<string>();
    set.add(canonicalDecimal(f));
    factors.set(sku, set);
  };
  const METRIC = ['kg', 'g', 't', 'l', 'ml', 'm', 'cm', 'mm', 'km', 'lb', 'oz'];
  const items = db
    .prepare(`SELECT sku, pack_size, uom_key FROM items_clean WHERE coalesce(pack_size, '') <> '' OR lower(uom_key) IN (${METRIC.map((u) => `'${u}'`).join(', ')})`)
    .all() as { sku: string; pack_size: string | null; uom_key: string | null }[];
  for (const item of items) {
    if (item.pack_size && /^\d+(\.\d+)?$/.test(item.pack_size) && compareDecimals(item.pack_size, '1') > 0) add(item.sku, item.pack_size);
    if (METRIC.includes((item.uom_key ?? '').toLowerCase())) for (const f of ['10', '100', '1000']) add(item.sku, f);
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

function absOf(d: string): string {
  return d.startsWith('-') ? d.slice(1) : d;
}

/** good / total with 4 decimals, rounded half up, exactly. */
function ratio4(good: number, total: number): string {
  const scaled = (BigInt(good) * 100_000n) / BigInt(total);
  const rounded = (scaled + 5n) / 10n;
  return canonicalDecimal(addDecimals(`${rounded / 10_000n}`, `0.${String(rounded % 10_000n).padStart(4, '0')}`));
}
