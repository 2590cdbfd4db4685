/**
 * `export odoo`: the load files for Settings > Import of Odoo 17, 18 or 19, in
 * import order, with manifest.json (files, rows, SHA-256s, control totals) and the
 * reports an auditor reads beside them (costs.csv, rejects.csv, rounding.csv).
 *
 * Compute, then write: buildPlan() computes everything and runs the pre-flight
 * checks; a finding stops the export before any file exists. The files are written
 * into a temporary folder beside the output folder, which replaces the output
 * folder only when every file is complete: a failure leaves the previous export
 * as it was. CSVs are UTF-8 without a BOM, comma-separated, quoted only where
 * needed, LF line ends (Odoo's importer reads them with Python's csv module, which
 * accepts LF and CRLF alike), rows in a fixed order: the same data gives the same
 * bytes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { CheckFailedError, UsageError, cannotWrite } from '../errors.js';
import { cleanseWorkspace } from '../cleanse/cleanse.js';
import { cleanseIsStale } from '../reconcile/reconcile.js';
import { collectGarbage } from '../memory.js';
import { DecimalSum, compareDecimals, fromMicro, fromScaled, negateDecimal, toScaled } from '../model/decimal.js';
import { csvField, type CsvValue } from '../reports/csv.js';
import { writeFileAtomic } from '../reports/files.js';
import type { RunContext } from '../staging/audit.js';
import { tempTablesOnDisk, type Db } from '../staging/database.js';
import type { WorkspaceConfig } from '../workspace/config.js';
import {
  LOCATION_COLUMNS,
  LOT_COLUMNS,
  MOVE_COLUMNS,
  PRODUCT_CATEGORY_COLUMNS,
  UOM_CATEGORY_COLUMNS,
  WAREHOUSE_COLUMNS,
  productColumns,
  quantColumns,
  uomColumns,
  type ApplyMode,
  type OdooVersion,
} from './headers.js';
import { externalId } from './ids.js';
import { LineBuffer, LineFile, fieldTable, writeRows } from './lines.js';
import { buildPlan, dropWorkTables, exportedLots, productCosts, type ExportPlan, type PreflightFinding, type ProductCosts } from './plan.js';
import { preflight } from './preflight.js';
import { exportSettings } from './settings.js';

export interface ExportOdooOptions {
  readonly odooVersion: 17 | 18 | 19;
  readonly outDir: string;
  readonly config: WorkspaceConfig;
  readonly applyMode?: 'count' | 'auto';
  readonly batchRows?: number;
  readonly onProgress?: (message: string) => void;
  /** The caller has just cleansed (`run`): no need to check again. */
  readonly cleansed?: boolean;
}

export interface ExportedFile {
  readonly file: string;
  readonly model?: string;
  readonly rows: number;
  readonly sha256: string;
}

export interface WarehouseTotal {
  readonly warehouse: string;
  readonly code: string;
  readonly lines: number;
  readonly qty: string;
  readonly value: string;
  readonly gl_value: string;
}

export interface ExportOdooResult {
  readonly outDir: string;
  readonly manifestFile: string;
  /** The load files, in import order. */
  readonly files: readonly ExportedFile[];
  readonly reports: readonly ExportedFile[];
  readonly odooVersion: OdooVersion;
  readonly applyMode: ApplyMode;
  readonly controlTotals: { readonly warehouses: readonly WarehouseTotal[]; readonly total: Omit<WarehouseTotal, 'warehouse' | 'code'> };
  readonly costTieOut: CostTieOut;
  readonly leftOut: Readonly<Record<string, number>>;
  readonly roundedLines: number;
  readonly cleansedFirst: boolean;
}

export const REPORT_COLUMNS = {
  rejects: ['file', 'record', 'rule', 'reason', 'sku', 'warehouse', 'location', 'lot', 'qty', 'source'],
  costs: ['sku', 'opening_qty', 'gl_value', 'cost', 'opening_value', 'residual', 'basis'],
  rounding: ['sku', 'warehouse', 'location', 'lot', 'qty', 'rounded', 'difference'],
} as const;

/** The findings as one message: a line per finding (file, record, rule: message). */
export function findingsMessage(findings: readonly PreflightFinding[]): string {
  const lines = findings.map((f) => `  ${f.file}  ${f.record}  ${f.rule}: ${f.message}`);
  return `pre-flight found ${findings.length} problem${findings.length === 1 ? '' : 's'}; nothing was written:\n${lines.join('\n')}`;
}

/** `export odoo --check`: pre-flight alone, on freshly cleansed data (cleansing first when something was loaded since). */
export function checkExport(db: Db, options: { odooVersion: OdooVersion; config: WorkspaceConfig }): { findings: PreflightFinding[]; cleansedFirst: boolean } {
  const cleansedFirst = cleanseIsStale(db);
  if (cleansedFirst) cleanseWorkspace(db, { config: options.config });
  return { findings: preflight(db, options), cleansedFirst };
}

export async function exportOdoo(db: Db, options: ExportOdooOptions, run?: RunContext): Promise<ExportOdooResult> {
  // The export reads only the workspace database: no input file to record in the run.
  void run;
  const settings = exportSettings(options.config, { ...(options.applyMode ? { applyMode: options.applyMode } : {}), ...(options.batchRows !== undefined ? { batchRows: options.batchRows } : {}) });
  const progress = options.onProgress ?? ((): void => undefined);
  const cleansedFirst = !options.cleansed && cleanseIsStale(db);
  if (cleansedFirst) {
    progress('cleansing first (the staged data changed)');
    cleanseWorkspace(db, { config: options.config });
  }
  progress('planning and pre-flight checks');
  const restoreTempStore = tempTablesOnDisk(db, 8);
  try {
    return await planAndWrite(db, options, settings, cleansedFirst, progress);
  } finally {
    dropWorkTables(db);
    restoreTempStore();
  }
}

async function planAndWrite(db: Db, options: ExportOdooOptions, settings: ReturnType<typeof exportSettings>, cleansedFirst: boolean, progress: (message: string) => void): Promise<ExportOdooResult> {
  const version = options.odooVersion;
  const plan = buildPlan(db, { odooVersion: version, config: options.config, settings });
  // Planning leaves the garbage of 200,000 item rows and cost sums: collected before the
  // files are written on top of it (memory.ts).
  collectGarbage();
  if (plan.findings.length) throw new CheckFailedError(findingsMessage(plan.findings), 'fix the records listed (or list the rule under export.exclude in invsync.yaml where it allows it), then export again');

  const outDir = path.resolve(options.outDir);
  guardOutDir(outDir);
  const stage = path.join(path.dirname(outDir), `.${path.basename(outDir)}.tmp-${process.pid}`);
  fs.rmSync(stage, { recursive: true, force: true });
  fs.mkdirSync(stage, { recursive: true });
  try {
    const written = writeFiles(db, plan, stage, progress);
    progress('manifest');
    const manifest = manifestOf(plan, written);
    writeFileAtomic(path.join(stage, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    swapInto(stage, outDir);
    return {
      outDir,
      manifestFile: path.join(outDir, 'manifest.json'),
      files: written.files,
      reports: written.reports,
      odooVersion: version,
      applyMode: settings.applyMode,
      controlTotals: written.controlTotals,
      costTieOut: written.costTieOut,
      leftOut: manifest.left_out,
      roundedLines: written.roundedLines,
      cleansedFirst,
    };
  } catch (err) {
    fs.rmSync(stage, { recursive: true, force: true });
    throw err;
  }
}

/** The output folder is replaced whole: refuse one that holds anything but an earlier export. */
function guardOutDir(outDir: string): void {
  if (!fs.existsSync(outDir)) return;
  if (!fs.statSync(outDir).isDirectory()) throw new UsageError(`--out ${outDir} is a file, not a folder`);
  const entries = fs.readdirSync(outDir);
  if (entries.length > 0 && !entries.includes('manifest.json')) {
    throw new UsageError(`--out ${outDir} is not empty and holds no earlier export (no manifest.json)`, 'the export replaces its folder whole: give it an empty or new folder');
  }
}

function swapInto(stage: string, outDir: string): void {
  const old = path.join(path.dirname(outDir), `.${path.basename(outDir)}.old-${process.pid}`);
  try {
    fs.rmSync(old, { recursive: true, force: true });
    if (fs.existsSync(outDir)) fs.renameSync(outDir, old);
    fs.renameSync(stage, outDir);
    fs.rmSync(old, { recursive: true, force: true });
  } catch (err) {
    if (!fs.existsSync(outDir) && fs.existsSync(old)) fs.renameSync(old, outDir);
    throw cannotWrite(outDir, err, 'check that the folder is writable');
  }
}

interface Written {
  files: ExportedFile[];
  reports: ExportedFile[];
  controlTotals: ExportOdooResult['controlTotals'];
  costTieOut: CostTieOut;
  costs: ProductCosts;
  lotsDropped: number;
  roundedLines: number;
}

/**
 * How the opening value ties to the GL: gl_value = value_at_gl_cost + residual +
 * gl_not_exported, exactly. value_at_gl_cost is Σ qty × cost of the products the GL
 * values; value_without_gl is the stock of products the GL has no line for (valued
 * at the master's cost, outside the identity); gl_not_exported the GL values of
 * SKUs that are not exported (unmapped, in review).
 */
export interface CostTieOut {
  readonly products: number;
  readonly by_basis: Readonly<Record<string, number>>;
  readonly gl_value: string;
  readonly value_at_gl_cost: string;
  readonly residual: string;
  readonly residual_products: number;
  readonly gl_not_exported: string;
  readonly value_without_gl: string;
  readonly ties: boolean;
}

/** A plain decimal that is zero ("0", "-0.00"). */
const ZERO = /^-?0*\.?0*$/;

export function tieOut(costs: ProductCosts): CostTieOut {
  const gl = new DecimalSum();
  const valueAtGl = new DecimalSum();
  const valueWithoutGl = new DecimalSum();
  const residual = new DecimalSum();
  const notExported = new DecimalSum();
  const basis: Record<string, number> = {};
  let residualProducts = 0;
  for (const c of costs.lines) {
    basis[c.basis] = (basis[c.basis] ?? 0) + 1;
    if (c.glValue === null) {
      valueWithoutGl.add(c.value);
      continue;
    }
    gl.add(c.glValue);
    valueAtGl.add(c.value);
    residual.add(c.residual);
    if (c.residual !== null && !ZERO.test(c.residual)) residualProducts++;
  }
  for (const g of costs.glNotExported) {
    gl.add(g.value);
    notExported.add(g.value);
  }
  const ties = compareDecimals(new DecimalSum().add(valueAtGl.toString()).add(residual.toString()).add(notExported.toString()).toString(), gl.toString()) === 0;
  return {
    products: costs.lines.length,
    by_basis: Object.fromEntries(Object.entries(basis).sort(([a], [b]) => (a < b ? -1 : 1))),
    gl_value: gl.toString(),
    value_at_gl_cost: valueAtGl.toString(),
    residual: residual.toString(),
    residual_products: residualProducts,
    gl_not_exported: notExported.toString(),
    value_without_gl: valueWithoutGl.toString(),
    ties,
  };
}

/** The load files in the order Odoo imports them: what a file refers to comes before it. */
const IMPORT_ORDER = ['uom.category.csv', 'uom.uom.csv', 'product.category.csv', 'product.product.csv', 'stock.warehouse.csv', 'stock.location.csv', 'stock.lot.csv', 'stock.quant.', 'account.move.csv'];
const importRank = (file: string): number => IMPORT_ORDER.findIndex((prefix) => file.startsWith(prefix));

/**
 * The stock lines are written first: they give each product's opening quantity, from
 * which its cost is computed (GL value ÷ quantity); then the products with their costs,
 * the control totals and the reports. The manifest lists the files in import order.
 */
function writeFiles(db: Db, plan: ExportPlan, dir: string, progress: (m: string) => void): Written {
  const version = plan.version;
  const files: ExportedFile[] = [];
  const reports: ExportedFile[] = [];
  const put = (list: ExportedFile[], file: string, model: string | undefined, columns: readonly string[], rows: Iterable<readonly CsvValue[]>): void => {
    const target = path.join(dir, file);
    const { rows: n, sha256 } = writeRows(target, columns, rows);
    list.push({ file, ...(model ? { model } : {}), rows: n, sha256 });
  };

  progress('units and categories');
  if (version !== 19 && plan.uomCategories.length) put(files, 'uom.category.csv', 'uom.category', UOM_CATEGORY_COLUMNS, plan.uomCategories.map((c) => [c.id, c.name]));
  if (plan.uoms.length) {
    const rows = plan.uoms.map((u) => (version === 19 ? [u.id, u.name, u.relativeFactor, u.relativeRef] : [u.id, u.name, u.categoryRef, u.uomType, u.factor, u.rounding]));
    put(files, 'uom.uom.csv', 'uom.uom', uomColumns(version), rows);
  }
  if (plan.categories.length) put(files, 'product.category.csv', 'product.category', PRODUCT_CATEGORY_COLUMNS, plan.categories.map((c) => [c.id, c.name, c.parentRef]));

  progress('warehouses and locations');
  put(files, 'stock.warehouse.csv', 'stock.warehouse', WAREHOUSE_COLUMNS, plan.warehouses.map((w) => [w.id, w.name, w.code]));
  if (plan.locations.length) put(files, 'stock.location.csv', 'stock.location', LOCATION_COLUMNS, plan.locations.map((l) => [l.id, l.name, l.parentName, l.usage, l.barcode]));

  progress('lots and serial numbers');
  const lotRows = function* (): Generator<CsvValue[]> {
    for (const r of exportedLots(db, plan)) {
      yield [externalId.lot(r.sku, r.lot), r.lot, externalId.product(r.sku)];
    }
  };
  const lotFile = path.join(dir, 'stock.lot.csv');
  const lots = writeRows(lotFile, LOT_COLUMNS, lotRows());
  if (lots.rows > 0) files.push({ file: 'stock.lot.csv', model: 'stock.lot', rows: lots.rows, sha256: lots.sha256 });
  else fs.rmSync(lotFile);

  progress('opening stock');
  const quants = writeQuants(db, plan, dir);
  collectGarbage();
  files.push(...quants.files);

  progress('products');
  const costs = productCosts(db, plan.products, quants.productMicro, plan.settings.costDigits);
  const productRows = function* (): Generator<CsvValue[]> {
    for (let n = 0; n < plan.products.length; n++) {
      const p = plan.products[n]!;
      // costs.lines[n] is the cost of plan.products[n].
      const cost = costs.lines[n]!.cost;
      if (version === 17) yield [p.id, p.sku, p.name, p.barcode, 'product', p.uomRef, p.purchaseUomRef, p.tracking, cost, p.categoryRef];
      else if (version === 18) yield [p.id, p.sku, p.name, p.barcode, 'consu', '1', p.uomRef, p.purchaseUomRef, p.tracking, cost, p.categoryRef];
      else yield [p.id, p.sku, p.name, p.barcode, 'consu', '1', p.uomRef, p.purchaseUomRef === p.uomRef ? '' : p.purchaseUomRef, p.tracking, cost, p.categoryRef];
    }
  };
  put(files, 'product.product.csv', 'product.product', productColumns(version), productRows());

  // Control totals per warehouse: quantity, value at the exported cost, GL value.
  const totals = new Map<string, { lines: number; qty: DecimalSum; value: DecimalSum; gl: DecimalSum }>();
  const totalOf = (w: string): { lines: number; qty: DecimalSum; value: DecimalSum; gl: DecimalSum } => {
    let t = totals.get(w);
    if (!t) totals.set(w, (t = { lines: 0, qty: new DecimalSum(), value: new DecimalSum(), gl: new DecimalSum() }));
    return t;
  };
  // Cost in units of 10^-digits, as a double when exact.
  const values = quants.valueByWarehouse(costs.lines.map((c) => costInUnits(c.cost, plan.settings.costDigits)));
  for (const [warehouse, q] of quants.byWarehouse) {
    const t = totalOf(warehouse);
    t.lines += q.lines;
    t.qty.add(fromMicro(q.micro.total()));
    t.value.add(fromScaled({ units: values.get(warehouse) ?? 0n, scale: 6 + plan.settings.costDigits }));
  }
  for (const [warehouse, value] of db.prepare("SELECT coalesce(warehouse, '') AS warehouse, value FROM gl WHERE sku IS NOT NULL AND value IS NOT NULL ORDER BY id").raw(true).iterate() as IterableIterator<[string, string]>) totalOf(warehouse).gl.add(value);
  const codeOf = new Map(plan.warehouses.map((w) => [w.name, w.code]));
  const warehouses: WarehouseTotal[] = [...totals.keys()].sort().map((w) => {
    const t = totals.get(w)!;
    return { warehouse: w, code: codeOf.get(w) ?? '', lines: t.lines, qty: t.qty.toString(), value: t.value.toString(), gl_value: t.gl.toString() };
  });
  const costTieOut = tieOut(costs);
  const sum = (pick: (w: WarehouseTotal) => string): string => warehouses.reduce((s, w) => s.add(pick(w)), new DecimalSum()).toString();
  const controlTotals = {
    warehouses,
    total: { lines: warehouses.reduce((n, w) => n + w.lines, 0), qty: sum((w) => w.qty), value: sum((w) => w.value), gl_value: sum((w) => w.gl_value) },
  };

  const entry = plan.settings.residualEntry;
  if (entry && costTieOut.residual_products > 0) {
    progress('residual journal entry');
    put(files, 'account.move.csv', 'account.move', MOVE_COLUMNS, residualEntryRows(costs, entry));
  }

  progress('reports');
  const costRows = function* (): Generator<CsvValue[]> {
    for (const c of costs.lines) yield [c.sku, c.qty, c.glValue, c.cost, c.value, c.residual, c.basis];
    for (const g of costs.glNotExported) yield [g.sku, '', g.value, '', '', g.value, 'gl_not_exported'];
  };
  put(reports, 'costs.csv', undefined, REPORT_COLUMNS.costs, costRows());
  put(reports, 'rejects.csv', undefined, REPORT_COLUMNS.rejects, plan.rejects.map((r) => [r.file, r.record, r.rule, r.reason, r.sku, r.warehouse, r.location, r.lot, r.qty, r.source]));
  const roundingRows = function* (): Generator<CsvValue[]> {
    if (quants.roundedLines === 0) return;
    // Lines written have a product number, which orders as its SKU.
    for (const r of db.prepare('SELECT o.product_n, l.warehouse, l.location, o.lot, o.micro, o.rounded FROM op o JOIN xquant l ON l.quant_id = o.quant_id WHERE o.rule IS NULL AND o.micro IS NOT NULL ORDER BY o.product_n, l.warehouse, l.location, o.lot').iterate() as IterableIterator<{ product_n: number; warehouse: string; location: string; lot: string; micro: number; rounded: number }>) {
      yield [plan.products[r.product_n]!.sku, r.warehouse, r.location, r.lot, fromMicro(r.micro), fromMicro(r.rounded), fromMicro(r.rounded - r.micro)];
    }
  };
  put(reports, 'rounding.csv', undefined, REPORT_COLUMNS.rounding, roundingRows());
  files.sort((a, b) => importRank(a.file) - importRank(b.file) || (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return { files, reports, controlTotals, costTieOut, costs, lotsDropped: quants.lotsDropped, roundedLines: quants.roundedLines };
}

/** One account.move: a line per product with a residual on the stock account, balanced on the counterpart. */
function* residualEntryRows(costs: ProductCosts, entry: NonNullable<ExportPlan['settings']['residualEntry']>): Generator<CsvValue[]> {
  const total = new DecimalSum();
  let first = true;
  const head = (): CsvValue[] => (first ? [externalId.residualMove(), entry.date, entry.ref, entry.journal] : ['', '', '', '']);
  for (const c of costs.lines) {
    if (c.residual === null || compareDecimals(c.residual, '0') === 0) continue;
    total.add(c.residual);
    const positive = compareDecimals(c.residual, '0') > 0;
    yield [...head(), entry.account, `${c.sku}: opening cost rounding residual`, positive ? c.residual : '0', positive ? '0' : negateDecimal(c.residual)];
    first = false;
  }
  const t = total.toString();
  const positive = compareDecimals(t, '0') > 0;
  yield [...head(), entry.counterpart, 'Opening stock: cost rounding residual', positive ? '0' : negateDecimal(t), positive ? t : '0'];
}

/**
 * An exact integer sum that stays in doubles while they are exact (|sum| < 2^53) and
 * moves the running total into a BigInt before they would not: a million additions
 * without a million BigInts.
 */
class ExactSum {
  private small = 0;
  private big = 0n;
  add(n: number): void {
    if (Number.isSafeInteger(n) && Math.abs(this.small) < 2 ** 52 && Math.abs(n) < 2 ** 52) {
      this.small += n;
      return;
    }
    this.addBig(BigInt(n));
  }
  addBig(n: bigint): void {
    this.big += BigInt(this.small) + n;
    this.small = 0;
  }
  total(): bigint {
    return this.big + BigInt(this.small);
  }
}

interface QuantTotals {
  files: ExportedFile[];
  byWarehouse: Map<string, { lines: number; micro: ExactSum }>;
  /** The opening quantity per product number, in millionths. */
  productMicro: (bigint | undefined)[];
  /** Lines whose lot was dropped (the product is not tracked), written or not. */
  lotsDropped: number;
  /** Lines written with a quantity rounded to the unit's precision. */
  roundedLines: number;
  /** The value per warehouse (quantity × cost, in 10^-(6 + digits)) once the costs are known. */
  valueByWarehouse(costUnits: readonly number[]): Map<string, bigint>;
}

/** Warehouse × product quantities kept in one array up to this many cells (8 bytes each); beyond it the lines are read again. */
const WAREHOUSE_PRODUCT_CELLS = 2_000_000;

/**
 * The opening stock in batches of at most `batchRows` lines; a location's lines stay
 * in one batch unless the location alone has more than a batch holds. Sums on the way
 * the quantity per product (the costs are computed from it afterwards: they divide the
 * GL value by it) and per warehouse × product (so that the value per warehouse needs no
 * second pass once the costs are known), exactly: in doubles while they are exact, else
 * the warehouse × product sums are left and the lines read again.
 *
 * A line is put together from fields encoded once (the location per place, the
 * product id per product: CSV-quoted where needed), the lot id and the quantity,
 * straight into the file's buffer (lines.ts). The lines of a location are held back
 * only until they no longer fit the batch (at most a batch of them), so that whether
 * the location starts a new batch is known without counting the locations first.
 */
function writeQuants(db: Db, plan: ExportPlan, dir: string): QuantTotals {
  const limit = plan.settings.batchRows;
  const accountingDate = plan.settings.accountingDate;
  const columns = quantColumns(plan.settings.applyMode, accountingDate !== undefined);
  const lineEnd = fieldTable([accountingDate !== undefined ? `,${csvField(accountingDate)}\n` : '\n']);
  // Per product, by its index in plan.products (op's product_n): no text per row to look up.
  const productFields = fieldTable(plan.products.map((p) => `,${csvField(p.id)},`));
  const skus = plan.products.map((p) => p.sku);
  const byWarehouse: QuantTotals['byWarehouse'] = new Map();
  const products = plan.products.length;
  const productMicro = new Float64Array(products);
  const productBig = new Map<number, bigint>();
  const warehouseNames = [...new Set(plan.warehouses.map((w) => w.name))];
  const warehouseIndex = new Map(warehouseNames.map((w, i) => [w, i]));
  let cells: Float64Array | undefined = warehouseNames.length * products <= WAREHOUSE_PRODUCT_CELLS ? new Float64Array(warehouseNames.length * products) : undefined;
  let lotsDropped = 0;
  let roundedLines = 0;
  const files: ExportedFile[] = [];
  let file: LineFile | undefined;
  let batch = 0;
  const close = (): void => {
    if (!file) return;
    const current = file;
    file = undefined;
    const sha256 = current.close();
    files.push({ file: path.basename(current.file), model: 'stock.quant', rows: current.rows, sha256 });
  };
  const open = (): LineFile => {
    close();
    batch++;
    file = LineFile.open(path.join(dir, `stock.quant.${String(batch).padStart(3, '0')}.csv`), columns);
    return file;
  };
  // The lines of the current location not written yet, while it may still fit the batch.
  const held = new LineBuffer(64 * 1024);
  let holding = false;
  let room = 0;
  const release = (): void => {
    file!.buffer.append(held);
    held.clear();
    holding = false;
  };
  let currentQuant = -1;
  let lastWarehouse: string | undefined;
  let totals = { lines: 0, micro: new ExactSum() };
  let cellBase = 0;
  try {
    const placeRows = db.prepare('SELECT quant_id, ref, warehouse FROM xquant ORDER BY quant_id').raw(true).all() as [number, string | null, string][];
    const placeFields = fieldTable(placeRows.map(([, ref]) => csvField(ref)));
    const placeIndex = new Map(placeRows.map(([id], i) => [id, i]));
    let place = 0;
    const widest = placeFields.widest + productFields.widest + lineEnd.widest + 32;
    // op is in file order by rowid; a range of rowids at once (.all) costs less per row than a step per row.
    const last = (db.prepare('SELECT max(rowid) FROM op').pluck().get() as number | null) ?? 0;
    const range = db.prepare('SELECT quant_id, product_n, lot, rounded, rule IS NULL, micro IS NOT NULL, lot_dropped FROM op WHERE rowid > ? AND rowid <= ? ORDER BY rowid').raw(true);
    for (let from = 0; from < last; from += ROWS_AT_ONCE) for (const [quantId, n, lot, rounded, written, unrounded, dropped] of range.all(from, from + ROWS_AT_ONCE) as [number, number, string, number, number, number, number][]) {
      lotsDropped += dropped;
      if (!written) continue;
      roundedLines += unrounded;
      if (quantId !== currentQuant) {
        // The previous location fitted the batch whole: its lines go there.
        if (holding) release();
        currentQuant = quantId;
        place = placeIndex.get(quantId)!;
        const warehouse = placeRows[place]![2];
        if (!file) open();
        if (file!.rows > 0) {
          holding = true;
          room = limit - file!.rows;
        }
        if (warehouse !== lastWarehouse) {
          lastWarehouse = warehouse;
          let t = byWarehouse.get(warehouse);
          if (!t) byWarehouse.set(warehouse, (t = { lines: 0, micro: new ExactSum() }));
          totals = t;
          const index = warehouseIndex.get(warehouse);
          if (index === undefined) cells = undefined;
          else cellBase = index * products;
        }
      }
      totals.lines++;
      totals.micro.add(rounded);
      const sum = productMicro[n]! + rounded;
      if (Math.abs(sum) <= Number.MAX_SAFE_INTEGER) productMicro[n] = sum;
      else productBig.set(n, (productBig.get(n) ?? 0n) + BigInt(rounded));
      if (cells) {
        const cell = cells[cellBase + n]! + rounded;
        if (Math.abs(cell) <= Number.MAX_SAFE_INTEGER) cells[cellBase + n] = cell;
        else cells = undefined;
      }

      if (!holding && file!.rows >= limit) open();
      const out = holding ? held : file!.buffer;
      const lotId = lot === '' ? '' : externalId.lot(skus[n]!, lot);
      out.ensure(widest + lotId.length);
      out.field(placeFields, place);
      out.field(productFields, n);
      out.ascii(lotId);
      out.byte(COMMA);
      if (rounded >= 0 && rounded % 1_000_000 === 0) out.digits(rounded / 1_000_000);
      else out.ascii(fromMicro(rounded));
      out.field(lineEnd, 0);
      out.lines++;
      if (holding && held.lines > room) {
        // The location does not fit what is left of the batch: it starts the next one.
        open();
        release();
      }
    }
    if (holding) release();
    close();
  } catch (err) {
    (file as LineFile | undefined)?.abort();
    throw err;
  }
  const valueByWarehouse = (costUnits: readonly number[]): Map<string, bigint> => {
    const values = new Map<string, ExactSum>(warehouseNames.map((w) => [w, new ExactSum()]));
    const add = (sum: ExactSum, micro: number, cost: number): void => {
      const value = micro * cost;
      if (Number.isSafeInteger(value)) sum.add(value);
      else sum.addBig(BigInt(micro) * BigInt(cost));
    };
    if (cells) {
      for (let w = 0; w < warehouseNames.length; w++) {
        const sum = values.get(warehouseNames[w]!)!;
        for (let n = 0, at = w * products; n < products; n++, at++) if (cells[at] !== 0) add(sum, cells[at]!, costUnits[n]!);
      }
    } else {
      const sumOf = (w: string): ExactSum => values.get(w) ?? values.set(w, new ExactSum()).get(w)!;
      const warehouseOf = new Map((db.prepare('SELECT quant_id, warehouse FROM xquant').raw(true).all() as [number, string][]).map(([id, w]) => [id, sumOf(w)]));
      const lines = db.prepare('SELECT quant_id, product_n, rounded FROM op WHERE rowid > ? AND rowid <= ? AND rule IS NULL').raw(true);
      const last = (db.prepare('SELECT max(rowid) FROM op').pluck().get() as number | null) ?? 0;
      for (let from = 0; from < last; from += ROWS_AT_ONCE) for (const [quantId, n, rounded] of lines.all(from, from + ROWS_AT_ONCE) as [number, number, number][]) add(warehouseOf.get(quantId)!, rounded, costUnits[n]!);
    }
    return new Map([...values].map(([w, sum]) => [w, sum.total()]));
  };
  const quantities: (bigint | undefined)[] = Array.from(productMicro, (m, n) => (productBig.has(n) ? BigInt(m) + productBig.get(n)! : m === 0 ? undefined : BigInt(m)));
  return { files, byWarehouse, productMicro: quantities, lotsDropped, roundedLines, valueByWarehouse };
}

const COMMA = 44;
/** Rows of op fetched at once. */
const ROWS_AT_ONCE = 10_000;

const PLAIN_COST = /^(-?)(\d{1,9})(?:\.(\d*))?$/;

/** A cost (at most `digits` places) in units of 10^-digits; plain ones without BigInt. */
function costInUnits(cost: string, digits: number): number {
  const m = PLAIN_COST.exec(cost);
  if (m && (m[3] ?? '').length <= digits) {
    const units = Number(m[2]) * 10 ** digits + Number((m[3] ?? '').padEnd(digits, '0') || '0');
    return m[1] ? -units : units;
  }
  const scaled = toScaled(cost);
  return Number(scaled.units * 10n ** BigInt(digits - scaled.scale));
}

function manifestOf(plan: ExportPlan, written: Written) {
  const leftOut: Record<string, number> = {};
  for (const r of plan.rejects) leftOut[r.rule] = (leftOut[r.rule] ?? 0) + 1;
  return {
    tool: 'invsync',
    odoo_version: `${plan.version}.0`,
    apply_mode: plan.settings.applyMode,
    // The counts of written lines come from the writer.
    opening_stock: {
      source: plan.settings.openingStock,
      lines_read: plan.summary.lines_read,
      superseded_book: plan.summary.superseded_book,
      lots_ignored_untracked: written.lotsDropped,
      rounded_lines: written.roundedLines,
      barcodes_left_out: plan.summary.barcodes_left_out,
      excluded_rules: [...plan.settings.exclude].sort(),
      ...(plan.settings.accountingDate ? { accounting_date: plan.settings.accountingDate } : {}),
    },
    batch_rows: plan.settings.batchRows,
    cost_digits: plan.settings.costDigits,
    import_order: written.files.map((f) => f.file),
    files: written.files,
    reports: written.reports,
    control_totals: written.controlTotals,
    cost_tie_out: { ...written.costTieOut, gl_not_exported_skus: written.costs.glNotExported },
    left_out: Object.fromEntries(Object.entries(leftOut).sort(([a], [b]) => (a < b ? -1 : 1))),
  };
}
