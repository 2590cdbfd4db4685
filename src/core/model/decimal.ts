/**
 * Exact decimals as strings, with arithmetic on BigInt-scaled integers. Quantities
 * and money never pass through binary floating point sums: a total equals the sum
 * of its inputs to the last digit.
 */

/** "0012.500" → "12.5", "-0.0" → "0", ".5" → "0.5". Input must be a plain decimal. */
export function canonicalDecimal(text: string): string {
  let s = text.trim();
  let negative = false;
  if (s.startsWith('-')) {
    negative = true;
    s = s.slice(1);
  } else if (s.startsWith('+')) {
    s = s.slice(1);
  }
  let [int = '', frac = ''] = s.split('.');
  int = int.replace(/^0+/, '') || '0';
  frac = frac.replace(/0+$/, '');
  const body = frac ? `${int}.${frac}` : int;
  return negative && body !== '0' ? `-${body}` : body;
}

/**
 * A double as a person reads it in Excel: at most 15 significant digits, no
 * exponent, no float noise (0.1 + 0.2 → "0.3", 54398267125.00001 → "54398267125").
 */
export function numberToDecimal(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e15) return String(n === 0 ? 0 : n);
  // The shortest round-trip form is already what Excel shows when it has at most 15
  // digits (a string of 15 characters cannot hold more): most cells take this path.
  const shortest = String(n);
  if (shortest.length <= 15 && !shortest.includes('e')) return shortest;
  return expandExponent(n.toPrecision(15));
}

function expandExponent(text: string): string {
  const m = /^(-?)(\d+)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (!m) return canonicalDecimal(text);
  const [, sign, int, frac = '', expText] = m;
  const exp = Number(expText);
  const digits = int! + frac;
  const pointAt = int!.length + exp;
  let body: string;
  if (pointAt <= 0) body = `0.${'0'.repeat(-pointAt)}${digits}`;
  else if (pointAt >= digits.length) body = digits + '0'.repeat(pointAt - digits.length);
  else body = `${digits.slice(0, pointAt)}.${digits.slice(pointAt)}`;
  return canonicalDecimal(`${sign}${body}`);
}

/** A decimal as an integer count of 10^-scale units. */
export interface Scaled {
  readonly units: bigint;
  readonly scale: number;
}

/**
 * A plain decimal ("-12.50", "+3", ".5") as scaled units without canonicalising first
 * (trailing zeros keep their scale): the parse for hot loops. Anything else → null.
 */
export function parseScaled(text: string): Scaled | null {
  let start = 0;
  let negative = false;
  const first = text.charCodeAt(0);
  if (first === 45 /* - */ || first === 43 /* + */) {
    negative = first === 45;
    start = 1;
  }
  let dot = -1;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 46 /* . */ && dot < 0) dot = i;
    else if (c < 48 || c > 57) return null;
  }
  if (text.length === start || (dot === start && text.length === start + 1)) return null;
  const digits = dot < 0 ? text.slice(start) : text.slice(start, dot) + text.slice(dot + 1);
  const units = BigInt(digits || '0');
  return { units: negative ? -units : units, scale: dot < 0 ? 0 : text.length - dot - 1 };
}

/** Scaled units as a canonical decimal, without a round trip through canonicalDecimal. */
export function formatScaled(units: bigint, scale: number): string {
  if (units === 0n) return '0';
  const negative = units < 0n;
  let digits = (negative ? -units : units).toString();
  if (scale > 0) {
    let end = digits.length;
    let dropped = 0;
    while (dropped < scale && digits.charCodeAt(end - 1) === 48) {
      end--;
      dropped++;
    }
    digits = digits.slice(0, end);
    const fracLength = scale - dropped;
    if (fracLength > 0) {
      digits = digits.padStart(fracLength + 1, '0');
      digits = `${digits.slice(0, digits.length - fracLength)}.${digits.slice(digits.length - fracLength)}`;
    }
  }
  return negative ? `-${digits}` : digits;
}

export function toScaled(text: string): Scaled {
  const c = canonicalDecimal(text);
  const negative = c.startsWith('-');
  const [int, frac = ''] = (negative ? c.slice(1) : c).split('.');
  const units = BigInt(int! + frac) * (negative ? -1n : 1n);
  return { units, scale: frac.length };
}

export function fromScaled(value: Scaled): string {
  const negative = value.units < 0n;
  let digits = (negative ? -value.units : value.units).toString();
  if (value.scale === 0) return canonicalDecimal(`${negative ? '-' : ''}${digits}`);
  digits = digits.padStart(value.scale + 1, '0');
  const int = digits.slice(0, digits.length - value.scale);
  const frac = digits.slice(digits.length - value.scale);
  return canonicalDecimal(`${negative ? '-' : ''}${int}.${frac}`);
}

function rescale(value: Scaled, scale: number): bigint {
  return value.units * 10n ** BigInt(scale - value.scale);
}

export function addDecimals(a: string, b: string): string {
  const x = toScaled(a);
  const y = toScaled(b);
  const scale = Math.max(x.scale, y.scale);
  return fromScaled({ units: rescale(x, scale) + rescale(y, scale), scale });
}

/**
 * An exact running total; add() any number of decimal strings. Plain values of at most
 * 6 places and 9 integer digits (nearly every quantity and amount) are added as whole
 * millionths in a double while the total stays below 2^53, where doubles are exact;
 * everything else, and the double's total when it would leave that range, in BigInt.
 */
export class DecimalSum {
  private units = 0n;
  private scale = 0;
  private micro = 0;
  add(text: string | null | undefined): this {
    if (text === null || text === undefined || text === '') return this;
    const m = toMicroNumber(text);
    if (m !== undefined) {
      const next = this.micro + m;
      if (Math.abs(next) <= Number.MAX_SAFE_INTEGER) {
        this.micro = next;
        return this;
      }
      this.settle();
    }
    const v = parseScaled(text) ?? toScaled(text);
    return this.addScaled(v.units, v.scale);
  }
  /** Adds scaled units (no string parse: for hot loops). */
  addScaled(units: bigint, scale: number): this {
    if (scale > this.scale) {
      this.units *= 10n ** BigInt(scale - this.scale);
      this.scale = scale;
    }
    this.units += scale === this.scale ? units : units * 10n ** BigInt(this.scale - scale);
    return this;
  }
  /** Moves the double's millionths into the BigInt total. */
  private settle(): void {
    if (this.micro === 0) return;
    const micro = this.micro;
    this.micro = 0;
    this.addScaled(BigInt(micro), 6);
  }
  /** Whether anything non-zero was added. */
  get isZero(): boolean {
    this.settle();
    return this.units === 0n;
  }
  toString(): string {
    this.settle();
    return formatScaled(this.units, this.scale);
  }
  get scaled(): Scaled {
    this.settle();
    return { units: this.units, scale: this.scale };
  }
}

/** A plain decimal with at most 9 integer and 6 fraction digits, as an integer count of millionths; undefined otherwise. */
export function toMicroNumber(text: string): number | undefined {
  const m = PLAIN_MICRO.exec(text);
  if (!m) return undefined;
  const v = Number(m[2]) * 1_000_000 + (m[3] ? Number(m[3].padEnd(6, '0')) : 0);
  return m[1] ? -v : v;
}
const PLAIN_MICRO = /^(-?)(\d{1,9})(?:\.(\d{1,6}))?$/;

export function compareDecimals(a: string, b: string): number {
  const x = toScaled(a);
  const y = toScaled(b);
  const scale = Math.max(x.scale, y.scale);
  const d = rescale(x, scale) - rescale(y, scale);
  return d < 0n ? -1 : d > 0n ? 1 : 0;
}

export function isNegativeDecimal(text: string): boolean {
  return canonicalDecimal(text).startsWith('-');
}

export function subDecimals(a: string, b: string): string {
  return addDecimals(a, negateDecimal(b));
}

export function negateDecimal(a: string): string {
  const c = canonicalDecimal(a);
  return c === '0' ? c : c.startsWith('-') ? c.slice(1) : `-${c}`;
}

/** a × b, exact (the scales add up: 3 × 4.755 = 14.265). */
export function mulDecimals(a: string, b: string): string {
  const x = toScaled(a);
  const y = toScaled(b);
  return fromScaled({ units: x.units * y.units, scale: x.scale + y.scale });
}

/** A decimal from an integer count of millionths. */
/** Millionths as a plain decimal; whole numbers of safe size (nearly all) without BigInt. */
export function fromMicro(micro: bigint | number): string {
  const n = typeof micro === 'number' ? micro : micro >= -MAX_SAFE && micro <= MAX_SAFE ? Number(micro) : NaN;
  if (!Number.isSafeInteger(n)) return fromScaled({ units: BigInt(micro), scale: 6 });
  const negative = n < 0;
  const abs = negative ? -n : n;
  const int = Math.floor(abs / 1_000_000);
  const frac = abs - int * 1_000_000;
  let text = String(int);
  if (frac !== 0) text += `.${String(frac).padStart(6, '0').replace(/0+$/, '')}`;
  return negative && abs !== 0 ? `-${text}` : text;
}
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
