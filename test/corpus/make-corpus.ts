/**
 * The bad-input corpus: files that break naive loaders. The tiny text ones are
 * committed beside this script (see README.md); the binary, large or generated ones
 * are written here, deterministically (fixed seed, fixed dates, fixed zip entry
 * times), into a folder the test chooses, so that nothing big is committed.
 *
 *   const files = await makeCorpus(dir);   // name → absolute path
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';

/** The folder holding the committed corpus files. */
export const CORPUS_DIR = path.dirname(fileURLToPath(import.meta.url));

/** Committed files (tiny, readable text; `empty.csv` is 0 bytes). */
export const COMMITTED = [
  'good-items.csv',
  'empty.csv',
  'header-only.csv',
  'duplicate-qty-header.csv',
  'missing-description.csv',
  'unclosed-quote.csv',
  'ragged-rows.csv',
  'tab-separated.xls',
] as const;

/** Generated files, written by makeCorpus. */
export const GENERATED = [
  'binary-junk.csv',
  'utf16le-no-bom.csv',
  'late-invalid-utf8.csv',
  'truncated.xlsx',
  'long-cell.csv',
  'long-lines.csv',
  'wide-16384-columns.xlsx',
  'xlsx-named.csv',
] as const;

export type GeneratedName = (typeof GENERATED)[number];

/** Everything the generated files are made of, for the test's assertions. */
export const FACTS = {
  /** late-invalid-utf8.csv: data rows, and where the one Windows-1252 byte (0xD1, Ñ) sits. */
  lateInvalid: { rows: 30_000, badRow: 29_000, badSku: 'S-29000', badDescription: 'CAMARA MUÑOZ 29000' },
  /** long-cell.csv: the length of the description in its only data row (line 2). */
  longCell: { length: 100_000 },
  /** long-lines.csv: a valid CSV whose data lines (1,000 short fields) are longer than 32,767 characters. */
  longLines: { columns: 1000, rows: 2 },
  /** wide-16384-columns.xlsx: Excel's widest sheet, A..XFD. */
  wide: { columns: 16_384, sheet: 'Wide' },
  /** truncated.xlsx: the data rows of the whole workbook before it was cut. */
  truncated: { rows: 400, sheet: 'Items' },
  /** xlsx-named.csv: the rows of the workbook hiding behind a .csv name. */
  xlsxNamedCsv: { rows: 3, sheet: 'Items' },
} as const;

/** Fixed date for workbook properties and zip entries: 2024-01-02 03:04:06 UTC. */
const FIXED_DATE = new Date(Date.UTC(2024, 0, 2, 3, 4, 6));

export async function makeCorpus(dir: string): Promise<Record<GeneratedName, string>> {
  fs.mkdirSync(dir, { recursive: true });
  const out = {} as Record<GeneratedName, string>;
  const write = (name: GeneratedName, bytes: Buffer | string): void => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, bytes);
    out[name] = file;
  };

  // Random bytes with NULs, named .csv.
  write('binary-junk.csv', junk(4096, 0x5eed));

  // UTF-16LE text without a byte-order mark, named .csv.
  write('utf16le-no-bom.csv', Buffer.from('sku,description,uom\r\nU-1,Wide widget,PCE\r\nU-2,Wide gadget,BOX\r\n', 'utf16le'));

  // Plain ASCII (so valid UTF-8) for well over the sniffer's 64 KB and the reader's
  // first chunks, then one Windows-1252 byte (0xD1 = Ñ): invalid UTF-8, found late.
  {
    const { rows, badRow } = FACTS.lateInvalid;
    const parts: Buffer[] = [Buffer.from('sku,description,uom\n')];
    for (let i = 1; i <= rows; i++) {
      const n = String(i).padStart(5, '0');
      if (i === badRow) parts.push(Buffer.concat([Buffer.from(`S-${n},CAMARA MU`), Buffer.from([0xd1]), Buffer.from(`OZ ${n},PCE\n`)]));
      else parts.push(Buffer.from(`S-${n},Plain description number ${n},PCE\n`));
    }
    write('late-invalid-utf8.csv', Buffer.concat(parts));
  }

  // A real small xlsx, cut in half.
  {
    const wb = workbook();
    const ws = wb.addWorksheet(FACTS.truncated.sheet);
    ws.addRow(['sku', 'description', 'uom', 'unit_cost']);
    for (let i = 1; i <= FACTS.truncated.rows; i++) ws.addRow([`T-${i}`, `Truncated item ${i}`, 'PCE', i / 4]);
    const whole = fixZipTimes(Buffer.from(await wb.xlsx.writeBuffer()));
    write('truncated.xlsx', whole.subarray(0, Math.floor(whole.length / 2)));
  }

  // One cell of 100,000 characters (Excel's own limit is 32,767).
  write('long-cell.csv', `sku,description,uom\nL-1,${'x'.repeat(FACTS.longCell.length)},PCE\n`);

  // A valid CSV, 1,000 columns wide: no cell is long, but each data line is about
  // 36,000 characters, more than Excel's cell limit.
  {
    const { columns, rows } = FACTS.longLines;
    const attrs = Array.from({ length: columns - 2 }, (_, i) => i + 3);
    const lines = [['sku', 'description', ...attrs.map((c) => `attr_${c}`)].join(',')];
    for (let r = 1; r <= rows; r++) {
      lines.push([`W-${r}`, `Wide item ${r}`, ...attrs.map((c) => `value ${String(c).padStart(4, '0')} of row ${r} padded to forty`)].join(','));
    }
    write('long-lines.csv', `${lines.join('\n')}\n`);
  }

  // A sheet 16,384 columns wide (A..XFD), written with exceljs's streaming writer.
  {
    const file = path.join(dir, 'wide-16384-columns.xlsx');
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useStyles: false, useSharedStrings: false });
    wb.created = FIXED_DATE;
    wb.modified = FIXED_DATE;
    wb.creator = 'invsync test corpus';
    const ws = wb.addWorksheet(FACTS.wide.sheet);
    const header = ['sku', 'description'];
    const data: (string | number)[] = ['W-1', 'Wide widget'];
    for (let c = 3; c <= FACTS.wide.columns; c++) {
      header.push(`attr_${c}`);
      data.push(c);
    }
    ws.addRow(header).commit();
    ws.addRow(data).commit();
    ws.commit();
    await wb.commit();
    fs.writeFileSync(file, fixZipTimes(fs.readFileSync(file)));
    out['wide-16384-columns.xlsx'] = file;
  }

  // A good xlsx behind a .csv name.
  {
    const wb = workbook();
    const ws = wb.addWorksheet(FACTS.xlsxNamedCsv.sheet);
    ws.addRow(['sku', 'description', 'uom']);
    ws.addRow(['X-1', 'Hidden widget', 'PCE']);
    ws.addRow(['X-2', 'Hidden gadget', 'BOX']);
    ws.addRow(['X-3', 'Hidden gizmo', 'KG']);
    write('xlsx-named.csv', fixZipTimes(Buffer.from(await wb.xlsx.writeBuffer())));
  }
  return out;
}

function workbook(): ExcelJS.Workbook {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'invsync test corpus';
  wb.lastModifiedBy = 'invsync test corpus';
  wb.created = FIXED_DATE;
  wb.modified = FIXED_DATE;
  return wb;
}

/** Deterministic bytes (mulberry32), with a NUL every 64 bytes so no sniffer takes them for text. */
function junk(length: number, seed: number): Buffer {
  const bytes = Buffer.alloc(length);
  let a = seed >>> 0;
  for (let i = 0; i < length; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    bytes[i] = ((t ^ (t >>> 14)) >>> 0) & 0xff;
  }
  for (let i = 0; i < length; i += 64) bytes[i] = 0;
  bytes[1] = 0xff; // never "PK", never an OLE or BIFF signature
  return bytes;
}

/**
 * Sets every zip entry's modification time (local header and central directory)
 * to FIXED_DATE, so that the same workbook gives the same bytes on every run.
 * The CRCs do not cover these fields.
 */
export function fixZipTimes(zip: Buffer): Buffer {
  const out = Buffer.from(zip);
  const d = FIXED_DATE;
  const dosTime = (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | Math.floor(d.getUTCSeconds() / 2);
  const dosDate = ((d.getUTCFullYear() - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate();
  let eocd = -1;
  for (let i = out.length - 22; i >= Math.max(0, out.length - 22 - 0xffff); i--) {
    if (out.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('fixZipTimes: no end of central directory record');
  const entries = out.readUInt16LE(eocd + 10);
  let at = out.readUInt32LE(eocd + 16);
  for (let e = 0; e < entries; e++) {
    if (out.readUInt32LE(at) !== 0x02014b50) throw new Error(`fixZipTimes: bad central directory entry at ${at}`);
    out.writeUInt16LE(dosTime, at + 12);
    out.writeUInt16LE(dosDate, at + 14);
    const local = out.readUInt32LE(at + 42);
    if (out.readUInt32LE(local) !== 0x04034b50) throw new Error(`fixZipTimes: bad local header at ${local}`);
    out.writeUInt16LE(dosTime, local + 10);
    out.writeUInt16LE(dosDate, local + 12);
    at += 46 + out.readUInt16LE(at + 28) + out.readUInt16LE(at + 30) + out.readUInt16LE(at + 32);
  }
  return out;
}
