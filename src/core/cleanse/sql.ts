/**
 * The cleansing rules that reconcile, the export and the cycle counts apply in SQL to
 * the staged lines, in one place: which quantities can be used, which SKU mappings
 * hold, how a location is keyed and which warehouse a line belongs to. Each has its
 * JavaScript twin here or beside the rule it mirrors.
 */
import { USABLE_STATUSES } from './quantities.js';

/** Constant texts as an SQL list: `('a', 'b')`. Only for values of this code, never for input. */
const sqlList = (values: readonly string[]): string => `(${values.map((v) => `'${v}'`).join(', ')})`;

/** Quantity statuses whose base quantity can be used, as an SQL list. */
export const USABLE_SQL = sqlList(USABLE_STATUSES);

/** Cross-reference statuses under which a spelling stands for its canonical SKU. */
export const MAPPED_STATUSES = ['auto', 'merged', 'confirmed'] as const;
export const MAPPED_SQL = sqlList(MAPPED_STATUSES);

/** A location as a key in SQL: case, spaces, tabs and back slashes do not matter ("wh-n / a-01-03" is "WH-N/A-01-03"). */
export const LOC_KEY = (column: string): string => `upper(replace(replace(replace(trim(${column}), ' ', ''), char(9), ''), '\\', '/'))`;

/**
 * The same key in JavaScript, character for character: SQLite's upper() folds ASCII
 * letters only ("Süd" is "SüD"), and trim() strips spaces only (the replace strips
 * every space and tab anyway). A count of "Lager-Süd/A1" must find the place the SQL
 * keyed, so the twin folds no more than SQLite does.
 */
export function locationKey(location: string): string {
  return upperAscii(location.replace(/[ \t]/g, '').replace(/\\/g, '/'));
}

/** SQLite's upper() in JavaScript: ASCII letters only, so that keys made on either side meet. */
export function upperAscii(text: string): string {
  return text.replace(/[a-z]+/g, (letters) => letters.toUpperCase());
}

/**
 * A line's warehouse in SQL (`t` the staged row): its own, else the location master's
 * (`masterWarehouse`, an SQL expression), else the first part of its path when that
 * names a warehouse of `warehouseNames` (a table of key → warehouse), else the location
 * itself. The look-ups sit inside coalesce: a line that names its warehouse costs none.
 */
export function lineWarehouse(t: string, masterWarehouse: string, warehouseNames: string): string {
  const key = LOC_KEY(`${t}.location`);
  return `coalesce(nullif(trim(${t}.warehouse), ''), ${masterWarehouse}, (SELECT w.warehouse FROM ${warehouseNames} w WHERE w.key = upper(substr(${key}, 1, instr(${key} || '/', '/') - 1))), ${t}.location, '')`;
}
