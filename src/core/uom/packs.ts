/**
 * Pack units per item: "BX12", "Box of 12", "CS/24", "CS(24)", "12x", "Pack (6)",
 * "24x500ml", "6 x 1 L", "1000/rl", "12 pcs/box", and a bare "case" or "box" whose
 * size is the item's pack size in the master.
 *
 * A pack is a count of inner units: `quantityPerPack` inner units, each the item's
 * base unit unless the spelling names one ("12 pcs/box" → Units) or gives the
 * content of each ("24x500ml" → 24 inners of 500 ml). Packs have no global factor:
 * convert.ts turns them into item-specific units of the item's base category.
 */
import { defaultCatalogue, unitKey, type Catalogue, type Dialect, type PackageKind } from './catalogue.js';

export interface PackSpec {
  /** The spelling as given. */
  readonly spelling: string;
  /** The package kind's key ("box", "case", "pack", "roll", …); "pack" when the spelling names none ("12x"). */
  readonly packUnit: string;
  /** Inner units per pack; undefined when neither the spelling nor the item's pack size gives it. */
  readonly quantityPerPack?: number;
  /** The unit of each inner when the spelling names it ("12 pcs/box" → "units", "24x500ml" → "ml"). */
  readonly innerUnit?: string;
  /** The content of each inner, in innerUnit or in base units ("24x500ml" → 500, "2x6" → 6). */
  readonly innerQuantity?: number;
  /** Where quantityPerPack comes from. */
  readonly sizeFrom: 'spelling' | 'master' | 'none';
}

export interface ParsePackOptions {
  /** The item's pack size from the master (the size of a bare "case" or "box"). */
  readonly packSize?: number | string | null;
  readonly catalogue?: Catalogue;
  readonly dialect?: Dialect;
}

const NUMBER = String.raw`(\d+(?:[.,]\d+)?)`;
const TIMES = String.raw`[x×*]`;

/** Parses a decimal with a point or a comma ("1,5" → 1.5); undefined for anything else or zero. */
export function parsePackNumber(text: string | number | null | undefined): number | undefined {
  if (text === null || text === undefined) return undefined;
  if (typeof text === 'number') return Number.isFinite(text) && text > 0 ? text : undefined;
  const t = text.trim();
  if (!/^\d+(?:[.,]\d+)?$/.test(t) && !/^\d*\.\d+$/.test(t)) return undefined;
  const n = Number(t.replace(',', '.'));
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

/**
 * Reads a pack spelling. Returns undefined when the text is not a pack (a plain unit
 * such as "kg", or an unknown word). A bare package word ("case") gives a pack whose
 * size is `packSize`, or none (`sizeFrom: 'none'`) when the master has none.
 */
export function parsePack(spelling: string, options: ParsePackOptions = {}): PackSpec | undefined {
  const catalogue = options.catalogue ?? defaultCatalogue();
  const dialect = options.dialect ?? 'free';
  const text = unitKey(spelling).replace(/\s*\(\s*/g, '(').replace(/\s*\)\s*/g, ')');
  const packageOf = (word: string): PackageKind | undefined => {
    const m = catalogue.lookup(word, dialect);
    if (m.kind === 'package') return m.package;
    return undefined;
  };
  const innerOf = (word: string): string | undefined => {
    if (!word) return undefined;
    const m = catalogue.lookup(word, dialect);
    return m.kind === 'unit' ? m.unit.key : undefined;
  };
  const masterSize = parsePackNumber(options.packSize ?? undefined);
  const result = (packUnit: string, quantityPerPack: number | undefined, extra: { innerUnit?: string; innerQuantity?: number } = {}): PackSpec | undefined => {
    if (quantityPerPack === undefined) return undefined;
    return { spelling, packUnit, quantityPerPack, ...definedOnly(extra), sizeFrom: 'spelling' };
  };

  // a bare package word: "case", "BX", "roll"
  const bare = /^([a-zäöüß]+)$/.exec(text);
  if (bare) {
    const pkg = packageOf(bare[1]!);
    if (!pkg) return undefined;
    return masterSize === undefined
      ? { spelling, packUnit: pkg.key, sizeFrom: 'none' }
      : { spelling, packUnit: pkg.key, quantityPerPack: masterSize, sizeFrom: 'master' };
  }

  // "BX12", "Box of 12", "CS/24", "CS(24)", "Pack (6)", "case of 24 x 500 ml", "box of 12 pcs"
  const word = new RegExp(String.raw`^([a-zäöüß]+)\s*(?:of|with|à|a|de|mit)?\s*[/(:\-]?\s*${NUMBER}\s*(.*?)\)?$`).exec(text);
  if (word) {
    const pkg = packageOf(word[1]!);
    if (pkg) {
      const size = parsePackNumber(word[2]);
      const rest = word[3]!.trim();
      if (rest === '') return result(pkg.key, size);
      const content = new RegExp(String.raw`^${TIMES}\s*${NUMBER}\s*([^\d]*)$`).exec(rest);
      if (content) {
        const innerQuantity = parsePackNumber(content[1]);
        const innerUnit = innerOf(content[2]!.trim());
        if (innerQuantity === undefined || (content[2]!.trim() !== '' && innerUnit === undefined)) return undefined;
        return result(pkg.key, size, { innerUnit, innerQuantity });
      }
      const innerUnit = innerOf(rest);
      return innerUnit === undefined ? undefined : result(pkg.key, size, { innerUnit });
    }
  }

  // "12/box", "24/CS", "1000/rl", "12 pcs/box", "12 per box"
  const per = new RegExp(String.raw`^${NUMBER}\s*([^\d/]*?)\s*(?:/|per|pro|par)\s*([a-zäöüß]+)$`).exec(text);
  if (per) {
    const pkg = packageOf(per[3]!);
    const inner = per[2]!.trim();
    const innerUnit = innerOf(inner);
    if (pkg && (inner === '' || innerUnit !== undefined)) return result(pkg.key, parsePackNumber(per[1]), { innerUnit });
  }

  // "24x500ml", "6 x 1 L", "2x6"
  const nested = new RegExp(String.raw`^(\d+)\s*${TIMES}\s*${NUMBER}\s*([^\d]*)$`).exec(text);
  if (nested) {
    const unitWord = nested[3]!.trim();
    const innerUnit = innerOf(unitWord);
    if (unitWord !== '' && innerUnit === undefined) return undefined;
    return result('pack', parsePackNumber(nested[1]), { innerUnit, innerQuantity: parsePackNumber(nested[2]) });
  }

  // "12x", "12 x"
  const times = new RegExp(String.raw`^(\d+)\s*${TIMES}$`).exec(text);
  if (times) return result('pack', parsePackNumber(times[1]));

  return undefined;
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** What the item master says about an item's units (items.uom, items.pack_size). */
export interface ItemMasterUnits {
  readonly sku?: string;
  readonly uom?: string | null;
  readonly pack_size?: string | number | null;
}

/**
 * Item-specific conversions: the item's base unit, its pack size (the size of a bare
 * "case"/"box"), and links across categories ("1 kg of this item is 4 Units").
 */
export interface ItemConversions {
  readonly sku?: string;
  /** The item's base unit (a spelling). */
  readonly baseUnit?: string;
  /** Base units in the item's pack when its spelling carries no size ("case", "box"). */
  readonly packSize?: number | string;
  /** 1 `unit` = `contains` × `of`, for this item only (weights of counted items, …). */
  readonly links?: readonly ItemLink[];
}

export interface ItemLink {
  readonly unit: string;
  readonly contains: number | string;
  readonly of: string;
}

/** Item conversions from the master's row (uom and pack_size as staged). */
export function itemConversionsFromMaster(row: ItemMasterUnits): ItemConversions {
  const packSize = parsePackNumber(row.pack_size ?? undefined);
  return {
    ...(row.sku ? { sku: row.sku } : {}),
    ...(row.uom && row.uom.trim() ? { baseUnit: row.uom.trim() } : {}),
    ...(packSize !== undefined ? { packSize } : {}),
  };
}
