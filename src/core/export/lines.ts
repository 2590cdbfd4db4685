/**
 * The opening stock's load files, written byte by byte: a million lines are built
 * from fields encoded once (the location per place, the product id per product,
 * CSV-quoted where needed), the lot id and the quantity, copied into one reused
 * buffer. No string per line to concatenate, flatten and encode, no check per field;
 * the buffer goes to the file and into SHA-256 when full, so the file is not read
 * back to hash it.
 *
 * The writes are synchronous: the export reads SQLite synchronously anyway, and a
 * buffer can only be reused once the file has it.
 *
 * Whole or nothing, as writeFileAtomic (reports/files.ts): lines go to a temporary
 * name beside the file, `close()` renames it onto the target, `abort()` removes it.
 */
import { createHash, type Hash } from 'node:crypto';
import fs from 'node:fs';
import { cannotWrite } from '../errors.js';
import { csvLine, tempNameFor, type CsvValue } from '../reports/csv.js';

const FILE_BUFFER_BYTES = 1024 * 1024;
/** A UTF-16 code unit is at most 3 bytes of UTF-8. */
export const MAX_BYTES_PER_CHAR = 3;

/** Encoded text, many fields in one buffer: `bytes[starts[i] .. starts[i + 1]]` is field i. */
export interface FieldTable {
  readonly bytes: Uint8Array;
  readonly starts: Int32Array;
  /** The longest field, in bytes. */
  readonly widest: number;
}

export function fieldTable(fields: readonly string[]): FieldTable {
  const starts = new Int32Array(fields.length + 1);
  const parts = fields.map((f) => Buffer.from(f, 'utf8'));
  let widest = 0;
  for (let i = 0; i < parts.length; i++) {
    starts[i + 1] = starts[i]! + parts[i]!.length;
    widest = Math.max(widest, parts[i]!.length);
  }
  return { bytes: Buffer.concat(parts), starts, widest };
}

/**
 * Lines being put together: a byte buffer that grows (to hold back a location's
 * lines, at most a batch of them) or, for a file, is emptied into it when full.
 */
export class LineBuffer {
  bytes: Buffer;
  used = 0;
  lines = 0;

  constructor(
    size: number,
    private readonly drain?: (bytes: Uint8Array) => void,
  ) {
    this.bytes = Buffer.allocUnsafe(size);
  }

  /** Makes room for `n` more bytes. */
  ensure(n: number): void {
    if (this.used + n <= this.bytes.length) return;
    if (this.drain && this.used > 0) {
      this.drain(this.bytes.subarray(0, this.used));
      this.used = 0;
      if (n <= this.bytes.length) return;
    }
    const grown = Buffer.allocUnsafe(Math.max(this.bytes.length * 2, this.used + n));
    grown.set(this.bytes.subarray(0, this.used));
    this.bytes = grown;
  }

  /** Copies field i of a table (room made beforehand). */
  field(table: FieldTable, i: number): void {
    const src = table.bytes;
    const end = table.starts[i + 1]!;
    const out = this.bytes;
    let at = this.used;
    for (let k = table.starts[i]!; k < end; k++) out[at++] = src[k]!;
    this.used = at;
  }

  /** Text that is ASCII (external ids, digits, room made beforehand). */
  ascii(text: string): void {
    const out = this.bytes;
    let at = this.used;
    for (let k = 0; k < text.length; k++) out[at++] = text.charCodeAt(k);
    this.used = at;
  }

  /** A non-negative whole number below 2^53 in decimal digits (room made beforehand). */
  digits(n: number): void {
    const out = this.bytes;
    let width = 1;
    for (let p = 10; p <= n; p *= 10) width++;
    let at = this.used + width;
    this.used = at;
    do {
      out[--at] = 48 + (n % 10);
      n = Math.floor(n / 10);
    } while (n > 0);
  }

  /** Any text, as UTF-8 (room made beforehand: up to MAX_BYTES_PER_CHAR bytes a character). */
  text(text: string): void {
    this.used += this.bytes.write(text, this.used, 'utf8');
  }

  byte(b: number): void {
    this.bytes[this.used++] = b;
  }

  /** Appends what another buffer holds, lines and all. */
  append(other: LineBuffer): void {
    this.ensure(other.used);
    this.bytes.set(other.bytes.subarray(0, other.used), this.used);
    this.used += other.used;
    this.lines += other.lines;
  }

  clear(): void {
    this.used = 0;
    this.lines = 0;
  }
}

export class LineFile {
  readonly buffer: LineBuffer;
  private done = false;
  private readonly hash: Hash = createHash('sha256');

  private constructor(
    readonly file: string,
    private readonly temp: string,
    private readonly fd: number,
  ) {
    this.buffer = new LineBuffer(FILE_BUFFER_BYTES, (bytes) => this.put(bytes));
  }

  /** Opens the temporary file beside `file` and writes the header row. */
  static open(file: string, columns: readonly string[]): LineFile {
    const temp = tempNameFor(file);
    let fd: number;
    try {
      fd = fs.openSync(temp, 'w');
    } catch (err) {
      throw cannotWrite(file, err);
    }
    const out = new LineFile(file, temp, fd);
    const header = Buffer.from(`${csvLine(columns)}\n`, 'utf8');
    out.buffer.ensure(header.length);
    out.buffer.bytes.set(header, 0);
    out.buffer.used = header.length;
    return out;
  }

  /** Data lines written so far (the header not counted). */
  get rows(): number {
    return this.buffer.lines;
  }

  /** Appends one row, CSV-quoted where needed. */
  writeRow(values: readonly CsvValue[]): void {
    const line = `${csvLine(values)}\n`;
    this.buffer.ensure(line.length * MAX_BYTES_PER_CHAR);
    this.buffer.text(line);
    this.buffer.lines++;
  }

  private put(bytes: Uint8Array): void {
    if (this.done) throw new Error(`${this.file} is closed`);
    this.hash.update(bytes);
    try {
      let at = 0;
      while (at < bytes.length) at += fs.writeSync(this.fd, bytes, at, bytes.length - at);
    } catch (err) {
      throw cannotWrite(this.file, err);
    }
  }

  /** Writes what is buffered, closes the file, renames it onto `file`; returns its SHA-256. */
  close(): string {
    try {
      if (this.buffer.used > 0) this.put(this.buffer.bytes.subarray(0, this.buffer.used));
      this.buffer.used = 0;
      this.done = true;
      fs.closeSync(this.fd);
      fs.renameSync(this.temp, this.file);
      return this.hash.digest('hex');
    } catch (err) {
      this.abort();
      throw cannotWrite(this.file, err);
    }
  }

  /** Discards the lines: the temporary file is removed, `file` is left as it was. */
  abort(): void {
    if (!this.done) {
      this.done = true;
      try {
        fs.closeSync(this.fd);
      } catch {
        // already closed
      }
    }
    fs.rmSync(this.temp, { force: true });
  }
}

/** Writes `rows` under a header row, whole or not at all; returns the rows written and the file's SHA-256. */
export function writeRows(file: string, columns: readonly string[], rows: Iterable<readonly CsvValue[]>): { rows: number; sha256: string } {
  const out = LineFile.open(file, columns);
  try {
    for (const row of rows) out.writeRow(row);
    const sha256 = out.close();
    return { rows: out.rows, sha256 };
  } catch (err) {
    out.abort();
    throw err;
  }
}
