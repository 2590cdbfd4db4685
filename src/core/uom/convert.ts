/**
 * Quantity conversion with Odoo's semantics, digit for digit:
 * `uom._compute_quantity(qty, to_unit, round=True, rounding_method)`.
 *
 * - 17.0/18.0: units of different categories raise; otherwise
 *   `amount = qty / from.factor * to.factor` (same unit: `amount = qty`).
 * - 19.0: `amount = qty * from.factor / to.factor` (19's factor is the reverse of
 *   17/18's); 19 itself does not check that the units share a root (callers check
 *   `_has_common_reference`), so this module refuses different roots as 17/18 do.
 * - Then, in every version, `float_round(amount, precision_rounding=to.rounding,
 *   rounding_method)` (float-round.ts), also when both units are the same
 *   (6.00000000000001 Units → 6.01 with UP). A zero quantity comes back unrounded.
 *
 * The result string is the rounded double written with the target rounding's
 * decimals ("%.2f"), which is what Odoo stores for a unit with rounding 0.01.
 *
 * Packs ("BX12", "case" with the item's pack size) become units of the item's base
 * category, as Odoo has them once the load files create them: 17/18 factor =
 * base.factor / size with rounding 0.01, 19 relative_factor = size of the base.
 * Crossing categories needs an item link (1 kg of the item = 4 Units): the quantity
 * is converted unrounded to the link's unit, multiplied by the link, converted
 * unrounded from the link's other unit, and rounded once, at the target. Odoo has no
 * conversion of its own for that route (`route: 'item-link'`).
 */
import { defaultCatalogue, productUnitRounding, type Catalogue, type CatalogueUnit, type Dialect, type OdooStatus, type OdooUnit } from './catalogue.js';
import { decimalsOf, floatRound, formatFixed, type OdooVersion, type RoundingMethod } from './float-round.js';
import { parsePack, parsePackNumber, type ItemConversions, type PackSpec } from './packs.js';

export interface ConvertQuantityOptions {
  /** A decimal string: "1234", "1.24", "-3", "2.5e3". */
  readonly qty: string;
  /** The unit the quantity is in (a spelling, key, Odoo name or external id). */
  readonly from: string;
  /** The unit to convert to. */
  readonly to: string;
  /** The item, for messages (its units come in itemConversions). */
  readonly sku?: string;
  /** The item's base unit, pack size and cross-category links. */
  readonly itemConversions?: ItemConversions;
  /** Odoo's rounding_method: 'UP' is _compute_quantity's default, stock moves use 'HALF-UP'. */
  readonly rounding: RoundingMethod;
  readonly odooVersion: OdooVersion;
  readonly catalogue?: Catalogue;
  /** The dialect of `from` and `to` (default free text). */
  readonly dialect?: Dialect;
  /** 19.0: the 'Product Unit' decimal precision every unit rounds to (default 2). */
  readonly productUnitDigits?: number;
}

/** A unit as the conversion used it. */
export interface ConversionUnit {
  readonly spelling: string;
  /** Catalogue key, or "<package>:<size>:<inner key>" for an item's pack. */
  readonly key: string;
  readonly name: string;
  readonly kind: 'catalogue' | 'pack';
  readonly status: OdooStatus | 'item';
  readonly xmlid?: string;
  /** The category (17/18) or root unit (19) it belongs to, version-independent key. */
  readonly category: string;
  readonly categoryName: string;
  /** The version's factor (17/18: per reference unit; 19: root units in one). */
  readonly factor: number;
  readonly rounding: number;
  /** False for a unit Odoo ships archived (19.0: Dozens, cm, the imperial units): the load files must activate it. */
  readonly active: boolean;
  readonly pack?: PackSpec;
}

export interface ConversionOk {
  readonly ok: true;
  /** What Odoo stores: the rounded value with the target rounding's decimals. */
  readonly qty: string;
  /** The rounded double, as Odoo holds it in Python. */
  readonly value: number;
  readonly input: string;
  readonly from: ConversionUnit;
  readonly to: ConversionUnit;
  readonly rounding: { readonly method: RoundingMethod; readonly step: number; readonly decimals: number };
  readonly odooVersion: OdooVersion;
  /** same-unit and same-category are Odoo's own computation; item-link is invsync's (Odoo has none). */
  readonly route: 'same-unit' | 'same-category' | 'item-link';
  readonly link?: { readonly unit: string; readonly contains: number; readonly of: string };
  readonly sku?: string;
}

export type ConversionReason = 'invalid-quantity' | 'unknown-unit' | 'ambiguous-unit' | 'pack-size-unknown' | 'cross-category';

export interface ConversionFinding {
  readonly ok: false;
  readonly reason: ConversionReason;
  readonly message: string;
  /** The spelling the finding is about (unknown, ambiguous or sizeless unit). */
  readonly unit?: string;
  readonly candidates?: readonly string[];
  readonly from?: ConversionUnit;
  readonly to?: ConversionUnit;
  readonly sku?: string;
}

export type ConversionResult = ConversionOk | ConversionFinding;

const QUANTITY = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Odoo's 17/18 rounding for a unit the load files create without one (the field default). */
const CREATED_UNIT_ROUNDING = 0.01;

interface Context {
  readonly catalogue: Catalogue;
  readonly version: OdooVersion;
  readonly dialect: Dialect;
  readonly digits: number;
  readonly item?: ItemConversions;
  readonly sku?: string;
}

type Resolved = { ok: true; unit: ConversionUnit } | { ok: false; finding: ConversionFinding };

/** Converts a quantity between two units as Odoo's `_compute_quantity` does. */
export function convertQuantity(options: ConvertQuantityOptions): ConversionResult {
  const catalogue = options.catalogue ?? defaultCatalogue();
  const sku = options.sku ?? options.itemConversions?.sku;
  const ctx: Context = {
    catalogue,
    version: options.odooVersion,
    dialect: options.dialect ?? 'free',
    digits: options.productUnitDigits ?? 2,
    item: options.itemConversions,
    sku,
  };
  const input = options.qty.trim();
  if (!QUANTITY.test(input)) {
    return finding(ctx, 'invalid-quantity', `"${options.qty}" is not a quantity: write a decimal number such as 12 or 1.5`);
  }
  const qty = Number(input);
  if (!Number.isFinite(qty)) return finding(ctx, 'invalid-quantity', `"${options.qty}" is out of range`);

  const base = resolveBase(ctx);
  const first = resolveUnit(options.from, ctx, base);
  const second = resolveUnit(options.to, ctx, base);
  if (!first.ok) return first.finding;
  if (!second.ok) return second.finding;
  // a pack with stated content ("24x500ml") counts inners, or measures their content when the other side does
  const from = reresolveForCategory(options.from, first.unit, second.unit, ctx, base);
  const to = reresolveForCategory(options.to, second.unit, from, ctx, base);

  const method = options.rounding;
  const result = (value: number, route: ConversionOk['route'], link?: ConversionOk['link']): ConversionOk => {
    const decimals = decimalsOf(to.rounding);
    return {
      ok: true, qty: formatFixed(value, decimals), value, input, from, to,
      rounding: { method, step: to.rounding, decimals }, odooVersion: ctx.version, route,
      ...(link ? { link } : {}), ...(sku ? { sku } : {}),
    };
  };

  if (from.category === to.category) {
    const value = computeQuantity(qty, from, to, ctx.version, method);
    return result(value, from.key === to.key ? 'same-unit' : 'same-category');
  }

  for (const link of ctx.item?.links ?? []) {
    const contains = parsePackNumber(link.contains);
    if (contains === undefined) continue;
    const lu = resolveUnit(link.unit, ctx, base);
    const lo = resolveUnit(link.of, ctx, base);
    if (!lu.ok || !lo.ok) continue;
    const described = { unit: lu.unit.name, contains, of: lo.unit.name };
    if (lu.unit.category === from.category && lo.unit.category === to.category) {
      const inLink = computeQuantity(qty, from, lu.unit, ctx.version, method, false);
      return result(computeQuantity(inLink * contains, lo.unit, to, ctx.version, method), 'item-link', described);
    }
    if (lo.unit.category === from.category && lu.unit.category === to.category) {
      const inLink = computeQuantity(qty, from, lo.unit, ctx.version, method, false);
      return result(computeQuantity(inLink / contains, lu.unit, to, ctx.version, method), 'item-link', described);
    }
  }

  const item = sku ? ` for ${sku}` : '';
  return {
    ok: false,
    reason: 'cross-category',
    message: `${from.name} (${from.categoryName}) and ${to.name} (${to.categoryName}) are in different categories and there is no item-specific factor${item} between them`,
    from,
    to,
    ...(sku ? { sku } : {}),
  };
}

/**
 * `_compute_quantity` of one version on resolved units: the same unit keeps the
 * quantity; a zero quantity is returned as is; `round` applies float_round with
 * the target's rounding.
 */
export function computeQuantity(qty: number, from: Pick<ConversionUnit, 'key' | 'factor'>, to: Pick<ConversionUnit, 'key' | 'factor' | 'rounding'>, version: OdooVersion, method: RoundingMethod, round = true): number {
  if (qty === 0) return qty;
  let amount: number;
  if (from.key === to.key) amount = qty;
  else if (version === 19) amount = (qty * from.factor) / to.factor;
  else amount = (qty / from.factor) * to.factor;
  return round ? floatRound(amount, to.rounding, method, version) : amount;
}

function finding(ctx: Context, reason: ConversionReason, message: string, extra: Partial<ConversionFinding> = {}): ConversionFinding {
  return { ok: false, reason, message, ...extra, ...(ctx.sku ? { sku: ctx.sku } : {}) };
}

function fromOdoo(spelling: string, unit: OdooUnit, catalogueUnit: CatalogueUnit): ConversionUnit {
  return {
    spelling, key: unit.key, name: unit.name, kind: 'catalogue', status: unit.status,
    ...(unit.xmlid ? { xmlid: unit.xmlid } : {}),
    category: catalogueUnit.category, categoryName: catalogueUnit.categoryName, factor: unit.factor, rounding: unit.rounding, active: unit.active,
  };
}

/** The item's base unit: a catalogue unit, an item's pack ("BX12"), or a package kind of its own ("roll"). */
function resolveBase(ctx: Context): ConversionUnit | undefined {
  const spelling = ctx.item?.baseUnit;
  if (!spelling) return undefined;
  const m = follow(spelling, ctx);
  if (m.kind === 'unit') return fromOdoo(spelling, ctx.catalogue.odoo(m.unit.key, ctx.version, { productUnitDigits: ctx.digits }), m.unit);
  if (m.kind === 'package') {
    // the item is stocked in rolls, sets, …: a unit of its own, a category of its own
    return {
      spelling, key: `item:${m.package.key}`, name: m.package.name, kind: 'pack', status: 'item',
      category: `item:${m.package.key}`, categoryName: `${m.package.name} (item unit)`, factor: 1, rounding: itemRounding(ctx), active: true,
    };
  }
  const pack = m.kind === 'pack' ? m.pack : undefined;
  if (pack?.quantityPerPack !== undefined) return packUnit(pack, ctx, undefined, undefined);
  return undefined;
}

type Followed =
  | { kind: 'unit'; unit: CatalogueUnit }
  | { kind: 'package'; package: { key: string; name: string } }
  | { kind: 'pack'; pack: PackSpec }
  | { kind: 'ambiguous'; candidates: readonly string[]; note: string }
  | { kind: 'unknown' };

/** A spelling's meaning: catalogue unit, package word, pack spelling (also via a workspace alias). */
function follow(spelling: string, ctx: Context, packSize?: number | string): Followed {
  const m = ctx.catalogue.lookup(spelling, ctx.dialect);
  if (m.kind === 'unit') return { kind: 'unit', unit: m.unit };
  if (m.kind === 'ambiguous') return { kind: 'ambiguous', candidates: m.candidates, note: m.note };
  if (m.kind === 'package') {
    if (packSize === undefined) return { kind: 'package', package: m.package };
    const pack = parsePack(m.package.key, { packSize, catalogue: ctx.catalogue });
    return pack ? { kind: 'pack', pack: { ...pack, spelling } } : { kind: 'package', package: m.package };
  }
  const text = m.kind === 'alias' ? m.target : spelling;
  const pack = parsePack(text, { packSize, catalogue: ctx.catalogue, dialect: m.kind === 'alias' ? 'free' : ctx.dialect });
  if (pack) return pack.quantityPerPack === undefined ? { kind: 'package', package: { key: pack.packUnit, name: pack.packUnit } } : { kind: 'pack', pack: { ...pack, spelling } };
  return { kind: 'unknown' };
}

function resolveUnit(spelling: string, ctx: Context, base: ConversionUnit | undefined, preferCategory?: string): Resolved {
  if (base?.key.startsWith('item:')) {
    // the item's own package unit ("roll" for an item stocked in rolls) is its base, not a pack of it
    const plain = ctx.catalogue.lookup(spelling, ctx.dialect);
    if (plain.kind === 'package' && base.key === `item:${plain.package.key}`) return { ok: true, unit: { ...base, spelling } };
  }
  const m = follow(spelling, ctx, ctx.item?.packSize);
  switch (m.kind) {
    case 'unit':
      return { ok: true, unit: fromOdoo(spelling, ctx.catalogue.odoo(m.unit.key, ctx.version, { productUnitDigits: ctx.digits }), m.unit) };
    case 'pack':
      if (ctx.item?.baseUnit && !base && m.pack.innerUnit === undefined) {
        // a pack counts the item's base unit: never assume Units for a base nobody knows
        return {
          ok: false,
          finding: finding(ctx, 'unknown-unit', `"${spelling}" holds ${m.pack.quantityPerPack} of the item's base unit, and "${ctx.item.baseUnit}" is not a known unit of measure`, { unit: ctx.item.baseUnit }),
        };
      }
      return { ok: true, unit: packUnit(m.pack, ctx, base, preferCategory) };
    case 'package':
      return {
        ok: false,
        finding: finding(ctx, 'pack-size-unknown', `"${spelling}" is a ${m.package.name} whose size belongs to the item: ${ctx.sku ? `the item master has no pack size for ${ctx.sku}` : 'give --sku (the item master\'s pack size) or a spelling with its size, such as "CS/24"'}`, { unit: spelling }),
      };
    case 'ambiguous':
      return { ok: false, finding: finding(ctx, 'ambiguous-unit', `"${spelling}" is ambiguous: ${m.note}`, { unit: spelling, candidates: m.candidates }) };
    default:
      return { ok: false, finding: finding(ctx, 'unknown-unit', `"${spelling}" is not a known unit of measure`, { unit: spelling }) };
  }
}

/** Re-resolves a pack with stated content ("24x500ml") to measure content when the other side is in that content's category. */
function reresolveForCategory(spelling: string, unit: ConversionUnit, other: ConversionUnit, ctx: Context, base: ConversionUnit | undefined): ConversionUnit {
  if (unit.kind !== 'pack' || !unit.pack?.innerUnit || unit.pack.innerQuantity === undefined || unit.category === other.category) return unit;
  const again = resolveUnit(spelling, ctx, base, other.category);
  return again.ok ? again.unit : unit;
}

function itemRounding(ctx: Context): number {
  return ctx.version === 19 ? productUnitRounding(ctx.digits) : CREATED_UNIT_ROUNDING;
}

/**
 * An item's pack as an Odoo unit of the inner unit's category: 17/18 a unit with
 * factor = inner.factor / size (bigger than its reference), rounding 0.01; 19 a unit
 * with relative_factor = size of the inner unit.
 */
function packUnit(pack: PackSpec, ctx: Context, base: ConversionUnit | undefined, preferCategory: string | undefined): ConversionUnit {
  const units = (key: string): ConversionUnit => {
    const u = ctx.catalogue.unit(key)!;
    return fromOdoo(key, ctx.catalogue.odoo(key, ctx.version, { productUnitDigits: ctx.digits }), u);
  };
  const count = base ?? units('units');
  const perPack = pack.quantityPerPack!;
  let of: ConversionUnit;
  let size: number;
  const inner = pack.innerUnit ? units(pack.innerUnit) : undefined;
  if (inner && pack.innerQuantity !== undefined) {
    // "24x500ml": 24 inners of 500 ml each — content when asked in the content's category, else a count
    const measureContent = inner.category !== 'unit' && (preferCategory === inner.category || (preferCategory === undefined && base?.category === inner.category));
    if (measureContent) {
      of = inner;
      size = perPack * pack.innerQuantity;
    } else {
      of = count;
      size = perPack;
    }
  } else if (inner) {
    of = inner;
    size = perPack;
  } else {
    of = count;
    size = pack.innerQuantity === undefined ? perPack : perPack * pack.innerQuantity;
  }
  const factor = ctx.version === 19 ? size * of.factor : of.factor / size;
  const pkg = ctx.catalogue.package(pack.packUnit);
  return {
    spelling: pack.spelling,
    key: `${pack.packUnit}:${size}:${of.key}`,
    name: `${pkg?.name ?? pack.packUnit} of ${size} ${of.name}`,
    kind: 'pack',
    status: 'item',
    category: of.category,
    categoryName: of.categoryName,
    factor,
    rounding: itemRounding(ctx),
    active: true,
    pack,
  };
}
