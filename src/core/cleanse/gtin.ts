/**
 * GS1 GTIN-8/12/13/14 validation (domain.md §5.1, GS1 General Specifications §7.9,
 * "modulo 10"): weights 3,1,3,1 … from the rightmost data digit,
 * `check = (10 − sum mod 10) mod 10`, and every GTIN is stored right-justified in a
 * 14-digit field. Because the weights count from the right, left-padding never
 * changes a check digit: UPC `036000291452`, EAN `0036000291452` and GTIN-14
 * `00036000291452` are one item.
 *
 * A failing check digit is reported, never "fixed". A barcode that is not valid is
 * never used as evidence that two items are the same.
 */

export type GtinFormat = 'GTIN-8' | 'GTIN-12' | 'GTIN-13' | 'GTIN-14';

export type GtinReason =
  /** Nothing there. */
  | 'blank'
  /** Characters other than digits (after removing spaces and hyphens). */
  | 'not_digits'
  /** Excel's scientific notation (`5.43983E+10`): the digits are lost. */
  | 'scientific_notation'
  /** Not 8, 12, 13 or 14 digits. */
  | 'invalid_length'
  /** The check digit does not match. */
  | 'bad_check_digit'
  /** All zeros: a placeholder, not an item. */
  | 'all_zeros';

export interface GtinResult {
  readonly valid: boolean;
  /** The input as given. */
  readonly input: string;
  /** The 14-digit form, only when valid. */
  readonly gtin14?: string;
  /** The format told by the number of digits given, only when valid. */
  readonly format?: GtinFormat;
  /** Why it is not valid. */
  readonly reason?: GtinReason;
  /** For a bad check digit: the digit the data digits call for. */
  readonly expectedCheckDigit?: number;
  /**
   * Valid restricted-circulation number (RCN-8 prefix 0 or 2; GS1 prefixes 02, 04,
   * 20–29): unique only inside one company or region, may encode price or weight.
   * Not a global key: never match across companies by it.
   */
  readonly restricted?: boolean;
  /**
   * For a code of 7 to 13 digits whose length is not a GTIN length but whose check
   * digit works out: the 14-digit GTIN it would be if Excel dropped leading zeros.
   * A hint for review, never applied (`54398267125` → `00054398267125`? only if the
   * check digit says so).
   */
  readonly lostLeadingZeros?: string;
}

const LENGTHS: Readonly<Record<number, GtinFormat>> = { 8: 'GTIN-8', 12: 'GTIN-12', 13: 'GTIN-13', 14: 'GTIN-14' };

/** The GS1 modulo-10 check digit of the data digits (the key without its check digit). */
export function gs1CheckDigit(dataDigits: string): number {
  if (!/^\d+$/.test(dataDigits)) throw new RangeError(`not digits: ${JSON.stringify(dataDigits)}`);
  let sum = 0;
  for (let i = dataDigits.length - 1, weight = 3; i >= 0; i--, weight = 4 - weight) {
    sum += (dataDigits.charCodeAt(i) - 48) * weight;
  }
  return (10 - (sum % 10)) % 10;
}

function checkDigitOk(digits: string): { ok: boolean; expected: number } {
  const expected = gs1CheckDigit(digits.slice(0, -1));
  return { ok: expected === digits.charCodeAt(digits.length - 1) - 48, expected };
}

/**
 * Validates a GTIN as text. Spaces, NBSP and hyphens used for readability
 * (`0 36000 29145 2`) are ignored, and so is a float's `.0` tail (`36000291452.0`).
 * Anything else that is not a plain run of digits is invalid.
 */
export function validateGtin(input: string | null | undefined): GtinResult {
  const given = input ?? '';
  const text = given.replace(/[\s\u00A0\u200B\uFEFF]+/g, '').replace(/-/g, '');
  if (text === '') return { valid: false, input: given, reason: 'blank' };
  if (/^\d+(?:[.,]\d+)?E\+?\d+$/i.test(text)) return { valid: false, input: given, reason: 'scientific_notation' };
  const digits = text.replace(/\.0+$/, '');
  if (!/^\d+$/.test(digits)) return { valid: false, input: given, reason: 'not_digits' };
  if (/^0+$/.test(digits)) return { valid: false, input: given, reason: 'all_zeros' };
  const format = LENGTHS[digits.length];
  if (!format) {
    const result: GtinResult = { valid: false, input: given, reason: 'invalid_length' };
    if (digits.length >= 7 && digits.length < 14 && checkDigitOk(digits).ok) return { ...result, lostLeadingZeros: digits.padStart(14, '0') };
    return result;
  }
  const check = checkDigitOk(digits);
  if (!check.ok) return { valid: false, input: given, reason: 'bad_check_digit', expectedCheckDigit: check.expected };
  const gtin14 = digits.padStart(14, '0');
  const result: GtinResult = { valid: true, input: given, gtin14, format };
  return isRestricted(digits, gtin14) ? { ...result, restricted: true } : result;
}

/** RCN-8: GTIN-8 with prefix 0 or 2. RCN-12/13: GS1 prefixes 02, 04 and 20–29 (GTIN-13 form). */
function isRestricted(digits: string, gtin14: string): boolean {
  if (digits.length === 8) return digits[0] === '0' || digits[0] === '2';
  if (gtin14[0] !== '0') return false; // GTIN-14 with a packaging indicator: the prefix sits after it
  const gtin13 = gtin14.slice(1);
  return gtin13.startsWith('02') || gtin13.startsWith('04') || gtin13[0] === '2';
}

/** The 14-digit form of a valid GTIN, else undefined. */
export function gtin14(input: string | null | undefined): string | undefined {
  return validateGtin(input).gtin14;
}
