/**
 * SKU normalisation for matching (domain.md §4.1). A *match key* is what two
 * spellings of one SKU have in common; it is never shown to anyone as the SKU: the
 * canonical display form stays as the item master writes it.
 *
 *   "  ab-100\u00a0" → "AB100"     trim, NBSP, case, separators
 *   "AB 100", "ab_100", "AB.100", "AB/100", "AB–100" (en dash) → "AB100"
 *   "ＡＢ１００" (full width) → "AB100"                          Unicode NFKC
 *
 * Two repairs are deliberately *not* part of the key, because they need the master
 * list to be safe: leading zeros that Excel dropped (`leadingZeroCandidates`) and
 * revision suffixes (`splitRevision`, only with patterns configured per customer).
 * Scientific notation (`scientificNotation`) is corruption, detected and flagged;
 * a candidate is only ever proposed for review.
 *
 * Everything here is pure and deterministic.
 */
import { UsageError } from '../errors.js';

export interface NormaliseRules {
  /** Remove outer whitespace (NBSP included) and invisible characters anywhere (zero-width space, BOM, soft hyphen). */
  readonly trim: boolean;
  /** Runs of whitespace (tabs, NBSP, ideographic space) become one space. */
  readonly collapseSpaces: boolean;
  /** Fold to upper case: `abc-123` and `ABC-123` are one key. */
  readonly caseFold: boolean;
  /** Unicode NFKC: full-width letters and digits, ligatures and compatibility forms fold to plain ones. */
  readonly unicodeNfkc: boolean;
  /**
   * Characters removed from the key. Default `-_ ./\`. A space stands for any
   * whitespace. Dash look-alikes (en dash, em dash, minus sign, non-breaking hyphen)
   * are read as `-` first.
   */
  readonly separators: string;
  /** Strip leading zeros of all-digit keys. Off by default: lost zeros are matched by `leadingZeroCandidates` against the master instead. */
  readonly stripLeadingZeros: boolean;
  /**
   * Revision-suffix patterns (JavaScript regular expressions, anchored at the end of
   * the SKU, case-insensitive when `caseFold` is on). None by default. Examples:
   * `-[A-Z]` (12345-A), `\s+REV\s*[A-Z0-9]+` (12345 REV B), `/R\d+` (12345/R2). A
   * named group `rev` marks the revision itself: `\s+REV\s*(?<rev>[A-Z0-9]+)`.
   */
  readonly revisionSuffixes: readonly string[];
}

export const DEFAULT_NORMALISE_RULES: NormaliseRules = Object.freeze({
  trim: true,
  collapseSpaces: true,
  caseFold: true,
  unicodeNfkc: true,
  separators: '-_ ./\\',
  stripLeadingZeros: false,
  revisionSuffixes: Object.freeze([]) as readonly string[],
});

/**
 * Complete rules from a partial configuration (invsync.yaml `cleanse.sku`), checking
 * types and compiling every revision pattern once, so that a bad pattern is a usage
 * error before any data is touched.
 */
export function resolveNormaliseRules(partial: Partial<NormaliseRules> = {}): NormaliseRules {
  const rules: NormaliseRules = { ...DEFAULT_NORMALISE_RULES, ...stripUndefined(partial) };
  for (const flag of ['trim', 'collapseSpaces', 'caseFold', 'unicodeNfkc', 'stripLeadingZeros'] as const) {
    if (typeof rules[flag] !== 'boolean') throw new UsageError(`cleanse rule ${flag} must be true or false`);
  }
  if (typeof rules.separators !== 'string') throw new UsageError('cleanse rule separators must be a string of characters');
  if (!Array.isArray(rules.revisionSuffixes) || rules.revisionSuffixes.some((p) => typeof p !== 'string' || p === '')) {
    throw new UsageError('cleanse rule revisionSuffixes must be a list of regular expressions');
  }
  const frozen: NormaliseRules = Object.freeze({ ...rules, revisionSuffixes: Object.freeze([...rules.revisionSuffixes]) });
  compiled(frozen);
  return frozen;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

interface Compiled {
  readonly separators: RegExp | undefined;
  readonly revisions: readonly RegExp[];
}

const COMPILED = new WeakMap<NormaliseRules, Compiled>();

function compiled(rules: NormaliseRules): Compiled {
  let c = COMPILED.get(rules);
  if (c) return c;
  const chars = [...new Set(rules.separators)].map((ch) => (ch === ' ' ? '\\s' : escapeForClass(ch))).join('');
  const flags = rules.caseFold ? 'iu' : 'u';
  const revisions = rules.revisionSuffixes.map((pattern) => {
    try {
      return new RegExp(`(?:${pattern})$`, flags);
    } catch (err) {
      throw new UsageError(`revision-suffix pattern ${JSON.stringify(pattern)} is not a valid regular expression: ${(err as Error).message}`, 'write it as a JavaScript regular expression, e.g. "-[A-Z]" or "\\\\s+REV\\\\s*[A-Z0-9]+"');
    }
  });
  c = { separators: chars ? new RegExp(`[${chars}]+`, 'gu') : undefined, revisions };
  COMPILED.set(rules, c);
  return c;
}

function escapeForClass(ch: string): string {
  return /[\\\]^-]/.test(ch) ? `\\${ch}` : ch;
}

/** Characters nobody can see: zero-width space/joiners, word joiner, BOM, soft hyphen. */
const INVISIBLE = /[\u200B-\u200D\u2060\uFEFF\u00AD]/g;
/** Hyphen and dash look-alikes read as "-". */
const DASHES = /[\u2010-\u2015\u2212\uFE58\uFE63\uFF0D]/g;

/** The SKU as the master writes it, minus what nobody can see: outer whitespace and invisible characters. */
export function displaySku(sku: string): string {
  return sku.replace(INVISIBLE, '').trim();
}

/** Steps before separator removal: the readable cleaned form that revision patterns see. */
export function cleanSku(sku: string, rules: NormaliseRules = DEFAULT_NORMALISE_RULES): string {
  let s = rules.unicodeNfkc ? sku.normalize('NFKC') : sku;
  if (rules.trim) s = s.replace(INVISIBLE, '').trim();
  s = s.replace(DASHES, '-');
  if (rules.collapseSpaces) s = s.replace(/\s+/g, ' ');
  if (rules.caseFold) s = s.toUpperCase();
  return s;
}

/** The match key of a SKU spelling: `"  ab-100 "` → `"AB100"`. Blank input gives `""`. */
export function matchKey(sku: string, rules: NormaliseRules = DEFAULT_NORMALISE_RULES): string {
  let s = cleanSku(sku, rules);
  const sep = compiled(rules).separators;
  if (sep) s = s.replace(sep, '');
  if (rules.stripLeadingZeros && /^\d+$/.test(s)) s = s.replace(/^0+(?=\d)/, '');
  return s;
}

const DIGITS = /^\d+$/;

export function isNumericKey(key: string): boolean {
  return DIGITS.test(key);
}

/** Master keys that are all digits *and* start with a zero, by their value without the zeros. */
export type MasterKeysByDigits = ReadonlyMap<string, readonly string[]>;

/** Index of the master's zero-led numeric match keys: `"00123"` under `"123"`. */
export function indexKeysByDigits(masterKeys: Iterable<string>): MasterKeysByDigits {
  const index = new Map<string, Set<string>>();
  for (const key of masterKeys) {
    if (!key.startsWith('0') || !DIGITS.test(key)) continue;
    const bare = stripZeros(key);
    let set = index.get(bare);
    if (!set) index.set(bare, (set = new Set()));
    set.add(key);
  }
  return new Map([...index].map(([bare, keys]) => [bare, [...keys].sort(compareText)]));
}

function stripZeros(digits: string): string {
  return digits.replace(/^0+(?=\d)/, '');
}

/**
 * Master keys that a numeric SKU matches once the leading zeros Excel dropped are
 * put back: `123` → `["00123"]` when the master has `00123`. Only keys *longer*
 * than the spelling's own key count (a partly padded `0123` still finds `000123`).
 * Sorted; more than one means ambiguous, and then none may be applied.
 */
export function leadingZeroCandidates(sku: string, masterKeysByDigits: MasterKeysByDigits, rules: NormaliseRules = DEFAULT_NORMALISE_RULES): readonly string[] {
  const key = matchKey(sku, rules);
  if (!DIGITS.test(key)) return [];
  const keys = masterKeysByDigits.get(stripZeros(key));
  return keys ? keys.filter((k) => k.length > key.length) : [];
}

export interface RevisionSplit {
  /** The SKU without its revision suffix, cleaned (not yet a match key). */
  readonly base: string;
  /** The revision: the pattern's `rev` group if it has one, else the suffix without its leading separators. */
  readonly revision: string;
  /** The configured pattern that matched. */
  readonly pattern: string;
}

/**
 * Splits a configured revision suffix off a SKU: with `-[A-Z]`, `12345-A` → base
 * `12345`, revision `A`. The first configured pattern that matches wins; nothing
 * is split when no pattern is configured or the base would be empty.
 */
export function splitRevision(sku: string, rules: NormaliseRules = DEFAULT_NORMALISE_RULES): RevisionSplit | undefined {
  const { revisions } = compiled(rules);
  if (revisions.length === 0) return undefined;
  const s = cleanSku(sku, rules);
  for (let i = 0; i < revisions.length; i++) {
    const m = revisions[i]!.exec(s);
    if (!m || m[0] === '') continue;
    const base = s.slice(0, m.index).replace(/[\s\-_./\\]+$/u, '');
    if (base === '') continue;
    const revision = (m.groups?.['rev'] ?? m[0]).replace(/^[\s\-_./\\]+/u, '').trim();
    return { base, revision, pattern: rules.revisionSuffixes[i]! };
  }
  return undefined;
}

/** OCR and font look-alikes folded to digits: O→0, I/L→1, S→5, B→8, Z→2 (on an upper-case key). */
const LOOK_ALIKES: Readonly<Record<string, string>> = { O: '0', I: '1', L: '1', S: '5', B: '8', Z: '2' };

/** A key with look-alike letters folded to digits, for suggestions only (never for automatic matches). */
export function lookAlikeKey(key: string): string {
  return key.toUpperCase().replace(/[OILSBZ]/g, (ch) => LOOK_ALIKES[ch]!);
}

export interface ScientificNotation {
  /** The spelling as given, trimmed. */
  readonly text: string;
  /** The significant digits shown, without the decimal mark: `1.23457E+11` → `"123457"`. */
  readonly digits: string;
  readonly significantDigits: number;
  readonly exponent: number;
  /** The smallest integer that Excel displays this way (inclusive). */
  readonly min: bigint;
  /** The first integer past that range (exclusive). */
  readonly maxExclusive: bigint;
}

const SCIENTIFIC = /^(\d+)(?:[.,](\d+))?E\+(\d+)$/i;

/**
 * Detects a code that Excel turned into scientific notation (`1.23457E+11`,
 * `2.31E+13`, also with a decimal comma) and returns the integer range that rounds
 * to what is shown: `1.23457E+11` covers [123456500000, 123457500000), so master SKU
 * `123456789012` is a candidate. Rounding is half away from zero, as Excel displays.
 *
 * Excel's General format also drops trailing zeros (`1.2E+11` may have been
 * 1.20000E+11), so the range is taken at the precision shown: a superset of the
 * true range, which can only add candidates, never lose the right one.
 */
export function scientificNotation(sku: string): ScientificNotation | undefined {
  const text = sku.trim();
  const m = SCIENTIFIC.exec(text);
  if (!m) return undefined;
  const [, int, frac = ''] = m;
  const exponentShown = Number(m[3]);
  const raw = (int! + frac).replace(/^0+/, '');
  if (raw === '' || !Number.isSafeInteger(exponentShown) || exponentShown > 400) return undefined;
  // The exponent of the leading significant digit ("12.3E+4" is 1.23E+5, "0.05E+3" is 5E+1).
  const intDigits = int!.replace(/^0+/, '');
  const exponent = intDigits !== '' ? exponentShown + intDigits.length - 1 : exponentShown - (frac.length - frac.replace(/^0+/, '').length) - 1;
  const digits = raw;
  const significantDigits = digits.length;
  // Work in hundredths of the last digit shown: unit = 10^(exponent - significantDigits + 1).
  const unitExp = exponent - significantDigits + 1;
  const value = BigInt(digits) * 100n;
  const upper = value + 50n;
  // Just below a power of ten the next-lower number has one more digit of precision.
  const lower = digits === `1${'0'.repeat(significantDigits - 1)}` ? value - 5n : value - 50n;
  const shift = unitExp - 2;
  const [min, maxExclusive] = shift >= 0 ? [lower * 10n ** BigInt(shift), upper * 10n ** BigInt(shift)] : [ceilDiv(lower, 10n ** BigInt(-shift)), ceilDiv(upper, 10n ** BigInt(-shift))];
  return { text, digits, significantDigits, exponent, min, maxExclusive };
}

function ceilDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return q * b === a ? q : q + 1n;
}

/** Whether an all-digit code is displayed by Excel as this scientific notation. */
export function roundsTo(code: string, sci: ScientificNotation): boolean {
  if (!DIGITS.test(code)) return false;
  const n = BigInt(code);
  return n >= sci.min && n < sci.maxExclusive;
}

/** Code-unit order: the same on every machine and locale (unlike localeCompare). */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
