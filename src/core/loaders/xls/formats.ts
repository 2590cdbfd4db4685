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

const MS_PER_DAY = 86_400_000;
const SECONDS_PER_DAY = 86_400;
/** 9999-12-31, the last day Excel can show. */
const LAST_SERIAL = 2_958_465;
/** Excel's 1900 system counts a 29 February 1900 that never was: serial 60. */
const FICTITIOUS_LEAP_DAY = 60;

const pad2 = (n: number): string => String(n).padStart(2, '0');

/**
 * Converts an Excel date serial to `YYYY-MM-DD`, or `YYYY-MM-DDTHH:MM:SS` when it
 * has a time of day, rounded to the nearest second. Returns undefined for serials
 * Excel cannot show as dates (negative, past year 9999, not finite), which then
 * stay numbers.
 */
export function excelSerialToIso(serial: number, date1904: boolean): string | undefined {
  if (!Number.isFinite(serial) || serial < 0 || serial >= LAST_SERIAL + 1) return undefined;
  const totalSeconds = Math.round(serial * SECONDS_PER_DAY);
  const days = Math.floor(totalSeconds / SECONDS_PER_DAY);
  const secondOfDay = totalSeconds - days * SECONDS_PER_DAY;
  if (days > LAST_SERIAL) return undefined;

  let datePart: string;
  if (!date1904 && days === FICTITIOUS_LEAP_DAY) {
    datePart = '1900-02-29';
  } else {
    let epoch: number;
    if (date1904) epoch = Date.UTC(1904, 0, 1);
    // Serials before the fictitious day count from 1900-01-01 = 1; after it, one
    // day too many has been counted, so the epoch moves back one day.
    else if (days < FICTITIOUS_LEAP_DAY) epoch = Date.UTC(1899, 11, 31);
    else epoch = Date.UTC(1899, 11, 30);
    const date = new Date(epoch + days * MS_PER_DAY);
    const year = String(date.getUTCFullYear()).padStart(4, '0');
    datePart = `${year}-${pad2(date.getUTCMonth() + 1)}-${pad2(date.getUTCDate())}`;
  }
  if (secondOfDay === 0) return datePart;
  const hours = Math.floor(secondOfDay / 3600);
  const minutes = Math.floor((secondOfDay % 3600) / 60);
  const seconds = secondOfDay % 60;
  return `${datePart}T${pad2(hours)}:${pad2(minutes)}:${pad2(seconds)}`;
}
