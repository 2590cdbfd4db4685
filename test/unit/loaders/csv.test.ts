import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectDelimiter, readDelimited, RecordSplitter, columnName } from '../../../src/core/loaders/csv.js';
import { InputError } from '../../../src/core/errors.js';
import type { RawRow } from '../../../src/core/loaders/types.js';
import { tempWorkspace } from '../../helpers/cli.js';

function split(text: string, delimiter: ',' | ';' = ',', chunks = 1): RawRow[] {
  const rows: RawRow[] = [];
  const s = new RecordSplitter(delimiter);
  const size = Math.ceil(text.length / chunks);
  for (let i = 0; i < chunks; i++) s.feed(text.slice(i * size, (i + 1) * size), false, (r) => rows.push(r));
  s.feed('', true, (r) => rows.push(r));
  return rows;
}

describe('RecordSplitter (RFC 4180)', () => {
  const text = 'sku,desc,qty\r\nA-1,"Bolt, ""hex""",5\r\nB-2,"two\nlines",7\nC-3,,\rD-4,x,1';

  it('splits quoted fields, doubled quotes, embedded newlines and every line ending', () => {
    expect(split(text).map((r) => [r.rowNumber, r.cells])).toEqual([
      [1, ['sku', 'desc', 'qty']],
      [2, ['A-1', 'Bolt, "hex"', '5']],
      [3, ['B-2', 'two\nlines', '7']],
      [5, ['C-3', null, null]],
      [6, ['D-4', 'x', '1']],
    ]);
  });

  it('gives the same records whatever the chunk boundaries', () => {
    const whole = split(text);
    for (let chunks = 2; chunks <= text.length; chunks++) expect(split(text, ',', chunks)).toEqual(whole);
  });

  it('names the row where an unclosed quote opens', () => {
    expect(() => split('a,b\n1,"open\n2,3\n')).toThrow(/row 2, column "B": a quoted field opens here and never closes/);
  });

  it('refuses a cell over Excel’s 32,767-character limit', () => {
    expect(() => split(`a,b\n1,${'x'.repeat(100_000)}\n`)).toThrow(InputError);
  });

  it('names columns like Excel', () => {
    expect([0, 25, 26, 701, 16383].map(columnName)).toEqual(['A', 'Z', 'AA', 'ZZ', 'XFD']);
  });
});

describe('detectDelimiter', () => {
  it.each([
    ['a,b,c\n1,2,3\n', ','],
    ['a;b;c\n1,5;2;3\n', ';'],
    ['a\tb\tc\n1\t2\t3\n', '\t'],
    ['a|b|c\n1|2|3\n', '|'],
    ['"x;y",b,c\n1,2,3\n', ','],
  ])('%j → %j', (sample, expected) => expect(detectDelimiter(sample)).toBe(expected));
});

describe('readDelimited', () => {
  it('streams a Windows-1252 file with its 0x80-0x9F characters', async () => {
    const dir = tempWorkspace();
    const file = path.join(dir, 'w.csv');
    fs.writeFileSync(file, Buffer.from([...Buffer.from('sku;desc\r\nA;'), 0x80, 0x20, 0x93, 0x71, 0x94, 0xe9, 0x0d, 0x0a]));
    const source = readDelimited(file, { displayName: 'w.csv', encoding: 'windows-1252', bomLength: 0 });
    const rows: RawRow[] = [];
    for await (const sheet of source.sheets()) for await (const batch of sheet.batches!) rows.push(...batch);
    expect(rows[1]!.cells).toEqual(['A', '€ “q”é']);
    expect(source.delimiter()).toBe(';');
  });
});
