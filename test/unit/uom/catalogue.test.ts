// The unit catalogue against Odoo's addons/uom/data/uom_data.xml (17.0 FINAL,
// 18.0.post20250421, 19.0 FINAL) and the dialect collisions of domain.md §4.2.
import { describe, expect, it } from 'vitest';
import { buildCatalogue, defaultCatalogue, unitKey, type Dialect } from '../../../src/core/uom/catalogue.js';
import { canonicalUnitName, isKnownUnit } from '../../../src/core/uom/spellings.js';
import { InputError } from '../../../src/core/errors.js';

const cat = defaultCatalogue();

describe('Odoo 17.0 / 18.0 standard units', () => {
  // [key, xmlid, category xmlid, uom_type, effective factor]
  const rows: [string, string, string, string, number][] = [
    ['units', 'uom.product_uom_unit', 'uom.product_uom_categ_unit', 'reference', 1],
    ['dozens', 'uom.product_uom_dozen', 'uom.product_uom_categ_unit', 'bigger', 1 / 12],
    ['days', 'uom.product_uom_day', 'uom.uom_categ_wtime', 'reference', 1],
    ['hours', 'uom.product_uom_hour', 'uom.uom_categ_wtime', 'smaller', 8],
    ['m', 'uom.product_uom_meter', 'uom.uom_categ_length', 'reference', 1],
    ['mm', 'uom.product_uom_millimeter', 'uom.uom_categ_length', 'smaller', 1000],
    ['km', 'uom.product_uom_km', 'uom.uom_categ_length', 'bigger', 0.001],
    ['cm', 'uom.product_uom_cm', 'uom.uom_categ_length', 'smaller', 100],
    ['in', 'uom.product_uom_inch', 'uom.uom_categ_length', 'smaller', 39.3701],
    ['ft', 'uom.product_uom_foot', 'uom.uom_categ_length', 'smaller', 3.28084],
    ['yd', 'uom.product_uom_yard', 'uom.uom_categ_length', 'smaller', 1.09361],
    ['mi', 'uom.product_uom_mile', 'uom.uom_categ_length', 'bigger', 1 / 1609.34],
    ['m2', 'uom.uom_square_meter', 'uom.uom_categ_surface', 'reference', 1],
    ['ft2', 'uom.uom_square_foot', 'uom.uom_categ_surface', 'smaller', 10.76391],
    ['l', 'uom.product_uom_litre', 'uom.product_uom_categ_vol', 'reference', 1],
    ['m3', 'uom.product_uom_cubic_meter', 'uom.product_uom_categ_vol', 'bigger', 0.001],
    ['fl_oz', 'uom.product_uom_floz', 'uom.product_uom_categ_vol', 'smaller', 33.814],
    ['qt', 'uom.product_uom_qt', 'uom.product_uom_categ_vol', 'smaller', 1.05669],
    ['gal', 'uom.product_uom_gal', 'uom.product_uom_categ_vol', 'bigger', 1 / 3.78541],
    ['in3', 'uom.product_uom_cubic_inch', 'uom.product_uom_categ_vol', 'smaller', 61.0237],
    ['ft3', 'uom.product_uom_cubic_foot', 'uom.product_uom_categ_vol', 'bigger', 1 / 28.3168],
    ['kg', 'uom.product_uom_kgm', 'uom.product_uom_categ_kgm', 'reference', 1],
    ['g', 'uom.product_uom_gram', 'uom.product_uom_categ_kgm', 'smaller', 1000],
    ['t', 'uom.product_uom_ton', 'uom.product_uom_categ_kgm', 'bigger', 0.001],
    ['lb', 'uom.product_uom_lb', 'uom.product_uom_categ_kgm', 'smaller', 2.20462],
    ['oz', 'uom.product_uom_oz', 'uom.product_uom_categ_kgm', 'smaller', 35.274],
  ];
  for (const version of [17, 18] as const) {
    it.each(rows)(`${version}.0 %s is %s in %s, %s, factor %s, rounding 0.01`, (key, xmlid, category, type, factor) => {
      const u = cat.odoo(key, version);
      expect(u.status).toBe('standard');
      expect(u.xmlid).toBe(xmlid);
      expect(u.category).toBe(category);
      expect(u.uomType).toBe(type);
      expect(u.factor).toBe(factor);
      expect(u.rounding).toBe(0.01);
    });
  }

  it('names the tonne "t" (19.0 calls it "Ton")', () => {
    expect(cat.odoo('t', 17).name).toBe('t');
    expect(cat.odoo('t', 19).name).toBe('Ton');
  });

  it('lists exactly the 26 units uom_data.xml ships in 17.0, and Minutes and KWH from a later 18.0 revision', () => {
    const standard = (v: 17 | 18, status: string): string[] => cat.units.filter((u) => cat.odoo(u.key, v).status === status).map((u) => u.key);
    expect(standard(17, 'standard')).toHaveLength(26);
    expect(standard(17, 'standard-later')).toEqual([]);
    expect(standard(18, 'standard')).toHaveLength(26);
    expect(standard(18, 'standard-later')).toEqual(['minutes', 'kwh']);
    expect(cat.odoo('minutes', 18)).toMatchObject({ xmlid: 'uom.product_uom_minute', uomType: 'smaller', factor: 480 });
    expect(cat.odoo('kwh', 18)).toMatchObject({ xmlid: 'uom.product_uom_kwh', category: 'uom.product_uom_categ_energy', uomType: 'reference' });
    expect(cat.odoo('kwh', 17)).toMatchObject({ status: 'custom', category: 'Energy' });
  });

  it('marks ml and Pack of 6 as units the 17/18 load files must create', () => {
    expect(cat.odoo('ml', 17)).toMatchObject({ status: 'custom', uomType: 'smaller', factor: 1000, rounding: 0.01 });
    expect(cat.odoo('pack_6', 18)).toMatchObject({ status: 'custom', uomType: 'bigger', factor: 1 / 6 });
    expect(cat.odoo('ml', 17).xmlid).toBeUndefined();
  });
});

describe('Odoo 19.0: the tree of relative units', () => {
  // [key, xmlid, relative_factor, relative_uom, factor (root units in one), active]
  const rows: [string, string, number, string | undefined, number, boolean][] = [
    ['units', 'uom.product_uom_unit', 1, undefined, 1, true],
    ['pack_6', 'uom.product_uom_pack_6', 6, 'units', 6, true],
    ['dozens', 'uom.product_uom_dozen', 12, 'units', 12, false],
    ['hours', 'uom.product_uom_hour', 1, undefined, 1, true],
    ['days', 'uom.product_uom_day', 8, 'hours', 8, true],
    ['mm', 'uom.product_uom_millimeter', 1, undefined, 1, true],
    ['cm', 'uom.product_uom_cm', 10, 'mm', 10, false],
    ['m', 'uom.product_uom_meter', 100, 'cm', 1000, true],
    ['km', 'uom.product_uom_km', 1000, 'm', 1e6, false],
    ['m2', 'uom.product_uom_square_meter', 1, undefined, 1, true],
    ['ml', 'uom.product_uom_milliliter', 1, undefined, 1, true],
    ['l', 'uom.product_uom_litre', 1000, 'ml', 1000, true],
    ['m3', 'uom.product_uom_cubic_meter', 1000, 'l', 1e6, false],
    ['g', 'uom.product_uom_gram', 1, undefined, 1, true],
    ['kg', 'uom.product_uom_kgm', 1000, 'g', 1000, true],
    ['t', 'uom.product_uom_ton', 1000, 'kg', 1e6, true],
    ['oz', 'uom.product_uom_oz', 28.3495, 'g', 28.3495, false],
    ['lb', 'uom.product_uom_lb', 16, 'oz', 453.592, false],
    // the factors are products of doubles, as Odoo's _compute_factor stores them
    ['in', 'uom.product_uom_inch', 2.54, 'cm', 25.4, false],
    ['ft', 'uom.product_uom_foot', 12, 'in', 304.79999999999995, false],
    ['yd', 'uom.product_uom_yard', 3, 'ft', 914.3999999999999, false],
    ['mi', 'uom.product_uom_mile', 1760, 'yd', 1609343.9999999998, false], // not 1 609 344
    ['ft2', 'uom.product_uom_square_foot', 0.092903, 'm2', 0.092903, false],
    ['fl_oz', 'uom.product_uom_floz', 0.0295735, 'l', 29.5735, false],
    ['qt', 'uom.product_uom_qt', 32, 'fl_oz', 946.352, false],
    ['gal', 'uom.product_uom_gal', 4, 'qt', 3785.408, false],
    ['in3', 'uom.product_uom_cubic_inch', 0.0163871, 'l', 16.3871, false],
    ['ft3', 'uom.product_uom_cubic_foot', 1728, 'in3', 28316.9088, false],
  ];
  it.each(rows)('%s is %s: %s × %s, factor %s, active %s', (key, xmlid, relative, of, factor, active) => {
    const u = cat.odoo(key, 19);
    expect(u.status).toBe('standard');
    expect(u.xmlid).toBe(xmlid);
    expect(u.relativeFactor).toBe(relative);
    expect(u.relativeTo).toBe(of);
    expect(u.factor).toBe(factor);
    expect(u.active).toBe(active);
    expect(u.rounding).toBe(0.01);
  });

  it("reverses 17/18's factor: Dozens 1/12 there, 12 here", () => {
    expect(cat.odoo('dozens', 17).factor).toBe(1 / 12);
    expect(cat.odoo('dozens', 19).factor).toBe(12);
  });

  it("rounds every unit to the 'Product Unit' precision", () => {
    expect(cat.odoo('kg', 19, { productUnitDigits: 3 }).rounding).toBe(0.001);
    expect(cat.odoo('units', 19, { productUnitDigits: 0 }).rounding).toBe(1);
  });

  it('groups by root unit: Units, Hours, mm, m², ml, g (and KWH from a later revision)', () => {
    const roots = new Set(cat.units.filter((u) => cat.odoo(u.key, 19).status !== 'custom').map((u) => cat.odoo(u.key, 19).category));
    expect([...roots].sort()).toEqual(['g', 'hours', 'kwh', 'm2', 'ml', 'mm', 'units'].sort());
  });
});

describe('spellings and dialects', () => {
  const free: [string, string][] = [
    ['EA', 'units'], ['each', 'units'], ['PC', 'units'], ['PCS', 'units'], ['PCE', 'units'], ['unit', 'units'], ['u', 'units'],
    ['NOS', 'units'], ['Stk', 'units'], ['ST', 'units'], ['Pcs.', 'units'], ['KG', 'kg'], ['kgs', 'kg'], ['kilo', 'kg'], ['Kg.', 'kg'],
    ['G', 'g'], ['gr', 'g'], ['LB', 'lb'], ['lbs', 'lb'], ['M', 'm'], ['mtr', 'm'], ['L', 'l'], ['ltr', 'l'], ['DZ', 'dozens'],
    ['dozen', 'dozens'], ['m²', 'm2'], ['CBM', 'm3'], ['MTQ', 'm3'], ['KGM', 'kg'], ['pair', 'pair'], ['Gross', 'gross'],
    ['Units', 'units'], ['uom.product_uom_kgm', 'kg'], ['uom.uom_square_meter', 'm2'], ['uom.product_uom_square_meter', 'm2'], ['fl oz (US)', 'fl_oz'],
  ];
  it.each(free)('free text "%s" is %s', (spelling, key) => {
    const m = cat.lookup(spelling);
    expect(m.kind).toBe('unit');
    expect(m.kind === 'unit' && m.unit.key).toBe(key);
  });

  // domain.md §4.2: the mapper is keyed by dialect, never one global lookup
  const collisions: [string, Dialect, string][] = [
    ['CA', 'x12', 'case'], ['CA', 'rec20', 'can'], ['CA', 'free', 'case'],
    ['PL', 'x12', 'pallet'], ['PL', 'rec20', 'pail'], ['PL', 'free', 'pallet'],
    ['TN', 'x12', 'short_ton'], ['TN', 'rec20', 'tin'],
    ['RL', 'x12', 'roll'], ['RL', 'rec20', 'reel'], ['ST', 'rec20', 'sheet'], ['ST', 'free', 'units'],
    ['GA', 'x12', 'gal'], ['GLL', 'rec20', 'gal'], ['KGM', 'rec20', 'kg'], ['EA', 'x12', 'units'], ['C62', 'rec20', 'units'],
  ];
  it.each(collisions)('"%s" in %s is %s', (spelling, dialect, key) => {
    const m = cat.lookup(spelling, dialect);
    const found = m.kind === 'unit' ? m.unit.key : m.kind === 'package' ? m.package.key : m.kind;
    expect(found).toBe(key);
  });

  it('never guesses "TN" in free text', () => {
    expect(cat.lookup('TN')).toMatchObject({ kind: 'ambiguous', candidates: ['t', 'short_ton', 'tin'] });
  });

  it('keeps every spelling the profiler knew before the catalogue', () => {
    const before = ['ea', 'each', 'pc', 'pcs', 'pce', 'piece', 'unit', 'u', 'un', 'unt', 'nos', 'no', 'nr', 'st', 'stk', 'stück', 'c62', 'h87', 'pic', 'unidad', 'unité', '个', '件', 'dz', 'dzn', 'doz', 'dozen', 'kg', 'kgs', 'kilo', 'kgm', 'g', 'gr', 'grm', 'gram', 't', 'tonne', 'mt', 'tne', 'lb', 'lbs', 'pound', 'lbr', 'oz', 'ounce', 'onz', 'm', 'mtr', 'metre', 'cm', 'cmt', 'mm', 'mmt', 'km', 'kmt', 'ft', 'foot', 'fot', 'in', 'inch', 'inh', 'm2', 'm²', 'sqm', 'mtk', 'm3', 'm³', 'cbm', 'mtq', 'l', 'ltr', 'litre', 'liter', 'lt', 'ml', 'mlt', 'gal', 'gallon', 'gll', 'h', 'hr', 'hour', 'hur', 'd', 'day', 'pr', 'pair', 'set', 'kit', 'bx', 'box', 'xbx', 'cs', 'case', 'cse', 'ca', 'xcs', 'ct', 'ctn', 'carton', 'xct', 'pk', 'pack', 'pkt', 'pkg', 'pac', 'package', 'xpk', 'rl', 'roll', 'rol', 'xro', 'pl', 'pal', 'plt', 'pallet', 'xpx', 'tab', 'tablet', 'strip', 'btl', 'bottle', 'vial', 'vail', 'amp', 'ampoule'];
    expect(before.filter((s) => !isKnownUnit(s))).toEqual([]);
    expect(isKnownUnit('furlong')).toBe(false);
    expect(isKnownUnit('')).toBe(false);
  });

  it('names a spelling: "pcs" → Units, "ctn" → carton; unitKey trims dots and case', () => {
    expect(canonicalUnitName('pcs')).toBe('Units');
    expect(canonicalUnitName('ctn')).toBe('carton');
    expect(canonicalUnitName('furlong')).toBeUndefined();
    expect(unitKey('  Pcs.. ')).toBe('pcs');
  });
});

describe('workspace units and synonyms (from invsync.yaml)', () => {
  const ws = buildCatalogue({
    extraUnits: [
      { name: 'Bag 25 kg', key: 'bag25', of: 'kg', contains: '25', spellings: ['sack 25'] },
      { name: 'Score', of: 'Units', contains: 20, rounding: 1 },
      { name: 'Blatt', category: 'Paper', spellings: ['bl'] },
      { name: 'Ream', of: 'Blatt', contains: 500 },
      { name: 'Grain', of: 'g', contains: '0.06479891' },
    ],
    extraSynonyms: [
      { spelling: 'gr', unit: 'Grain' },
      { spelling: 'Gebinde', unit: 'CS/24' },
      { spelling: 'TN', unit: 't' },
      { spelling: 'BX', unit: 'carton', dialect: 'x12' },
    ],
  });

  it('adds units in a category of a known unit, with 17/18 and 19 records', () => {
    const bag = ws.odoo('bag25', 18);
    expect(bag).toMatchObject({ status: 'custom', category: 'uom.product_uom_categ_kgm', uomType: 'bigger', factor: 1 / 25, rounding: 0.01 });
    expect(ws.odoo('bag25', 19)).toMatchObject({ relativeFactor: 25, relativeTo: 'kg', factor: 25000, category: 'g' });
    expect(ws.odoo('score', 17)).toMatchObject({ factor: 1 / 20, rounding: 1 });
    const m = ws.lookup('Sack 25');
    expect(m.kind === 'unit' && m.unit.key).toBe('bag25');
  });

  it('adds a new category with its reference unit', () => {
    expect(ws.odoo('blatt', 17)).toMatchObject({ uomType: 'reference', factor: 1, category: 'Paper', categoryName: 'Paper' });
    expect(ws.odoo('ream', 17)).toMatchObject({ uomType: 'bigger', factor: 1 / 500, categoryName: 'Paper' });
    expect(ws.odoo('ream', 19)).toMatchObject({ factor: 500, category: 'blatt' });
    expect(() => buildCatalogue({ extraUnits: [{ name: 'Sheet', category: 'Paper' }] })).toThrow(/already taken/);
  });

  it('lets synonyms override spellings, point at packs, and apply per dialect', () => {
    expect(ws.lookup('TN')).toMatchObject({ kind: 'unit', unit: { key: 't' } });
    expect(ws.lookup('gr')).toMatchObject({ kind: 'unit', unit: { key: 'grain' } });
    expect(cat.lookup('gr')).toMatchObject({ kind: 'unit', unit: { key: 'g' } });
    expect(ws.lookup('Gebinde')).toMatchObject({ kind: 'alias', target: 'CS/24' });
    expect(isKnownUnit('Gebinde', { catalogue: ws })).toBe(true);
    expect(ws.lookup('BX', 'x12')).toMatchObject({ kind: 'package', package: { key: 'carton' } });
    expect(ws.lookup('BX')).toMatchObject({ kind: 'package', package: { key: 'box' } });
  });

  it('refuses bad extras with the place in invsync.yaml', () => {
    expect(() => buildCatalogue({ extraUnits: [{ name: 'Kilo', key: 'kg', of: 'g', contains: 1000 }] })).toThrow(InputError);
    expect(() => buildCatalogue({ extraUnits: [{ name: 'Crate of 4 boxes', of: 'box', contains: 4 }] })).toThrow(/not a known unit/);
    expect(() => buildCatalogue({ extraUnits: [{ name: 'Half', of: 'kg', contains: '-0.5' }] })).toThrow(/positive number/);
    expect(() => buildCatalogue({ extraUnits: [{ name: 'x', of: 'kg', contains: 2 }], source: 'ws/invsync.yaml' })).not.toThrow();
    expect(() => buildCatalogue({ extraSynonyms: [{ spelling: 'x', unit: 'kg', dialect: 'edifact' as Dialect }] })).toThrow(
      'invsync.yaml, column "uom.synonyms[0]": unknown dialect "edifact" (free, x12 or rec20)',
    );
  });
});
