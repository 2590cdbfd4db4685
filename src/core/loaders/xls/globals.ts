/**
 * Workbook-wide settings a worksheet needs before its cells make sense: BIFF
 * version, code page, date system, shared strings, number formats, and where the
 * sheets are. BIFF5-BIFF8 keep them in a globals substream in front of the sheets;
 * BIFF2-BIFF4 worksheet files have a single stream that holds them among the cells.
 */
import { isBuiltInDateFormat, isDateFormatString } from './formats.js';
import { BOF_IDS, CorruptBiffError, Rec, RecordReader, readRecordAt, substreamRecords, type BiffRecord } from './records.js';
import { encodingForCodePage, readByteString, readSharedStrings, readUnicodeString, type TextEncoding } from './strings.js';

export type BiffVersion = 2 | 3 | 4 | 5 | 8;

export interface SheetEntry {
  readonly name: string;
  /** Stream offset of the sheet's BOF record. */
  readonly offset: number;
}

export interface WorkbookGlobals {
  readonly version: BiffVersion;
  readonly encoding: TextEncoding;
  readonly date1904: boolean;
  readonly sharedStrings: readonly string[];
  readonly sheets: readonly SheetEntry[];
  /** Per XF index: does the cell's number format show a date or time? */
  readonly dateXf: readonly boolean[];
  /** Per FORMAT record index (BIFF2 cells name their format directly). */
  readonly dateFormatByIndex: readonly boolean[];
}

/** BOF substream types ([MS-XLS] 2.4.21 dt; BIFF2-4 use the same values). */
const SubstreamType = {
  globals: 0x0005,
  worksheet: 0x0010,
  chart: 0x0020,
  macroSheet: 0x0040,
  workspace: 0x0100,
} as const;

/** BOUNDSHEET sheet types: only worksheets (0) hold cells; 1 macro, 2 chart, 6 VBA module. */
const BOUNDSHEET_WORKSHEET = 0;

/** A raw BIFF2-BIFF4 worksheet file has no sheet name stored. */
export const SINGLE_SHEET_NAME = 'Sheet1';

export class UnsupportedBiffError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'UnsupportedBiffError';
  }
}

interface BofInfo {
  readonly version: BiffVersion;
  readonly substreamType: number;
}

/**
 * Reads the BOF at `offset`. `fallbackVersion` decides BIFF5 against BIFF8 when a
 * 0x0809 BOF carries an unexpected version number (the OLE stream name tells).
 */
export function readBof(stream: Buffer, offset: number, fallbackVersion?: BiffVersion): BofInfo {
  const { record } = readRecordAt(stream, offset);
  if (!BOF_IDS.has(record.id)) throw new CorruptBiffError('the stream does not start with a BOF record');
  const reader = new RecordReader(record.data);
  const versionField = reader.u16();
  const substreamType = reader.u16();
  switch (record.id) {
    case Rec.BOF_B2:
      return { version: 2, substreamType };
    case Rec.BOF_B3:
      return { version: 3, substreamType };
    case Rec.BOF_B4:
      return { version: 4, substreamType };
    default:
      if (versionField === 0x0600) return { version: 8, substreamType };
      if (versionField === 0x0500) return { version: 5, substreamType };
      if (fallbackVersion !== undefined) return { version: fallbackVersion, substreamType };
      throw new CorruptBiffError(`unknown BIFF version 0x${versionField.toString(16)} in the BOF record`);
  }
}

export function readGlobals(stream: Buffer, fallbackVersion?: BiffVersion): WorkbookGlobals {
  const bof = readBof(stream, 0, fallbackVersion);
  if (bof.substreamType === SubstreamType.worksheet) {
    return collectGlobals(substreamRecords(stream, 0), bof.version, [{ name: SINGLE_SHEET_NAME, offset: 0 }]);
  }
  if (bof.substreamType === SubstreamType.globals && bof.version >= 5) {
    return collectGlobals(substreamRecords(stream, 0), bof.version, undefined);
  }
  if (bof.substreamType === SubstreamType.workspace) {
    throw new UnsupportedBiffError('Excel 4.0 workbooks (BIFF4W, several sheets in one file) cannot be read');
  }
  if (bof.substreamType === SubstreamType.chart) {
    throw new UnsupportedBiffError('the file is an Excel chart, not a worksheet');
  }
  if (bof.substreamType === SubstreamType.macroSheet) {
    throw new UnsupportedBiffError('the file is an Excel macro sheet, not a worksheet');
  }
  throw new UnsupportedBiffError(`the file has an unknown kind of sheet (0x${bof.substreamType.toString(16)})`);
}

interface FormatRecord {
  /** BIFF5-8: the id XF records refer to; BIFF2-4: the record's position. */
  readonly id: number;
  readonly raw: BiffRecord;
}

/**
 * One pass over the records; code page dependent text (sheet names, format strings)
 * is decoded afterwards, so a CODEPAGE record late in the stream still applies.
 */
function collectGlobals(
  records: Iterable<BiffRecord>,
  version: BiffVersion,
  singleSheet: SheetEntry[] | undefined,
): WorkbookGlobals {
  let codePage: number | undefined;
  let date1904 = false;
  let sharedStrings: string[] = [];
  const boundSheets: BiffRecord[] = [];
  const formats: FormatRecord[] = [];
  const xfFormatIds: number[] = [];

  for (const record of records) {
    const reader = new RecordReader(record);
    switch (record.id) {
      case Rec.CODEPAGE:
        codePage = reader.u16();
        break;
      case Rec.DATEMODE:
        date1904 = reader.u16() === 1;
        break;
      case Rec.FILEPASS:
        throw new UnsupportedBiffError(
          'the workbook is password-protected (encrypted)',
          'open it in Excel, remove the password and save it as .xlsx',
        );
      case Rec.BOUNDSHEET:
        boundSheets.push(record);
        break;
      case Rec.SST:
        if (version === 8) sharedStrings = readSharedStrings(record);
        break;
      case Rec.FORMAT_B2:
      case Rec.FORMAT:
        formats.push({ id: version >= 5 ? reader.u16() : formats.length, raw: record });
        break;
      case Rec.XF:
        // font index (2 bytes), then the format id
        reader.skip(2);
        xfFormatIds.push(reader.u16());
        break;
      case Rec.XF_B3:
      case Rec.XF_B4:
        // font index (1 byte), then the format's record position
        reader.skip(1);
        xfFormatIds.push(reader.u8());
        break;
      case Rec.XF_B2:
        // font index, an unused byte, then the format position in bits 0-5
        reader.skip(2);
        xfFormatIds.push(reader.u8() & 0x3f);
        break;
    }
  }

  // BIFF8 text is Unicode whatever the code page says; without a CODEPAGE record say so.
  const encoding = encodingForCodePage(codePage ?? (version === 8 ? 1200 : undefined));
  const formatIsDate = new Map<number, boolean>();
  for (const format of formats) {
    formatIsDate.set(format.id, isDateFormatString(readFormatString(format.raw, version, encoding)));
  }
  const isDateFormat = (id: number): boolean =>
    formatIsDate.get(id) ?? (version >= 5 && isBuiltInDateFormat(id));

  return {
    version,
    encoding,
    date1904,
    sharedStrings,
    sheets: singleSheet ?? boundSheets.flatMap((record) => worksheetEntry(record, version, encoding)),
    dateXf: xfFormatIds.map(isDateFormat),
    dateFormatByIndex: formats.map((format) => formatIsDate.get(format.id) ?? false),
  };
}

function readFormatString(record: BiffRecord, version: BiffVersion, encoding: TextEncoding): string {
  const reader = new RecordReader(record);
  if (version === 8) {
    reader.u16();
    return readUnicodeString(reader, 2);
  }
  // BIFF4 and BIFF5 put a 2-byte field (BIFF5: the format id) before the string.
  if (record.id === Rec.FORMAT) reader.u16();
  return readByteString(reader, 1, encoding);
}

function worksheetEntry(record: BiffRecord, version: BiffVersion, encoding: TextEncoding): SheetEntry[] {
  const reader = new RecordReader(record);
  const offset = reader.u32();
  reader.u8(); // visibility: hidden sheets are read like the others
  const sheetType = reader.u8();
  const name = version === 8 ? readUnicodeString(reader, 1) : readByteString(reader, 1, encoding);
  return sheetType === BOUNDSHEET_WORKSHEET ? [{ name, offset }] : [];
}
