/**
 * `load`: stage files of one kind. For each file: hash it, tell its format by its
 * bytes, find each sheet's header, convert every row, and write rows and rejects
 * with their provenance. Loading a file again (same path, or same bytes) replaces
 * its earlier load. Runs inside the command's transaction; a failure leaves the
 * staged data as it was.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { InputError, UsageError } from '../errors.js';
import { isKind, KINDS, type Kind } from '../model/kinds.js';
import type { Db } from '../staging/database.js';
import type { RunContext } from '../staging/audit.js';
import { BatchInserter } from '../staging/store.js';
import { columnName, EncodingMismatch, readDelimited, type Delimiter } from './csv.js';
import { detectHeader, HEADER_SEARCH_ROWS, missingRequired, type HeaderPlan } from './header.js';
import { EMPTY_MAP, readColumnMap, type ColumnMap } from './mapping.js';
import { decideConventions, rowConverter, type Conventions } from './rows.js';
import { readHead, sniffBytes, type Sniffed, type TextEncodingName } from './sniff.js';
import type { RawRow, RawSheet, WorkbookSource } from './types.js';
import { isBlank } from './values.js';
import { decodeText } from './encoding.js';
import { readHtmlTables } from './html.js';
import { readX12_846 } from './x12-846.js';
import { readXls } from './xls/index.js';
import { readXlsx } from './xlsx.js';
import { readXlsxOnThread } from './xlsx-thread.js';

export interface LoadOptions {
  readonly files: readonly string[];
  readonly kind: string;
  readonly mapFile?: string;
  readonly sheet?: string;
  /** Called now and then with rows processed so far (for a progress line). */
  readonly onProgress?: (progress: LoadProgress) => void;
  /**
   * Read xlsx workbooks on a second thread (xlsx-thread.ts) while this one stages the
   * rows; the CLI turns it off with INVSYNC_THREADS=1. Off unless asked for.
   */
  readonly secondThread?: boolean;
}

export interface LoadProgress {
  readonly file: string;
  readonly rows: number;
}

export interface SheetResult {
  readonly name: string;
  readonly headerRow?: number;
  readonly mapped: Readonly<Record<string, string>>;
  readonly unmapped: readonly string[];
  readonly rowsStaged: number;
  readonly rowsRejected: number;
  readonly skipped?: string;
}

export interface FileResult {
  readonly file: string;
  readonly kind: Kind;
  readonly sha256: string;
  readonly format: string;
  readonly encoding?: string;
  readonly delimiter?: string;
  readonly decimalSeparator?: string;
  readonly dateOrder?: string;
  readonly rowsRead: number;
  readonly rowsStaged: number;
  readonly rowsRejected: number;
  readonly blankRows: number;
  readonly rejectsByReason: Readonly<Record<string, number>>;
  readonly sheets: readonly SheetResult[];
  /** What this load replaced: "unchanged" (same bytes) or "changed" (same path, new bytes). */
  readonly replaced?: { readonly previous: string; readonly how: 'unchanged' | 'changed' | 'same-content' };
  /** 2 where the file was read on a second thread while this one staged it (absent: one thread). */
  readonly threads?: 2;
}

export interface LoadResult {
  readonly kind: Kind;
  readonly files: readonly FileResult[];
  /** Conservation: rows read = rows staged + rows rejected, per file and in total. */
  readonly totals: { readonly rowsRead: number; readonly rowsStaged: number; readonly rowsRejected: number };
}

export async function loadFiles(db: Db, options: LoadOptions, run?: RunContext): Promise<LoadResult> {
  if (!isKind(options.kind)) throw new UsageError(`unknown kind "${options.kind}"`, `--as takes one of: ${KINDS.join(', ')}`);
  const kind = options.kind;
  if (options.files.length === 0) throw new UsageError('no files to load');
  const map = options.mapFile ? readColumnMap(options.mapFile, kind) : EMPTY_MAP;
  const sheet = options.sheet ?? map.sheet;
  const results: FileResult[] = [];
  for (const file of options.files) {
    results.push(await loadFile(db, kind, file, map, sheet, options.onProgress, run, options.secondThread ?? false));
  }
  const totals = { rowsRead: 0, rowsStaged: 0, rowsRejected: 0 };
  for (const r of results) {
    totals.rowsRead += r.rowsRead;
    totals.rowsStaged += r.rowsStaged;
    totals.rowsRejected += r.rowsRejected;
  }
  return { kind, files: results, totals };
}

export async function sha256File(file: string): Promise<string> {
  const hash = crypto.createHash('sha256');
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function loadFile(
  db: Db,
  kind: Kind,
  file: string,
  map: ColumnMap,
  sheet: string | undefined,
  onProgress: LoadOptions['onProgress'],
  run: RunContext | undefined,
  secondThread: boolean,
): Promise<FileResult> {
  const display = file;
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError({ file: display }, code === 'ENOENT' ? 'no such file' : `cannot read (${code})`);
  }
  if (stat.isDirectory()) throw new InputError({ file: display }, 'is a folder, not a file');
  const absolute = path.resolve(file);
  const sha256 = await sha256File(file);
  run?.addInput({ path: absolute, sha256 });
  const sniffed = sniffBytes(readHead(file));
  if (sniffed.format === 'empty') throw new InputError({ file: display }, 'the file is empty (0 bytes)');
  if (sniffed.format === 'binary') {
    throw new InputError(
      { file: display },
      sniffed.encoding === 'utf-16le' ? 'looks like UTF-16 text without a byte-order mark' : 'is not a text, xlsx, xls or X12 file (it holds binary bytes)',
      sniffed.encoding === 'utf-16le' ? 'save it as UTF-8 (or CSV UTF-8 in Excel)' : 'export the data as xlsx or csv',
    );
  }

  const replaced = replacePrevious(db, kind, absolute, sha256);
  db.exec('SAVEPOINT load_file');
  try {
    let attempt = await stageSource(db, kind, file, absolute, sha256, stat.size, sniffed, map, sheet, onProgress, replaced, secondThread);
    if (attempt === 'retry-windows-1252') {
      db.exec('ROLLBACK TO load_file');
      attempt = await stageSource(db, kind, file, absolute, sha256, stat.size, { ...sniffed, encoding: 'windows-1252' }, map, sheet, onProgress, replaced, secondThread);
    }
    db.exec('RELEASE load_file');
    return attempt as FileResult;
  } catch (err) {
    db.exec('ROLLBACK TO load_file');
    db.exec('RELEASE load_file');
    throw err;
  }
}

/** Removes an earlier load of the same file (same path, or the same bytes as this kind). */
function replacePrevious(db: Db, kind: Kind, absolute: string, sha256: string): FileResult['replaced'] {
  const previous = db
    .prepare('SELECT id, path, sha256 FROM sources WHERE kind = ? AND (path = ? OR sha256 = ?) ORDER BY id')
    .all(kind, absolute, sha256) as { id: number; path: string; sha256: string }[];
  if (previous.length === 0) return undefined;
  for (const p of previous) deleteSource(db, kind, p.id);
  const first = previous[0]!;
  const how = first.path !== absolute ? 'same-content' : first.sha256 === sha256 ? 'unchanged' : 'changed';
  return { previous: `${first.path} (sha256 ${first.sha256.slice(0, 12)})`, how };
}

export function deleteSource(db: Db, kind: Kind, sourceId: number): void {
  const sheets = db.prepare('SELECT id, first_row_id, last_row_id FROM source_sheets WHERE source_id = ?').all(sourceId) as {
    id: number;
    first_row_id: number | null;
    last_row_id: number | null;
  }[];
  // A load's rows are one contiguous id range per sheet, so no index on sheet_id is needed.
  const deleteRows = db.prepare(`DELETE FROM ${kind} WHERE id BETWEEN ? AND ? AND sheet_id = ?`);
  for (const s of sheets) if (s.first_row_id !== null && s.last_row_id !== null) deleteRows.run(s.first_row_id, s.last_row_id, s.id);
  db.prepare('DELETE FROM rejects WHERE sheet_id IN (SELECT id FROM source_sheets WHERE source_id = ?)').run(sourceId);
  db.prepare('DELETE FROM source_sheets WHERE source_id = ?').run(sourceId);
  db.prepare('DELETE FROM sources WHERE id = ?').run(sourceId);
}

function openSource(file: string, display: string, sniffed: Sniffed, sheet: string | undefined, secondThread: boolean): WorkbookSource & { delimiter?: () => Delimiter } {
  const readText = (): string => decodeText(fs.readFileSync(file).subarray(sniffed.bomLength ?? 0), sniffed.encoding ?? 'utf-8').text;
  switch (sniffed.format) {
    case 'xlsx':
      return (secondThread ? readXlsxOnThread(file, { displayName: display, sheet }) : null) ?? readXlsx(file, { displayName: display, sheet });
    case 'xls-biff8':
    case 'xls-biff5':
    case 'xls-biff4':
    case 'xls-biff3':
    case 'xls-biff2':
      return readXls(fs.readFileSync(file), { displayName: display, sheet });
    case 'html':
      return readHtmlTables(readText(), { displayName: display, sheet });
    case 'x12':
      return readX12_846(readText(), { displayName: display, sheet });
    default:
      return readDelimited(file, { displayName: display, encoding: (sniffed.encoding ?? 'utf-8') as TextEncodingName, bomLength: sniffed.bomLength ?? 0 });
  }
}

const SAMPLE_ROWS = 2000;

async function stageSource(
  db: Db,
  kind: Kind,
  file: string,
  absolute: string,
  sha256: string,
  size: number,
  sniffed: Sniffed,
  map: ColumnMap,
  sheetWanted: string | undefined,
  onProgress: LoadOptions['onProgress'],
  replaced: FileResult['replaced'],
  secondThread: boolean,
): Promise<FileResult | 'retry-windows-1252'> {
  const display = file;
  const source = openSource(file, display, sniffed, sheetWanted, secondThread);
  if (sniffed.format === 'x12' && kind !== 'wms') {
    throw new InputError({ file: display }, `an X12 846 stock feed cannot be loaded as ${kind}`, 'load it with --as wms');
  }
  const sourceId = Number(
    db
      .prepare(
        `INSERT INTO sources (kind, path, file_name, sha256, size_bytes, format, encoding, map_file, rows_read, rows_staged, rows_rejected, rows_skipped_blank, run_id, replaced_source)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, 0, 0, 0, (SELECT max(id) FROM runs), ?)`,
      )
      .run(kind, absolute, path.basename(file), sha256, size, source.info.format, source.info.encoding ?? sniffed.encoding ?? null, map.file ?? null, replaced ? JSON.stringify(replaced) : null)
      .lastInsertRowid,
  );
  const insertReject = db.prepare('INSERT INTO rejects (sheet_id, row_no, column_name, reason_code, reason, raw) VALUES (?, ?, ?, ?, ?, ?)');
  const insertSheet = db.prepare(
    'INSERT INTO source_sheets (source_id, name, header_row, headers, mapping, mapped_columns, constants, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const finishSheet = db.prepare('UPDATE source_sheets SET rows_staged = ?, rows_rejected = ?, first_row_id = ?, last_row_id = ? WHERE id = ?');

  const sheets: SheetResult[] = [];
  const rejectsByReason: Record<string, number> = {};
  let rowsStaged = 0;
  let rowsRejected = 0;
  let blankRows = 0;
  let conventionsSeen: Conventions | undefined;
  const problems: { sheet: string; row?: number; message: string; hint?: string }[] = [];

  try {
    for await (const sheet of source.sheets()) {
      const rows = new SheetRows(sheet);
      // Buffer the top of the sheet: the header is somewhere in it, and a sample of
      // data rows decides the decimal separator and date order.
      const head = await rows.take(HEADER_SEARCH_ROWS * 2 + SAMPLE_ROWS);
      const header = detectHeader(head, kind, map, { file: display, sheet: sheet.name });
      let plan: HeaderPlan | undefined;
      if (header.ok) {
        const missing = missingRequired(header.plan, kind, Object.keys(map.constants));
        if (missing) problems.push({ sheet: sheet.name, row: missing.rowNumber, message: missing.message, hint: missing.hint });
        else plan = header.plan;
      } else {
        problems.push({ sheet: sheet.name, row: header.problem.rowNumber, message: header.problem.message, hint: header.problem.hint });
      }
      if (!plan) {
        await rows.drain();
        const why = problems[problems.length - 1]!.message;
        insertSheet.run(sourceId, sheet.name, null, '[]', '{}', '{}', '{}', `skipped: ${why}`);
        sheets.push({ name: sheet.name, mapped: {}, unmapped: [], rowsStaged: 0, rowsRejected: 0, skipped: why });
        continue;
      }
      const constants = Object.fromEntries(Object.entries(map.constants).filter(([c]) => !plan.columns.some((m) => m.canonical === c)));
      const mapped = Object.fromEntries(plan.columns.map((c) => [c.canonical, c.header]));
      const sheetId = Number(
        insertSheet
          .run(
            sourceId,
            sheet.name,
            plan.rowNumber,
            JSON.stringify(plan.headers),
            JSON.stringify(mapped),
            JSON.stringify(Object.fromEntries(plan.columns.map((c) => [c.canonical, c.index]))),
            JSON.stringify(constants),
            null,
          )
          .lastInsertRowid,
      );
      const dataRows = head.slice(plan.position + 1);
      const conventions = decideConventions(dataRows, plan.columns, kind, {
        decimal: map.decimal,
        dateOrder: map.dateOrder,
        delimiter: source.delimiter?.(),
        date1904: source.info.date1904,
      });
      conventionsSeen ??= conventions;
      const { layout, convert } = rowConverter(kind, plan.columns, constants, conventions);
      const inserter = BatchInserter.forSheet(db, kind, sheetId, [
        'row_no',
        'raw',
        ...layout.columns,
        ...(layout.hasUnitInCell ? ['qty_unit_in_cell'] : []),
        'flags',
      ]);
      let sheetStaged = 0;
      let sheetRejected = 0;
      const fields = plan.headers.length;
      const delimited = source.info.format === 'csv';
      const stage = (row: RawRow): void => {
        const cells = row.cells;
        if (cells.length === 0 || cells.every(isBlank)) {
          blankRows++;
          return;
        }
        if (delimited && cells.length > fields && !cells.slice(fields).every(isBlank)) {
          // Values past the header's last field shift every column after an unquoted delimiter.
          throw new InputError(
            { file: display, row: row.rowNumber, column: columnName(fields) },
            `this record has ${cells.length} fields, the header (row ${plan.rowNumber}) has ${fields}`,
            `a value probably holds an unquoted ${JSON.stringify(source.delimiter?.() ?? ',')}; quote it, or re-export the file`,
          );
        }
        const buffer = inserter.buffer;
        const at = inserter.offset;
        buffer[at] = row.rowNumber;
        const outcome = convert(row, buffer, at + 1);
        if (outcome.kind === 'staged') {
          inserter.commit();
          sheetStaged++;
        } else {
          insertReject.run(sheetId, row.rowNumber, outcome.column ?? null, outcome.code, outcome.reason, JSON.stringify(cells));
          rejectsByReason[outcome.code] = (rejectsByReason[outcome.code] ?? 0) + 1;
          sheetRejected++;
        }
      };
      for (const row of dataRows) stage(row);
      let sinceProgress = 0;
      for await (const batch of rows.rest()) {
        for (const row of batch) stage(row);
        sinceProgress += batch.length;
        if (sinceProgress >= 20_000) {
          sinceProgress = 0;
          onProgress?.({ file: display, rows: rowsStaged + rowsRejected + sheetStaged + sheetRejected });
        }
      }
      inserter.flush();
      finishSheet.run(sheetStaged, sheetRejected, inserter.firstId ?? null, inserter.lastId ?? null, sheetId);
      rowsStaged += sheetStaged;
      rowsRejected += sheetRejected;
      sheets.push({
        name: sheet.name,
        headerRow: plan.rowNumber,
        mapped,
        unmapped: plan.unmapped,
        rowsStaged: sheetStaged,
        rowsRejected: sheetRejected,
        skipped: sheetStaged + sheetRejected === 0 ? `no data rows below the header (row ${plan.rowNumber})` : undefined,
      });
      onProgress?.({ file: display, rows: rowsStaged + rowsRejected });
    }
  } catch (err) {
    if (err instanceof EncodingMismatch && sniffed.encoding === 'utf-8') return 'retry-windows-1252';
    throw err;
  }

  const usable = sheets.filter((s) => s.rowsStaged + s.rowsRejected > 0);
  if (usable.length === 0) {
    const withHeader = sheets.find((s) => s.headerRow !== undefined);
    if (withHeader) {
      throw new InputError({ file: display, sheet: withHeader.name, row: withHeader.headerRow }, 'has a header row but no data rows below it');
    }
    const problem = problems[0];
    if (!problem) throw new InputError({ file: display, sheet: sheetWanted }, 'has no sheets with data');
    const more = problems.length > 1 ? ` (and ${problems.length - 1} other sheet${problems.length > 2 ? 's' : ''} likewise)` : '';
    throw new InputError({ file: display, sheet: problem.sheet, row: problem.row }, `${problem.message}${more}`, problem.hint);
  }
  const delimiter = source.delimiter?.();
  db.prepare(
    'UPDATE sources SET rows_read = ?, rows_staged = ?, rows_rejected = ?, rows_skipped_blank = ?, delimiter = ?, decimal_separator = ?, date_order = ?, encoding = ? WHERE id = ?',
  ).run(
    rowsStaged + rowsRejected,
    rowsStaged,
    rowsRejected,
    blankRows,
    sniffed.format === 'csv' ? (delimiter ?? null) : null,
    conventionsSeen ? `${conventionsSeen.decimal} (${conventionsSeen.decimalFrom})` : null,
    conventionsSeen ? `${conventionsSeen.dateOrder} (${conventionsSeen.dateOrderFrom})` : null,
    source.info.encoding ?? sniffed.encoding ?? null,
    sourceId,
  );
  return {
    file: display,
    kind,
    sha256,
    format: source.info.format,
    ...(source.info.readOnThread ? { threads: 2 as const } : {}),
    encoding: source.info.encoding ?? sniffed.encoding,
    delimiter: sniffed.format === 'csv' ? delimiter : undefined,
    decimalSeparator: conventionsSeen?.decimal,
    dateOrder: conventionsSeen?.dateOrder,
    rowsRead: rowsStaged + rowsRejected,
    rowsStaged,
    rowsRejected,
    blankRows,
    rejectsByReason,
    sheets,
    replaced,
  };
}

/** A sheet's rows, whichever way the reader hands them over: the head one by one, the rest in batches. */
class SheetRows {
  private readonly batches?: AsyncIterator<RawRow[]>;
  private readonly single?: AsyncIterator<RawRow> | Iterator<RawRow>;
  private carry: RawRow[] = [];

  constructor(sheet: RawSheet) {
    if (sheet.batches) this.batches = sheet.batches[Symbol.asyncIterator]();
    else if (Symbol.asyncIterator in sheet.rows) this.single = (sheet.rows as AsyncIterable<RawRow>)[Symbol.asyncIterator]();
    else this.single = (sheet.rows as Iterable<RawRow>)[Symbol.iterator]();
  }

  private async nextBatch(): Promise<RawRow[] | undefined> {
    if (this.carry.length) {
      const batch = this.carry;
      this.carry = [];
      return batch;
    }
    if (this.batches) {
      const b = await this.batches.next();
      return b.done ? undefined : b.value;
    }
    const batch: RawRow[] = [];
    while (batch.length < 1000) {
      const r = await this.single!.next();
      if (r.done) break;
      batch.push(r.value);
    }
    return batch.length ? batch : undefined;
  }

  async take(count: number): Promise<RawRow[]> {
    const out: RawRow[] = [];
    while (out.length < count) {
      const batch = await this.nextBatch();
      if (!batch) break;
      const room = count - out.length;
      if (batch.length > room) {
        out.push(...batch.slice(0, room));
        this.carry = batch.slice(room);
      } else {
        out.push(...batch);
      }
    }
    return out;
  }

  async *rest(): AsyncGenerator<RawRow[]> {
    for (let b = await this.nextBatch(); b; b = await this.nextBatch()) yield b;
  }

  async drain(): Promise<void> {
    for await (const _batch of this.rest()) void _batch;
  }
}
