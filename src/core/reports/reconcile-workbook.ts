/**
 * variance.xlsx: the three-way reconciliation for people. Sheets Summary, Quantity,
 * Valuation and Systems (spec: "Three-way reconciliation"); the detail sheets carry
 * the contract's columns in order plus `evidence`, with a bold frozen header row, an
 * autofilter, number formats per column and a fill per status.
 *
 * Written with exceljs's streaming writer, row by row, so that a million quantity
 * lines take flat memory: every row is committed as it is added, and the writer waits
 * whenever the zip stream falls behind (exceljs's stream has no backpressure of its
 * own; see `waitForZip`). Measured: 1,000,000 quantity lines in about 15 s, 66 MB,
 * peak RSS about 125 MB (exceljs's row model and XML building are most of the time).
 *
 * A detail sheet holds at most `maxDetailRows` lines (Excel's limit is 1,048,576 rows
 * a sheet); the CSV files always hold every line. A streamed sheet cannot go back to
 * its first row, so the note on top is written when the count is known before the
 * first row: from an array's length, else from the summary (quantity: the sum of
 * counts_by_status; valuation.lines; systems.lines). Lines beyond a count that was
 * not foreseen are still capped, with the note below the last row instead; the
 * return value always tells.
 *
 * Numbers: quantities and money are exact decimal strings; cells get Number(text)
 * (Excel holds doubles), the exact text stays in the CSV.
 *
 * Text that looks like a formula: exceljs writes a plain string as a string cell
 * (`<c t="str"><v>=1+2</v></c>`, no `<f>` element), so Excel does not evaluate it on
 * opening. It does once someone edits the cell, and a copy of the sheet saved as or
 * pasted from CSV evaluates it in Excel and LibreOffice alike. So text beginning with
 * = + - @, a tab or CR is written with a leading apostrophe (the CSV-injection guard
 * Excel users know) and the text number format `@`. exceljs 4 cannot set Excel's
 * quotePrefix style, which would hide the apostrophe; it shows, and the CSV keeps
 * the exact text.
 *
 * Byte-identical output: the document properties carry WORKBOOK_DATE, styles are
 * registered in the order of first use, and after the writer finishes the zip
 * entries' DOS timestamps are rewritten in place (a million-line workbook is not read
 * back into memory). The workbook goes to a temporary name and is renamed onto `file`.
 */
import type ExcelJS from 'exceljs';
import { CAUSES, QUANTITY_COLUMNS, STATUSES, SYNC_COLUMNS, VALUATION_COLUMNS, type QuantityLine, type ReconcileSummary, type SyncLine, type ValuationLine } from '../reconcile/types.js';
import { waitForZip, writeStreamedWorkbook } from './files.js';

export type Lines<T> = Iterable<T> | AsyncIterable<T>;
export type DetailLine = QuantityLine | ValuationLine | SyncLine;
export type DetailSheet = 'Quantity' | 'Valuation' | 'Systems';

/**
 * The lines a detail sheet shows when the caller has chosen them: `total` lines exist
 * (all in the CSV); `lines` yields at most the cap; `note` says how they were chosen.
 */
export interface DetailSelection<T> {
  lines: Lines<T>;
  total: number;
  note?: string;
}

export interface ReconcileWorkbookInput {
  summary: ReconcileSummary;
  quantity: Lines<QuantityLine> | DetailSelection<QuantityLine>;
  valuation: Lines<ValuationLine> | DetailSelection<ValuationLine>;
  systems: Lines<SyncLine> | DetailSelection<SyncLine>;
  /** ISO currency code shown in money formats (`#,##0.00 "EUR"`); none when absent. */
  currency?: string;
  /** Decimals to show for a line's quantities (the unit's rounding); `#,##0.###` when absent. */
  quantityDecimals?: (line: DetailLine) => number;
  /** Lines per detail sheet at most (default DEFAULT_MAX_DETAIL_ROWS; Excel's limit is 1,048,576 rows). */
  maxDetailRows?: number;
}

export interface ReconcileWorkbookResult {
  /** Lines written to each detail sheet. */
  rows: Record<DetailSheet, number>;
  /** Lines given for each detail sheet (all of them are in the CSV files). */
  lines: Record<DetailSheet, number>;
  /** Whether any detail sheet holds fewer lines than it was given. */
  capped: boolean;
}

export const SHEETS = ['Summary', 'Quantity', 'Valuation', 'Systems'] as const;
/**
 * Lines per detail sheet unless told otherwise. A person works through the lines that
 * are not a match; past this many, reconcile shows those first and then matches (see
 * reconcile.ts), and every line stays in the CSV files. exceljs writes about 65,000
 * rows a second here, so this also bounds the workbook's share of the run.
 */
export const DEFAULT_MAX_DETAIL_ROWS = 100_000;
/** Excel's rows per sheet, less the header and the note row. */
const EXCEL_MAX_LINES = 1_048_576 - 2;
/** Excel's characters per cell. */
const MAX_CELL_CHARS = 32_767;
/** Lines read before the first row is written, to size the columns. */
const SAMPLE_LINES = 2_000;
const MAX_WIDTH = 60;
const MIN_WIDTH = 6;
/** Rows between two looks at the zip's backlog (waitForZip). */
const BACKLOG_CHECK_EVERY = 256;

// ---------------------------------------------------------------------------------
// Styles: shared objects, never changed once made. exceljs caches the style id of a
// style object by identity, so one object per look keeps styling out of the hot path.

type Style = Partial<ExcelJS.Style>;

const PLAIN: Style = {};
const TEXT: Style = { numFmt: '@' };
/** Fonts in full: a font element with only <b/> leaves the size and face to the reader's guess. */
const font = (extra: Partial<ExcelJS.Font>): Partial<ExcelJS.Font> => ({ name: 'Calibri', family: 2, size: 11, ...extra });
const HEADER: Style = { font: font({ bold: true }), fill: solid('FFD9E1F2'), border: { bottom: { style: 'thin' } } };
const TITLE: Style = { font: font({ bold: true, size: 14 }) };
const SECTION: Style = { font: font({ bold: true, size: 12 }) };
const NOTE: Style = { font: font({ italic: true, color: { argb: 'FF9C5700' } }) };
const COUNT: Style = { numFmt: '#,##0' };
const PERCENT: Style = { numFmt: '0.00%' };

/** Status fills: matches green, tolerance light green, over amber, short red, missing orange, unmapped grey. */
export const STATUS_FILLS: Record<string, string> = {
  match: 'FFC6EFCE',
  within_tolerance: 'FFE2EFDA',
  over: 'FFFFEB9C',
  short: 'FFFFC7CE',
  missing_in_count: 'FFF8CBAD',
  missing_in_book: 'FFF8CBAD',
  missing_in_gl: 'FFF8CBAD',
  unmapped: 'FFD9D9D9',
  no_control_total: 'FFD9D9D9',
  no_item_values: 'FFD9D9D9',
};
const STATUS_STYLES = new Map<string, Style>(Object.entries(STATUS_FILLS).map(([status, argb]) => [status, { fill: solid(argb) }]));

function solid(argb: string): ExcelJS.Fill {
  return { type: 'pattern', pattern: 'solid', fgColor: { argb }, bgColor: { argb } };
}

/**
 * Quantities without `quantityDecimals`: up to three decimals, and whole numbers
 * without a decimal point (`#,##0.###` shows 12 as "12.").
 */
export const DEFAULT_QUANTITY_FORMAT = '#,##0.###';
export const WHOLE_QUANTITY_FORMAT = '#,##0';

/** The number format for `decimals` decimals: `#,##0`, `#,##0.00`, ... */
export function quantityFormat(decimals: number): string {
  const d = Math.max(0, Math.min(15, Math.floor(decimals)));
  return d === 0 ? '#,##0' : `#,##0.${'0'.repeat(d)}`;
}

/** The money format, with the currency code when there is one: `#,##0.00 "EUR"`. */
export function moneyFormat(currency?: string, decimals = '00'): string {
  const code = (currency ?? '').replace(/[^A-Za-z0-9 ._-]/g, '').trim();
  return code ? `#,##0.${decimals} "${code}"` : `#,##0.${decimals}`;
}

class Styles {
  readonly money: Style;
  readonly quantity: Style = { numFmt: DEFAULT_QUANTITY_FORMAT };
  readonly wholeQuantity: Style = { numFmt: WHOLE_QUANTITY_FORMAT };
  /** Unit costs: two decimals at least, four at most. */
  readonly cost: Style;
  private readonly byFormat = new Map<string, Style>();

  constructor(currency: string | undefined) {
    this.money = { numFmt: moneyFormat(currency) };
    this.cost = { numFmt: moneyFormat(currency, '00##') };
  }

  format(numFmt: string): Style {
    let style = this.byFormat.get(numFmt);
    if (!style) this.byFormat.set(numFmt, (style = { numFmt }));
    return style;
  }

  status(status: string): Style {
    return STATUS_STYLES.get(status) ?? PLAIN;
  }
}

// ---------------------------------------------------------------------------------
// Cell values

const FORMULA_START = /^[=+\-@\t\r]/;

/** Text as a cell takes it: formula-like text guarded, longer than Excel's cell limit cut. */
function textValue(text: string): { value: string; style: Style } {
  let value = text.length > MAX_CELL_CHARS ? `${text.slice(0, MAX_CELL_CHARS - 1)}…` : text;
  if (FORMULA_START.test(value)) {
    value = `'${value}`;
    if (value.length > MAX_CELL_CHARS) value = `${value.slice(0, MAX_CELL_CHARS - 1)}…`;
    return { value, style: TEXT };
  }
  return { value, style: PLAIN };
}

/** A decimal string as a cell number; undefined when empty, the text when not a number. */
function numberValue(text: string | null | undefined): number | string | undefined {
  if (text === null || text === undefined || text === '') return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : text;
}

/** About how many characters a value shows with its format, to size a column. */
function shownLength(value: string | number, numFmt: string | undefined): number {
  if (typeof value === 'string') return value.length;
  if (numFmt?.endsWith('%')) return (value * 100).toFixed(2).length + 1;
  const fraction = numFmt ? /\.(0*)(#*)/.exec(numFmt) : null; // ".00##": 2 to 4 decimals
  const least = fraction?.[1].length ?? 0;
  const most = least + (fraction?.[2].length ?? 0);
  const digits = String(Math.abs(value)).split('.')[1]?.length ?? 0;
  const shown = Math.abs(value).toFixed(Math.min(Math.max(digits, least), most));
  const whole = shown.split('.')[0].length;
  const separators = numFmt?.includes(',') ? Math.floor((whole - 1) / 3) : 0;
  const suffix = numFmt ? (/ "[^"]*"$/.exec(numFmt)?.[0].length ?? 0) - 2 : 0;
  return (value < 0 ? 1 : 0) + shown.length + separators + Math.max(0, suffix);
}

function columnWidth(longest: number): number {
  return Math.max(MIN_WIDTH, Math.min(MAX_WIDTH, longest + 2));
}

// ---------------------------------------------------------------------------------
// Detail sheets

type Kind = 'text' | 'qty' | 'money' | 'cost' | 'status';

interface DetailSpec<L extends DetailLine> {
  readonly sheet: DetailSheet;
  readonly csv: string;
  readonly columns: readonly { readonly key: keyof L & string; readonly kind: Kind }[];
}

function spec<L extends DetailLine>(sheet: DetailSheet, csv: string, keys: readonly (keyof L & string)[], kinds: Partial<Record<keyof L & string, Kind>>): DetailSpec<L> {
  return { sheet, csv, columns: [...keys, 'evidence' as keyof L & string].map((key) => ({ key, kind: kinds[key] ?? 'text' })) };
}

export const QUANTITY_SHEET = spec<QuantityLine>('Quantity', 'variance.csv', QUANTITY_COLUMNS, {
  physical_qty: 'qty',
  book_qty: 'qty',
  qty_variance: 'qty',
  unit_cost: 'cost',
  value_impact: 'money',
  status: 'status',
});
export const VALUATION_SHEET = spec<ValuationLine>('Valuation', 'valuation.csv', VALUATION_COLUMNS, {
  book_qty: 'qty',
  unit_cost: 'cost',
  book_value: 'money',
  gl_value: 'money',
  value_variance: 'money',
  status: 'status',
});
export const SYSTEMS_SHEET = spec<SyncLine>('Systems', 'sync.csv', SYNC_COLUMNS, {
  erp_qty: 'qty',
  wms_qty: 'qty',
  qty_variance: 'qty',
  status: 'status',
});

interface Context {
  readonly styles: Styles;
  readonly quantityDecimals?: (line: DetailLine) => number;
}

/** The cell values and styles of one line (undefined: no cell). */
function lineCells<L extends DetailLine>(spec: DetailSpec<L>, line: L, ctx: Context, values: (string | number | undefined)[], styles: Style[]): void {
  let qtyStyle: Style | undefined;
  const { columns } = spec;
  for (let i = 0; i < columns.length; i++) {
    const { key, kind } = columns[i];
    const raw = line[key] as unknown as string | null | undefined;
    if (kind === 'text' || kind === 'status') {
      if (raw === null || raw === undefined || raw === '') {
        values[i] = undefined;
        styles[i] = PLAIN;
        continue;
      }
      const text = textValue(String(raw));
      values[i] = text.value;
      styles[i] = kind === 'status' ? ctx.styles.status(raw) : text.style;
      continue;
    }
    const n = numberValue(raw);
    values[i] = n;
    if (typeof n === 'string') {
      const text = textValue(n);
      values[i] = text.value;
      styles[i] = text.style;
    } else if (kind === 'qty') {
      if (ctx.quantityDecimals) styles[i] = qtyStyle ??= ctx.styles.format(quantityFormat(ctx.quantityDecimals(line)));
      else styles[i] = n !== undefined && Number.isInteger(n) ? ctx.styles.wholeQuantity : ctx.styles.quantity;
    } else {
      styles[i] = kind === 'money' ? ctx.styles.money : ctx.styles.cost;
    }
  }
}

interface Source<T> {
  next(): IteratorResult<T> | Promise<IteratorResult<T>>;
  close(): void;
}

function source<T>(lines: Lines<T>): Source<T> {
  if (typeof (lines as Iterable<T>)[Symbol.iterator] === 'function') {
    const it = (lines as Iterable<T>)[Symbol.iterator]();
    return { next: () => it.next(), close: () => void it.return?.() };
  }
  const it = (lines as AsyncIterable<T>)[Symbol.asyncIterator]();
  return { next: () => it.next(), close: () => void it.return?.()?.catch(() => undefined) };
}

function isSelection<T>(input: Lines<T> | DetailSelection<T>): input is DetailSelection<T> {
  return typeof input === 'object' && input !== null && 'total' in input && 'lines' in input && !Array.isArray(input);
}

function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as Promise<T> | undefined)?.then === 'function';
}

function headerRange(columns: number, row: number): string {
  return `A${row}:${columnLetter(columns)}${row}`;
}

function columnLetter(n: number): string {
  let s = '';
  for (let c = n; c > 0; c = Math.floor((c - 1) / 26)) s = String.fromCharCode(65 + ((c - 1) % 26)) + s;
  return s;
}

function addStyledRow(ws: ExcelJS.Worksheet, values: readonly (string | number | undefined | null)[], styles: readonly Style[]): void {
  const row = ws.addRow(values);
  (row as unknown as { style: Style }).style = PLAIN;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== undefined && v !== null) row.getCell(i + 1).style = styles[i];
  }
  row.commit();
}

async function writeDetailSheet<L extends DetailLine>(
  wb: ExcelJS.stream.xlsx.WorkbookWriter,
  spec: DetailSpec<L>,
  input: Lines<L> | DetailSelection<L>,
  expected: number,
  cap: number,
  ctx: Context,
): Promise<{ rows: number; lines: number }> {
  const selection = isSelection(input) ? input : null;
  const lines = selection ? selection.lines : (input as Lines<L>);
  const count = selection ? selection.total : Array.isArray(lines) ? lines.length : expected;
  const noteOnTop = count > cap;
  const headerRow = noteOnTop ? 2 : 1;
  const ws = wb.addWorksheet(spec.sheet, { views: [{ state: 'frozen', xSplit: 0, ySplit: headerRow, topLeftCell: `A${headerRow + 1}`, activeCell: `A${headerRow + 1}` }] });
  const width = spec.columns.length;
  const headers = spec.columns.map((c) => c.key);
  const src = source(lines);
  let done = false;
  try {
    // The first lines, to size the columns before anything is written.
    const sample: L[] = [];
    while (sample.length < Math.min(SAMPLE_LINES, cap)) {
      let r = src.next();
      if (isPromise(r)) r = await r;
      if (r.done) {
        done = true;
        break;
      }
      sample.push(r.value);
    }
    const longest = headers.map((h) => h.length + 3); // room for the filter button
    const values: (string | number | undefined)[] = new Array(width);
    const styles: Style[] = new Array(width);
    for (const line of sample) {
      lineCells(spec, line, ctx, values, styles);
      for (let i = 0; i < width; i++) {
        const v = values[i];
        if (v !== undefined) longest[i] = Math.max(longest[i], shownLength(v, styles[i].numFmt));
      }
    }
    ws.columns = longest.map((l) => ({ width: columnWidth(l) }));

    if (noteOnTop) {
      const how = selection?.note ? `: ${selection.note}` : ' (Excel holds 1,048,576 rows a sheet)';
      addStyledRow(ws, [`This sheet shows at most ${cap.toLocaleString('en-US')} of the ${count.toLocaleString('en-US')} lines${how}; every line is in ${spec.csv}.`], [NOTE]);
    }
    addStyledRow(ws, headers, headers.map(() => HEADER));
    ws.autoFilter = headerRange(width, headerRow);

    let rows = 0;
    let seen = 0;
    const put = (line: L): void | Promise<void> => {
      lineCells(spec, line, ctx, values, styles);
      addStyledRow(ws, values, styles);
      rows++;
      if (rows % BACKLOG_CHECK_EVERY === 0) return waitForZip(ws);
    };
    for (const line of sample) {
      seen++;
      const pending = put(line);
      if (pending) await pending;
    }
    sample.length = 0;
    while (!done) {
      let r = src.next();
      if (isPromise(r)) r = await r;
      if (r.done) {
        done = true;
        break;
      }
      seen++;
      if (rows < cap) {
        const pending = put(r.value);
        if (pending) await pending;
      }
    }
    if (seen > rows && !noteOnTop) {
      addStyledRow(ws, [`Lines after the first ${rows.toLocaleString('en-US')} are not shown (${(seen - rows).toLocaleString('en-US')} more; Excel holds 1,048,576 rows a sheet); every line is in ${spec.csv}.`], [NOTE]);
    }
    ws.commit();
    return { rows, lines: selection ? Math.max(seen, selection.total) : seen };
  } finally {
    if (!done) src.close();
  }
}

// ---------------------------------------------------------------------------------
// Summary sheet

interface SummaryCell {
  readonly v: string | number | null | undefined;
  readonly s?: Style;
}
type SummaryRow = readonly SummaryCell[];

function summaryRows(input: ReconcileWorkbookInput, styles: Styles, planned: Record<DetailSheet, { lines: number; shown: number }>): SummaryRow[] {
  const { summary } = input;
  const rows: SummaryRow[] = [];
  const blank = (): void => void rows.push([]);
  const section = (title: string): void => {
    blank();
    rows.push([{ v: title, s: SECTION }]);
  };
  const header = (...names: string[]): void => void rows.push(names.map((v) => ({ v, s: HEADER })));
  const none = (): void => void rows.push([{ v: 'none', s: NOTE }]);
  const text = (v: string | null | undefined, s?: Style): SummaryCell => {
    if (v === null || v === undefined || v === '') return { v: undefined };
    const t = textValue(v);
    return { v: t.value, s: s ?? t.style };
  };
  const num = (v: string | number | null | undefined, s: Style): SummaryCell => {
    const n = typeof v === 'number' ? v : numberValue(v);
    return typeof n === 'string' ? text(n) : { v: n, s };
  };
  const qty = (v: string | null | undefined): SummaryCell => {
    const cell = num(v, styles.quantity);
    return typeof cell.v === 'number' && Number.isInteger(cell.v) ? { v: cell.v, s: styles.wholeQuantity } : cell;
  };
  const money = (v: string | null | undefined): SummaryCell => num(v, styles.money);
  const kpi = (label: string, cell: SummaryCell): void => void rows.push([{ v: label }, cell]);

  rows.push([{ v: 'Three-way reconciliation', s: TITLE }]);
  section('Key figures');
  kpi('Lines compared', num(summary.lines_compared, COUNT));
  kpi('Inventory record accuracy', num(summary.inventory_record_accuracy, PERCENT));
  kpi('Gross variance value', money(summary.gross_variance_value));
  kpi('Net variance value', money(summary.net_variance_value));
  kpi('Valuation lines', num(summary.valuation.lines, COUNT));
  kpi('Book value', money(summary.valuation.book_value));
  kpi('GL value', money(summary.valuation.gl_value));
  kpi('Net value variance', money(summary.valuation.net_value_variance));
  kpi('Systems lines', num(summary.systems.lines, COUNT));
  for (const sheet of ['Quantity', 'Valuation', 'Systems'] as const) {
    const p = planned[sheet];
    if (p.lines > p.shown) rows.push([{ v: `Sheet ${sheet}`, s: NOTE }, { v: `first ${p.shown.toLocaleString('en-US')} of ${p.lines.toLocaleString('en-US')} lines; every line is in the CSV`, s: NOTE }]);
  }

  section('Lines per status');
  header('status', 'Quantity', 'Valuation', 'Systems');
  for (const status of STATUSES) {
    rows.push([{ v: status, s: styles.status(status) }, num(summary.counts_by_status[status] ?? 0, COUNT), num(summary.valuation.counts_by_status[status] ?? 0, COUNT), num(summary.systems.counts_by_status[status] ?? 0, COUNT)]);
  }

  section('Lines per cause');
  header('cause', 'lines');
  for (const cause of CAUSES) rows.push([{ v: cause }, num(summary.counts_by_cause[cause] ?? 0, COUNT)]);

  section('Set aside (not compared)');
  header('reason', 'lines', 'qty', 'value');
  if (summary.set_aside.length === 0) none();
  for (const s of summary.set_aside) rows.push([text(s.reason), num(s.lines, COUNT), qty(s.qty), money(s.value)]);

  section('Top 20 value variances');
  header(...QUANTITY_COLUMNS);
  if (summary.top_value_variances.length === 0) none();
  for (const line of summary.top_value_variances.slice(0, 20)) {
    const values: (string | number | undefined)[] = [];
    const cellStyles: Style[] = [];
    lineCells(QUANTITY_SHEET, line, { styles, quantityDecimals: input.quantityDecimals }, values, cellStyles);
    rows.push(values.slice(0, QUANTITY_COLUMNS.length).map((v, i) => ({ v, s: cellStyles[i] })));
  }

  section('GL tie-out per account');
  header('account', 'item_value', 'control_total', 'difference', 'status');
  if (summary.gl_tie_out.length === 0) none();
  for (const t of summary.gl_tie_out) rows.push([text(t.account), money(t.item_value), money(t.control_total), money(t.difference), text(t.status, styles.status(t.status))]);

  const tolerances = Object.entries(summary.tolerances ?? {});
  if (tolerances.length) {
    section('Tolerances');
    for (const [key, value] of tolerances) {
      rows.push([{ v: key }, typeof value === 'number' ? { v: value } : text(typeof value === 'string' ? value : JSON.stringify(value))]);
    }
  }
  return rows;
}

function writeSummarySheet(wb: ExcelJS.stream.xlsx.WorkbookWriter, rows: readonly SummaryRow[]): void {
  const ws = wb.addWorksheet('Summary');
  const width = Math.max(...rows.map((r) => r.length));
  const longest = new Array<number>(width).fill(0);
  for (const row of rows) {
    // A title or a section heading alone on its row may run over into the next columns.
    if (row.length === 1 && (row[0].s === TITLE || row[0].s === SECTION || row[0].s === NOTE)) continue;
    row.forEach((cell, i) => {
      if (cell.v !== undefined && cell.v !== null) longest[i] = Math.max(longest[i], shownLength(cell.v, cell.s?.numFmt) + (cell.s === HEADER ? 1 : 0));
    });
  }
  ws.columns = longest.map((l) => ({ width: columnWidth(l) }));
  for (const row of rows) {
    addStyledRow(
      ws,
      row.map((c) => c.v),
      row.map((c) => c.s ?? PLAIN),
    );
  }
  ws.commit();
}

// ---------------------------------------------------------------------------------
// The workbook

function sumCounts(counts: Record<string, number>): number {
  let n = 0;
  for (const v of Object.values(counts)) n += v;
  return n;
}

/**
 * Writes the reconciliation workbook to `file` (whole or not at all). Summary first,
 * then the detail sheets, each streamed from its lines.
 */
export async function writeReconcileWorkbook(file: string, input: ReconcileWorkbookInput): Promise<ReconcileWorkbookResult> {
  const cap = Math.max(0, Math.min(EXCEL_MAX_LINES, Math.floor(input.maxDetailRows ?? DEFAULT_MAX_DETAIL_ROWS)));
  const styles = new Styles(input.currency);
  const ctx: Context = { styles, quantityDecimals: input.quantityDecimals };
  const { summary } = input;
  const expected: Record<DetailSheet, number> = {
    Quantity: isSelection(input.quantity) ? input.quantity.total : Array.isArray(input.quantity) ? input.quantity.length : sumCounts(summary.counts_by_status),
    Valuation: isSelection(input.valuation) ? input.valuation.total : Array.isArray(input.valuation) ? input.valuation.length : summary.valuation.lines,
    Systems: isSelection(input.systems) ? input.systems.total : Array.isArray(input.systems) ? input.systems.length : summary.systems.lines,
  };
  const planned = Object.fromEntries(Object.entries(expected).map(([sheet, lines]) => [sheet, { lines, shown: Math.min(lines, cap) }])) as Record<DetailSheet, { lines: number; shown: number }>;

  return writeStreamedWorkbook(file, async (wb) => {
    // Sheets are added (and their zip entries opened) one after the other: the zip
    // takes entries in order, so a sheet opened early would hold the later ones back.
    writeSummarySheet(wb, summaryRows(input, styles, planned));
    const q = await writeDetailSheet(wb, QUANTITY_SHEET, input.quantity, expected.Quantity, cap, ctx);
    const v = await writeDetailSheet(wb, VALUATION_SHEET, input.valuation, expected.Valuation, cap, ctx);
    const s = await writeDetailSheet(wb, SYSTEMS_SHEET, input.systems, expected.Systems, cap, ctx);
    const rows = { Quantity: q.rows, Valuation: v.rows, Systems: s.rows };
    const lines = { Quantity: q.lines, Valuation: v.lines, Systems: s.lines };
    return { rows, lines, capped: q.lines > q.rows || v.lines > v.rows || s.lines > s.rows };
  });
}
