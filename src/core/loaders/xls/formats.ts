/**
 * Which number formats show dates, and how an Excel serial becomes an ISO string.
 * Excel stores a date as a plain number; only the cell's number format says it is one.
 */

/**
 * BIFF5-BIFF8 built-in formats that are dates or times when no FORMAT record
 * overrides them: 14-22 and 45-47 everywhere, 27-36 and 50-58 in the Chinese,
 * Japanese and Korean versions of Excel, which write them without a FORMAT record.
 */
const BUILT_IN_DATE_FORMAT_IDS: ReadonlySet<number> = new Set([
  14, 15, 16, 17, 18, 19, 20, 21, 22, 45, 46, 47, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 50, 51, 52, 53, 54, 55,
  56, 57, 58,
]);

export function isBuiltInDateFormat(formatId: number): boolean {
  return BUILT_IN_DATE_FORMAT_IDS.has(formatId);
}

const DATE_TIME_LETTERS = new Set(['d', 'm', 'y', 'h', 's', 'D', 'M', 'Y', 'H', 'S']);

/**
 * A format shows a date or time when it has a day, month, year, hour or second
 * code outside quoted literals and bracketed parts. Brackets hold colours,
 * conditions, locale and currency tags (`[Red]`, `[$PLN]`, `[$-409]`), so their
 * letters mean nothing here. `\x` escapes one literal character; `_x` (a space as
 * wide as x) and `*x` (fill with x) name a character rather than a code.
 */
export function isDateFormatString(format: string): boolean {
  let i = 0;
  while (i < format.length) {
    const ch = format[i];
    if (ch === '"') {
      const close = format.indexOf('"', i + 1);
      i = close === -1 ? format.length : close + 1;
    } else if (ch === '[') {
      const close = format.indexOf(']', i + 1);
      i = close === -1 ? format.length : close + 1;
    } else if (ch === '\\' || ch === '_' || ch === '*') {
      i += 2;
    } else {
      if (DATE_TIME_LETTERS.has(ch)) return true;
      i++;
    }
  }
  return false;
}

// Excel serials become dates in one place for every reader.
export { excelSerialToIso } from '../../model/dates.js';
