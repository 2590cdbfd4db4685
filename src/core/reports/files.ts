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
import { cannotWrite } from '../errors.js';
import { tempNameFor } from './csv.js';

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
  const temp = tempNameFor(file);
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(temp, bytes);
    fs.renameSync(temp, file);
  } catch (err) {
    fs.rmSync(temp, { force: true });
    throw cannotWrite(file, err);
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

// ---------------------------------------------------------------------------------
// Streamed workbooks: rows go to the file as they are made, so memory does not grow
// with the rows (an in-memory exceljs workbook holds about a kilobyte a cell).

/** Bytes exceljs may hold for the zip before the writer waits, and down to which it waits. */
const ZIP_BACKLOG_HIGH = 8 * 1024 * 1024;
const ZIP_BACKLOG_LOW = 2 * 1024 * 1024;

interface BufferingStream {
  writableLength?: number;
  readableLength?: number;
  _writableState?: { length?: number };
  _readableState?: { length?: number };
}

/**
 * The bytes buffered between a sheet and the deflate (exceljs 4 and archiver 5
 * internals: the sheet's StreamBuf holds 64 KB buffers and writes them, without
 * waiting, into the PassThrough that archiver wraps it in). undefined when not found.
 */
function zipBacklog(ws: ExcelJS.Worksheet): number | undefined {
  const stream = (ws as unknown as { stream?: { buffers?: { length: number }[]; pipes?: BufferingStream[] } }).stream;
  if (!stream || !Array.isArray(stream.buffers) || !Array.isArray(stream.pipes)) return undefined;
  let bytes = 0;
  for (const b of stream.buffers) bytes += b.length;
  for (const p of stream.pipes) {
    const writable = p.writableLength ?? p._writableState?.length;
    const readable = p.readableLength ?? p._readableState?.length;
    if (writable === undefined || readable === undefined) return undefined;
    bytes += writable + readable;
  }
  return bytes;
}

/**
 * exceljs's sheet stream accepts whatever is written (it never reports full), and
 * the deflate behind it runs on the thread pool: without a pause the rows of a whole
 * sheet pile up in memory. Waits until the zip has caught up.
 */
export async function waitForZip(ws: ExcelJS.Worksheet): Promise<void> {
  let backlog = zipBacklog(ws);
  if (backlog === undefined) {
    await new Promise<void>((resolve) => setImmediate(resolve)); // unknown internals: at least let the zip run
    return;
  }
  if (backlog < ZIP_BACKLOG_HIGH) return;
  while (backlog !== undefined && backlog > ZIP_BACKLOG_LOW) {
    await new Promise<void>((resolve) => setTimeout(resolve, 1));
    backlog = zipBacklog(ws);
  }
}

async function openTemp(file: string, temp: string): Promise<fs.WriteStream> {
  try {
    await fs.promises.mkdir(path.dirname(file), { recursive: true });
    const stream = fs.createWriteStream(temp, { highWaterMark: 1024 * 1024 });
    await new Promise<void>((resolve, reject) => {
      stream.once('open', () => {
        stream.off('error', reject);
        resolve();
      });
      stream.once('error', reject);
    });
    return stream;
  } catch (err) {
    await fs.promises.rm(temp, { force: true }).catch(() => undefined);
    throw cannotWrite(file, err);
  }
}

/**
 * Writes a workbook to `file` with exceljs's streaming writer, whole or not at all:
 * `write` adds and commits the sheets; the workbook goes to a temporary name, its zip
 * entries are stamped with WORKBOOK_DATE (the same content gives the same bytes), and
 * it is renamed onto `file`. An I/O failure becomes a WorkspaceError naming `file`;
 * any other error from `write` passes as it is. Returns what `write` returns.
 */
export async function writeStreamedWorkbook<R>(file: string, write: (wb: ExcelJS.stream.xlsx.WorkbookWriter) => Promise<R>): Promise<R> {
  // Loaded here, not at start-up: most commands never write a workbook.
  const ExcelJS = (await import('exceljs')).default;
  const temp = tempNameFor(file);
  const out = await openTemp(file, temp);
  let streamError: Error | null = null;
  out.on('error', (err) => (streamError ??= err));
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  stampWorkbook(wb);
  const zip = (wb as unknown as { zip?: { abort?: () => void; on?: (event: string, f: (err: Error) => void) => void } }).zip;
  zip?.on?.('error', (err) => (streamError ??= err));
  try {
    const result = await write(wb);
    await wb.commit();
    // commit() resolves on the file stream's 'finish'; the file is closed just after.
    await new Promise<void>((resolve, reject) => {
      const settle = (): void => (streamError ? reject(streamError) : resolve());
      if (out.closed) settle();
      else out.once('close', settle);
    });
    try {
      await stampZipEntries(temp, WORKBOOK_DATE);
      await fs.promises.rename(temp, file);
    } catch (err) {
      throw cannotWrite(file, err);
    }
    return result;
  } catch (err) {
    const ioFailure = streamError; // before the clean-up below adds its own
    zip?.abort?.();
    out.destroy();
    await fs.promises.rm(temp, { force: true }).catch(() => undefined);
    if (ioFailure) throw cannotWrite(file, ioFailure);
    throw err;
  }
}

/** Sets the DOS time and date of every entry of the zip `file` (local headers and central directory) to `date`. */
export async function stampZipEntries(file: string, date: Date): Promise<void> {
  const fh = await fs.promises.open(file, 'r+');
  try {
    const { size } = await fh.stat();
    const tailLength = Math.min(size, 22 + 0xffff);
    const tail = Buffer.alloc(tailLength);
    await fh.read(tail, 0, tailLength, size - tailLength);
    let eocd = -1;
    for (let i = tailLength - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === 0x06054b50) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) throw new Error(`${file} is not a zip: no end of central directory record`);
    const entries = tail.readUInt16LE(eocd + 10);
    const cdSize = tail.readUInt32LE(eocd + 12);
    const cdOffset = tail.readUInt32LE(eocd + 16);
    if (entries === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) throw new Error(`${file} is a zip64 archive; its timestamps are not rewritten`);
    const cd = Buffer.alloc(cdSize);
    await fh.read(cd, 0, cdSize, cdOffset);
    const time = dosTime(date);
    const day = dosDate(date);
    const stamp = Buffer.alloc(4);
    stamp.writeUInt16LE(time, 0);
    stamp.writeUInt16LE(day, 2);
    const signature = Buffer.alloc(4);
    let p = 0;
    for (let n = 0; n < entries; n++) {
      if (cd.readUInt32LE(p) !== 0x02014b50) throw new Error(`zip central directory record ${n} is malformed`);
      stamp.copy(cd, p + 12);
      const local = cd.readUInt32LE(p + 42);
      await fh.read(signature, 0, 4, local);
      if (signature.readUInt32LE(0) !== 0x04034b50) throw new Error(`zip local header ${n} is malformed`);
      await fh.write(stamp, 0, 4, local + 10);
      p += 46 + cd.readUInt16LE(p + 28) + cd.readUInt16LE(p + 30) + cd.readUInt16LE(p + 32);
    }
    await fh.write(cd, 0, cdSize, cdOffset);
  } finally {
    await fh.close();
  }
}
