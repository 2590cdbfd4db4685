/**
 * Output files: written whole or not at all (a temporary name, then a rename), and
 * byte-identical for identical content (workbooks carry no run time: their document
 * properties and zip entries are stamped with one fixed date).
 *
 * exceljs 4 stamps two things with the current time: the document properties
 * (docProps/core.xml), which the workbook's `created` and `modified` fields fix, and
 * the zip entries' DOS date/time, which JSZip takes from `new Date()` and exceljs
 * offers no option for; the entries are re-stamped after writing.
 */
import fs from 'node:fs';
import path from 'node:path';
import type ExcelJS from 'exceljs';
import { WorkspaceError } from '../errors.js';

/** The date every generated workbook carries: data files hold no run time (the audit trail does). */
export const WORKBOOK_DATE = new Date(Date.UTC(2000, 0, 1, 0, 0, 0));

export function stampWorkbook(wb: ExcelJS.Workbook, creator = 'invsync', date: Date = WORKBOOK_DATE): ExcelJS.Workbook {
  wb.creator = creator;
  wb.lastModifiedBy = creator;
  wb.created = date;
  wb.modified = date;
  return wb;
}

export async function workbookBytes(wb: ExcelJS.Workbook, date: Date = WORKBOOK_DATE): Promise<Buffer> {
  const raw = await wb.xlsx.writeBuffer();
  const buf = Buffer.from(raw as ArrayBuffer);
  fixZipTimestamps(buf, date);
  return buf;
}

/** Writes `bytes` to `file` through a temporary name in the same folder, then renames. */
export function writeFileAtomic(file: string, bytes: string | Uint8Array): void {
  const dir = path.dirname(file);
  const temp = path.join(dir, `.${path.basename(file)}.tmp-${process.pid}`);
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(temp, bytes);
    fs.renameSync(temp, file);
  } catch (err) {
    fs.rmSync(temp, { force: true });
    throw new WorkspaceError(`cannot write ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, 'check that the folder exists and is writable');
  }
}

function dosTime(d: Date): number {
  return (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | Math.floor(d.getUTCSeconds() / 2);
}

function dosDate(d: Date): number {
  return ((d.getUTCFullYear() - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate();
}

/**
 * Sets the last-modified DOS time and date of every entry of a zip (in its local
 * header and its central directory record) to `date`, in place.
 */
export function fixZipTimestamps(buf: Buffer, date: Date): void {
  const time = dosTime(date);
  const day = dosDate(date);
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('not a zip: no end of central directory record');
  const entries = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  for (let n = 0; n < entries; n++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new Error(`zip central directory record ${n} is malformed`);
    buf.writeUInt16LE(time, p + 12);
    buf.writeUInt16LE(day, p + 14);
    const local = buf.readUInt32LE(p + 42);
    if (buf.readUInt32LE(local) !== 0x04034b50) throw new Error(`zip local header ${n} is malformed`);
    buf.writeUInt16LE(time, local + 10);
    buf.writeUInt16LE(day, local + 12);
    p += 46 + buf.readUInt16LE(p + 28) + buf.readUInt16LE(p + 30) + buf.readUInt16LE(p + 32);
  }
}
