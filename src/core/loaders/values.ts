/**
 * Cell values parsed exactly as a person reads them. Every parser returns either a
 * value (with flags for what a reviewer should know) or a reason the cell cannot be
 * used; none of them throws and none of them goes through binary floating point for
 * text input.
 */
import type { Cell } from './types.js';
import { canonicalDecimal, numberToDecimal } from '../model/decimal.js';

export type Parsed<T> = { ok: true; value: T; flags?: string[] } | { ok: false; reason: string };

/** Which separator is the decimal one in a file; decided from the data. */
export type DecimalSeparator = '.' | ',';

const SPACES = /[\s\u00a0\u2007\u202f\u2009\u200b\ufeff]/g;
const EDGE_INVISIBLES = /^[\s\u00a0\u200b\ufeff]+|[\s\u00a0\u200b\ufeff]+$/g;

/** Text with invisible padding removed: NBSP, zero-width spaces, BOMs, tabs. */
export function cleanText(text: string): string {
  return text.replace(EDGE_INVISIBLES, '');
}

export function isBlank(cell: Cell): boolean {
  if (cell === null) return true;
  if (typeof cell !== 'string') return false;
  const c0 = cell.charCodeAt(0);
  // Most cells start with a visible character: no need for the regex.
  if (c0 > 32 && c0 !== 160 && c0 !== 0x200b && c0 !== 0xfeff) return false;
  return cleanText(cell) === '';
}

/** How the cell reads as text (for raw values, messages and text columns). */
export function cellText(cell: Cell): string {
  if (cell === null) return '';
  if (typeof cell === 'string') return cell;
  if (typeof cell === 'number') return numberToDecimal(cell);
  if (typeof cell === 'boolean') return cell ? 'TRUE' : 'FALSE';
  return cell.iso;
}

const CURRENCY_PREFIX = /^(?:[$€£¥₹₩₽₺]|R\$|US\$|Rs\.?|(?:USD|EUR|GBP|INR|BRL|CHF|ARS|PLN|CNY|JPY|MXN|CAD|AUD)\s)\s*/i;
const CURRENCY_SUFFIX = /\s*(?:[$€£¥₹₩₽₺]|(?:USD|EUR|GBP|INR|BRL|CHF|ARS|PLN|CNY|JPY|MXN|CAD|AUD|zł))$/i;

/**
 * A number typed as text: "1.234,50", "1,234.50", "(1,569.000)", "₹5,76,362.11",
 * "200-", "1'234.5", "1 234,56", "1,000.00CR". Returns the canonical decimal string.
 * `decimal` decides only the ambiguous single-separator case with exactly three
 * digits after it ("1,234" or "1.234").
 */
export function parseDecimalText(input: string, decimal: DecimalSeparator): Parsed<string> {
  let s = cleanText(input);
  if (s === '') return { ok: false, reason: 'blank' };
  let negative = false;
  if (s.startsWith('(') && s.endsWith(')')) {
    negative = true;
    s = s.slice(1, -1).trim();
  }
  const crdr = /\s*(CR|DR)$/i.exec(s);
  if (crdr) {
    negative = negative !== (crdr[1]!.toUpperCase() === 'CR');
    s = s.slice(0, crdr.index);
  }
  if (s.endsWith('-') && s.length > 1) {
    negative = !negative;
    s = s.slice(0, -1).trimEnd();
  }
  if (/^[-+\u2212]/.test(s)) {
    if (s[0] !== '+') negative = !negative;
    s = s.slice(1).trimStart();
  }
  s = s.replace(CURRENCY_PREFIX, '').replace(CURRENCY_SUFFIX, '');
  if (/^[-\u2212]/.test(s)) {
    // "$-12.50" or "₹ -5"
    negative = !negative;
    s = s.slice(1);
  }
  s = s.replace(SPACES, '').replace(/'/g, '');
  if (!/^(?:\d[\d.,]*|[.,]\d+)$/.test(s)) return { ok: false, reason: `"${input}" is not a number` };
  const lastDot = s.lastIndexOf('.');
  const lastComma = s.lastIndexOf(',');
  let sep: DecimalSeparator | undefined;
  if (lastDot >= 0 && lastComma >= 0) {
    sep = lastDot > lastComma ? '.' : ',';
  } else if (lastDot >= 0 || lastComma >= 0) {
    const only: DecimalSeparator = lastDot >= 0 ? '.' : ',';
    const count = s.split(only).length - 1;
    const at = only === '.' ? lastDot : lastComma;
    const intPart = s.slice(0, s.indexOf(only));
    const digitsAfter = s.length - at - 1;
    if (count > 1) sep = undefined; // "1,234,567": grouping only
    else if (digitsAfter !== 3 || intPart === '' || intPart.startsWith('0') || intPart.length > 3) sep = only;
    else sep = decimal === only ? only : undefined;
  }
  let intDigits = s;
  let fracDigits = '';
  if (sep) {
    const at = s.lastIndexOf(sep);
    intDigits = s.slice(0, at);
    fracDigits = s.slice(at + 1);
    const group = sep === '.' ? ',' : '.';
    if (fracDigits.includes(group)) return { ok: false, reason: `"${input}" mixes separators` };
    intDigits = intDigits.split(group).join('');
  } else {
    intDigits = intDigits.replace(/[.,]/g, '');
  }
  if (!/^\d*$/.test(intDigits) || !/^\d*$/.test(fracDigits)) return { ok: false, reason: `"${input}" is not a number` };
  const body = `${intDigits === '' ? '0' : intDigits}${fracDigits ? `.${fracDigits}` : ''}`;
  return { ok: true, value: canonicalDecimal(negative ? `-${body}` : body) };
}

/** Evidence a text number gives about the file's decimal separator, if any. */
export function decimalEvidence(text: string): DecimalSeparator | undefined {
  const s = cleanText(text).replace(SPACES, '');
  const m = /^[^\d]*(\d[\d.,']*)[^\d]*$/.exec(s);
  if (!m) return undefined;
  const body = m[1]!;
  const lastDot = body.lastIndexOf('.');
  const lastComma = body.lastIndexOf(',');
  if (lastDot >= 0 && lastComma >= 0) return lastDot > lastComma ? '.' : ',';
  const only = lastDot >= 0 ? '.' : lastComma >= 0 ? ',' : undefined;
  if (!only) return undefined;
  if (body.split(only).length - 1 > 1) return only === '.' ? ',' : '.';
  const digitsAfter = body.length - body.lastIndexOf(only) - 1;
  const intPart = body.slice(0, body.indexOf(only));
  if (digitsAfter !== 3 || intPart.startsWith('0') || intPart.length > 3) return only;
  return undefined;
}

/** Exact decimal from any cell; numbers read as Excel shows them (15 significant digits). */
export function parseDecimal(cell: Cell, decimal: DecimalSeparator): Parsed<string | null> {
  if (isBlank(cell)) return { ok: true, value: null };
  if (typeof cell === 'number') {
    if (!Number.isFinite(cell)) return { ok: false, reason: `${cell} is not a finite number` };
    return { ok: true, value: numberToDecimal(cell) };
  }
  if (typeof cell === 'boolean') return { ok: false, reason: `${cellText(cell)} is not a number` };
  if (cell === null || typeof cell === 'object') return { ok: false, reason: `a date (${cell?.iso}) is not a number` };
  const text = cleanText(cell);
  if (/^(?:-|–|—|n\/a|na|null|none)$/i.test(text)) return { ok: true, value: null, flags: ['placeholder'] };
  if (text.startsWith('#')) return { ok: false, reason: `Excel error value ${text}` };
  const parsed = parseDecimalText(text, decimal);
  return parsed.ok ? { ok: true, value: parsed.value } : parsed;
}

export interface QuantityValue {
  qty: string | null;
  /** A unit written inside the quantity cell ("12 pcs" → "pcs"). */
  unit?: string;
}

const QTY_WITH_UNIT = /^([-+\u2212(]?\s*[\d.,'\s\u00a0]*\d[\d.,'\s\u00a0]*\)?-?)\s*([\p{L}][\p{L}\p{N}.\-/ ]{0,29})$/u;
const APPROXIMATE = /^(?:~|≈|ca\.?|approx\.?|about|circa|est\.?)\s*\d|\d\s*\+$|\?/i;

/** A quantity cell: a number, or a number followed by its unit ("12 pcs", "2 box", "1,5 kg"). */
export function parseQuantity(cell: Cell, decimal: DecimalSeparator): Parsed<QuantityValue> {
  if (typeof cell !== 'string') {
    const d = parseDecimal(cell, decimal);
    return d.ok ? { ok: true, value: { qty: d.value }, flags: d.flags } : d;
  }
  const text = cleanText(cell);
  if (APPROXIMATE.test(text)) return { ok: false, reason: `"${text}" is an approximate quantity, not a count` };
  const plain = parseDecimal(text, decimal);
  if (plain.ok) return { ok: true, value: { qty: plain.value }, flags: plain.flags };
  const m = QTY_WITH_UNIT.exec(text);
  // "2x6" is arithmetic left to the reader, not "2" of a unit "x6".
  if (m && !/^[x×*]\s*\d/i.test(m[2]!)) {
    const number = parseDecimalText(m[1]!, decimal);
    if (number.ok) return { ok: true, value: { qty: number.value, unit: m[2]!.trim() } };
  }
  return { ok: false, reason: `"${text}" is not a quantity` };
}

/** Flags a code column can carry. */
export const CODE_FLAGS = {
  scientific: 'sku_scientific_notation',
  precisionLost: 'code_precision_lost',
  fromNumber: 'code_stored_as_number',
  fromDate: 'code_converted_to_date',
} as const;

/**
 * An identifier (SKU, barcode, lot, bin) as text. Numbers become their integer text
 * ("123" not "123.0"); Excel's scientific notation ("1.23457E+11") and codes past
 * Excel's 15 significant digits are flagged, never "repaired".
 */
export function parseCode(cell: Cell): Parsed<string | null> {
  if (isBlank(cell)) return { ok: true, value: null };
  if (typeof cell === 'number') {
    const flags: string[] = [CODE_FLAGS.fromNumber];
    if (Math.abs(cell) >= 1e15) flags.push(CODE_FLAGS.precisionLost);
    return { ok: true, value: numberToDecimal(cell), flags };
  }
  if (typeof cell === 'boolean') return { ok: true, value: cellText(cell) };
  if (cell === null) return { ok: true, value: null };
  if (typeof cell === 'object') return { ok: true, value: cell.iso, flags: [CODE_FLAGS.fromDate] };
  const text = cleanText(cell).replace(/\s+/g, ' ');
  if (/^\d+(?:[.,]\d+)?E\+?\d+$/i.test(text)) return { ok: true, value: text, flags: [CODE_FLAGS.scientific] };
  return { ok: true, value: text };
}

/** `[FURN_0789] Individual Workplace` → code and name, as Odoo writes products in exports. */
export function splitBracketedCode(text: string): { code: string; name: string } | undefined {
  const m = /^\s*\[([^\]]+)\]\s*(.*)$/s.exec(text);
  return m ? { code: m[1]!.trim(), name: m[2]!.trim() } : undefined;
}

export function parseText(cell: Cell): string | null {
  if (isBlank(cell)) return null;
  return cleanText(cellText(cell));
}
