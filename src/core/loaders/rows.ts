/**
 * Turning a data row into canonical values, or a reason it cannot be staged.
 * The file-level conventions (decimal separator, day/month order) are decided once
 * per sheet from a sample of its rows, never per row.
 */
import { canonicalDecimal } from '../model/decimal.js';
import { excelSerialToIso, dateOrderEvidence, parseDateText, type DateOrder } from '../model/dates.js';
import { KIND_SPECS, type ColumnSpec, type Kind } from '../model/kinds.js';
import { columnName } from './csv.js';
import type { MappedColumn } from './header.js';
import type { Cell, RawRow } from './types.js';
import {
  cellText,
  cleanText,
  decimalEvidence,
  isBlank,
  parseCode,
  parseDecimal,
  parseQuantity,
  splitBracketedCode,
  type DecimalSeparator,
} from './values.js';

export interface Conventions {
  decimal: DecimalSeparator;
  /** How the decimal separator was decided: 'data', 'map', or 'default'. */
  decimalFrom: 'data' | 'map' | 'default';
  dateOrder: DateOrder;
  dateOrderFrom: 'data' | 'map' | 'default';
  date1904: boolean;
}

export type RowOutcome = { kind: 'staged' } | { kind: 'rejected'; column?: string; code: string; reason: string };

const STAGED: RowOutcome = { kind: 'staged' };

/**
 * Where a converted row goes: `target[offset]` receives the raw cells that the
 * canonical values do not reproduce (see rawRemainder), `target[offset + 1 + i]`
 * the value of `columns[i]`, then the unit found inside the quantity cell (when
 * the kind has a quantity), then the flags. Writing straight into the INSERT's parameter buffer
 * saves an array per row on million-row loads.
 */
export interface ConvertedRowLayout {
  readonly columns: readonly string[];
  readonly hasUnitInCell: boolean;
}

const TOTAL_LABEL = /\b(?:grand\s*total|sub\s*-?total|totals?|sum|summe|gesamt(?:summe)?|totaal|totale|soma|suma|合计|总计|小计)\b|^Σ/i;

/** Decides the conventions a sheet's values follow from a sample of its data rows. */
export function decideConventions(
  sample: readonly RawRow[],
  columns: readonly MappedColumn[],
  kind: Kind,
  defaults: { decimal?: DecimalSeparator; dateOrder?: DateOrder; delimiter?: string; date1904?: boolean },
): Conventions {
  const types = columnTypes(kind);
  const numeric = columns.filter((c) => types.get(c.canonical) === 'decimal' || types.get(c.canonical) === 'quantity');
  const dates = columns.filter((c) => types.get(c.canonical) === 'date');
  let dot = 0;
  let comma = 0;
  let dmy = 0;
  let mdy = 0;
  for (const row of sample) {
    for (const c of numeric) {
      const cell = row.cells[c.index];
      if (typeof cell !== 'string') continue;
      const e = decimalEvidence(cell);
      if (e === '.') dot++;
      else if (e === ',') comma++;
    }
    for (const c of dates) {
      const cell = row.cells[c.index];
      if (typeof cell !== 'string') continue;
      const e = dateOrderEvidence(cell);
      if (e === 'dmy') dmy++;
      else if (e === 'mdy') mdy++;
    }
  }
  const conventions: Conventions = {
    decimal: defaults.delimiter === ';' ? ',' : '.',
    decimalFrom: 'default',
    dateOrder: 'dmy',
    dateOrderFrom: 'default',
    date1904: defaults.date1904 ?? false,
  };
  if (defaults.decimal) Object.assign(conventions, { decimal: defaults.decimal, decimalFrom: 'map' });
  else if (dot !== comma) Object.assign(conventions, { decimal: dot > comma ? '.' : ',', decimalFrom: 'data' });
  if (defaults.dateOrder) Object.assign(conventions, { dateOrder: defaults.dateOrder, dateOrderFrom: 'map' });
  else if (dmy !== mdy) Object.assign(conventions, { dateOrder: dmy > mdy ? 'dmy' : 'mdy', dateOrderFrom: 'data' });
  return conventions;
}

function columnTypes(kind: Kind): Map<string, ColumnSpec['type']> {
  return new Map(KIND_SPECS[kind].columns.map((c) => [c.name, c.type]));
}

const PLAIN_DECIMAL = /^-?(?:0|[1-9]\d*)(?:\.\d*[1-9])?$/;
const SIMPLE_DECIMAL = /^-?\d+(?:\.\d+)?$/;

/** The fast path of most number cells: "12", "-3.5", "0.50" as text, no separators to decide. */
function plainNumber(cell: Cell, decimal: DecimalSeparator): string | undefined {
  if (typeof cell !== 'string' || (decimal !== '.' && cell.includes('.'))) return undefined;
  if (PLAIN_DECIMAL.test(cell)) return cell;
  if (SIMPLE_DECIMAL.test(cell)) return canonicalDecimal(cell);
  return undefined;
}

/**
 * Builds the converter for one sheet: canonical values in KIND_SPECS column order.
 * Prepared once per sheet so that the per-row work is a tight loop.
 */
export function rowConverter(
  kind: Kind,
  columns: readonly MappedColumn[],
  constants: Readonly<Record<string, string>>,
  conventions: Conventions,
): { layout: ConvertedRowLayout; convert: (row: RawRow, target: unknown[], offset: number) => RowOutcome } {
  const spec = KIND_SPECS[kind];
  const byCanonical = new Map(columns.map((c) => [c.canonical, c]));
  // Only the columns this sheet fills are written: fewer bound parameters per row.
  // uom and description are kept too: "12 pcs" fills uom, "[CODE] Name" fills description.
  const used = spec.columns.filter((c) => byCanonical.has(c.name) || constants[c.name] !== undefined || c.name === 'uom' || c.name === 'description');
  const order = used.map((c) => c.name);
  const slot = new Map(order.map((name, i) => [name, i]));
  const plan = used.map((c) => ({ spec: c, mapped: byCanonical.get(c.name), constant: constants[c.name] }));
  const hasUnitInCell = spec.columns.some((c) => c.type === 'quantity');
  const layout: ConvertedRowLayout = { columns: order, hasUnitInCell };
  const width = order.length;
  // Which slot reproduces which cell, for the raw remainder.
  const slotOfCell: number[] = [];
  plan.forEach((p, i) => {
    if (p.mapped) slotOfCell[p.mapped.index] = i;
  });
  const keyGroups = spec.rowKeys.map((group) => group.map((name) => slot.get(name)).filter((i): i is number => i !== undefined));
  const skuSlot = slot.get('sku');
  const skuCell = byCanonical.get('sku')?.index;
  const descriptionSlot = slot.get('description');
  const uomSlot = slot.get('uom');
  const filledSlots = [uomSlot, descriptionSlot].filter((i): i is number => i !== undefined);
  const unitIndexes = new Set(columns.filter((c) => c.canonical === 'uom' || c.canonical === 'currency').map((c) => c.index));
  const { decimal, dateOrder, date1904 } = conventions;

  const convert = (row: RawRow, values: unknown[], offset: number): RowOutcome => {
    const cells = row.cells;
    const base = offset + 1;
    let flags: string[] | undefined;
    let unitInCell: string | null = null;
    for (let i = 0; i < plan.length; i++) {
      const { spec: column, mapped, constant } = plan[i]!;
      values[base + i] = null;
      if (!mapped) {
        if (constant !== undefined) values[base + i] = constant;
        continue;
      }
      const cell: Cell | undefined = cells[mapped.index];
      if (cell === null || cell === undefined) continue;
      switch (column.type) {
        case 'code': {
          if (typeof cell === 'string') {
            const c0 = cell.charCodeAt(0);
            const cl = cell.charCodeAt(cell.length - 1);
            // Plain codes skip the parser; only a code starting with a digit can be Excel's 1.23457E+11.
            if (c0 > 32 && c0 !== 160 && c0 !== 0xfeff && cl > 32 && cl !== 160 && (c0 > 57 || c0 < 48 || !/[eE]/.test(cell))) {
              values[base + i] = cell;
              break;
            }
          }
          const parsed = parseCode(cell);
          if (!parsed.ok) return reject(mapped, 'bad_code', parsed.reason);
          values[base + i] = parsed.value;
          if (parsed.flags) (flags ??= []).push(...parsed.flags.map((f) => (column.name === 'sku' ? f : `${column.name}:${f}`)));
          break;
        }
        case 'text': {
          values[base + i] = typeof cell === 'string' ? cleanText(cell) || null : cleanText(cellText(cell)) || null;
          break;
        }
        case 'decimal': {
          const plain = plainNumber(cell, decimal);
          if (plain !== undefined) {
            values[base + i] = plain;
            break;
          }
          const parsed = parseDecimal(cell, decimal);
          if (!parsed.ok) return reject(mapped, `bad_${column.name}`, `${column.name} ${parsed.reason}`);
          values[base + i] = parsed.value;
          if (parsed.flags) (flags ??= []).push(...parsed.flags.map((f) => `${column.name}:${f}`));
          break;
        }
        case 'quantity': {
          const plain = plainNumber(cell, decimal);
          if (plain !== undefined) {
            values[base + i] = plain;
            break;
          }
          const parsed = parseQuantity(cell, decimal);
          if (!parsed.ok) return reject(mapped, `bad_${column.name}`, `${column.name} ${parsed.reason}`);
          values[base + i] = parsed.value.qty;
          if (parsed.flags) (flags ??= []).push(...parsed.flags.map((f) => `${column.name}:${f}`));
          if (parsed.value.unit) unitInCell = parsed.value.unit;
          break;
        }
        case 'date': {
          if (isBlank(cell)) break;
          if (typeof cell === 'object') {
            values[base + i] = cell.iso;
          } else if (typeof cell === 'number') {
            const iso = excelSerialToIso(cell, date1904);
            if (!iso) return reject(mapped, `bad_${column.name}`, `${column.name} ${cell} is not a date`);
            values[base + i] = iso;
          } else {
            const parsed = parseDateText(cellText(cell), dateOrder);
            if (!parsed.ok) return reject(mapped, `bad_${column.name}`, `${column.name} ${parsed.reason}`);
            values[base + i] = parsed.iso;
            if (parsed.ambiguous && conventions.dateOrderFrom === 'default') (flags ??= []).push(`${column.name}:date_order_ambiguous`);
          }
          break;
        }
      }
    }
    // "[FURN_0789] Individual Workplace": Odoo's display name carries the code.
    if (skuSlot !== undefined) {
      const sku = values[base + skuSlot] as string | null;
      if (sku && sku.charCodeAt(0) === 91 /* [ */) {
        const split = splitBracketedCode(sku);
        if (split) {
          values[base + skuSlot] = split.code;
          if (descriptionSlot !== undefined && !values[base + descriptionSlot] && split.name) values[base + descriptionSlot] = split.name;
          (flags ??= []).push('sku_from_display_name');
        }
      }
    }
    if (unitInCell !== null && uomSlot !== undefined) {
      const uom = values[base + uomSlot] as string | null;
      if (uom && uom.toLowerCase() !== unitInCell.toLowerCase()) {
        const mapped = byCanonical.get('qty')!;
        return reject(mapped, 'unit_conflict', `the quantity says "${unitInCell}" but the unit column says "${uom}"`);
      }
      if (!uom) values[base + uomSlot] = unitInCell;
    }
    for (const group of keyGroups) {
      if (group.every((s) => values[base + s] === null)) return blankKey(row, group.map((s) => order[s]!));
    }
    if (row.formulaColumns && skuCell !== undefined && row.formulaColumns.includes(skuCell)) {
      // =COUNTA(A2:A7264) under the last SKU: a check row, not an item.
      if (cells.every((c, i) => i === skuCell || isBlank(c ?? null))) {
        return { kind: 'rejected', code: 'totals_row', reason: 'a formula in the SKU column and nothing else (a count or check row), not stock' };
      }
      (flags ??= []).push('sku_from_formula');
    }
    let next = base + width;
    if (hasUnitInCell) values[next++] = unitInCell;
    values[next] = flags ? flags.join(',') : null;
    let remainder: Record<number, Cell> | undefined;
    let numbers: number[] | undefined;
    for (let c = 0; c < cells.length; c++) {
      const cell = cells[c];
      if (cell === null || cell === undefined) continue;
      const s = slotOfCell[c];
      if (s !== undefined) {
        const value = values[base + s];
        if (value === cell) continue;
        // A number cell its canonical text gives back exactly: only its type needs keeping.
        if (typeof cell === 'number' && typeof value === 'string' && Number(value) === cell) {
          (numbers ??= []).push(c);
          continue;
        }
      }
      (remainder ??= {})[c] = cell;
    }
    // A value filled in from another cell ("12 pcs" → uom, "[CODE] Name" → description)
    // must not be taken for a cell of its own when the row is rebuilt.
    for (const filled of filledSlots) {
      const cellIndex = plan[filled]!.mapped?.index;
      if (cellIndex !== undefined && values[base + filled] !== null && isBlank(cells[cellIndex] ?? null)) (remainder ??= {})[cellIndex] = null;
    }
    if (numbers) {
      // {"n":[4,6]}: the cells at 4 and 6 were numbers (built by hand: the common case of spreadsheets)
      const list = `"n":[${numbers.join(',')}]`;
      values[offset] = remainder ? `${JSON.stringify(remainder).slice(0, -1)},${list}}` : `{${list}}`;
    } else {
      values[offset] = remainder ? JSON.stringify(remainder) : null;
    }
    return STAGED;
  };

  function reject(mapped: MappedColumn, code: string, reason: string): RowOutcome {
    return { kind: 'rejected', column: `${columnName(mapped.index)} (${mapped.header})`, code, reason };
  }

  /** A row without its key: a totals row, a section heading, or a data row missing its SKU. */
  function blankKey(row: RawRow, names: string[]): RowOutcome {
    const cells = row.cells;
    const label = cells.find((c) => typeof c === 'string' && TOTAL_LABEL.test(c));
    const isNumber = (c: Cell | undefined): boolean => typeof c === 'number' || (typeof c === 'string' && !isBlank(c) && parseDecimal(c, decimal).ok);
    const hasNumbers = cells.some(isNumber);
    // Unlabelled totals hold nothing but numbers (a unit is allowed: SAP repeats it).
    const onlyNumbers = cells.every((c, i) => isBlank(c ?? null) || isNumber(c) || unitIndexes.has(i));
    if (hasNumbers && (label !== undefined || onlyNumbers)) {
      return { kind: 'rejected', code: 'totals_row', reason: `a totals row${label ? ` ("${cleanText(label as string)}")` : ' (no key, only numbers)'}, not stock` };
    }
    const words = cells.filter((c) => !isBlank(c ?? null)).map((c) => cellText(c));
    const text = words.length ? `; the row reads "${words.join(' | ').slice(0, 80)}"` : '';
    return { kind: 'rejected', column: names.join(' or '), code: `blank_${names.join('_or_')}`, reason: `no ${names.join(' or ')}${text}` };
  }


  return { layout, convert };
}
