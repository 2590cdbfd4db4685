/**
 * Explicit column mappings (`--map FILE`, YAML or JSON), for headers no built-in
 * synonym can know:
 *
 *   columns:            # canonical column: header as written in the file (or a list)
 *     sku: "Art.-Nr."
 *     qty: ["Bestand", "Menge"]
 *   constants:          # values for columns the file lacks
 *     warehouse: WH-SOUTH
 *   sheet: Stock        # only this sheet
 *   header_row: 3       # 1-based row of the header, when detection should not guess
 *   decimal: ","        # decimal separator, when the data cannot tell
 *   date_order: dmy     # or mdy, for slashed dates the data cannot decide
 */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { InputError } from '../errors.js';
import { KIND_SPECS, type Kind } from '../model/kinds.js';
import type { DateOrder } from '../model/dates.js';
import type { DecimalSeparator } from './values.js';

export interface ColumnMap {
  readonly file?: string;
  readonly columns: Readonly<Record<string, readonly string[]>>;
  readonly constants: Readonly<Record<string, string>>;
  readonly sheet?: string;
  readonly headerRow?: number;
  readonly decimal?: DecimalSeparator;
  readonly dateOrder?: DateOrder;
}

export const EMPTY_MAP: ColumnMap = { columns: {}, constants: {} };

const KEYS = new Set(['columns', 'constants', 'sheet', 'header_row', 'decimal', 'date_order']);

export function readColumnMap(file: string, kind: Kind): ColumnMap {
  const display = file;
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new InputError({ file: display }, `cannot read the mapping file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  let doc: unknown;
  try {
    doc = path.extname(file).toLowerCase() === '.json' ? JSON.parse(text) : YAML.parse(text);
  } catch (err) {
    throw new InputError({ file: display }, `not valid ${path.extname(file).toLowerCase() === '.json' ? 'JSON' : 'YAML'}: ${(err as Error).message.split('\n')[0]}`);
  }
  return parseColumnMap(doc, kind, display);
}

export function parseColumnMap(doc: unknown, kind: Kind, display: string): ColumnMap {
  const fail = (what: string, hint?: string): never => {
    throw new InputError({ file: display }, what, hint);
  };
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) fail('a mapping file must be an object with `columns:`');
  const obj = doc as Record<string, unknown>;
  for (const key of Object.keys(obj)) if (!KEYS.has(key)) fail(`unknown key "${key}"`, `known keys: ${[...KEYS].join(', ')}`);
  const known = KIND_SPECS[kind].columns.map((c) => c.name);
  const columns: Record<string, string[]> = {};
  for (const [canonical, headers] of Object.entries(asObject(obj.columns, 'columns', fail))) {
    if (!known.includes(canonical)) fail(`"${canonical}" is not a column of kind ${kind}`, `columns of ${kind}: ${known.join(', ')}`);
    const list = Array.isArray(headers) ? headers : [headers];
    if (!list.every((h) => typeof h === 'string' && h.trim() !== '')) fail(`columns.${canonical} must be a header name or a list of them`);
    columns[canonical] = list as string[];
  }
  const constants: Record<string, string> = {};
  for (const [canonical, value] of Object.entries(asObject(obj.constants, 'constants', fail))) {
    if (!known.includes(canonical)) fail(`constant "${canonical}" is not a column of kind ${kind}`, `columns of ${kind}: ${known.join(', ')}`);
    if (typeof value !== 'string' && typeof value !== 'number') fail(`constants.${canonical} must be text or a number`);
    constants[canonical] = String(value);
  }
  const sheet = obj.sheet === undefined ? undefined : String(obj.sheet);
  let headerRow: number | undefined;
  if (obj.header_row !== undefined) {
    headerRow = Number(obj.header_row);
    if (!Number.isInteger(headerRow) || headerRow < 1) fail('header_row must be a row number from 1');
  }
  let decimal: DecimalSeparator | undefined;
  if (obj.decimal !== undefined) {
    if (obj.decimal !== ',' && obj.decimal !== '.') fail('decimal must be "," or "."');
    decimal = obj.decimal as DecimalSeparator;
  }
  let dateOrder: DateOrder | undefined;
  if (obj.date_order !== undefined) {
    if (obj.date_order !== 'dmy' && obj.date_order !== 'mdy') fail('date_order must be dmy or mdy');
    dateOrder = obj.date_order as DateOrder;
  }
  return { file: display, columns, constants, sheet, headerRow, decimal, dateOrder };
}

function asObject(value: unknown, key: string, fail: (what: string) => never): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) fail(`${key} must be a mapping of column: value`);
  return value as Record<string, unknown>;
}
