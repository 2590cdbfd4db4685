/**
 * The opening cost per product: the GL value divided by the opening quantity,
 * rounded HALF-UP to the cost precision (Odoo's 'Product Price', 2 digits by
 * default: addons/product/data/product_data.xml), so that quantity × cost is the GL
 * value to the cent wherever the division allows; the residual (GL value − quantity
 * × cost) is exact and reported. Pure decimal arithmetic on BigInt: no floats.
 */
import { canonicalDecimal, compareDecimals, mulDecimals, subDecimals, toMicroNumber, toScaled, fromScaled } from '../model/decimal.js';

export type CostBasis =
  | 'gl' // GL value ÷ opening quantity
  | 'master_no_gl' // no GL value for the product: the item master's cost
  | 'master_no_stock' // a GL value but no opening stock to carry it: the master's cost, the GL value is residual
  | 'master_sign' // GL value and quantity of opposite signs: the master's cost
  | 'none'; // neither: cost 0

export interface ProductCost {
  readonly cost: string;
  /** Σ opening qty × cost. */
  readonly value: string;
  /** GL value − value where there is a GL value; null without one. */
  readonly residual: string | null;
  readonly basis: CostBasis;
}

/** a ÷ b rounded HALF-UP (away from zero on ties) to `digits` decimals, exactly. */
export function divideHalfUp(a: string, b: string, digits: number): string {
  const x = toScaled(a);
  const y = toScaled(b);
  if (y.units === 0n) throw new RangeError('division by zero');
  const negative = x.units < 0n !== y.units < 0n && x.units !== 0n;
  const num = (x.units < 0n ? -x.units : x.units) * 10n ** BigInt(digits + y.scale);
  const den = (y.units < 0n ? -y.units : y.units) * 10n ** BigInt(x.scale);
  const q = (2n * num + den) / (2n * den);
  return fromScaled({ units: negative ? -q : q, scale: digits });
}

/** Rounds a decimal HALF-UP to `digits` decimals. */
export function roundHalfUp(a: string, digits: number): string {
  return divideHalfUp(a, '1', digits);
}

/** An integer count of 10^-scale units as a plain decimal without trailing zeros. */
function formatUnits(units: bigint, scale: number): string {
  const negative = units < 0n;
  let digits = (negative ? -units : units).toString();
  if (scale > 0) {
    digits = digits.padStart(scale + 1, '0');
    let end = digits.length;
    while (end > digits.length - scale && digits.charCodeAt(end - 1) === 48) end--;
    const int = digits.slice(0, digits.length - scale);
    digits = end > digits.length - scale ? `${int}.${digits.slice(digits.length - scale, end)}` : int;
  }
  return negative && digits !== '0' ? `-${digits}` : digits;
}

export function productCost(input: { glValue: string | null; qty: string; masterCost: string | null; digits: number }): ProductCost {
  const { glValue, qty, digits } = input;
  // The common case without string arithmetic: both plain decimals, the quantity not zero.
  const glMicro = glValue === null ? undefined : toMicroNumber(glValue);
  const qtyMicro = toMicroNumber(qty);
  if (glMicro !== undefined && qtyMicro !== undefined && qtyMicro !== 0) {
    const g = BigInt(glMicro);
    const q = BigInt(qtyMicro);
    const scale = 10n ** BigInt(digits);
    const num = (g < 0n ? -g : g) * scale;
    const den = q < 0n ? -q : q;
    const rounded = (2n * num + den) / (2n * den);
    const cost = (g < 0n) !== (q < 0n) && g !== 0n ? -rounded : rounded;
    if (cost >= 0n) {
      const value = q * cost; // scale 6 + digits
      return { cost: formatUnits(cost, digits), value: formatUnits(value, 6 + digits), residual: formatUnits(g * scale - value, 6 + digits), basis: 'gl' };
    }
  }
  const master = input.masterCost && /^-?\d*\.?\d+$/.test(input.masterCost.trim()) ? roundHalfUp(canonicalDecimal(input.masterCost), digits) : null;
  const fallback = (basis: CostBasis): ProductCost => {
    const cost = master ?? '0';
    const value = mulDecimals(qty, cost);
    return { cost, value: canonicalDecimal(value), residual: glValue === null ? null : subDecimals(glValue, value), basis: master === null && basis === 'master_no_gl' ? 'none' : basis };
  };
  if (glValue === null) return fallback('master_no_gl');
  if (compareDecimals(qty, '0') === 0) return fallback('master_no_stock');
  const cost = divideHalfUp(glValue, qty, digits);
  if (compareDecimals(cost, '0') < 0) return fallback('master_sign');
  const value = mulDecimals(qty, cost);
  return { cost, value: canonicalDecimal(value), residual: subDecimals(glValue, value), basis: 'gl' };
}
