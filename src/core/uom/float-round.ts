/**
 * Odoo's `float_round` (odoo/tools/float_utils.py), per version, on JavaScript
 * doubles: Odoo computes in Python floats, which are the same IEEE-754 doubles, so
 * doing the same operations in the same order gives the same bits.
 *
 * The algorithm normalises the value by the rounding step, nudges it by an epsilon
 * scaled to its magnitude (so that 2.675, stored as 2.67499999…, still rounds to
 * 2.68), rounds to an integer and de-normalises. The versions differ:
 *
 * | | 17.0 | 18.0 and 19.0 |
 * |---|---|---|
 * | normalise | `value / step` | `value * (1/step)` when step < 1 (the inverse from a table for 1e-k, 2e-k, 5e-k), else `value / step` |
 * | epsilon | `2 ** (log(|n|, 2) - 52)` | `2 ** (log2(|n|) - 50)` (4× more tolerant) |
 * | UP | `ceil(|n| - eps) * sign` | `trunc(n + copysign(1 - eps, n))` |
 * | DOWN | `floor(|n| + eps) * sign` | `trunc(n + copysign(eps, n))` |
 * | HALF-EVEN | Python's `round(n)` (banker's, no epsilon) | a tie within eps goes to the even integer, else half away from zero |
 * | HALF-UP / HALF-DOWN | `round(n ± copysign(eps, n))`, `round` rounding ties away from zero | the same |
 * | de-normalise | `rounded * step` (can leave noise: 2.0100000000000002) | `rounded / (1/step)` or `rounded * step` |
 * | unknown method | treated as HALF-UP | error |
 *
 * `formatFixed` is Python's `"%.*f"` (float_repr) on the exact binary value, with
 * a negative zero written as zero (PostgreSQL NUMERIC has no negative zero).
 */

export type OdooVersion = 17 | 18 | 19;
export type RoundingMethod = 'UP' | 'DOWN' | 'HALF-UP' | 'HALF-DOWN' | 'HALF-EVEN';

export const ROUNDING_METHODS: readonly RoundingMethod[] = ['UP', 'DOWN', 'HALF-UP', 'HALF-DOWN', 'HALF-EVEN'];

/** Python 3's `builtins.round(x)` for a float: nearest integer, exact ties to even. */
function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const diff = x - floor;
  if (diff < 0.5) return floor;
  if (diff > 0.5) return floor + 1;
  return floor % 2 === 0 ? floor : floor + 1;
}

/**
 * float_utils' `round(f)` shim: Python 2's round (ties away from zero), built from
 * Python 3's by checking whether `f` and `f + 1` round a distance other than 1 apart.
 */
function roundHalfAway(f: number): number {
  const rounded = roundHalfEven(f);
  if (roundHalfEven(f + 1) - rounded !== 1) return f + copySign(0.5, f);
  return copySign(rounded, f);
}

function copySign(magnitude: number, sign: number): number {
  const negative = sign < 0 || Object.is(sign, -0);
  return negative ? -Math.abs(magnitude) : Math.abs(magnitude);
}

/** The inverses float_utils keeps in a table (18.0+): 1e-k, 2e-k, 5e-k for k = 1…10. */
const INVERSES = new Map<number, number>();
for (let k = 1; k <= 10; k++) {
  INVERSES.set(Number(`1e-${k}`), Number(`1e${k}`));
  INVERSES.set(Number(`2e-${k}`), Number(`5e${k - 1}`));
  INVERSES.set(Number(`5e-${k}`), Number(`2e${k - 1}`));
}

/**
 * float_utils' `float_invert` (18.0+): a table lookup, else the coefficient and
 * exponent of the value printed with 15 decimals (`'%.15e'`), the exponent negated
 * and the result divided by the square of the coefficient.
 */
export function floatInvert(value: number): number {
  const known = INVERSES.get(value);
  if (known !== undefined) return known;
  const [coefficient, exponent] = formatExponential(value, 15).split('e') as [string, string];
  const c = Number(coefficient);
  return Number(`${coefficient}e${-Number(exponent)}`) / (c * c);
}

/**
 * Odoo's `float_round(value, precision_rounding=step, rounding_method=method)` as
 * the given Odoo version computes it.
 */
export function floatRound(value: number, step: number, method: RoundingMethod, version: OdooVersion): number {
  if (!(step > 0)) throw new RangeError(`precision_rounding must be positive, got ${step}`);
  if (!Number.isFinite(value)) throw new RangeError(`cannot round ${value}`);
  if (value === 0) return 0;
  return version === 17 ? floatRound17(value, step, method) : floatRound18(value, step, method);
}

function floatRound17(value: number, step: number, method: RoundingMethod): number {
  let normalized = value / step;
  const sign = copySign(1, normalized);
  // math.log(x, 2) is log(x) / log(2) in CPython
  const epsilon = Math.pow(2, Math.log(Math.abs(normalized)) / Math.log(2) - 52);
  let rounded: number;
  if (method === 'UP') {
    normalized -= sign * epsilon;
    rounded = Math.ceil(Math.abs(normalized)) * sign;
  } else if (method === 'DOWN') {
    normalized += sign * epsilon;
    rounded = Math.floor(Math.abs(normalized)) * sign;
  } else if (method === 'HALF-EVEN') {
    rounded = copySign(roundHalfEven(normalized), normalized);
  } else if (method === 'HALF-DOWN') {
    normalized -= copySign(epsilon, normalized);
    rounded = roundHalfAway(normalized);
  } else {
    normalized += copySign(epsilon, normalized);
    rounded = roundHalfAway(normalized);
  }
  return rounded * step;
}

function floatRound18(value: number, step: number, method: RoundingMethod): number {
  let factor = step;
  let inverted = false;
  if (factor < 1) {
    factor = floatInvert(factor);
    inverted = true;
  }
  const normalized = inverted ? value * factor : value / factor;
  const epsilon = Math.pow(2, Math.log2(Math.abs(normalized)) - 50);
  let result: number;
  switch (method) {
    case 'HALF-UP':
      result = roundHalfAway(normalized + copySign(epsilon, normalized));
      break;
    case 'HALF-EVEN': {
      const integral = Math.floor(normalized);
      const remainder = Math.abs(normalized - integral);
      const isHalf = Math.abs(0.5 - remainder) < epsilon;
      result = isHalf ? integral + (Math.abs(integral % 2) === 1 ? 1 : 0) : roundHalfAway(normalized);
      break;
    }
    case 'HALF-DOWN':
      result = roundHalfAway(normalized - copySign(epsilon, normalized));
      break;
    case 'UP':
      result = Math.trunc(normalized + copySign(1 - epsilon, normalized));
      break;
    case 'DOWN':
      result = Math.trunc(normalized + copySign(epsilon, normalized));
      break;
    default:
      throw new RangeError(`unknown rounding method: ${String(method)}`);
  }
  return inverted ? result / factor : result * factor;
}

/** The number of decimals a rounding step has: 0.01 → 2, 0.5 → 1, 1 → 0, 1e-7 → 7. */
export function decimalsOf(step: number): number {
  const text = String(step);
  const [mantissa, exponent] = text.split('e') as [string, string | undefined];
  const fraction = mantissa.split('.')[1]?.length ?? 0;
  return Math.max(0, fraction - (exponent === undefined ? 0 : Number(exponent)));
}

/** The exact decimal digits of a finite double: { negative, digits, pointAt } (value = 0.digits × 10^pointAt). */
function exactDecimal(value: number): { negative: boolean; digits: string; exponent: number } {
  const negative = value < 0 || Object.is(value, -0);
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(value));
  const bits = view.getBigUint64(0);
  const biasedExponent = Number((bits >> 52n) & 0x7ffn);
  let mantissa = bits & ((1n << 52n) - 1n);
  let exponent2: number;
  if (biasedExponent === 0) exponent2 = -1074;
  else {
    mantissa |= 1n << 52n;
    exponent2 = biasedExponent - 1075;
  }
  // value = mantissa × 2^exponent2 = digits × 10^exponent
  if (exponent2 >= 0) return { negative, digits: (mantissa << BigInt(exponent2)).toString(), exponent: 0 };
  const scaled = mantissa * 5n ** BigInt(-exponent2); // × 10^exponent2 / 2^exponent2 … = mantissa × 5^k / 10^k
  return { negative, digits: scaled.toString(), exponent: exponent2 };
}

/** Rounds the decimal `digits × 10^exponent` half-even to `places` decimals; returns an integer string scaled by 10^places. */
function roundDecimal(digits: string, exponent: number, places: number): bigint {
  const value = BigInt(digits);
  const shift = exponent + places; // value × 10^shift is the scaled number
  if (shift >= 0) return value * 10n ** BigInt(shift);
  const divisor = 10n ** BigInt(-shift);
  const quotient = value / divisor;
  const remainder = value % divisor;
  const twice = remainder * 2n;
  if (twice > divisor || (twice === divisor && quotient % 2n === 1n)) return quotient + 1n;
  return quotient;
}

/**
 * Python's `'%.*f' % (places, value)`: the exact binary value rounded half-even to
 * `places` decimals. A result that reads as zero is written without a minus sign.
 */
export function formatFixed(value: number, places: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`cannot format ${value}`);
  const { negative, digits, exponent } = exactDecimal(value);
  const scaled = roundDecimal(digits, exponent, places).toString().padStart(places + 1, '0');
  const whole = scaled.slice(0, scaled.length - places);
  const fraction = scaled.slice(scaled.length - places);
  const zero = /^0*$/.test(scaled);
  return `${negative && !zero ? '-' : ''}${whole}${places > 0 ? `.${fraction}` : ''}`;
}

/** Python's `'%.*e' % (places, value)` (mantissa digits rounded half-even), as `d.ddde±XX`. */
export function formatExponential(value: number, places: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`cannot format ${value}`);
  if (value === 0) return `${Object.is(value, -0) ? '-' : ''}${(0).toFixed(places)}e+00`;
  const { negative, digits, exponent } = exactDecimal(value);
  const significant = digits.replace(/^0+/, '');
  let decimalExponent = significant.length - 1 + exponent;
  // round to places + 1 significant digits
  let mantissa = roundDecimal(significant, -(significant.length - 1), places);
  if (mantissa.toString().length > places + 1) {
    mantissa /= 10n;
    decimalExponent += 1;
  }
  const m = mantissa.toString();
  const sign = decimalExponent < 0 ? '-' : '+';
  const e = String(Math.abs(decimalExponent)).padStart(2, '0');
  return `${negative ? '-' : ''}${m[0]}${places > 0 ? `.${m.slice(1)}` : ''}e${sign}${e}`;
}
