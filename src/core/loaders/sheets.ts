/**
 * `--sheet NAME` for every reader: the sheet of that exact name, else the one whose
 * name differs only in case; none is an InputError listing the names there are.
 */
import { InputError } from '../errors.js';

export function sheetNameMatches(name: string, wanted: string): boolean {
  return name === wanted || name.toLowerCase() === wanted.toLowerCase();
}

export function pickSheet<T extends { readonly name: string }>(items: readonly T[], wanted: string): T | undefined {
  return items.find((item) => item.name === wanted) ?? items.find((item) => sheetNameMatches(item.name, wanted));
}

export function noSuchSheet(file: string, wanted: string, names: readonly string[], noun: 'sheet' | 'table' = 'sheet'): InputError {
  const list = names.map((n) => `"${n}"`).join(', ');
  return new InputError({ file }, `there is no ${noun} named "${wanted}"; the file has ${list || `no ${noun}s`}`, 'pass one of those names as the sheet');
}
