/**
 * Office Open XML workbooks through exceljs's streaming WorkbookReader: rows arrive
 * as the sheet XML is read, so memory stays flat for big files. Formula cells give
 * their cached result, rich text its plain text, date-formatted numbers a DateCell.
 * exceljs is loaded lazily so that commands that never read xlsx start fast.
 */
import fs from 'node:fs';
import { InputError } from '../errors.js';
import { noSuchSheet, sheetNameMatches } from './sheets.js';
import type { Cell, DateCell, RawRow, RawSheet, ReadOptions, WorkbookSource } from './types.js';

interface ExcelCellValueObject {
  formula?: string;
  sharedFormula?: string;
  result?: unknown;
  richText?: { text: string }[];
  text?: unknown;
  hyperlink?: string;
  error?: string;
}

/** One exceljs cell value as a Cell. */
export function toCell(value: unknown): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value === '' ? null : decodeOoxmlEscapes(value);
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'boolean') return value;
  if (value instanceof Date) return dateCell(value);
  if (typeof value === 'object') {
    const v = value as ExcelCellValueObject;
    if (v.richText) return decodeOoxmlEscapes(v.richText.map((r) => r.text).join('')) || null;
    if ('formula' in v || 'sharedFormula' in v || 'result' in v) {
      const r = v.result;
      if (r && typeof r === 'object' && 'error' in (r as object)) return String((r as { error: string }).error);
      return toCell(r);
    }
    if (v.error !== undefined) return String(v.error);
    if (v.text !== undefined) return toCell(v.text);
  }
  return String(value);
}

/**
 * OOXML writes characters XML cannot hold as `_xHHHH_` (a carriage return is
 * `_x000D_`, an underscore before such a pattern `_x005F_`); exceljs leaves them.
 */
export function decodeOoxmlEscapes(text: string): string {
  if (!text.includes('_x')) return text;
  return text.replace(/_x([0-9A-Fa-f]{4})_/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

function dateCell(d: Date): DateCell | null {
  if (Number.isNaN(d.getTime())) return null;
  const iso = d.toISOString();
  // exceljs gives UTC midnight for whole days; keep the time only when there is one.
  const [date, time] = [iso.slice(0, 10), iso.slice(11, 19)];
  return { kind: 'date', iso: time === '00:00:00' ? date : `${date}T${time}` };
}

interface StreamedRow {
  number: number;
  values: unknown[] | Record<string, unknown>;
}

interface StreamedWorksheet extends AsyncIterable<StreamedRow> {
  name?: string;
  id?: number;
}

export function readXlsx(file: string, options: ReadOptions): WorkbookSource {
  return {
    info: { format: 'xlsx' },
    async *sheets() {
      const ExcelJS = (await import('exceljs')).default;
      const reader = new ExcelJS.stream.xlsx.WorkbookReader(fs.createReadStream(file, { highWaterMark: 1 << 20 }), {
        sharedStrings: 'cache',
        hyperlinks: 'ignore',
        styles: 'cache',
        worksheets: 'emit',
        entries: 'emit',
      } as never);
      const names: string[] = [];
      let found = false;
      try {
        for await (const ws of reader as unknown as AsyncIterable<StreamedWorksheet>) {
          const name = sheetName(reader, ws);
          names.push(name);
          if (options.sheet !== undefined && !sheetNameMatches(name, options.sheet)) {
            // drain: the zip is read in order, so a skipped sheet still has to be read through
            for await (const _row of ws) void _row;
            continue;
          }
          found = true;
          yield { name, rows: [], batches: batchesOf(ws, options.displayName, name) } satisfies RawSheet;
        }
      } catch (err) {
        if (err instanceof InputError) throw err;
        throw new InputError(
          { file: options.displayName },
          `not a readable xlsx workbook (${describeZipError(err)})`,
          'the file may be truncated or damaged; open it in Excel or LibreOffice and save it again',
        );
      }
      if (options.sheet !== undefined && !found) {
        throw noSuchSheet(options.displayName, options.sheet, names);
      }
    },
  };
}

function sheetName(reader: unknown, ws: StreamedWorksheet): string {
  if (ws.name) return ws.name;
  const model = (reader as { model?: { sheets?: { id: number; name: string }[] } }).model;
  const match = model?.sheets?.find((s) => s.id === ws.id);
  return match?.name ?? `Sheet${ws.id ?? ''}`;
}

function toRawRow(row: StreamedRow): RawRow {
  const values = row.values;
  let formulaColumns: number[] | undefined;
  let cells: Cell[];
  if (Array.isArray(values)) {
    // exceljs rows are 1-based: values[0] is always empty
    const n = values.length - 1;
    cells = new Array<Cell>(Math.max(n, 0));
    for (let c = 0; c < n; c++) {
      const v: unknown = values[c + 1];
      if (typeof v === 'number') {
        cells[c] = Number.isFinite(v) ? v : null;
        continue;
      }
      cells[c] = toCell(v);
      if (v !== null && typeof v === 'object' && ('formula' in v || 'sharedFormula' in v)) (formulaColumns ??= []).push(c);
    }
  } else {
    cells = [];
    for (const [key, v] of Object.entries(values)) {
      const c = Number(key) - 1;
      cells[c] = toCell(v);
      if (v !== null && typeof v === 'object' && ('formula' in v || 'sharedFormula' in v)) (formulaColumns ??= []).push(c);
    }
    for (let c = 0; c < cells.length; c++) if (cells[c] === undefined) cells[c] = null;
  }
  return formulaColumns ? { rowNumber: row.number, cells, formulaColumns } : { rowNumber: row.number, cells };
}

type WorksheetEvents = AsyncIterable<{ eventType: string; value: StreamedRow }[]>;

/**
 * Rows in the batches exceljs parses them in (its worksheet reader's parse()); one
 * await per batch instead of one per row is a third of the time on big sheets.
 */
async function* batchesOf(ws: StreamedWorksheet, file: string, sheet: string): AsyncGenerator<RawRow[]> {
  try {
    const parse = (ws as unknown as { parse?: () => WorksheetEvents }).parse;
    if (typeof parse === 'function') {
      for await (const events of parse.call(ws)) {
        const rows: RawRow[] = [];
        for (const e of events) if (e.eventType === 'row') rows.push(toRawRow(e.value));
        if (rows.length) yield rows;
      }
    } else {
      let rows: RawRow[] = [];
      for await (const row of ws) {
        rows.push(toRawRow(row));
        if (rows.length === 1000) {
          yield rows;
          rows = [];
        }
      }
      if (rows.length) yield rows;
    }
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError({ file, sheet }, `the sheet cannot be read (${describeZipError(err)})`, 'the file may be truncated or damaged; open it in Excel or LibreOffice and save it again');
  }
}

function describeZipError(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.split('\n')[0]!.slice(0, 160);
}
