/**
 * Text in BIFF: 8-bit byte strings in the workbook's code page (BIFF2-BIFF5), and
 * BIFF8 Unicode strings, either inline or in the shared string table (SST).
 */
import { decodeWindows1252 } from '../encoding.js';
import { CorruptBiffError, RecordReader, type BiffRecord } from './records.js';

/** Code page ids that a CODEPAGE record may hold → WHATWG encoding labels Node can decode. */
const CODE_PAGE_LABELS: ReadonlyMap<number, string> = new Map([
  [367, 'windows-1252'], // US-ASCII; 1252 is a superset
  [866, 'ibm866'],
  [874, 'windows-874'],
  [932, 'shift_jis'],
  [936, 'gbk'],
  [949, 'euc-kr'],
  [950, 'big5'],
  [1200, 'utf-16le'],
  [1250, 'windows-1250'],
  [1251, 'windows-1251'],
  [1252, 'windows-1252'],
  [1253, 'windows-1253'],
  [1254, 'windows-1254'],
  [1255, 'windows-1255'],
  [1256, 'windows-1256'],
  [1257, 'windows-1257'],
  [1258, 'windows-1258'],
  [10000, 'macintosh'],
  [10007, 'x-mac-cyrillic'],
  [20866, 'koi8-r'],
  [21866, 'koi8-u'],
  [28591, 'iso-8859-1'],
  [32768, 'macintosh'], // BIFF2-BIFF3 marker for Apple Roman
  [32769, 'windows-1252'], // BIFF2-BIFF3 marker for Windows ANSI
  [65001, 'utf-8'],
]);

/** With no CODEPAGE record, Excel wrote the Windows ANSI code page of western systems. */
export const DEFAULT_ENCODING = 'windows-1252';

export interface TextEncoding {
  /** What ReaderInfo.encoding reports. */
  readonly name: string;
  /** Decodes an 8-bit byte string (BIFF2-BIFF5 text). */
  readonly decodeBytes: (bytes: Uint8Array) => string;
}

export function encodingForCodePage(codePage: number | undefined): TextEncoding {
  if (codePage === undefined) return makeEncoding(DEFAULT_ENCODING, DEFAULT_ENCODING);
  const label = CODE_PAGE_LABELS.get(codePage);
  if (label === 'utf-16le') {
    // BIFF8 declares 1200 and stores Unicode; 8-bit strings never occur there, but a
    // BIFF5 writer that declares 1200 still stores 8-bit text: read it as ANSI.
    return makeEncoding('utf-16le', DEFAULT_ENCODING);
  }
  if (label !== undefined) return makeEncoding(label, label);
  // OEM code pages such as 437 and 850 have no WHATWG decoder; they agree with
  // 1252 on ASCII, which is what spreadsheet data mostly is.
  return makeEncoding(`${DEFAULT_ENCODING} (code page ${codePage} is not supported)`, DEFAULT_ENCODING);
}

function makeEncoding(name: string, decoderLabel: string): TextEncoding {
  if (decoderLabel === 'windows-1252') return { name, decodeBytes: decodeWindows1252 };
  if (decoderLabel === 'iso-8859-1') return { name, decodeBytes: (bytes) => Buffer.from(bytes).toString('latin1') };
  const decoder = new TextDecoder(decoderLabel);
  return { name, decodeBytes: (bytes) => decoder.decode(bytes) };
}

/** A byte string with an 8-bit (BIFF2 cells, names, formats) or 16-bit length in front. */
export function readByteString(reader: RecordReader, lengthBytes: 1 | 2, encoding: TextEncoding): string {
  const length = lengthBytes === 1 ? reader.u8() : reader.u16();
  return encoding.decodeBytes(reader.bytes(length));
}

const FLAG_HIGH_BYTE = 0x01;
const FLAG_EXTENDED = 0x04;
const FLAG_RICH = 0x08;

/**
 * A BIFF8 Unicode string: character count (1 or 2 bytes), flags, optional rich-text
 * run count and phonetic data size, the characters, then the runs and phonetic data,
 * which are skipped.
 */
export function readUnicodeString(reader: RecordReader, lengthBytes: 1 | 2): string {
  const length = lengthBytes === 1 ? reader.u8() : reader.u16();
  const flags = reader.u8();
  const runCount = flags & FLAG_RICH ? reader.u16() : 0;
  const extendedSize = flags & FLAG_EXTENDED ? reader.u32() : 0;
  const text = reader.readCharacters(length, (flags & FLAG_HIGH_BYTE) !== 0);
  const trailing = runCount * 4 + extendedSize;
  if (trailing > reader.totalRemaining) {
    throw new CorruptBiffError('a string declares more formatting data than its record holds');
  }
  reader.skip(trailing);
  return text;
}

/**
 * The shared string table with its CONTINUE records. The unique count in the
 * header is not trusted for allocation; the strings that are present are read.
 */
export function readSharedStrings(record: BiffRecord): string[] {
  const reader = new RecordReader(record);
  reader.u32(); // total references, unused
  const declaredUnique = reader.u32();
  const strings: string[] = [];
  while (strings.length < declaredUnique && !reader.atEnd) {
    strings.push(readUnicodeString(reader, 2));
  }
  return strings;
}
