/**
 * What every reader (csv, xlsx, xls, html, x12-846) hands to the table pipeline:
 * sheets of rows of cells, as the file stores them. No typing or mapping happens in
 * a reader; that is the job of header detection and value parsing.
 */

/** A date cell, kept as Excel's serial and as an ISO date(-time) string in UTC. */
export interface DateCell {
  readonly kind: 'date';
  /** ISO 8601: `YYYY-MM-DD`, or `YYYY-MM-DDTHH:MM:SS` when there is a time part. */
  readonly iso: string;
}

/**
 * One cell as stored: text as text, numbers as the IEEE double the file holds
 * (Excel stores doubles; the value parser turns them into exact decimals),
 * booleans, dates (cells whose number format is a date format), or null for empty.
 * Error cells (#N/A, #REF!) arrive as their error text, e.g. "#N/A".
 */
export type Cell = string | number | boolean | DateCell | null;

export interface RawRow {
  /** 1-based row number as the user sees it in the file (line number of the record's first line for text). */
  readonly rowNumber: number;
  /** cells[0] is column A (or the first field). Trailing empty cells may be omitted. */
  readonly cells: Cell[];
  /** Columns (0-based) whose value is a formula's cached result, where the format tells. */
  readonly formulaColumns?: readonly number[];
}

export interface MergedRange {
  /** 1-based, inclusive. */
  readonly top: number;
  readonly left: number;
  readonly bottom: number;
  readonly right: number;
}

export interface RawSheet {
  readonly name: string;
  /** Rows in file order; empty rows may be skipped by the reader. */
  readonly rows: AsyncIterable<RawRow> | Iterable<RawRow>;
  /**
   * Optional faster path for big text files: the same rows handed over in batches.
   * When present, consumers read it instead of `rows`.
   */
  readonly batches?: AsyncIterable<RawRow[]>;
  /**
   * Merged ranges, where the format knows them before the rows (BIFF). Streaming xlsx
   * learns merges only after the rows, so it may leave this empty.
   */
  readonly merges?: readonly MergedRange[];
}

export interface ReadOptions {
  /** The file's path as the user gave it, for messages. */
  readonly displayName: string;
  /** Only this sheet (exact name, else case-insensitive); readers throw InputError when absent. */
  readonly sheet?: string;
}

/** What the sniffer found the bytes to be. */
export type FileFormat =
  | 'csv'
  | 'xlsx'
  | 'xls-biff8'
  | 'xls-biff5'
  | 'xls-biff4'
  | 'xls-biff3'
  | 'xls-biff2'
  | 'html'
  | 'x12'
  | 'empty'
  | 'binary';

export interface ReaderInfo {
  readonly format: FileFormat;
  /** Text encoding used (csv/html/x12) or the workbook's code page. */
  readonly encoding?: string;
  /** Field delimiter for delimited text. */
  readonly delimiter?: string;
  /** Workbook uses the 1904 date system. */
  readonly date1904?: boolean;
  /** The file is read on a second thread (xlsx-thread.ts). */
  readonly readOnThread?: boolean;
}

export interface WorkbookSource {
  readonly info: ReaderInfo;
  /** Sheets in workbook order; a lazily produced sequence so that big files stream. */
  sheets(): AsyncIterable<RawSheet>;
}
