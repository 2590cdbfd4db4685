/**
 * Walks one worksheet substream and collects its cells by row, plus its merged
 * ranges. Cell records differ by BIFF version: BIFF2 cells carry a 3-byte
 * attribute field where later versions have a 2-byte XF index, and the record
 * ids of FORMULA and the BIFF2 cells changed over time.
 */
import type { Cell, MergedRange, RawRow } from '../types.js';
import { excelSerialToIso } from './formats.js';
import type { WorkbookGlobals } from './globals.js';
import { CorruptBiffError, Rec, RecordReader, substreamRecords, type BiffRecord } from './records.js';
import { readByteString, readUnicodeString } from './strings.js';

export interface WorksheetContent {
  readonly rows: RawRow[];
  readonly merges: MergedRange[];
}

/** BOOLERR and FORMULA error codes → the text Excel shows. */
const ERROR_TEXT: ReadonlyMap<number, string> = new Map([
  [0x00, '#NULL!'],
  [0x07, '#DIV/0!'],
  [0x0f, '#VALUE!'],
  [0x17, '#REF!'],
  [0x1d, '#NAME?'],
  [0x24, '#NUM!'],
  [0x2a, '#N/A'],
  [0x2b, '#GETTING_DATA'],
]);

function errorText(code: number): string {
  return ERROR_TEXT.get(code) ?? `#ERR${code}!`;
}

/** Excel 97-2003 has 256 columns; leave room for writers that exceed it, but not for garbage. */
const MAX_COLUMN = 16_383;

const rkScratch = new DataView(new ArrayBuffer(8));

/**
 * RK: a 30-bit integer or the top 30 bits of a double, optionally to be divided by
 * 100. Dividing the integer yields the same double Excel computes.
 */
export function decodeRk(rk: number): number {
  const dividedBy100 = (rk & 0x01) !== 0;
  let value: number;
  if (rk & 0x02) {
    value = (rk | 0) >> 2;
  } else {
    rkScratch.setUint32(0, 0, true);
    rkScratch.setUint32(4, rk & 0xfffffffc, true);
    value = rkScratch.getFloat64(0, true);
  }
  return dividedBy100 ? value / 100 : value;
}

/** A cell being filled; rows are keyed by 0-based row index. */
class CellGrid {
  private readonly rows = new Map<number, Cell[]>();
  private readonly formulas = new Map<number, number[]>();

  markFormula(row: number, column: number): void {
    const list = this.formulas.get(row) ?? [];
    list.push(column);
    this.formulas.set(row, list);
  }

  set(row: number, column: number, value: Cell): void {
    if (column > MAX_COLUMN) throw new CorruptBiffError(`column index ${column} is out of range`, row + 1);
    let cells = this.rows.get(row);
    if (cells === undefined) {
      cells = [];
      this.rows.set(row, cells);
    }
    cells[column] = value;
  }

  toRows(): RawRow[] {
    const out: RawRow[] = [];
    for (const row of [...this.rows.keys()].sort((a, b) => a - b)) {
      const sparse = this.rows.get(row) as Cell[];
      const cells = Array.from(sparse, (value) => value ?? null);
      const formulaColumns = this.formulas.get(row);
      if (cells.some((value) => value !== null)) out.push(formulaColumns ? { rowNumber: row + 1, cells, formulaColumns } : { rowNumber: row + 1, cells });
    }
    return out;
  }
}

interface PendingStringResult {
  readonly row: number;
  readonly column: number;
}

export function readWorksheet(stream: Buffer, offset: number, globals: WorkbookGlobals): WorksheetContent {
  const grid = new CellGrid();
  const merges: MergedRange[] = [];
  const { version } = globals;
  let pendingString: PendingStringResult | undefined;

  const numberCell = (value: number, isDate: boolean): Cell => {
    if (!isDate) return value;
    const iso = excelSerialToIso(value, globals.date1904);
    return iso === undefined ? value : { kind: 'date', iso };
  };
  const isDateXf = (xf: number): boolean => globals.dateXf[xf] === true;
  /** BIFF2: byte 1 of the cell attributes holds the FORMAT record index in bits 0-5. */
  const isDateAttributes = (attributes: Buffer): boolean => globals.dateFormatByIndex[attributes[1] & 0x3f] === true;

  const handle = (record: BiffRecord): void => {
    const reader = new RecordReader(record);
    switch (record.id) {
      case Rec.NUMBER: {
        const { row, column, xf } = readCellHeader(reader);
        grid.set(row, column, numberCell(reader.f64(), isDateXf(xf)));
        break;
      }
      case Rec.RK: {
        const { row, column, xf } = readCellHeader(reader);
        grid.set(row, column, numberCell(decodeRk(reader.u32()), isDateXf(xf)));
        break;
      }
      case Rec.MULRK: {
        const row = reader.u16();
        const firstColumn = reader.u16();
        const count = Math.floor((reader.totalRemaining - 2) / 6);
        for (let i = 0; i < count; i++) {
          const xf = reader.u16();
          grid.set(row, firstColumn + i, numberCell(decodeRk(reader.u32()), isDateXf(xf)));
        }
        break;
      }
      case Rec.LABELSST: {
        const { row, column } = readCellHeader(reader);
        const index = reader.u32();
        const text = globals.sharedStrings[index];
        if (text === undefined) {
          throw new CorruptBiffError(
            `shared string #${index} does not exist (the table has ${globals.sharedStrings.length})`,
            row + 1,
          );
        }
        grid.set(row, column, text);
        break;
      }
      case Rec.LABEL:
      case Rec.RSTRING: {
        const { row, column } = readCellHeader(reader);
        grid.set(row, column, version === 8 ? readUnicodeString(reader, 2) : readByteString(reader, 2, globals.encoding));
        break;
      }
      case Rec.BOOLERR: {
        const { row, column } = readCellHeader(reader);
        grid.set(row, column, boolOrError(reader.u8(), reader.u8()));
        break;
      }
      case Rec.FORMULA_B3:
      case Rec.FORMULA_B4:
      case Rec.FORMULA: {
        if (record.id === Rec.FORMULA && version === 2) {
          const { row, column, attributes } = readBiff2CellHeader(reader);
          const isDate = isDateAttributes(attributes);
          grid.markFormula(row, column);
          pendingString = formulaResult(grid, row, column, reader.bytes(8), (value) => numberCell(value, isDate));
        } else {
          const { row, column, xf } = readCellHeader(reader);
          const isDate = isDateXf(xf);
          grid.markFormula(row, column);
          pendingString = formulaResult(grid, row, column, reader.bytes(8), (value) => numberCell(value, isDate));
        }
        return;
      }
      case Rec.STRING:
      case Rec.STRING_B2: {
        if (pendingString === undefined) return;
        const text =
          record.id === Rec.STRING_B2
            ? readByteString(reader, 1, globals.encoding)
            : version === 8
              ? readUnicodeString(reader, 2)
              : readByteString(reader, 2, globals.encoding);
        grid.set(pendingString.row, pendingString.column, text);
        break;
      }
      case Rec.MERGEDCELLS: {
        const count = reader.u16();
        for (let i = 0; i < count; i++) {
          const top = reader.u16();
          const bottom = reader.u16();
          const left = reader.u16();
          const right = reader.u16();
          merges.push({ top: top + 1, left: left + 1, bottom: bottom + 1, right: right + 1 });
        }
        break;
      }
      default:
        if (version === 2) handleBiff2Cell(record, reader);
        // Records that carry no cell value (BLANK, MULBLANK, ROW, formatting, ...)
        // and the SHRFMLA/ARRAY records between a FORMULA and its STRING leave a
        // pending string result in place.
        return;
    }
    pendingString = undefined;
  };

  const handleBiff2Cell = (record: BiffRecord, reader: RecordReader): void => {
    switch (record.id) {
      case Rec.NUMBER_B2: {
        const { row, column, attributes } = readBiff2CellHeader(reader);
        grid.set(row, column, numberCell(reader.f64(), isDateAttributes(attributes)));
        break;
      }
      case Rec.INTEGER_B2: {
        const { row, column, attributes } = readBiff2CellHeader(reader);
        grid.set(row, column, numberCell(reader.u16(), isDateAttributes(attributes)));
        break;
      }
      case Rec.LABEL_B2: {
        const { row, column } = readBiff2CellHeader(reader);
        grid.set(row, column, readByteString(reader, 1, globals.encoding));
        break;
      }
      case Rec.BOOLERR_B2: {
        const { row, column } = readBiff2CellHeader(reader);
        grid.set(row, column, boolOrError(reader.u8(), reader.u8()));
        break;
      }
      default:
        return;
    }
    pendingString = undefined;
  };

  for (const record of substreamRecords(stream, offset)) {
    try {
      handle(record);
    } catch (error) {
      if (error instanceof CorruptBiffError && error.row === undefined && record.data.length >= 2) {
        throw new CorruptBiffError(error.message, record.data.readUInt16LE(0) + 1);
      }
      throw error;
    }
  }
  return { rows: grid.toRows(), merges };
}

function readCellHeader(reader: RecordReader): { row: number; column: number; xf: number } {
  return { row: reader.u16(), column: reader.u16(), xf: reader.u16() };
}

function readBiff2CellHeader(reader: RecordReader): { row: number; column: number; attributes: Buffer } {
  return { row: reader.u16(), column: reader.u16(), attributes: reader.bytes(3) };
}

function boolOrError(value: number, isError: number): Cell {
  return isError ? errorText(value) : value !== 0;
}

/**
 * A formula's cached result: a double, or, when the top two bytes are 0xFFFF, a
 * tagged value: 0 string (in the STRING record that follows), 1 boolean, 2 error,
 * 3 empty string. Returns the cell that still waits for its STRING record.
 */
function formulaResult(
  grid: CellGrid,
  row: number,
  column: number,
  result: Buffer,
  numberCell: (value: number) => Cell,
): PendingStringResult | undefined {
  if (result.readUInt16LE(6) !== 0xffff) {
    grid.set(row, column, numberCell(result.readDoubleLE(0)));
    return undefined;
  }
  switch (result[0]) {
    case 0:
      return { row, column };
    case 1:
      grid.set(row, column, result[2] !== 0);
      return undefined;
    case 2:
      grid.set(row, column, errorText(result[2]));
      return undefined;
    case 3:
      grid.set(row, column, '');
      return undefined;
    default:
      return undefined;
  }
}
