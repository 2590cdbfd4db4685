/**
 * Finding the header row wherever it is (title rows, band headers and blank rows
 * above it) and mapping its cells to canonical columns, by the built-in synonyms
 * or an explicit mapping file.
 */
import { InputError } from '../errors.js';
import { KIND_SPECS, type Kind } from '../model/kinds.js';
import { columnName } from './csv.js';
import type { ColumnMap } from './mapping.js';
import { normaliseHeader, synonymIndex, type SynonymIndex } from './synonyms.js';
import type { RawRow } from './types.js';
import { cellText, cleanText, isBlank } from './values.js';

/** How many non-blank rows from the top may stand above the header. */
export const HEADER_SEARCH_ROWS = 30;
/** More header cells than this is not a table invsync should stage. */
export const MAX_COLUMNS = 1024;

export interface MappedColumn {
  readonly canonical: string;
  /** 0-based column index in the row's cells. */
  readonly index: number;
  readonly header: string;
  readonly by: 'synonym' | 'map';
}

export interface HeaderPlan {
  readonly rowNumber: number;
  /** Position of the header row among the rows given to detectHeader. */
  readonly position: number;
  /** Header text per column index ("(column F)" for an empty header cell). */
  readonly headers: readonly string[];
  readonly columns: readonly MappedColumn[];
  /** Headers that map to nothing; their values stay in the raw values. */
  readonly unmapped: readonly string[];
}

export interface HeaderProblem {
  readonly rowNumber?: number;
  readonly message: string;
  readonly hint?: string;
}

export type HeaderResult = { ok: true; plan: HeaderPlan } | { ok: false; problem: HeaderProblem };

interface Candidate {
  position: number;
  row: RawRow;
  score: number;
  columns: MappedColumn[];
}

export function detectHeader(rows: readonly RawRow[], kind: Kind, map: ColumnMap, where: { file: string; sheet?: string }): HeaderResult {
  const spec = KIND_SPECS[kind];
  const index = synonymIndex(kind, spec.columns.map((c) => c.name));
  const mapHeaders = new Map<string, string>();
  for (const [canonical, headers] of Object.entries(map.columns)) for (const h of headers) mapHeaders.set(normaliseHeader(h), canonical);

  let best: Candidate | undefined;
  let position = -1;
  let nonBlank = 0;
  for (const row of rows) {
    position++;
    if (row.cells.every(isBlank)) continue;
    if (++nonBlank > HEADER_SEARCH_ROWS && map.headerRow === undefined) break;
    if (map.headerRow !== undefined && row.rowNumber !== map.headerRow) continue;
    const below = rows.slice(position + 1, position + 1 + 500);
    const columns = mapRow(row, index, mapHeaders, spec.required, (cell) => columnShape(below, cell), kind === 'items');
    const requiredMet = spec.required.filter((group) => group.some((c) => columns.some((m) => m.canonical === c))).length;
    const byMap = columns.filter((c) => c.by === 'map').length;
    // A data row can hold a word that is also a header ("Product"); headers seldom hold numbers.
    const numbers = row.cells.filter((c) => typeof c === 'number' || (typeof c === 'string' && /^[-+]?[\d.,]+$/.test(c.trim()))).length;
    const score = byMap * 100 + requiredMet * 10 + columns.length - numbers;
    if (columns.length > 0 && (!best || score > best.score)) best = { position, row, score, columns };
  }
  if (map.headerRow !== undefined && !best) {
    return { ok: false, problem: { rowNumber: map.headerRow, message: `the mapping file says the header is row ${map.headerRow}, but no known column name is there` } };
  }
  if (!best && mapHeaders.size > 0) {
    const [canonical, wanted] = Object.entries(map.columns)[0]!;
    const firstRow = rows.find((r) => !r.cells.every(isBlank));
    return {
      ok: false,
      problem: {
        rowNumber: firstRow?.rowNumber,
        message: `the mapping file maps ${canonical} to ${wanted.map((w) => `"${w}"`).join(' or ')}, but no row in the first ${HEADER_SEARCH_ROWS} has such a header`,
        hint: firstRow ? `the first row reads: ${quoteList(firstRow.cells.filter((c) => !isBlank(c)).map((c) => cellText(c)))}` : undefined,
      },
    };
  }
  if (!best) {
    return {
      ok: false,
      problem: {
        message: `no header row found in the first ${HEADER_SEARCH_ROWS} rows (no cell names a column of kind ${kind}, such as ${spec.required.map((g) => g.join(' or ')).join(', ')})`,
        hint: 'name the columns with --map FILE (see `invsync load --help`)',
      },
    };
  }
  const headerCells = best.row.cells;
  const filled = headerCells.filter((c) => !isBlank(c)).length;
  if (filled > MAX_COLUMNS) {
    throw new InputError(
      { ...where, row: best.row.rowNumber },
      `the header row has ${filled.toLocaleString('en-US')} columns; invsync stages at most ${MAX_COLUMNS.toLocaleString('en-US')}`,
      'delete the unused columns, or export only the columns the load needs',
    );
  }
  const headers = headerCells.map((c, i) => (isBlank(c) ? `(column ${columnName(i)})` : cleanText(cellText(c)).replace(/\s+/g, ' ')));

  // Every map entry must be found: a typo in a mapping file must not pass silently.
  for (const [canonical, wanted] of Object.entries(map.columns)) {
    if (!best.columns.some((c) => c.canonical === canonical && c.by === 'map')) {
      return {
        ok: false,
        problem: {
          rowNumber: best.row.rowNumber,
          message: `the mapping file maps ${canonical} to ${wanted.map((w) => `"${w}"`).join(' or ')}, but the header row has no such column`,
          hint: `headers seen: ${quoteList(headers.filter((h) => !h.startsWith('(column ')))}`,
        },
      };
    }
  }
  const duplicate = duplicateMappedHeader(best.columns, headers);
  if (duplicate) {
    throw new InputError(
      { ...where, row: best.row.rowNumber, column: columnName(duplicate.second) },
      `columns ${columnName(duplicate.first)} and ${columnName(duplicate.second)} are both named "${duplicate.header}", so ${duplicate.canonical} is ambiguous`,
      `rename one of them, or say which one with --map (columns: { ${duplicate.canonical}: "..." })`,
    );
  }
  const mapped = new Set(best.columns.map((c) => c.index));
  const unmapped = headers.filter((h, i) => !mapped.has(i) && !h.startsWith('(column '));
  return { ok: true, plan: { rowNumber: best.row.rowNumber, position: best.position, headers, columns: best.columns, unmapped } };
}

/** Assigns header cells to canonical columns, most specific spelling first. */
/** Rank added to a match found only through the last part of "Pricelist Items/Product". */
const PATH_TAIL_PENALTY = 1000;
/**
 * Rank added where the values contradict the header: a SKU column whose values repeat
 * (a product line) or read like names, a description column whose values read like codes.
 */
const SHAPE_PENALTY = 10_000;

function mapRow(
  row: RawRow,
  index: SynonymIndex,
  mapHeaders: Map<string, string>,
  required: readonly (readonly string[])[],
  shapeOf: (cell: number) => ColumnShape,
  uniqueSkus: boolean,
): MappedColumn[] {
  const requiredSet = new Set(required.flat());
  const options: { canonical: string; index: number; header: string; rank: number; by: 'synonym' | 'map' }[] = [];
  row.cells.forEach((cell, i) => {
    if (typeof cell !== 'string') return;
    const header = cleanText(cell).replace(/\s+/g, ' ');
    const key = normaliseHeader(header);
    if (key === '') return;
    const byMap = mapHeaders.get(key);
    if (byMap) {
      options.push({ canonical: byMap, index: i, header, rank: -1, by: 'map' });
      return;
    }
    let matches = index.lookup(key);
    let penalty = 0;
    if (matches.length === 0 && header.includes('/')) {
      // Odoo's one2many headers: "Vendors/Price", "BoM Lines/Component".
      matches = index.lookup(normaliseHeader(header.slice(header.lastIndexOf('/') + 1)));
      penalty = PATH_TAIL_PENALTY;
    }
    for (const m of matches) {
      let contradiction = 0;
      if (m.canonical === 'sku' || m.canonical === 'description') {
        const shape = shapeOf(i);
        // Only an item master lists each SKU once; stock files repeat it per bin and lot.
        const repeats = uniqueSkus && shape.distinct < 0.9;
        if (m.canonical === 'sku' && (repeats || shape.codeLike < 0.5)) contradiction = SHAPE_PENALTY;
        if (m.canonical === 'description' && shape.codeLike >= 0.9 && shape.count > 0) contradiction = SHAPE_PENALTY;
      }
      options.push({ canonical: m.canonical, index: i, header, rank: m.rank + penalty + contradiction, by: 'synonym' });
    }
  });
  options.sort((a, b) => a.rank - b.rank || a.index - b.index);
  const byCell = new Map<number, MappedColumn>();
  const takenColumns = new Set<string>();
  for (const o of options) {
    if (takenColumns.has(o.canonical) || byCell.has(o.index)) continue;
    takenColumns.add(o.canonical);
    byCell.set(o.index, { canonical: o.canonical, index: o.index, header: o.header, by: o.by });
  }
  // A required column left empty takes a header that went to an optional column and
  // could mean it too: "Product" is the SKU of a count sheet that has no better one.
  for (const group of required) {
    if (group.some((c) => takenColumns.has(c))) continue;
    const steal = options.find((o) => group.includes(o.canonical) && !requiredSet.has(byCell.get(o.index)?.canonical ?? ''));
    if (!steal) continue;
    const previous = byCell.get(steal.index);
    if (previous) takenColumns.delete(previous.canonical);
    takenColumns.add(steal.canonical);
    byCell.set(steal.index, { canonical: steal.canonical, index: steal.index, header: steal.header, by: steal.by });
  }
  return [...byCell.values()].sort((a, b) => a.index - b.index);
}

function duplicateMappedHeader(
  columns: readonly MappedColumn[],
  headers: readonly string[],
): { first: number; second: number; header: string; canonical: string } | undefined {
  for (const c of columns) {
    const key = normaliseHeader(c.header);
    const other = headers.findIndex((h, i) => i !== c.index && normaliseHeader(h) === key);
    if (other >= 0) {
      return { first: Math.min(other, c.index), second: Math.max(other, c.index), header: c.header, canonical: c.canonical };
    }
  }
  return undefined;
}

interface ColumnShape {
  /** Non-blank values in the sample. */
  readonly count: number;
  /** Share of distinct values (1 when there are none). */
  readonly distinct: number;
  /** Share of values that read like codes: one word, at most 40 characters (1 when none). */
  readonly codeLike: number;
}

function columnShape(rows: readonly RawRow[], cell: number): ColumnShape {
  const seen = new Set<string>();
  let count = 0;
  let codes = 0;
  for (const r of rows) {
    const c = r.cells[cell];
    if (c === null || c === undefined || isBlank(c)) continue;
    count++;
    const text = cleanText(cellText(c));
    seen.add(text);
    if (/^\S{1,40}$/.test(text)) codes++;
  }
  return count === 0 ? { count, distinct: 1, codeLike: 1 } : { count, distinct: seen.size / count, codeLike: codes / count };
}

/** The message for a missing required column: headers seen and what would have matched. */
export function missingRequired(plan: HeaderPlan, kind: Kind, constants: readonly string[] = []): HeaderProblem | undefined {
  const spec = KIND_SPECS[kind];
  const index = synonymIndex(kind, spec.columns.map((c) => c.name));
  const have = new Set([...plan.columns.map((c) => c.canonical), ...constants]);
  const missing = spec.required.filter((group) => !group.some((c) => have.has(c)));
  if (missing.length === 0) return undefined;
  const wanted = missing.map((g) => g.join(' or ')).join(', ');
  const examples = missing
    .flat()
    .map((c) => `${c}: ${quoteList(index.spellings(c).slice(0, 8))}…`)
    .join('; ');
  return {
    rowNumber: plan.rowNumber,
    message: `no ${wanted} column; headers seen: ${quoteList(plan.headers.filter((h) => !h.startsWith('(column ')))}`,
    hint: `headers that would match: ${examples}; or map one with --map FILE`,
  };
}

function quoteList(items: readonly string[]): string {
  const shown = items.slice(0, 20).map((h) => `"${h}"`);
  return items.length > 20 ? `${shown.join(', ')}, … (${items.length} in all)` : shown.join(', ');
}
