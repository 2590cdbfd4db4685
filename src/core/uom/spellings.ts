/**
 * The unit spellings people type, to tell a known unit from an unknown one while
 * profiling. (The full unit catalogue with Odoo's factors and categories builds on
 * this list.)
 */

const SPELLINGS: Record<string, readonly string[]> = {
  Units: ['ea', 'each', 'pc', 'pcs', 'pce', 'piece', 'pieces', 'unit', 'units', 'u', 'un', 'unt', 'nos', 'no', 'nr', 'st', 'stk', 'stück', 'stuck', 'c62', 'h87', 'pic', 'unidad', 'unidades', 'unité', 'unite', '个', '件', '只', '支'],
  Dozens: ['dz', 'dzn', 'doz', 'dozen', 'dozens'],
  kg: ['kg', 'kgs', 'kilo', 'kilos', 'kilogram', 'kilograms', 'kgm'],
  g: ['g', 'gr', 'grm', 'gram', 'grams'],
  t: ['t', 'tonne', 'tonnes', 'mt', 'tne'],
  lb: ['lb', 'lbs', 'pound', 'pounds', 'lbr'],
  oz: ['oz', 'ounce', 'ounces', 'onz'],
  m: ['m', 'mtr', 'mtrs', 'meter', 'meters', 'metre', 'metres'],
  cm: ['cm', 'cmt'],
  mm: ['mm', 'mmt'],
  km: ['km', 'kmt'],
  ft: ['ft', 'foot', 'feet', 'fot'],
  in: ['in', 'inch', 'inches', 'inh'],
  'm²': ['m2', 'm²', 'sqm', 'mtk'],
  'm³': ['m3', 'm³', 'cbm', 'mtq'],
  L: ['l', 'ltr', 'ltrs', 'litre', 'litres', 'liter', 'liters', 'lt'],
  mL: ['ml', 'mlt'],
  gal: ['gal', 'gallon', 'gallons', 'gll'],
  Hours: ['h', 'hr', 'hrs', 'hour', 'hours', 'hur'],
  Days: ['d', 'day', 'days'],
  pair: ['pr', 'pair', 'pairs'],
  set: ['set', 'sets', 'kit', 'kits'],
  box: ['bx', 'box', 'boxes', 'xbx'],
  case: ['cs', 'case', 'cases', 'cse', 'ca', 'xcs'],
  carton: ['ct', 'ctn', 'carton', 'cartons', 'xct'],
  pack: ['pk', 'pack', 'packs', 'pkt', 'pkg', 'pac', 'package', 'xpk'],
  roll: ['rl', 'roll', 'rolls', 'rol', 'xro'],
  pallet: ['pl', 'pal', 'plt', 'pallet', 'pallets', 'xpx'],
  tablet: ['tab', 'tabs', 'tablet'],
  strip: ['strip', 'strips'],
  bottle: ['btl', 'bottle', 'bottles', 'vial', 'vail', 'amp', 'ampoule'],
};

const KNOWN = new Map<string, string>();
for (const [unit, spellings] of Object.entries(SPELLINGS)) for (const s of spellings) KNOWN.set(s, unit);

/** Lower case, trailing dots and spaces removed: "Pcs." → "pcs". */
export function unitKey(spelling: string): string {
  return spelling.trim().toLowerCase().replace(/\.+$/, '').replace(/\s+/g, ' ');
}

/** Pack spellings that carry their size: "BX12", "Box of 12", "CS/24", "12x", "Pack (6)". */
const PACK = /^(?:(?:bx|box|cs|case|ct|ctn|carton|pk|pack|pkt|dz)\s*(?:of\s*)?[/(x-]?\s*\d+\)?|\d+\s*(?:x|\/\s*(?:bx|box|cs|case|pk|pack|ctn)))$/i;

export function isKnownUnit(spelling: string): boolean {
  const key = unitKey(spelling);
  return KNOWN.has(key) || PACK.test(key);
}

export function canonicalUnitName(spelling: string): string | undefined {
  return KNOWN.get(unitKey(spelling));
}
