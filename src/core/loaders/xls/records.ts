/**
 * BIFF record framing: every record is a 2-byte id, a 2-byte length and that many
 * bytes. Records too long for one frame go on in CONTINUE records, which are
 * attached to the record they extend so that readers see one logical record.
 */

/** Record ids, named as in [MS-XLS] and the OpenOffice.org Excel format documentation. */
export const Rec = {
  // BIFF2 cell records (cells carry a 3-byte attribute field instead of an XF index).
  BLANK_B2: 0x0001,
  INTEGER_B2: 0x0002,
  NUMBER_B2: 0x0003,
  LABEL_B2: 0x0004,
  BOOLERR_B2: 0x0005,
  FORMULA_B2: 0x0006,
  STRING_B2: 0x0007,
  BOF_B2: 0x0009,
  EOF: 0x000a,
  FORMAT_B2: 0x001e,
  DATEMODE: 0x0022,
  FILEPASS: 0x002f,
  CONTINUE: 0x003c,
  CODEPAGE: 0x0042,
  XF_B2: 0x0043,
  IXFE_B2: 0x0044,
  BOUNDSHEET: 0x0085,
  MULRK: 0x00bd,
  MULBLANK: 0x00be,
  RSTRING: 0x00d6,
  XF: 0x00e0,
  MERGEDCELLS: 0x00e5,
  SST: 0x00fc,
  LABELSST: 0x00fd,
  BLANK: 0x0201,
  NUMBER: 0x0203,
  LABEL: 0x0204,
  BOOLERR: 0x0205,
  FORMULA_B3: 0x0206,
  STRING: 0x0207,
  BOF_B3: 0x0209,
  XF_B3: 0x0243,
  RK: 0x027e,
  FORMULA_B4: 0x0406,
  BOF_B4: 0x0409,
  FORMAT: 0x041e,
  XF_B4: 0x0443,
  BOF: 0x0809,
  /** BIFF5-8 FORMULA shares its id with BIFF2's. */
  FORMULA: 0x0006,
} as const;

export const BOF_IDS: ReadonlySet<number> = new Set([Rec.BOF, Rec.BOF_B4, Rec.BOF_B3, Rec.BOF_B2]);

/**
 * Thrown by the BIFF code when bytes do not make sense; the entry point turns it into
 * an InputError that names the file, and the sheet and row where they are known.
 */
export class CorruptBiffError extends Error {
  constructor(
    message: string,
    readonly row?: number,
  ) {
    super(message);
    this.name = 'CorruptBiffError';
  }
}

export interface BiffRecord {
  readonly id: number;
  /** Stream offset of the record header. */
  readonly offset: number;
  readonly data: Buffer;
  /** Bodies of the CONTINUE records that followed, in order. */
  readonly continuations: readonly Buffer[];
}

const HEADER_SIZE = 4;

/**
 * Reads the record at `offset` together with its CONTINUE records. Returns the record
 * and the offset after it.
 */
export function readRecordAt(stream: Buffer, offset: number): { record: BiffRecord; next: number } {
  const first = readFrame(stream, offset);
  let next = first.next;
  const continuations: Buffer[] = [];
  while (next + HEADER_SIZE <= stream.length && stream.readUInt16LE(next) === Rec.CONTINUE) {
    const frame = readFrame(stream, next);
    continuations.push(frame.data);
    next = frame.next;
  }
  return { record: { id: first.id, offset, data: first.data, continuations }, next };
}

function readFrame(stream: Buffer, offset: number): { id: number; data: Buffer; next: number } {
  if (offset + HEADER_SIZE > stream.length) {
    throw new CorruptBiffError(`the file is truncated: a record header at byte ${offset} is cut off`);
  }
  const id = stream.readUInt16LE(offset);
  const length = stream.readUInt16LE(offset + 2);
  const start = offset + HEADER_SIZE;
  const remaining = stream.length - start;
  if (length > remaining) {
    throw new CorruptBiffError(
      `the file is truncated or damaged: record 0x${id.toString(16).padStart(4, '0')} at byte ${offset} ` +
        `declares ${length} bytes but only ${remaining} remain`,
    );
  }
  return { id, data: stream.subarray(start, start + length), next: start + length };
}

/**
 * Walks one substream from the BOF at `offset` to its matching EOF, yielding the
 * records of the outer level only: a substream embedded inside (a chart on a
 * worksheet has its own BOF..EOF) is skipped. Throws when the stream ends first.
 */
export function* substreamRecords(stream: Buffer, offset: number): Generator<BiffRecord> {
  let position = offset;
  let depth = 0;
  while (true) {
    if (position >= stream.length) {
      throw new CorruptBiffError('the file is truncated: a sheet ends without its end-of-file record');
    }
    const { record, next } = readRecordAt(stream, position);
    if (position === offset && !BOF_IDS.has(record.id)) {
      throw new CorruptBiffError(`no sheet starts at byte ${offset}, where the workbook says one does`);
    }
    position = next;
    if (BOF_IDS.has(record.id)) {
      depth++;
      if (depth === 1) yield record;
      continue;
    }
    if (record.id === Rec.EOF) {
      depth--;
      if (depth <= 0) {
        yield record;
        return;
      }
      continue;
    }
    if (depth === 1) yield record;
  }
}

/**
 * Sequential, bounds-checked reading of a record body that may continue over
 * CONTINUE records. Plain reads cross segment boundaries transparently; Unicode
 * character arrays use `readCharacters`, which honours the flag byte that BIFF8
 * places at the start of a CONTINUE record splitting a string.
 */
export class RecordReader {
  private segmentIndex = 0;
  private position = 0;
  private readonly segments: readonly Buffer[];

  constructor(record: BiffRecord | Buffer) {
    this.segments = Buffer.isBuffer(record) ? [record] : [record.data, ...record.continuations];
  }

  /** Bytes left in the current segment. */
  get segmentRemaining(): number {
    return this.segments[this.segmentIndex].length - this.position;
  }

  get totalRemaining(): number {
    let total = this.segmentRemaining;
    for (let i = this.segmentIndex + 1; i < this.segments.length; i++) total += this.segments[i].length;
    return total;
  }

  get atEnd(): boolean {
    return this.totalRemaining === 0;
  }

  u8(): number {
    this.ensureByteAvailable();
    return this.segments[this.segmentIndex][this.position++];
  }

  u16(): number {
    if (this.segmentRemaining >= 2) {
      const value = this.segments[this.segmentIndex].readUInt16LE(this.position);
      this.position += 2;
      return value;
    }
    return this.u8() | (this.u8() << 8);
  }

  u32(): number {
    if (this.segmentRemaining >= 4) {
      const value = this.segments[this.segmentIndex].readUInt32LE(this.position);
      this.position += 4;
      return value;
    }
    return (this.u16() | (this.u16() << 16)) >>> 0;
  }

  f64(): number {
    return this.bytes(8).readDoubleLE(0);
  }

  bytes(count: number): Buffer {
    if (count <= this.segmentRemaining) {
      const slice = this.segments[this.segmentIndex].subarray(this.position, this.position + count);
      this.position += count;
      return slice;
    }
    if (count > this.totalRemaining) throw this.shortRecord(count);
    const out = Buffer.alloc(count);
    for (let i = 0; i < count; i++) out[i] = this.u8();
    return out;
  }

  skip(count: number): void {
    if (count > this.totalRemaining) throw this.shortRecord(count);
    let left = count;
    while (left > 0) {
      if (this.segmentRemaining === 0) this.nextSegment();
      const step = Math.min(left, this.segmentRemaining);
      this.position += step;
      left -= step;
    }
  }

  /**
   * Reads `count` BIFF8 characters, 1 byte each when compressed (the low byte of
   * UTF-16) or 2 bytes each. When the array is split over a CONTINUE record, that
   * record starts with a fresh flag byte whose bit 0 decides the width from there on.
   */
  readCharacters(count: number, highByte: boolean): string {
    let text = '';
    let left = count;
    let wide = highByte;
    while (left > 0) {
      if (this.segmentRemaining === 0) {
        this.nextSegment();
        wide = (this.u8() & 0x01) !== 0;
        continue;
      }
      const width = wide ? 2 : 1;
      const fit = Math.min(left, Math.floor(this.segmentRemaining / width));
      if (fit === 0) throw new CorruptBiffError('a string is split in the middle of a character');
      const segment = this.segments[this.segmentIndex];
      const end = this.position + fit * width;
      text += segment.toString(wide ? 'utf16le' : 'latin1', this.position, end);
      this.position = end;
      left -= fit;
    }
    return text;
  }

  private ensureByteAvailable(): void {
    while (this.segmentRemaining === 0) this.nextSegment();
  }

  private nextSegment(): void {
    if (this.segmentIndex + 1 >= this.segments.length) throw this.shortRecord(1);
    this.segmentIndex++;
    this.position = 0;
  }

  private shortRecord(wanted: number): CorruptBiffError {
    return new CorruptBiffError(`a record is shorter than its contents require (${wanted} more bytes expected)`);
  }
}
