/**
 * Unit spellings: is a spelling a known unit, and which? Profiling uses this to flag
 * unknown units; the catalogue (catalogue.ts) holds the spellings per dialect and
 * packs.ts reads pack spellings that carry their size ("BX12", "CS/24", "12x").
 */
import { defaultCatalogue, unitKey, type Catalogue, type Dialect } from './catalogue.js';
import { parsePack } from './packs.js';

export { unitKey } from './catalogue.js';

/** True for a catalogue unit, a package word ("case"), an ambiguous code ("TN") or a pack spelling ("Box of 12"). */
export function isKnownUnit(spelling: string, options: { catalogue?: Catalogue; dialect?: Dialect } = {}): boolean {
  const catalogue = options.catalogue ?? defaultCatalogue();
  if (!unitKey(spelling)) return false;
  const m = catalogue.lookup(spelling, options.dialect);
  if (m.kind === 'unit' || m.kind === 'package' || m.kind === 'ambiguous') return true;
  const text = m.kind === 'alias' ? m.target : spelling;
  return parsePack(text, { catalogue, dialect: m.kind === 'alias' ? 'free' : options.dialect }) !== undefined;
}

/** The catalogue's name for a spelling ("pcs" → "Units", "kgs" → "kg", "ctn" → "carton"); undefined when unknown. */
export function canonicalUnitName(spelling: string, options: { catalogue?: Catalogue; dialect?: Dialect } = {}): string | undefined {
  const m = (options.catalogue ?? defaultCatalogue()).lookup(spelling, options.dialect);
  if (m.kind === 'unit') return m.unit.name;
  if (m.kind === 'package') return m.package.name;
  return undefined;
}
