/**
 * Dates as people and spreadsheets write them. The day/month order of slashed dates
 * is decided per file from the data (a first part over 12 means day-first), never
 * per row; a file with no such evidence uses the default and its rows are flagged.
 */

export type DateOrder = 'dmy' | 'mdy';

const MONTHS: Record<string, number> = {
  jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, sept: 9, oct: 10, nov: 11, dec: 12,
  // German, French, Spanish and Portuguese abbreviations that differ from English.
  mrz: 3, mär: 3, mai: 5, okt: 10, dez: 12, janv: 1, fevr: 2, févr: 2, avr: 4, juil: 7, aout: 8, août: 8,
  ene: 1, abr: 4, ago: 8, dic: 12, fev: 2, set: 9, out: 10,
};

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
const MS_PER_DAY = 86_400_000;
const SECONDS_PER_DAY = 86_400;
/** 9999-12-31, the last day Excel can show. */
const LAST_SERIAL = 2_958_465;
/** Excel's 1900 system counts a 29 February 1900 that never was: serial 60. */
const FICTITIOUS_LEAP_DAY = 60;

function validYmd(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return d <= days;
}

/** Two-digit years follow Excel's window: 00-29 → 2000s, 30-99 → 1900s. */
function fullYear(y: string): number {
  const n = Number(y);
  if (y.length > 2) return n;
  return n < 30 ? 2000 + n : 1900 + n;
}

/**
 * Excel serial → ISO date (ECMA-376: the 1900 system with its fictitious
 * 1900-02-29, or the 1904 system): `YYYY-MM-DD`, or `YYYY-MM-DDTHH:MM:SS` when there is
 * a time of day, rounded to the nearest second. Undefined for serials Excel cannot
 * show as dates (negative, past year 9999, not finite).
 */
export function excelSerialToIso(serial: number, date1904 = false): string | undefined {
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
    datePart = `${year}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
  }
  if (secondOfDay === 0) return datePart;
  const hours = Math.floor(secondOfDay / 3600);
  const minutes = Math.floor((secondOfDay % 3600) / 60);
  const seconds = secondOfDay % 60;
  return `${datePart}T${pad(hours)}:${pad(minutes)}:${pad(seconds)}`;
}

export interface SlashedDate {
  a: number;
  b: number;
  year: number;
  time?: string;
}

const ISO = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
const COMPACT = /^(\d{4})(\d{2})(\d{2})$/;
const SLASHED = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;
const NAMED = /^(\d{1,2})[\s\-./]+([\p{L}]{3,5})\.?[\s\-./,]+(\d{2}|\d{4})$/u;
const NAMED_US = /^([\p{L}]{3,9})\.?\s+(\d{1,2}),?\s+(\d{4})$/u;

function timePart(h?: string, mi?: string, s?: string): string | undefined {
  if (h === undefined) return undefined;
  const hh = Number(h);
  const mm = Number(mi);
  const ss = Number(s ?? 0);
  if (hh > 23 || mm > 59 || ss > 59) return undefined;
  if (hh === 0 && mm === 0 && ss === 0) return undefined;
  return `${pad(hh)}:${pad(mm)}:${pad(ss)}`;
}

/** Parses a slashed date's parts without deciding the order. */
export function slashedParts(text: string): SlashedDate | undefined {
  const m = SLASHED.exec(text.trim());
  if (!m) return undefined;
  return { a: Number(m[1]), b: Number(m[2]), year: fullYear(m[3]!), time: timePart(m[4], m[5], m[6]) };
}

/** What a slashed date says about the order: 'dmy' if only day-first is valid, etc. */
export function dateOrderEvidence(text: string): DateOrder | undefined {
  const p = slashedParts(text);
  if (!p) return undefined;
  const dmy = validYmd(p.year, p.b, p.a);
  const mdy = validYmd(p.year, p.a, p.b);
  if (dmy && !mdy) return 'dmy';
  if (mdy && !dmy) return 'mdy';
  return undefined;
}

export type DateParse =
  | { ok: true; iso: string; ambiguous: boolean }
  | { ok: false; reason: string };

export function parseDateText(input: string, order: DateOrder): DateParse {
  const text = input.trim();
  let m = ISO.exec(text);
  if (m) {
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    if (!validYmd(y, mo, d)) return { ok: false, reason: `"${input}" is not a valid date` };
    const time = timePart(m[4], m[5], m[6]);
    return { ok: true, iso: `${y}-${pad(mo)}-${pad(d)}${time ? `T${time}` : ''}`, ambiguous: false };
  }
  m = COMPACT.exec(text);
  if (m) {
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    if (validYmd(y, mo, d)) return { ok: true, iso: `${y}-${pad(mo)}-${pad(d)}`, ambiguous: false };
  }
  const p = slashedParts(text);
  if (p) {
    const [d, mo] = order === 'dmy' ? [p.a, p.b] : [p.b, p.a];
    if (!validYmd(p.year, mo, d)) {
      const other = order === 'dmy' ? 'month-first' : 'day-first';
      const otherValid = order === 'dmy' ? validYmd(p.year, p.a, p.b) : validYmd(p.year, p.b, p.a);
      return {
        ok: false,
        reason: otherValid
          ? `"${input}" is only valid ${other}, but this file's dates were read ${order === 'dmy' ? 'day-first' : 'month-first'}`
          : `"${input}" is not a valid date`,
      };
    }
    const ambiguous = p.a !== p.b && p.a <= 12 && p.b <= 12;
    return { ok: true, iso: `${p.year}-${pad(mo)}-${pad(d)}${p.time ? `T${p.time}` : ''}`, ambiguous };
  }
  m = NAMED.exec(text);
  if (m) {
    const mo = MONTHS[m[2]!.toLowerCase()];
    const y = fullYear(m[3]!);
    const d = Number(m[1]);
    if (mo && validYmd(y, mo, d)) return { ok: true, iso: `${y}-${pad(mo)}-${pad(d)}`, ambiguous: false };
  }
  m = NAMED_US.exec(text);
  if (m) {
    const mo = MONTHS[m[1]!.toLowerCase().slice(0, m[1]!.toLowerCase().startsWith('sept') ? 4 : 3)];
    const y = Number(m[3]);
    const d = Number(m[2]);
    if (mo && validYmd(y, mo, d)) return { ok: true, iso: `${y}-${pad(mo)}-${pad(d)}`, ambiguous: false };
  }
  return { ok: false, reason: `"${input}" is not a date` };
}
