/**
 * The unit catalogue: Odoo's standard units of measure as each version ships them
 * (addons/uom/data/uom_data.xml), their UN/ECE Rec 20 codes (as Odoo's own e-invoicing
 * maps them), the spellings people type, keyed by dialect where codes collide, and
 * the package units whose size belongs to the item (box, case, roll, …).
 *
 * Odoo 17.0 and 18.0 put units in categories; each unit has a `uom_type`
 * (reference / bigger / smaller), a `factor` = units of it per 1 reference unit
 * (g = 1000, t = 0.001, Dozens = 1/12) and a `rounding` (0.01 for every standard
 * unit: uom_data.xml sets none, the field default is 0.01).
 * Odoo 19.0 removed categories: each unit holds `relative_factor` × `relative_uom_id`,
 * and its stored `factor` is the product up to the root (g = 1, kg = 1000, t = 10⁶),
 * the reverse meaning of 17/18's `factor`. Every unit's rounding is 10^-digits of
 * the 'Product Unit' decimal precision (2 → 0.01).
 *
 * Units invsync needs that a version does not ship (ml and "Pack of 6" in 17/18,
 * pair, gross, …) are in the catalogue as `custom`: the Odoo load files create them,
 * with the factors given here, so that conversions agree with Odoo after the import.
 * Workspace units and synonyms (from invsync.yaml) come in through buildCatalogue().
 */
import { InputError } from '../errors.js';
import { decimalsOf, type OdooVersion } from './float-round.js';

export type { OdooVersion } from './float-round.js';

/** Where a spelling comes from: free text (people, spreadsheets), ASC X12 element 355, or UN/ECE Rec 20/21. */
export type Dialect = 'free' | 'x12' | 'rec20';
export const DIALECTS: readonly Dialect[] = ['free', 'x12', 'rec20'];

export type UomType = 'reference' | 'bigger' | 'smaller';

/** Whether Odoo ships the unit ('standard'), ships it only in a later revision of that version, or invsync's load files must create it. */
export type OdooStatus = 'standard' | 'standard-later' | 'custom';

/** The categories of 17.0/18.0 (in 19.0 each is the tree under one root unit). */
export const CATEGORIES = {
  unit: { xmlid: 'uom.product_uom_categ_unit', name: 'Unit' },
  weight: { xmlid: 'uom.product_uom_categ_kgm', name: 'Weight' },
  working_time: { xmlid: 'uom.uom_categ_wtime', name: 'Working Time' },
  length: { xmlid: 'uom.uom_categ_length', name: 'Length / Distance' },
  surface: { xmlid: 'uom.uom_categ_surface', name: 'Surface' },
  volume: { xmlid: 'uom.product_uom_categ_vol', name: 'Volume' },
  /** Added to 18.0 and 19.0 by a 2026 stable update (odoo/odoo#238342); not in 17.0. */
  energy: { xmlid: 'uom.product_uom_categ_energy', name: 'Energy' },
} as const;
export type CategoryKey = keyof typeof CATEGORIES;

/** A 17.0/18.0 uom.uom record as uom_data.xml writes it (`factor` or `factor_inv`). */
interface LegacySpec {
  readonly xmlid?: string;
  readonly name?: string;
  readonly type: UomType;
  readonly factor?: number;
  readonly factorInv?: number;
  /** Shipped by 18.0 only from a later stable revision (custom in 17.0). */
  readonly laterIn18?: boolean;
}

/** A 19.0 uom.uom record: `relative_factor` × `relative_uom_id`. */
interface TreeSpec {
  readonly xmlid?: string;
  readonly name?: string;
  readonly contains: number;
  readonly of?: string;
  readonly active?: boolean;
  /** Shipped by 19.0 only from a later revision. */
  readonly later?: boolean;
}

interface UnitSpec {
  readonly key: string;
  readonly name: string;
  readonly category: CategoryKey;
  readonly rec20?: string;
  readonly spellings: readonly string[];
  readonly legacy: LegacySpec;
  readonly tree: TreeSpec;
  readonly note?: string;
}

/**
 * Odoo's standard units (17.0/18.0 from uom_data.xml of 17.0 FINAL and 18.0.post20250421,
 * 19.0 from 19.0 FINAL), then units invsync adds. Rec 20 codes follow Odoo's
 * UOM_TO_UNECE_CODE (account / account_edi_ubl_cii).
 */
const UNITS: readonly UnitSpec[] = [
  // Unit
  {
    key: 'units', name: 'Units', category: 'unit', rec20: 'C62',
    spellings: ['ea', 'each', 'eaches', 'pc', 'pcs', 'pce', 'pces', 'piece', 'pieces', 'unit', 'units', 'u', 'un', 'unt', 'nos', 'no', 'nr', 'st', 'stk', 'stck', 'stück', 'stueck', 'stuck', 'pz', 'pza', 'pzs', 'pezzi', 'pic', 'unidad', 'unidades', 'unité', 'unités', 'unite', 'c62', 'h87', '个', '件', '只', '支'],
    legacy: { xmlid: 'uom.product_uom_unit', type: 'reference', factor: 1.0 },
    tree: { xmlid: 'uom.product_uom_unit', contains: 1.0 },
  },
  {
    key: 'dozens', name: 'Dozens', category: 'unit', rec20: 'DZN',
    spellings: ['dz', 'dzn', 'doz', 'dozen', 'dozens', 'dtz', 'dutzend'],
    legacy: { xmlid: 'uom.product_uom_dozen', type: 'bigger', factorInv: 12 },
    tree: { xmlid: 'uom.product_uom_dozen', contains: 12, of: 'units', active: false },
  },
  {
    key: 'pack_6', name: 'Pack of 6', category: 'unit', rec20: 'HD',
    spellings: ['pack of 6'],
    legacy: { type: 'bigger', factorInv: 6 },
    tree: { xmlid: 'uom.product_uom_pack_6', contains: 6, of: 'units' },
    note: 'standard only in 19.0; Rec 20 HD (half dozen) is marked deleted, Odoo\'s UBL export still uses it',
  },
  // Working time
  {
    key: 'days', name: 'Days', category: 'working_time', rec20: 'DAY',
    spellings: ['d', 'day', 'days'],
    legacy: { xmlid: 'uom.product_uom_day', type: 'reference', factor: 1.0 },
    tree: { xmlid: 'uom.product_uom_day', contains: 8.0, of: 'hours' },
    note: 'a working day of 8 hours',
  },
  {
    key: 'hours', name: 'Hours', category: 'working_time', rec20: 'HUR',
    spellings: ['h', 'hr', 'hrs', 'hour', 'hours'],
    legacy: { xmlid: 'uom.product_uom_hour', type: 'smaller', factor: 8.0 },
    tree: { xmlid: 'uom.product_uom_hour', contains: 1 },
  },
  {
    key: 'minutes', name: 'Minutes', category: 'working_time', rec20: 'MIN',
    spellings: ['min', 'mins', 'minute', 'minutes'],
    legacy: { xmlid: 'uom.product_uom_minute', type: 'smaller', factor: 480.0, laterIn18: true },
    tree: { xmlid: 'uom.product_uom_minute', contains: 0.0166667, of: 'hours', later: true },
    note: 'added by a 2026 stable update of 18.0 and 19.0 (odoo/odoo#238342)',
  },
  // Length
  {
    key: 'm', name: 'm', category: 'length', rec20: 'MTR',
    spellings: ['m', 'mtr', 'mtrs', 'meter', 'meters', 'metre', 'metres', 'lm', 'lfm'],
    legacy: { xmlid: 'uom.product_uom_meter', type: 'reference', factor: 1.0 },
    tree: { xmlid: 'uom.product_uom_meter', contains: 100.0, of: 'cm' },
  },
  {
    key: 'mm', name: 'mm', category: 'length', rec20: 'MMT',
    spellings: ['mm', 'millimeter', 'millimeters', 'millimetre', 'millimetres'],
    legacy: { xmlid: 'uom.product_uom_millimeter', type: 'smaller', factor: 1000 },
    tree: { xmlid: 'uom.product_uom_millimeter', contains: 1 },
  },
  {
    key: 'km', name: 'km', category: 'length', rec20: 'KMT',
    spellings: ['km', 'kilometer', 'kilometers', 'kilometre', 'kilometres'],
    legacy: { xmlid: 'uom.product_uom_km', type: 'bigger', factorInv: 1000 },
    tree: { xmlid: 'uom.product_uom_km', contains: 1000, of: 'm', active: false },
  },
  {
    key: 'cm', name: 'cm', category: 'length', rec20: 'CMT',
    spellings: ['cm', 'centimeter', 'centimeters', 'centimetre', 'centimetres'],
    legacy: { xmlid: 'uom.product_uom_cm', type: 'smaller', factor: 100 },
    tree: { xmlid: 'uom.product_uom_cm', contains: 10, of: 'mm', active: false },
  },
  {
    key: 'in', name: 'in', category: 'length', rec20: 'INH',
    spellings: ['in', 'inch', 'inches', '"'],
    legacy: { xmlid: 'uom.product_uom_inch', type: 'smaller', factor: 39.3701 },
    tree: { xmlid: 'uom.product_uom_inch', contains: 2.54, of: 'cm', active: false },
  },
  {
    key: 'ft', name: 'ft', category: 'length', rec20: 'FOT',
    spellings: ['ft', 'foot', 'feet', "'"],
    legacy: { xmlid: 'uom.product_uom_foot', type: 'smaller', factor: 3.28084 },
    tree: { xmlid: 'uom.product_uom_foot', contains: 12, of: 'in', active: false },
  },
  {
    key: 'yd', name: 'yd', category: 'length', rec20: 'YRD',
    spellings: ['yd', 'yds', 'yard', 'yards'],
    legacy: { xmlid: 'uom.product_uom_yard', type: 'smaller', factor: 1.09361 },
    tree: { xmlid: 'uom.product_uom_yard', contains: 3, of: 'ft', active: false },
  },
  {
    key: 'mi', name: 'mi', category: 'length', rec20: 'SMI',
    spellings: ['mi', 'mile', 'miles'],
    legacy: { xmlid: 'uom.product_uom_mile', type: 'bigger', factorInv: 1609.34 },
    tree: { xmlid: 'uom.product_uom_mile', contains: 1760, of: 'yd', active: false },
  },
  // Surface
  {
    key: 'm2', name: 'm²', category: 'surface', rec20: 'MTK',
    spellings: ['m2', 'm²', 'sqm', 'sq m', 'sq.m', 'sq. m', 'qm', 'square meter', 'square meters', 'square metre', 'square metres'],
    legacy: { xmlid: 'uom.uom_square_meter', type: 'reference', factor: 1.0 },
    tree: { xmlid: 'uom.product_uom_square_meter', contains: 1.0 },
    note: 'the external id is uom.uom_square_meter in 17.0/18.0, uom.product_uom_square_meter in 19.0',
  },
  {
    key: 'ft2', name: 'ft²', category: 'surface', rec20: 'FTK',
    spellings: ['ft2', 'ft²', 'sqft', 'sq ft', 'sq.ft', 'sq. ft', 'sf', 'square foot', 'square feet'],
    legacy: { xmlid: 'uom.uom_square_foot', type: 'smaller', factor: 10.76391 },
    tree: { xmlid: 'uom.product_uom_square_foot', contains: 0.092903, of: 'm2', active: false },
  },
  // Volume
  {
    key: 'l', name: 'L', category: 'volume', rec20: 'LTR',
    spellings: ['l', 'ltr', 'ltrs', 'lt', 'lts', 'litre', 'litres', 'liter', 'liters'],
    legacy: { xmlid: 'uom.product_uom_litre', type: 'reference', factor: 1.0 },
    tree: { xmlid: 'uom.product_uom_litre', contains: 1000, of: 'ml' },
  },
  {
    key: 'ml', name: 'ml', category: 'volume', rec20: 'MLT',
    spellings: ['ml', 'mls', 'millilitre', 'millilitres', 'milliliter', 'milliliters'],
    legacy: { type: 'smaller', factor: 1000 },
    tree: { xmlid: 'uom.product_uom_milliliter', contains: 1 },
    note: 'standard only in 19.0',
  },
  {
    key: 'm3', name: 'm³', category: 'volume', rec20: 'MTQ',
    spellings: ['m3', 'm³', 'cbm', 'cu m', 'cubic meter', 'cubic meters', 'cubic metre', 'cubic metres'],
    legacy: { xmlid: 'uom.product_uom_cubic_meter', type: 'bigger', factorInv: 1000 },
    tree: { xmlid: 'uom.product_uom_cubic_meter', contains: 1000, of: 'l', active: false },
  },
  {
    key: 'fl_oz', name: 'fl oz (US)', category: 'volume', rec20: 'OZA',
    spellings: ['fl oz', 'floz', 'fl. oz', 'fl.oz', 'fluid ounce', 'fluid ounces'],
    legacy: { xmlid: 'uom.product_uom_floz', type: 'smaller', factor: 33.814 },
    tree: { xmlid: 'uom.product_uom_floz', contains: 0.0295735, of: 'l', active: false },
  },
  {
    key: 'qt', name: 'qt (US)', category: 'volume', rec20: 'QT',
    spellings: ['qt', 'qts', 'quart', 'quarts'],
    legacy: { xmlid: 'uom.product_uom_qt', type: 'smaller', factor: 1.05669 },
    tree: { xmlid: 'uom.product_uom_qt', contains: 32, of: 'fl_oz', active: false },
    note: 'Odoo maps it to QT; later revisions use QTL',
  },
  {
    key: 'gal', name: 'gal (US)', category: 'volume', rec20: 'GLL',
    spellings: ['gal', 'gals', 'gallon', 'gallons'],
    legacy: { xmlid: 'uom.product_uom_gal', type: 'bigger', factorInv: 3.78541 },
    tree: { xmlid: 'uom.product_uom_gal', contains: 4, of: 'qt', active: false },
  },
  {
    key: 'in3', name: 'in³', category: 'volume', rec20: 'INQ',
    spellings: ['in3', 'in³', 'cu in', 'cubic inch', 'cubic inches'],
    legacy: { xmlid: 'uom.product_uom_cubic_inch', type: 'smaller', factor: 61.0237 },
    tree: { xmlid: 'uom.product_uom_cubic_inch', contains: 0.0163871, of: 'l', active: false },
  },
  {
    key: 'ft3', name: 'ft³', category: 'volume', rec20: 'FTQ',
    spellings: ['ft3', 'ft³', 'cu ft', 'cft', 'cubic foot', 'cubic feet'],
    legacy: { xmlid: 'uom.product_uom_cubic_foot', type: 'bigger', factorInv: 28.3168 },
    tree: { xmlid: 'uom.product_uom_cubic_foot', contains: 1728, of: 'in3', active: false },
  },
  // Weight
  {
    key: 'kg', name: 'kg', category: 'weight', rec20: 'KGM',
    spellings: ['kg', 'kgs', 'kilo', 'kilos', 'kilogram', 'kilograms', 'kilogramme', 'kilogrammes'],
    legacy: { xmlid: 'uom.product_uom_kgm', type: 'reference', factor: 1 },
    tree: { xmlid: 'uom.product_uom_kgm', contains: 1000, of: 'g' },
  },
  {
    key: 'g', name: 'g', category: 'weight', rec20: 'GRM',
    spellings: ['g', 'gr', 'grm', 'gm', 'gms', 'gram', 'grams', 'gramme', 'grammes'],
    legacy: { xmlid: 'uom.product_uom_gram', type: 'smaller', factor: 1000 },
    tree: { xmlid: 'uom.product_uom_gram', contains: 1 },
    note: '"gr" can also mean grain: override it in invsync.yaml if a source means grains',
  },
  {
    key: 't', name: 't', category: 'weight', rec20: 'TNE',
    spellings: ['t', 'to', 'tonne', 'tonnes', 'mt', 'metric ton', 'metric tons', 'ton', 'tons'],
    legacy: { xmlid: 'uom.product_uom_ton', type: 'bigger', factorInv: 1000 },
    tree: { xmlid: 'uom.product_uom_ton', name: 'Ton', contains: 1000, of: 'kg' },
  },
  {
    key: 'lb', name: 'lb', category: 'weight', rec20: 'LBR',
    spellings: ['lb', 'lbs', 'pound', 'pounds', '#'],
    legacy: { xmlid: 'uom.product_uom_lb', type: 'smaller', factor: 2.20462 },
    tree: { xmlid: 'uom.product_uom_lb', contains: 16, of: 'oz', active: false },
  },
  {
    key: 'oz', name: 'oz', category: 'weight', rec20: 'ONZ',
    spellings: ['oz', 'ounce', 'ounces'],
    legacy: { xmlid: 'uom.product_uom_oz', type: 'smaller', factor: 35.274 },
    tree: { xmlid: 'uom.product_uom_oz', contains: 28.3495, of: 'g', active: false },
  },
  // Energy
  {
    key: 'kwh', name: 'KWH', category: 'energy', rec20: 'KWH',
    spellings: ['kwh', 'kw h', 'kilowatt hour', 'kilowatt hours'],
    legacy: { xmlid: 'uom.product_uom_kwh', type: 'reference', factor: 1.0, laterIn18: true },
    tree: { xmlid: 'uom.product_uom_kwh', contains: 1.0, later: true },
    note: 'added by a 2026 stable update of 18.0 and 19.0 (odoo/odoo#238342)',
  },
  // Not shipped by Odoo: created by the load files when used
  {
    key: 'pair', name: 'Pairs', category: 'unit', rec20: 'PR',
    spellings: ['pr', 'prs', 'pair', 'pairs', 'npr'],
    legacy: { type: 'bigger', factorInv: 2 },
    tree: { contains: 2, of: 'units' },
  },
  {
    key: 'gross', name: 'Gross', category: 'unit', rec20: 'GRO',
    spellings: ['gross', 'gro'],
    legacy: { type: 'bigger', factorInv: 144 },
    tree: { contains: 144, of: 'units' },
  },
  {
    key: 'hundred', name: 'Hundreds', category: 'unit', rec20: 'CEN',
    spellings: ['hundred', 'hundreds', 'cen'],
    legacy: { type: 'bigger', factorInv: 100 },
    tree: { contains: 100, of: 'units' },
  },
  {
    key: 'thousand', name: 'Thousands', category: 'unit', rec20: 'MIL',
    spellings: ['thousand', 'thousands', 'mil'],
    legacy: { type: 'bigger', factorInv: 1000 },
    tree: { contains: 1000, of: 'units' },
  },
  {
    key: 'mg', name: 'mg', category: 'weight', rec20: 'MGM',
    spellings: ['mg', 'mgs', 'milligram', 'milligrams'],
    legacy: { type: 'smaller', factor: 1000000 },
    tree: { contains: 0.001, of: 'g' },
  },
  {
    key: 'short_ton', name: 'short ton (US)', category: 'weight', rec20: 'STN',
    spellings: ['short ton', 'short tons', 'net ton', 'net tons', 'stn'],
    // 2,000 of the catalogue's own lb in every version, so that 2000 lb is exactly 1 short ton
    legacy: { type: 'bigger', factor: 2.20462 / 2000 },
    tree: { contains: 2000, of: 'lb' },
    note: '2,000 lb; X12 "TN"',
  },
];

/** Package units: a count of the item's base unit whose size is the item's (or in the spelling: "BX12"). */
interface PackageSpec {
  readonly key: string;
  readonly name: string;
  /** UN/ECE Rec 21 code prefixed with X (Rec 20 "3.3" codes such as BX, CS are marked deleted), or a Rec 20 code. */
  readonly rec20: string;
  readonly spellings: readonly string[];
}

const PACKAGES: readonly PackageSpec[] = [
  { key: 'box', name: 'box', rec20: 'XBX', spellings: ['bx', 'bxs', 'box', 'boxes', 'xbx'] },
  { key: 'case', name: 'case', rec20: 'XCS', spellings: ['cs', 'case', 'cases', 'cse', 'ca', 'xcs'] },
  { key: 'carton', name: 'carton', rec20: 'XCT', spellings: ['ct', 'ctn', 'ctns', 'carton', 'cartons', 'karton', 'xct'] },
  { key: 'pack', name: 'pack', rec20: 'XPK', spellings: ['pk', 'pks', 'pck', 'pack', 'packs', 'pkt', 'pkg', 'pkgs', 'pac', 'package', 'packages', 'xpk'] },
  { key: 'packet', name: 'packet', rec20: 'XPA', spellings: ['packet', 'packets', 'xpa'] },
  { key: 'bag', name: 'bag', rec20: 'XBG', spellings: ['bg', 'bag', 'bags', 'xbg'] },
  { key: 'sack', name: 'sack', rec20: 'XSA', spellings: ['sack', 'sacks', 'xsa'] },
  { key: 'pallet', name: 'pallet', rec20: 'XPX', spellings: ['pl', 'pal', 'plt', 'pallet', 'pallets', 'palette', 'xpx'] },
  { key: 'roll', name: 'roll', rec20: 'XRO', spellings: ['rl', 'rol', 'roll', 'rolls', 'rolle', 'xro'] },
  { key: 'reel', name: 'reel', rec20: 'XRL', spellings: ['reel', 'reels', 'xrl'] },
  { key: 'drum', name: 'drum', rec20: 'XDR', spellings: ['dr', 'drum', 'drums', 'xdr'] },
  { key: 'pail', name: 'pail', rec20: 'XPL', spellings: ['pail', 'pails', 'xpl'] },
  { key: 'bucket', name: 'bucket', rec20: 'XBJ', spellings: ['bucket', 'buckets', 'xbj'] },
  { key: 'can', name: 'can', rec20: 'XCX', spellings: ['can', 'cans', 'xcx', 'xca'] },
  { key: 'tin', name: 'tin', rec20: 'XTN', spellings: ['tin', 'tins', 'xtn'] },
  { key: 'tube', name: 'tube', rec20: 'XTU', spellings: ['tu', 'tube', 'tubes', 'xtu'] },
  { key: 'bundle', name: 'bundle', rec20: 'XBE', spellings: ['bdl', 'bundle', 'bundles', 'xbe'] },
  { key: 'crate', name: 'crate', rec20: 'XCR', spellings: ['cr', 'crate', 'crates', 'xcr'] },
  { key: 'jar', name: 'jar', rec20: 'XJR', spellings: ['jar', 'jars', 'xjr'] },
  { key: 'tray', name: 'tray', rec20: 'XPU', spellings: ['tray', 'trays', 'xpu'] },
  { key: 'sheet', name: 'sheet', rec20: 'XST', spellings: ['sheet', 'sheets', 'sht', 'xst'] },
  { key: 'bottle', name: 'bottle', rec20: 'XBO', spellings: ['btl', 'btls', 'bottle', 'bottles', 'vial', 'vials', 'vail', 'amp', 'ampoule', 'ampoules', 'xbo'] },
  { key: 'set', name: 'set', rec20: 'SET', spellings: ['set', 'sets'] },
  { key: 'kit', name: 'kit', rec20: 'KT', spellings: ['kit', 'kits'] },
  { key: 'tablet', name: 'tablet', rec20: 'U2', spellings: ['tab', 'tabs', 'tablet', 'tablets'] },
  { key: 'strip', name: 'strip', rec20: 'SR', spellings: ['strip', 'strips'] },
];

/**
 * Code lists that collide with each other and with free text: looked up first in
 * their dialect, then as free text.
 * - ASC X12 element 355: CA = case, PL = pallet/unit load, TN = net ton (2,000 lb), GA = gallon.
 * - UN/ECE Rec 20: CA = can, PL = pail, TN = tin, RL = reel, ST = sheet (all marked deleted,
 *   "use Rec 21"); GLL = US gallon.
 */
const DIALECT_CODES: Record<Exclude<Dialect, 'free'>, Readonly<Record<string, string>>> = {
  x12: {
    ea: 'units', pc: 'units', un: 'units', dz: 'dozens', pr: 'pair',
    bx: 'box', ca: 'case', ct: 'carton', pk: 'pack', bg: 'bag', dr: 'drum', pl: 'pallet', rl: 'roll',
    kg: 'kg', gr: 'g', lb: 'lb', oz: 'oz', tn: 'short_ton',
    lt: 'l', ml: 'ml', ga: 'gal', qt: 'qt',
    mr: 'm', cm: 'cm', mm: 'mm', in: 'in', ft: 'ft', yd: 'yd',
    hr: 'hours', da: 'days',
  },
  rec20: {
    c62: 'units', h87: 'units', ea: 'units', nar: 'units', dzn: 'dozens', dpc: 'dozens', hd: 'pack_6', pr: 'pair', npr: 'pair', gro: 'gross', cen: 'hundred', mil: 'thousand',
    kgm: 'kg', grm: 'g', mgm: 'mg', tne: 't', lbr: 'lb', onz: 'oz', stn: 'short_ton',
    mtr: 'm', cmt: 'cm', mmt: 'mm', kmt: 'km', ktm: 'km', inh: 'in', fot: 'ft', yrd: 'yd', smi: 'mi',
    mtk: 'm2', ftk: 'ft2', ltr: 'l', mlt: 'ml', mtq: 'm3', oza: 'fl_oz', qt: 'qt', qtl: 'qt', gll: 'gal', inq: 'in3', ftq: 'ft3',
    hur: 'hours', day: 'days', min: 'minutes', kwh: 'kwh',
    bx: 'box', cs: 'case', ct: 'carton', ca: 'can', pk: 'pack', pa: 'packet', bg: 'bag', bo: 'bottle', dr: 'drum', pl: 'pail',
    tu: 'tube', rl: 'reel', ro: 'roll', be: 'bundle', cr: 'crate', pf: 'pallet', tn: 'tin', sa: 'sack', st: 'sheet',
    set: 'set', kt: 'kit', u2: 'tablet', sr: 'strip',
  },
};

/** Free-text spellings that name different units in different places: never guessed. */
const AMBIGUOUS: Readonly<Record<string, { candidates: readonly string[]; note: string }>> = {
  tn: { candidates: ['t', 'short_ton', 'tin'], note: 'tonne, X12 net ton (2,000 lb) or Rec 20 tin: give the source dialect or a synonym in invsync.yaml' },
};

/** Lower case, trailing dots and spaces removed, inner spaces collapsed: "Pcs." → "pcs". */
export function unitKey(spelling: string): string {
  return spelling.trim().toLowerCase().replace(/\.+$/, '').replace(/\s+/g, ' ');
}

// ---------------------------------------------------------------------------
// Catalogue types

export interface CatalogueUnit {
  /** invsync's stable key ("units", "kg", "fl_oz", or a workspace unit's key). */
  readonly key: string;
  /** The name Odoo 17/18 gives it (19 may differ: t → "Ton"). */
  readonly name: string;
  /** A category of CATEGORIES, or "custom:<name>" for a workspace category. */
  readonly category: string;
  readonly categoryName: string;
  readonly rec20?: string;
  readonly spellings: readonly string[];
  readonly source: 'odoo' | 'invsync' | 'workspace';
  readonly note?: string;
  readonly legacy: {
    readonly xmlid?: string;
    readonly name: string;
    readonly uomType: UomType;
    /** factor as Odoo stores it: `factor`, or 1.0 / `factor_inv` for a unit written with factor_inv. */
    readonly factor: number;
    readonly rounding: number;
    readonly laterIn18?: boolean;
  };
  readonly tree: {
    readonly xmlid?: string;
    readonly name: string;
    readonly relativeFactor: number;
    readonly relativeTo?: string;
    readonly active: boolean;
    readonly later?: boolean;
  };
}

export interface PackageKind {
  readonly key: string;
  readonly name: string;
  readonly rec20: string;
  readonly spellings: readonly string[];
}

/** A unit as one Odoo version has it. */
export interface OdooUnit {
  readonly key: string;
  readonly name: string;
  readonly version: OdooVersion;
  readonly status: OdooStatus;
  /** uom.* external id when Odoo ships the unit in this version. */
  readonly xmlid?: string;
  /** 17/18: the category's external id (or its name for a custom one); 19: the root unit's key. */
  readonly category: string;
  readonly categoryName: string;
  /** 17/18 only. */
  readonly uomType?: UomType;
  /** 17/18: units of this per 1 reference unit; 19: root units in 1 of this (reversed meaning). */
  readonly factor: number;
  /** 19 only. */
  readonly relativeFactor?: number;
  readonly relativeTo?: string;
  readonly rounding: number;
  readonly active: boolean;
  readonly rec20?: string;
}

export type UnitMatch =
  | { readonly kind: 'unit'; readonly unit: CatalogueUnit; readonly spelling: string }
  | { readonly kind: 'package'; readonly package: PackageKind; readonly spelling: string }
  | { readonly kind: 'ambiguous'; readonly spelling: string; readonly candidates: readonly string[]; readonly note: string }
  /** A workspace synonym whose target is not a catalogue unit (a pack spelling such as "CS/24"). */
  | { readonly kind: 'alias'; readonly spelling: string; readonly target: string }
  | { readonly kind: 'unknown'; readonly spelling: string };

/** A unit defined in the workspace (invsync.yaml `uom.units`). */
export interface ExtraUnit {
  /** The unit's name in Odoo ("Bag (25 kg)"). */
  readonly name: string;
  /** invsync key; defaults to the name in lower case. */
  readonly key?: string;
  /** A known unit this one is a multiple of; without it, the unit is the reference of a new category. */
  readonly of?: string;
  /** How many `of` one of this unit contains (default 1). */
  readonly contains?: number | string;
  /** The name of the new category (units without `of`; default: the unit's name). */
  readonly category?: string;
  /** 17/18 rounding (default 0.01, Odoo's field default). */
  readonly rounding?: number | string;
  readonly rec20?: string;
  readonly spellings?: readonly string[];
  /** The unit's external id, when the target Odoo already has it. */
  readonly xmlid?: string;
}

/** A workspace spelling: `spelling` (in `dialect`, default free) means `unit` (a key, name, external id or spelling). */
export interface ExtraSynonym {
  readonly spelling: string;
  readonly unit: string;
  readonly dialect?: Dialect;
}

export interface CatalogueOptions {
  readonly extraUnits?: readonly ExtraUnit[];
  readonly extraSynonyms?: readonly ExtraSynonym[] | Readonly<Record<string, string>>;
  /** Named in error messages about the extras (default invsync.yaml). */
  readonly source?: string;
}

export interface Catalogue {
  readonly units: readonly CatalogueUnit[];
  readonly packages: readonly PackageKind[];
  unit(key: string): CatalogueUnit | undefined;
  package(key: string): PackageKind | undefined;
  /** What a spelling means in a dialect (default free text); synonyms are followed. */
  lookup(spelling: string, dialect?: Dialect): UnitMatch;
  /** The unit as an Odoo version has it; `productUnitDigits` is 19's 'Product Unit' precision (default 2). */
  odoo(key: string, version: OdooVersion, options?: { productUnitDigits?: number }): OdooUnit;
  /** The spellings that lead to a unit or package key, per dialect. */
  spellingsOf(key: string): Readonly<Record<Dialect, readonly string[]>>;
}

// ---------------------------------------------------------------------------

const DEFAULT_ROUNDING = 0.01;

function legacyFactor(spec: LegacySpec): number {
  if (spec.type === 'reference') return spec.factor ?? 1;
  // uom.uom.create(): values['factor'] = factor_inv and (1.0 / factor_inv) or 0.0
  if (spec.factorInv !== undefined) return 1.0 / spec.factorInv;
  return spec.factor ?? 1;
}

function positiveNumber(value: number | string | undefined, fallback: number): number | undefined {
  if (value === undefined || value === '') return fallback;
  const n = typeof value === 'number' ? value : /^\s*[+]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$/.test(value) ? Number(value) : NaN;
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

/** Builds the catalogue: the built-in units plus the workspace's units and synonyms. */
export function buildCatalogue(options: CatalogueOptions = {}): Catalogue {
  const source = options.source ?? 'invsync.yaml';
  const units = new Map<string, CatalogueUnit>();
  const packages = new Map<string, PackageKind>();

  for (const spec of UNITS) {
    units.set(spec.key, {
      key: spec.key,
      name: spec.name,
      category: spec.category,
      categoryName: CATEGORIES[spec.category].name,
      rec20: spec.rec20,
      spellings: spec.spellings,
      source: spec.legacy.xmlid || spec.tree.xmlid ? 'odoo' : 'invsync',
      note: spec.note,
      legacy: {
        xmlid: spec.legacy.xmlid,
        name: spec.legacy.name ?? spec.name,
        uomType: spec.legacy.type,
        factor: legacyFactor(spec.legacy),
        rounding: DEFAULT_ROUNDING,
        laterIn18: spec.legacy.laterIn18,
      },
      tree: {
        xmlid: spec.tree.xmlid,
        name: spec.tree.name ?? spec.name,
        relativeFactor: spec.tree.contains,
        relativeTo: spec.tree.of,
        active: spec.tree.active ?? true,
        later: spec.tree.later,
      },
    });
  }
  for (const p of PACKAGES) packages.set(p.key, p);

  // spelling tables per dialect: spelling → key, or a synonym target to resolve
  const free = new Map<string, string>();
  const add = (table: Map<string, string>, spelling: string, key: string): void => {
    const k = unitKey(spelling);
    if (k && !table.has(k)) table.set(k, key);
  };
  // keys resolve too ("fl_oz", "short_ton"), but are not listed as spellings
  const keyOnly = new Set<string>();
  for (const u of [...units.values(), ...packages.values()]) {
    for (const s of u.spellings) add(free, s, u.key);
    if (!free.has(u.key)) keyOnly.add(u.key);
    add(free, u.key, u.key);
  }
  // Rec 20 common codes read as free text too ("KGM", "MTR"), where no spelling above claims them
  for (const u of units.values()) if (u.rec20) add(free, u.rec20, u.key);
  const dialects: Record<Exclude<Dialect, 'free'>, Map<string, string>> = {
    x12: new Map(Object.entries(DIALECT_CODES.x12)),
    rec20: new Map(Object.entries(DIALECT_CODES.rec20)),
  };
  // names and external ids (every version's) resolve in every dialect, after the codes
  const names = new Map<string, string>();
  for (const u of units.values()) {
    for (const n of [u.name, u.legacy.name, u.tree.name, u.legacy.xmlid, u.tree.xmlid]) if (n) add(names, n, u.key);
  }

  // workspace units
  const extraUnits = options.extraUnits ?? [];
  extraUnits.forEach((extra, i) => {
    const where = { file: source, column: `uom.units[${i}]` };
    const name = extra.name?.trim();
    if (!name) throw new InputError(where, 'a unit needs a name');
    const key = unitKey(extra.key ?? name);
    if (units.has(key) || packages.has(key)) throw new InputError(where, `unit key "${key}" is already taken by a built-in unit; give the unit another key`);
    const contains = positiveNumber(extra.contains, 1);
    if (contains === undefined) throw new InputError(where, `"contains" must be a positive number, got "${String(extra.contains)}"`);
    const rounding = positiveNumber(extra.rounding, DEFAULT_ROUNDING);
    if (rounding === undefined) throw new InputError(where, `"rounding" must be a positive number, got "${String(extra.rounding)}"`);
    let unit: CatalogueUnit;
    if (extra.of === undefined || extra.of === '') {
      const categoryName = extra.category?.trim() || name;
      unit = {
        key, name, category: `custom:${unitKey(categoryName)}`, categoryName, rec20: extra.rec20, spellings: extra.spellings ?? [], source: 'workspace',
        legacy: { xmlid: extra.xmlid, name, uomType: 'reference', factor: 1, rounding },
        tree: { xmlid: extra.xmlid, name, relativeFactor: 1, active: true },
      };
    } else {
      const ofKey = resolveKey(extra.of);
      const of = ofKey === undefined ? undefined : units.get(ofKey);
      if (!of) throw new InputError(where, `"of: ${extra.of}" is not a known unit (a package such as a box has no fixed size: define the unit of its contents)`);
      // 17/18: factor relative to the category's reference, written to Odoo as `factor`
      const factor = of.legacy.factor / contains;
      unit = {
        key, name, category: of.category, categoryName: of.categoryName, rec20: extra.rec20, spellings: extra.spellings ?? [], source: 'workspace',
        legacy: { xmlid: extra.xmlid, name, uomType: factor > 1 ? 'smaller' : 'bigger', factor, rounding },
        tree: { xmlid: extra.xmlid, name, relativeFactor: contains, relativeTo: of.key, active: true },
      };
    }
    units.set(key, unit);
    free.set(key, key);
    for (const s of unit.spellings) free.set(unitKey(s), key);
    add(names, name, key);
    if (extra.xmlid) add(names, extra.xmlid, key);
  });

  // workspace synonyms override built-in spellings
  const synonyms: ExtraSynonym[] = Array.isArray(options.extraSynonyms)
    ? [...(options.extraSynonyms as readonly ExtraSynonym[])]
    : Object.entries((options.extraSynonyms ?? {}) as Record<string, string>).map(([spelling, unit]) => ({ spelling, unit }));
  const synonymTables: Record<Dialect, Map<string, string>> = { free: new Map(), x12: new Map(), rec20: new Map() };
  synonyms.forEach((s, i) => {
    const where = { file: source, column: `uom.synonyms[${i}]` };
    const dialect = s.dialect ?? 'free';
    if (!DIALECTS.includes(dialect)) throw new InputError(where, `unknown dialect "${String(dialect)}" (free, x12 or rec20)`);
    const spelling = unitKey(s.spelling ?? '');
    if (!spelling) throw new InputError(where, 'a synonym needs a spelling');
    if (!s.unit?.trim()) throw new InputError(where, `synonym "${s.spelling}" needs a unit`);
    synonymTables[dialect].set(spelling, s.unit);
  });

  function resolveKey(target: string): string | undefined {
    const k = unitKey(target);
    if (units.has(k) || packages.has(k)) return k;
    return names.get(k) ?? free.get(k);
  }

  function lookupIn(spelling: string, dialect: Dialect, depth: number): UnitMatch {
    const k = unitKey(spelling);
    const synonym = synonymTables[dialect].get(k) ?? (dialect === 'free' ? undefined : synonymTables.free.get(k));
    if (synonym !== undefined && depth < 4) {
      const target = lookupIn(synonym, 'free', depth + 1);
      if (target.kind === 'unknown') return { kind: 'alias', spelling, target: synonym };
      return { ...target, spelling };
    }
    let key = dialect === 'free' ? undefined : dialects[dialect].get(k);
    const ambiguous = AMBIGUOUS[k];
    if (key === undefined && ambiguous) return { kind: 'ambiguous', spelling, candidates: ambiguous.candidates, note: ambiguous.note };
    key ??= free.get(k) ?? names.get(k);
    if (key !== undefined) {
      const unit = units.get(key);
      if (unit) return { kind: 'unit', unit, spelling };
      const pkg = packages.get(key);
      if (pkg) return { kind: 'package', package: pkg, spelling };
    }
    return { kind: 'unknown', spelling };
  }

  const treeFactors = new Map<string, number>();
  function treeFactor(unit: CatalogueUnit, seen: Set<string> = new Set()): number {
    const known = treeFactors.get(unit.key);
    if (known !== undefined) return known;
    if (seen.has(unit.key)) throw new Error(`unit ${unit.key} is its own reference`);
    seen.add(unit.key);
    const parent = unit.tree.relativeTo === undefined ? undefined : units.get(unit.tree.relativeTo);
    // uom.uom._compute_factor: relative_factor * relative_uom_id.factor, or relative_factor for a root
    const factor = parent ? unit.tree.relativeFactor * treeFactor(parent, seen) : unit.tree.relativeFactor;
    treeFactors.set(unit.key, factor);
    return factor;
  }
  function treeRoot(unit: CatalogueUnit): CatalogueUnit {
    let u = unit;
    for (let i = 0; i < 64 && u.tree.relativeTo !== undefined; i++) u = units.get(u.tree.relativeTo) ?? u;
    return u;
  }

  const spellingIndex = new Map<string, Record<Dialect, string[]>>();
  for (const [dialect, table] of [['free', free], ['x12', dialects.x12], ['rec20', dialects.rec20]] as const) {
    for (const [spelling, key] of table) {
      if (dialect === 'free' && spelling === key && keyOnly.has(key)) continue;
      const entry = spellingIndex.get(key) ?? { free: [], x12: [], rec20: [] };
      entry[dialect].push(spelling);
      spellingIndex.set(key, entry);
    }
  }
  for (const [dialect, table] of Object.entries(synonymTables) as [Dialect, Map<string, string>][]) {
    for (const [spelling, target] of table) {
      const key = resolveKey(target);
      if (key === undefined) continue;
      const entry = spellingIndex.get(key) ?? { free: [], x12: [], rec20: [] };
      entry[dialect].push(spelling);
      spellingIndex.set(key, entry);
    }
  }

  return {
    units: [...units.values()],
    packages: [...packages.values()],
    unit: (key) => units.get(key),
    package: (key) => packages.get(key),
    lookup: (spelling, dialect = 'free') => lookupIn(spelling, dialect, 0),
    spellingsOf: (key) => spellingIndex.get(key) ?? { free: [], x12: [], rec20: [] },
    odoo(key, version, opts = {}) {
      const unit = units.get(key);
      if (!unit) throw new RangeError(`unknown unit key ${key}`);
      if (version === 19) {
        const digits = opts.productUnitDigits ?? 2;
        const root = treeRoot(unit);
        const status: OdooStatus = unit.tree.xmlid ? (unit.tree.later ? 'standard-later' : 'standard') : 'custom';
        return {
          key, name: unit.tree.name, version, status, xmlid: unit.tree.xmlid, category: root.key, categoryName: root.tree.name,
          factor: treeFactor(unit), relativeFactor: unit.tree.relativeFactor, relativeTo: unit.tree.relativeTo,
          // uom.uom._compute_rounding: 10 ** -digits of 'Product Unit'
          rounding: productUnitRounding(digits), active: unit.tree.active, rec20: unit.rec20,
        };
      }
      const standard = unit.legacy.xmlid !== undefined && !(version === 17 && unit.legacy.laterIn18);
      const status: OdooStatus = standard ? (unit.legacy.laterIn18 ? 'standard-later' : 'standard') : 'custom';
      const builtinCategory = (CATEGORIES as Record<string, { xmlid: string; name: string }>)[unit.category];
      const categoryShipped = builtinCategory !== undefined && !(unit.category === 'energy' && version === 17);
      return {
        key, name: unit.legacy.name, version, status, xmlid: standard ? unit.legacy.xmlid : undefined,
        category: categoryShipped ? builtinCategory.xmlid : unit.categoryName, categoryName: unit.categoryName,
        uomType: unit.legacy.uomType, factor: unit.legacy.factor, rounding: unit.legacy.rounding, active: true, rec20: unit.rec20,
      };
    },
  };
}

/** 19.0's rounding for every unit: 10^-digits of the 'Product Unit' decimal precision. */
export function productUnitRounding(digits: number): number {
  if (!Number.isInteger(digits) || digits < 0 || digits > 15) throw new RangeError(`'Product Unit' digits must be an integer from 0 to 15, got ${digits}`);
  return Number(`1e-${digits}`);
}

let standard: Catalogue | undefined;

/** The built-in catalogue (no workspace units or synonyms). */
export function defaultCatalogue(): Catalogue {
  standard ??= buildCatalogue();
  return standard;
}

/** The number of decimals Odoo keeps for a unit's quantities (its rounding's decimals). */
export function unitDecimals(unit: OdooUnit): number {
  return decimalsOf(unit.rounding);
}
