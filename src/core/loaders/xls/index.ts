/**
 * Legacy Excel files: Excel 97-2003 (BIFF8) and Excel 5.0/95 (BIFF5) inside an OLE
 * compound file, and the bare Excel 2.x-4.0 worksheet files (BIFF2-BIFF4).
 * The compound file is opened with `cfb`; the BIFF records are read here.
 */
import CFB from 'cfb';
import { InputError, InvsyncError } from '../../errors.js';
import { noSuchSheet, pickSheet } from '../sheets.js';
import type { FileFormat, RawSheet, ReadOptions, WorkbookSource } from '../types.js';
import { readBof, readGlobals, UnsupportedBiffError, type BiffVersion, type SheetEntry, type WorkbookGlobals } from './globals.js';
import { BOF_IDS, CorruptBiffError, Rec } from './records.js';
import { readWorksheet, type WorksheetContent } from './sheet.js';

const OLE_SIGNATURE = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);

const SAVE_AS_XLSX = 'open it in Excel or LibreOffice and save it as .xlsx';

const FORMAT_BY_VERSION: Record<BiffVersion, FileFormat> = {
  8: 'xls-biff8',
  5: 'xls-biff5',
  4: 'xls-biff4',
  3: 'xls-biff3',
  2: 'xls-biff2',
};

const DESCRIPTION_BY_VERSION: Record<BiffVersion, string> = {
  8: 'Excel 97-2003 file, BIFF8',
  5: 'Excel 5.0/95 file, BIFF5',
  4: 'Excel 4.0 file, BIFF4',
  3: 'Excel 3.0 file, BIFF3',
  2: 'Excel 2.x file, BIFF2',
};

/**
 * Recognises legacy Excel bytes: an OLE compound file holding a `Workbook` (BIFF8)
 * or `Book` (BIFF5) stream, or a bare BIFF stream starting with a BOF record.
 * An OLE file that cfb cannot open (damaged, or only its first bytes given) is
 * reported as BIFF8 so that the reader can say what is wrong with it; OLE files
 * without a workbook stream (Word documents, encrypted .xlsx) are not Excel BIFF.
 */
export function sniffXlsKind(bytes: Buffer): FileFormat | undefined {
  if (hasOleSignature(bytes)) {
    let located: BiffStream | undefined;
    try {
      located = findWorkbookStream(CFB.read(bytes, { type: 'buffer' }));
    } catch {
      return 'xls-biff8';
    }
    if (located === undefined) return undefined;
    try {
      return FORMAT_BY_VERSION[readBof(located.stream, 0, located.fallbackVersion).version];
    } catch {
      return FORMAT_BY_VERSION[located.fallbackVersion];
    }
  }
  return sniffBareBiff(bytes);
}

export function readXls(bytes: Buffer, opts: ReadOptions): WorkbookSource {
  const file = opts.displayName;
  const located = locateBiffStream(bytes, file);
  let globals: WorkbookGlobals;
  try {
    globals = readGlobals(located.stream, located.fallbackVersion);
  } catch (error) {
    throw toInputError(error, { file }, located.fallbackVersion);
  }
  const selected = selectSheets(globals.sheets, opts);
  const format = FORMAT_BY_VERSION[globals.version];
  return {
    info: { format, encoding: globals.encoding.name, date1904: globals.date1904 },
    async *sheets(): AsyncIterable<RawSheet> {
      for (const sheet of selected) {
        let content: WorksheetContent;
        try {
          content = readWorksheet(located.stream, sheet.offset, globals);
        } catch (error) {
          throw toInputError(error, { file, sheet: sheet.name }, globals.version);
        }
        yield { name: sheet.name, rows: content.rows, merges: content.merges };
      }
    },
  };
}

interface BiffStream {
  readonly stream: Buffer;
  /** What the container says the version is, for a BOF that does not say it clearly. */
  readonly fallbackVersion: BiffVersion;
}

function locateBiffStream(bytes: Buffer, file: string): BiffStream {
  if (hasOleSignature(bytes)) {
    let container: CFB.CFB$Container;
    try {
      container = CFB.read(bytes, { type: 'buffer' });
    } catch (error) {
      throw new InputError(
        { file },
        `the file is not a readable Excel 97-2003 file: its OLE container is damaged or truncated${cfbDetail(error)}`,
        `${SAVE_AS_XLSX}, or export it again from the program that made it`,
      );
    }
    const located = findWorkbookStream(container);
    if (located !== undefined) return located;
    if (container.FullPaths.some((path) => /\/EncryptedPackage$/i.test(path))) {
      throw new InputError(
        { file },
        'the workbook is password-protected (encrypted)',
        'open it in Excel, remove the password and save it as .xlsx',
      );
    }
    throw new InputError(
      { file },
      'the file is an OLE compound document without a Workbook stream, so not an Excel workbook (a Word or other Office file?)',
      'check that the right file was given',
    );
  }
  const version = bareBiffVersion(bytes);
  if (version === undefined) {
    throw new InputError({ file }, 'the file is neither an Excel 97-2003 workbook nor an older Excel worksheet', SAVE_AS_XLSX);
  }
  return { stream: bytes, fallbackVersion: version };
}

function findWorkbookStream(container: CFB.CFB$Container): BiffStream | undefined {
  const STREAM = 2;
  const byName = (name: string) =>
    container.FileIndex.find((entry) => entry.type === STREAM && entry.name.toLowerCase() === name);
  // Some Excel 97 files hold both: the BIFF8 stream is the one Excel reads.
  const workbook = byName('workbook');
  if (workbook !== undefined) return { stream: toBuffer(workbook.content), fallbackVersion: 8 };
  const book = byName('book');
  if (book !== undefined) return { stream: toBuffer(book.content), fallbackVersion: 5 };
  return undefined;
}

function toBuffer(content: CFB.CFB$Blob): Buffer {
  return Buffer.isBuffer(content) ? content : Buffer.from(content);
}

function hasOleSignature(bytes: Buffer): boolean {
  return bytes.length >= OLE_SIGNATURE.length && bytes.subarray(0, OLE_SIGNATURE.length).equals(OLE_SIGNATURE);
}

/** BOF substream types that can start a bare BIFF file. */
const BARE_SUBSTREAM_TYPES: ReadonlySet<number> = new Set([0x0005, 0x0010, 0x0020, 0x0040, 0x0100]);

/** The version of a bare BIFF stream from its first record, if it is a plausible BOF. */
function bareBiffVersion(bytes: Buffer): BiffVersion | undefined {
  if (bytes.length < 8) return undefined;
  const id = bytes.readUInt16LE(0);
  const length = bytes.readUInt16LE(2);
  if (!BOF_IDS.has(id) || length < 4 || length > 20 || length + 4 > bytes.length) return undefined;
  const versionField = bytes.readUInt16LE(4);
  const substreamType = bytes.readUInt16LE(6);
  if (!BARE_SUBSTREAM_TYPES.has(substreamType)) return undefined;
  switch (id) {
    case Rec.BOF_B2:
      return 2;
    case Rec.BOF_B3:
      return 3;
    case Rec.BOF_B4:
      return 4;
    default:
      if (versionField === 0x0600) return 8;
      if (versionField === 0x0500) return 5;
      return undefined;
  }
}

function sniffBareBiff(bytes: Buffer): FileFormat | undefined {
  const version = bareBiffVersion(bytes);
  return version === undefined ? undefined : FORMAT_BY_VERSION[version];
}

function selectSheets(sheets: readonly SheetEntry[], opts: ReadOptions): readonly SheetEntry[] {
  if (opts.sheet === undefined) return sheets;
  const sheet = pickSheet(sheets, opts.sheet);
  if (sheet === undefined) throw noSuchSheet(opts.displayName, opts.sheet, sheets.map((s) => s.name));
  return [sheet];
}

function toInputError(
  error: unknown,
  where: { file: string; sheet?: string },
  version: BiffVersion,
): InvsyncError {
  if (error instanceof InvsyncError) return error;
  const format = DESCRIPTION_BY_VERSION[version];
  if (error instanceof UnsupportedBiffError) {
    return new InputError(where, `${error.message} (${format})`, error.hint ?? SAVE_AS_XLSX);
  }
  if (error instanceof CorruptBiffError) {
    return new InputError({ ...where, row: error.row }, `${error.message} (${format})`, SAVE_AS_XLSX);
  }
  // A bounds check this reader missed still means damaged bytes, not a bug to show as a stack trace.
  return new InputError(where, `the file is damaged and cannot be read (${format})`, SAVE_AS_XLSX);
}

/** cfb's own messages say what is wrong; a TypeError from inside it only says that something is. */
function cfbDetail(error: unknown): string {
  return error instanceof Error && error.constructor === Error ? ` (${error.message})` : '';
}
