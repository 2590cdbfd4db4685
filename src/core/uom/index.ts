/** Units of measure: the catalogue, item packs and conversions with Odoo's semantics (pure, no database). */
export {
  buildCatalogue,
  defaultCatalogue,
  productUnitRounding,
  unitKey,
  CATEGORIES,
  DIALECTS,
  type Catalogue,
  type CatalogueOptions,
  type CatalogueUnit,
  type CategoryKey,
  type Dialect,
  type ExtraSynonym,
  type ExtraUnit,
  type OdooStatus,
  type OdooUnit,
  type PackageKind,
  type UnitMatch,
  type UomType,
} from './catalogue.js';
export {
  computeQuantity,
  convertQuantity,
  type ConversionFinding,
  type ConversionOk,
  type ConversionReason,
  type ConversionResult,
  type ConversionUnit,
  type ConvertQuantityOptions,
} from './convert.js';
export { decimalsOf, floatInvert, floatRound, formatFixed, ROUNDING_METHODS, type OdooVersion, type RoundingMethod } from './float-round.js';
export { itemConversionsFromMaster, parsePack, parsePackNumber, type ItemConversions, type ItemLink, type ItemMasterUnits, type PackSpec } from './packs.js';
export { canonicalUnitName, isKnownUnit } from './spellings.js';
