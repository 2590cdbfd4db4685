/**
 * "Excel" files that are really HTML: old web applications exported reports as an
 * HTML table saved with an .xls name, and Excel opens them. Each <table> becomes a
 * sheet. The scanner is a single forward pass with indexOf, so a huge cell or an
 * unclosed tag costs linear time, never a regex backtracking blow-up.
 */
import { InputError } from '../errors.js';
import { noSuchSheet, pickSheet } from './sheets.js';
import type { Cell, RawRow, RawSheet, ReadOptions, WorkbookSource } from './types.js';
import { WINDOWS_1252_HIGH_CONTROLS } from './encoding.js';

export function readHtmlTables(text: string, opts: ReadOptions): WorkbookSource {
  const tables = parseTables(text);
  if (tables.length === 0) {
    throw new InputError(
      { file: opts.displayName },
      'the file is HTML but holds no <table>, so there are no rows to read',
      'export the report again as a spreadsheet (.xlsx or .csv)',
    );
  }
  const selected = selectTables(tables, opts);
  return {
    info: { format: 'html' },
    async *sheets(): AsyncIterable<RawSheet> {
      for (const table of selected) yield { name: table.name, rows: table.rows };
    },
  };
}

interface ParsedTable {
  readonly name: string;
  readonly rows: RawRow[];
}

function selectTables(tables: readonly ParsedTable[], opts: ReadOptions): readonly ParsedTable[] {
  if (opts.sheet === undefined) return tables;
  const table = pickSheet(tables, opts.sheet);
  if (table === undefined) throw noSuchSheet(opts.displayName, opts.sheet, tables.map((t) => t.name), 'table');
  return [table];
}

/** A line break inside a cell, kept apart from source whitespace, which collapses. */
const LINE_BREAK = Symbol('line break');
type CellPart = string | typeof LINE_BREAK;

/** The HTML standard's limits; they also keep a hostile colspan from allocating millions of cells. */
const MAX_COLSPAN = 1000;
const MAX_ROWSPAN = 65534;

/** Block elements start a new line inside a cell, as a browser renders them. */
const BLOCK_TAGS: ReadonlySet<string> = new Set(['p', 'div', 'li']);
/** Elements whose content is not text to show. */
const RAW_TEXT_TAGS: ReadonlySet<string> = new Set(['script', 'style', 'textarea', 'title', 'xml']);

class TableBuilder {
  readonly rows: RawRow[] = [];
  private rowOrdinal = 0;
  private row: Cell[] | undefined;
  private cell: { parts: CellPart[]; colspan: number; rowspan: number } | undefined;
  /** Per column: how many more rows a rowspan from above still covers. */
  private spanRemaining: number[] = [];
  /** Columns covered by a rowspan in the current row. */
  private covered: boolean[] = [];

  constructor(readonly name: string) {}

  startRow(): void {
    this.endRow();
    this.rowOrdinal++;
    this.row = [];
    this.covered = this.spanRemaining.map((remaining) => remaining > 0);
    this.spanRemaining = this.spanRemaining.map((remaining) => Math.max(0, remaining - 1));
  }

  startCell(attributes: ReadonlyMap<string, string>): void {
    this.endCell();
    if (this.row === undefined) this.startRow();
    this.cell = {
      parts: [],
      colspan: spanAttribute(attributes.get('colspan'), MAX_COLSPAN),
      rowspan: spanAttribute(attributes.get('rowspan'), MAX_ROWSPAN),
    };
  }

  addText(text: string): void {
    this.cell?.parts.push(text);
  }

  addLineBreak(): void {
    this.cell?.parts.push(LINE_BREAK);
  }

  /** Between blocks there is one line break, however many tags close and open there. */
  addBlockBoundary(): void {
    const parts = this.cell?.parts;
    if (parts !== undefined && parts.length > 0 && parts.at(-1) !== LINE_BREAK) parts.push(LINE_BREAK);
  }

  endCell(): void {
    const cell = this.cell;
    const row = this.row;
    if (cell === undefined || row === undefined) return;
    this.cell = undefined;
    while (this.covered[row.length]) row.push(null);
    const column = row.length;
    const text = cellText(cell.parts);
    row.push(text === '' ? null : text);
    for (let extra = 1; extra < cell.colspan; extra++) row.push(null);
    if (cell.rowspan > 1) {
      for (let c = column; c < column + cell.colspan; c++) this.spanRemaining[c] = cell.rowspan - 1;
    }
  }

  endRow(): void {
    this.endCell();
    const row = this.row;
    if (row === undefined) return;
    this.row = undefined;
    if (row.some((value) => value !== null)) this.rows.push({ rowNumber: this.rowOrdinal, cells: row });
  }
}

function spanAttribute(value: string | undefined, max: number): number {
  const n = value === undefined ? 1 : Number.parseInt(value.trim(), 10);
  if (!Number.isFinite(n) || n < 1) return 1;
  return Math.min(n, max);
}

function parseTables(html: string): ParsedTable[] {
  const finished: TableBuilder[] = [];
  const open: TableBuilder[] = [];
  let tableCount = 0;
  let i = 0;
  const length = html.length;

  while (i < length) {
    const lt = html.indexOf('<', i);
    const textEnd = lt === -1 ? length : lt;
    if (textEnd > i) open.at(-1)?.addText(html.slice(i, textEnd));
    if (lt === -1) break;

    if (html.startsWith('<!--', lt)) {
      const close = html.indexOf('-->', lt + 4);
      i = close === -1 ? length : close + 3;
      continue;
    }
    if (html.startsWith('<![CDATA[', lt)) {
      const close = html.indexOf(']]>', lt + 9);
      open.at(-1)?.addText(html.slice(lt + 9, close === -1 ? length : close));
      i = close === -1 ? length : close + 3;
      continue;
    }
    if (html[lt + 1] === '!' || html[lt + 1] === '?') {
      const close = html.indexOf('>', lt + 2);
      i = close === -1 ? length : close + 1;
      continue;
    }

    const closing = html[lt + 1] === '/';
    const nameStart = closing ? lt + 2 : lt + 1;
    let nameEnd = nameStart;
    while (nameEnd < length && isTagNameChar(html.charCodeAt(nameEnd))) nameEnd++;
    if (nameEnd === nameStart) {
      // A bare "<" in text, as in "a < b".
      open.at(-1)?.addText('<');
      i = lt + 1;
      continue;
    }
    const tagEnd = findTagEnd(html, nameEnd);
    const name = html.slice(nameStart, nameEnd).toLowerCase();
    i = tagEnd === -1 ? length : tagEnd + 1;
    const table = open.at(-1);

    if (name === 'table') {
      if (closing) {
        if (table !== undefined) {
          table.endRow();
          open.pop();
        }
      } else {
        const created = new TableBuilder(`Table${++tableCount}`);
        finished.push(created);
        open.push(created);
      }
      continue;
    }
    if (!closing && RAW_TEXT_TAGS.has(name)) {
      const close = indexOfClosingTag(html, name, i);
      i = close === -1 ? length : close;
      continue;
    }
    if (table === undefined) continue;
    if (name === 'tr') {
      if (closing) table.endRow();
      else table.startRow();
    } else if (name === 'td' || name === 'th') {
      if (closing) table.endCell();
      else table.startCell(parseAttributes(html.slice(nameEnd, tagEnd === -1 ? length : tagEnd)));
    } else if (name === 'br') {
      table.addLineBreak();
    } else if (BLOCK_TAGS.has(name)) {
      table.addBlockBoundary();
    }
  }
  for (const table of open) table.endRow();
  return finished.map((table) => ({ name: table.name, rows: table.rows }));
}

function isTagNameChar(code: number): boolean {
  return (
    (code >= 0x61 && code <= 0x7a) || // a-z
    (code >= 0x41 && code <= 0x5a) || // A-Z
    (code >= 0x30 && code <= 0x39) || // 0-9
    code === 0x2d || // -
    code === 0x3a // : (namespaced tags in Office HTML, e.g. <o:p>)
  );
}

/** The `>` that ends a tag; quotes count only as attribute value delimiters after `=`. */
function findTagEnd(html: string, from: number): number {
  let i = from;
  while (i < html.length) {
    const ch = html[i];
    if (ch === '>') return i;
    if (ch === '=') {
      let j = i + 1;
      while (j < html.length && isSpace(html[j])) j++;
      const quote = html[j];
      if (quote === '"' || quote === "'") {
        const close = html.indexOf(quote, j + 1);
        if (close === -1) return -1;
        i = close + 1;
        continue;
      }
    }
    i++;
  }
  return -1;
}

function isSpace(ch: string): boolean {
  return ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r' || ch === '\f';
}

function parseAttributes(source: string): Map<string, string> {
  const attributes = new Map<string, string>();
  let i = 0;
  while (i < source.length) {
    while (i < source.length && (isSpace(source[i]) || source[i] === '/')) i++;
    const nameStart = i;
    while (i < source.length && !isSpace(source[i]) && source[i] !== '=' && source[i] !== '/') i++;
    const name = source.slice(nameStart, i).toLowerCase();
    while (i < source.length && isSpace(source[i])) i++;
    let value = '';
    if (source[i] === '=') {
      i++;
      while (i < source.length && isSpace(source[i])) i++;
      const quote = source[i];
      if (quote === '"' || quote === "'") {
        const close = source.indexOf(quote, i + 1);
        const end = close === -1 ? source.length : close;
        value = source.slice(i + 1, end);
        i = end + 1;
      } else {
        const valueStart = i;
        while (i < source.length && !isSpace(source[i])) i++;
        value = source.slice(valueStart, i);
      }
    }
    if (name !== '' && !attributes.has(name)) attributes.set(name, decodeEntities(value));
    if (i === nameStart) i++;
  }
  return attributes;
}

/** Start of `</name` (any case) at or after `from`, or -1. */
function indexOfClosingTag(html: string, name: string, from: number): number {
  const needle = `</${name}`;
  let i = html.indexOf('</', from);
  while (i !== -1) {
    if (html.slice(i, i + needle.length).toLowerCase() === needle) return i;
    i = html.indexOf('</', i + 2);
  }
  return -1;
}

/** Joins a cell's text: entities decoded, whitespace runs collapsed, lines trimmed. */
function cellText(parts: readonly CellPart[]): string {
  const lines: string[] = [];
  let current = '';
  for (const part of parts) {
    if (part === LINE_BREAK) {
      lines.push(current);
      current = '';
    } else {
      current += part;
    }
  }
  lines.push(current);
  const cleaned = lines.map((line) => decodeEntities(line).replace(/\s+/g, ' ').trim());
  let first = 0;
  let last = cleaned.length;
  while (first < last && cleaned[first] === '') first++;
  while (last > first && cleaned[last - 1] === '') last--;
  return cleaned.slice(first, last).join('\n');
}

const LATIN1_ENTITY_NAMES = (
  'nbsp iexcl cent pound curren yen brvbar sect uml copy ordf laquo not shy reg macr ' +
  'deg plusmn sup2 sup3 acute micro para middot cedil sup1 ordm raquo frac14 frac12 frac34 iquest ' +
  'Agrave Aacute Acirc Atilde Auml Aring AElig Ccedil Egrave Eacute Ecirc Euml Igrave Iacute Icirc Iuml ' +
  'ETH Ntilde Ograve Oacute Ocirc Otilde Ouml times Oslash Ugrave Uacute Ucirc Uuml Yacute THORN szlig ' +
  'agrave aacute acirc atilde auml aring aelig ccedil egrave eacute ecirc euml igrave iacute icirc iuml ' +
  'eth ntilde ograve oacute ocirc otilde ouml divide oslash ugrave uacute ucirc uuml yacute thorn yuml'
).split(' ');

const GREEK_ENTITY_NAMES = (
  'Alpha Beta Gamma Delta Epsilon Zeta Eta Theta Iota Kappa Lambda Mu Nu Xi Omicron Pi Rho - Sigma Tau ' +
  'Upsilon Phi Chi Psi Omega'
).split(' ');

const NAMED_ENTITIES: ReadonlyMap<string, string> = (() => {
  const entities = new Map<string, string>([
    ['amp', '&'],
    ['lt', '<'],
    ['gt', '>'],
    ['quot', '"'],
    ['apos', "'"],
    ['euro', '€'],
    ['ndash', '–'],
    ['mdash', '—'],
    ['lsquo', '‘'],
    ['rsquo', '’'],
    ['sbquo', '‚'],
    ['ldquo', '“'],
    ['rdquo', '”'],
    ['bdquo', '„'],
    ['bull', '•'],
    ['hellip', '…'],
    ['trade', '™'],
    ['dagger', '†'],
    ['Dagger', '‡'],
    ['permil', '‰'],
    ['lsaquo', '‹'],
    ['rsaquo', '›'],
    ['OElig', 'Œ'],
    ['oelig', 'œ'],
    ['Scaron', 'Š'],
    ['scaron', 'š'],
    ['Yuml', 'Ÿ'],
    ['fnof', 'ƒ'],
    ['circ', 'ˆ'],
    ['tilde', '˜'],
    ['ensp', '\u2002'],
    ['emsp', '\u2003'],
    ['thinsp', '\u2009'],
    ['zwnj', '\u200c'],
    ['zwj', '\u200d'],
    ['lrm', '\u200e'],
    ['rlm', '\u200f'],
    ['minus', '−'],
    ['le', '≤'],
    ['ge', '≥'],
    ['ne', '≠'],
    ['asymp', '≈'],
    ['infin', '∞'],
    ['larr', '←'],
    ['rarr', '→'],
    ['sigmaf', 'ς'],
  ]);
  LATIN1_ENTITY_NAMES.forEach((name, i) => entities.set(name, String.fromCharCode(0xa0 + i)));
  GREEK_ENTITY_NAMES.forEach((name, i) => {
    if (name === '-') return;
    entities.set(name, String.fromCharCode(0x391 + i));
    entities.set(name.toLowerCase(), String.fromCharCode(0x3b1 + i));
  });
  return entities;
})();

/** Numeric references 128-159 mean Windows-1252 characters, as browsers read them. */
function decodeNumericReference(code: number): string {
  if (code >= 0x80 && code <= 0x9f) return WINDOWS_1252_HIGH_CONTROLS[code - 0x80];
  if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return '\ufffd';
  return String.fromCodePoint(code);
}

const ENTITY = /&(?:#(\d{1,8})|#[xX]([0-9a-fA-F]{1,6})|([A-Za-z][A-Za-z0-9]{1,31}));/g;

export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(ENTITY, (whole, decimal?: string, hex?: string, name?: string) => {
    if (decimal !== undefined) return decodeNumericReference(Number.parseInt(decimal, 10));
    if (hex !== undefined) return decodeNumericReference(Number.parseInt(hex, 16));
    return NAMED_ENTITIES.get(name as string) ?? whole;
  });
}
