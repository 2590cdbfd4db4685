/**
 * `count sheets`: blind count sheets, one workbook per warehouse and day, with no
 * book quantity anywhere in the file (hiding a column is not enough). Lines are in
 * walking order (location paths in natural order: A-2 before A-10), with SKU,
 * description, unit, lot and barcode, and an empty Counted column that accepts only
 * numbers of at least 0. Printable: landscape, fit to one page wide, the header row
 * repeated on every page, the warehouse, day and page number in the footer.
 *
 * Each workbook is written by exceljs's streaming writer (data validation over the
 * Counted range, print titles and page setup included), so memory grows neither with
 * the lines of a day nor with the number of days.
 */
import path from 'node:path';
import type ExcelJS from 'exceljs';
import { UsageError, WorkspaceError } from '../errors.js';
import type { Db } from '../staging/database.js';
import { waitForZip, writeStreamedWorkbook } from '../reports/files.js';
import { compareNatural, compareText } from './calendar.js';
import { currentPlan } from './state.js';
import { isIsoDate } from './settings.js';

export const SHEET_NAME = 'Count';
export const SHEET_COLUMNS = ['Location', 'SKU', 'Description', 'Unit', 'Lot', 'Barcode', 'Count date', 'Counted', 'Counted by'] as const;
/** The row of the column headers (the rows above are the title block). */
export const HEADER_ROW = 4;

export interface SheetsOptions {
  readonly outDir: string;
  /** Only tasks due on or after this day. */
  readonly from?: string;
  /** Only tasks due on or before this day. */
  readonly to?: string;
}

export interface SheetFile {
  readonly file: string;
  readonly warehouse: string;
  readonly date: string;
  readonly round: number;
  readonly lines: number;
}

export interface SheetsResult {
  readonly plan: number;
  readonly files: readonly SheetFile[];
  readonly lines: number;
}

export async function writeCountSheets(db: Db, options: SheetsOptions): Promise<SheetsResult> {
  for (const [flag, value] of [
    ['--from', options.from],
    ['--to', options.to],
  ] as const) {
    if (value !== undefined && !isIsoDate(value)) throw new UsageError(`${flag} must be a date (YYYY-MM-DD), not "${value}"`);
  }
  const plan = currentPlan(db);
  if (!plan) throw new WorkspaceError('there is no open count plan', 'run `invsync count plan --as-of DATE` first');
  const files: SheetFile[] = [];
  let total = 0;
  for (const g of sheetGroups(db, plan.id, { from: options.from, to: options.to })) {
    const file = path.join(options.outDir, g.fileName);
    await writeCountWorkbook(file, g);
    files.push({ file, warehouse: g.warehouse, date: g.date, round: g.round, lines: g.lines.length });
    total += g.lines.length;
  }
  return { plan: plan.id, files, lines: total };
}

/** One workbook's worth of open tasks: a warehouse's day (and count round), in walking order. */
export interface SheetGroup {
  readonly warehouse: string;
  readonly date: string;
  readonly round: number;
  readonly fileName: string;
  readonly lines: readonly SheetLine[];
}

export interface SheetLine {
  readonly taskId: number;
  readonly location: string;
  readonly sku: string;
  readonly description: string;
  readonly uom: string;
  readonly lot: string;
  readonly barcode: string;
}

/** The open tasks of a plan grouped per day, warehouse and round; one group in memory at a time. */
export function* sheetGroups(db: Db, planId: number, filter: { from?: string; to?: string; round?: number } = {}): Generator<SheetGroup> {
  const groups = db
    .prepare(
      `SELECT t.due_date, p.warehouse, t.round FROM count_tasks t JOIN count_places p ON p.id = t.place_id
       WHERE t.plan_id = ? AND t.status = 'open' AND t.due_date >= ? AND t.due_date <= ? AND (? IS NULL OR t.round = ?)
       GROUP BY t.due_date, p.warehouse, t.round ORDER BY t.due_date, p.warehouse, t.round`,
    )
    .all(planId, filter.from ?? '0000-00-00', filter.to ?? '9999-99-99', filter.round ?? null, filter.round ?? null) as { due_date: string; warehouse: string; round: number }[];
  const linesOf = db.prepare(
    `SELECT t.id AS taskId, p.location, p.sku, coalesce(i.description, '') AS description, coalesce(p.uom, i.uom, '') AS uom, p.lot,
            CASE WHEN i.barcode_status = 'valid' THEN coalesce(i.barcode, '') ELSE '' END AS barcode
     FROM count_tasks t JOIN count_places p ON p.id = t.place_id LEFT JOIN items_clean i ON i.sku = p.sku
     WHERE t.plan_id = ? AND t.status = 'open' AND t.due_date = ? AND p.warehouse = ? AND t.round = ?`,
  );
  for (const g of groups) {
    const lines = (linesOf.all(planId, g.due_date, g.warehouse, g.round) as SheetLine[]).sort(
      (a, b) => compareNatural(a.location, b.location) || compareText(a.sku, b.sku) || compareNatural(a.lot, b.lot) || a.taskId - b.taskId,
    );
    const fileName = `count-${g.due_date}-${fileSafe(g.warehouse)}${g.round > 1 ? `-${ROUND_NAMES[g.round] === 'recount' ? 'recount' : `count${g.round}`}` : ''}.xlsx`;
    yield { warehouse: g.warehouse, date: g.due_date, round: g.round, fileName, lines };
  }
}

function fileSafe(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '_');
}

const ROUND_NAMES = ['', 'first count', 'recount', 'third count'];

/**
 * Writes a blind count sheet to `file` with exceljs's streaming writer (rows go to the
 * file as they are made: memory does not grow with the lines of a day), under a
 * temporary name, then renamed; the zip entries are stamped with the fixed date so
 * the same sheet gives the same bytes. `fill` gives what a counter wrote (the demo's
 * bundled filled-in sheets are made with it); without it Counted and Counted by are
 * empty.
 */
export async function writeCountWorkbook(file: string, group: SheetGroup, fill?: (line: SheetLine) => { counted: number | null; counter: string | null }): Promise<void> {
  const { warehouse, date, round, lines } = group;
  await writeStreamedWorkbook(file, async (wb) => {
    const ws = wb.addWorksheet(SHEET_NAME, {
      pageSetup: { orientation: 'landscape', paperSize: 9, fitToPage: true, fitToWidth: 1, fitToHeight: 0, printTitlesRow: `${HEADER_ROW}:${HEADER_ROW}`, margins: { left: 0.4, right: 0.4, top: 0.5, bottom: 0.6, header: 0.3, footer: 0.3 } },
      headerFooter: { oddFooter: `&L${warehouse} ${date} (${ROUND_NAMES[round] ?? `count ${round}`})&RPage &P of &N` },
      views: [{ state: 'frozen', ySplit: HEADER_ROW }],
    });
    ws.columns = [{ width: 22 }, { width: 16 }, { width: 40 }, { width: 8 }, { width: 16 }, { width: 16 }, { width: 12 }, { width: 12 }, { width: 14 }];
    const title = ws.getRow(1);
    title.getCell(1).value = `Cycle count ${warehouse} ${date}${round > 1 ? ` (${ROUND_NAMES[round] ?? `count ${round}`})` : ''}`;
    title.getCell(1).font = { bold: true, size: 14 };
    title.commit();
    const note = ws.getRow(2);
    note.getCell(1).value = 'Blind count: write the quantity found in Counted, in the unit shown; 0 when the place is empty. Add lines for stock not listed.';
    note.commit();
    const sign = ws.getRow(3);
    sign.getCell(1).value = 'Counted by: ____________________    Checked by: ____________________';
    sign.commit();
    const header = ws.getRow(HEADER_ROW);
    header.values = [...SHEET_COLUMNS];
    header.eachCell((c) => {
      c.font = { bold: true };
      c.border = { bottom: { style: 'thin' } };
      c.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE7E6E6' } };
    });
    header.commit();
    let r = HEADER_ROW + 1;
    for (const l of lines) {
      const row = ws.getRow(r++);
      const filled = fill?.(l);
      row.values = [l.location, l.sku, l.description, l.uom, l.lot, l.barcode, date, filled?.counted ?? null, filled?.counter ?? null];
      // Codes as text: a SKU 00160 or a barcode must not become a number.
      for (const col of [1, 2, 5, 6]) row.getCell(col).numFmt = '@';
      row.getCell(8).border = { top: { style: 'hair' }, bottom: { style: 'hair' }, left: { style: 'thin' }, right: { style: 'thin' } };
      row.commit();
      if ((r - HEADER_ROW) % 256 === 0) await waitForZip(ws);
    }
    // Counted takes numbers of at least 0, on the listed lines and ten more for stock found that is not listed.
    // exceljs's types omit the worksheet's dataValidations (a range validation is one entry, not one per cell).
    (ws as unknown as { dataValidations: { add(range: string, validation: ExcelJS.DataValidation): void } }).dataValidations.add(`H${HEADER_ROW + 1}:H${Math.max(r - 1, HEADER_ROW + 1) + 10}`, {
      type: 'decimal',
      operator: 'greaterThanOrEqual',
      allowBlank: true,
      formulae: [0],
      showErrorMessage: true,
      errorStyle: 'stop',
      errorTitle: 'Counted',
      error: 'A quantity of at least 0, in the unit shown.',
    });
    ws.commit();
  });
}
