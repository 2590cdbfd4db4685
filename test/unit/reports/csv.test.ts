import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WorkspaceError } from '../../../src/core/errors.js';
import { collectGarbage } from '../../../src/core/memory.js';
import { QUANTITY_COLUMNS, type QuantityLine } from '../../../src/core/reconcile/types.js';
import { csvField, csvFieldSql, csvLine, CsvWriter, writeCsv, type CsvValue } from '../../../src/core/reports/csv.js';
import { openDatabase } from '../../../src/core/staging/database.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'invsync-csv-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('csvFieldSql', () => {
  it('renders in SQL the same field csvField writes, for any text', async () => {
    const fc = (await import('fast-check')).default;
    const db = openDatabase(':memory:', { create: true });
    const field = db.prepare(`SELECT ${csvFieldSql('@v')}`).pluck();
    const check = (text: string | null): void => {
      expect(field.get({ v: text }), JSON.stringify(text)).toBe(csvField(text));
    };
    for (const text of [null, '', 'plain', 'a,b', 'say "hi"', '"', 'line\nbreak', 'carriage\rreturn', 'crlf\r\n', 'tab\there', '*[?]', 'Größe ✓ 数量']) check(text);
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom('a', ',', '"', '\n', '\r', ' ', '*', '[', ']', '?', 'é', '\t') }), check));
    fc.assert(fc.property(fc.string({ unit: 'grapheme' }), check));
    db.close();
  });

  it('writeLine appends a rendered line as it is', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'csv-line-')), 'out.csv');
    await writeCsv(file, ['a', 'b'], ['x,"y"', ['1', 'z,w']]);
    expect(fs.readFileSync(file, 'utf8')).toBe('a,b\nx,"y"\n1,"z,w"\n');
  });
});

describe('csvField', () => {
  it.each<[CsvValue, string]>([
    ['plain', 'plain'],
    ['', ''],
    [null, ''],
    [undefined, ''],
    [' spaced ', ' spaced '],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['"', '""""'],
    ['line\nbreak', '"line\nbreak"'],
    ['carriage\rreturn', '"carriage\rreturn"'],
    ['crlf\r\n', '"crlf\r\n"'],
    ['semi;colon', 'semi;colon'],
    ['tab\there', 'tab\there'],
    ["it's", "it's"],
    ['=1+2', '=1+2'], // exact text: no formula guard in the CSV
    ['-3', '-3'],
    ['Größe ✓ 数量', 'Größe ✓ 数量'],
    [12.5, '12.5'],
    [-3, '-3'],
    [0, '0'],
  ])('%j -> %j', (value, expected) => {
    expect(csvField(value)).toBe(expected);
  });

  it('joins a line with commas and no line end', () => {
    expect(csvLine(['a', null, 'b,c', 1, undefined])).toBe('a,,"b,c",1,');
  });
});

const TRICKY: QuantityLine[] = [
  { sku: 'A-1', warehouse: 'WH1', location: 'WH1/Stock', lot: '', uom: 'PCE', physical_qty: '12.5', book_qty: '10', qty_variance: '2.5', unit_cost: '1.2345', value_impact: '3.08625', status: 'over', cause: '' },
  { sku: 'B,2', warehouse: 'WH "North"', location: 'line1\nline2', lot: 'L\r1', uom: 'KG', physical_qty: null, book_qty: '4', qty_variance: '-4', unit_cost: null, value_impact: null, status: 'missing_in_count', cause: 'misplaced', evidence: 'not written' },
  { sku: '=SUM(A1)', warehouse: 'Ü', location: '', lot: '', uom: 'PCE', physical_qty: '0', book_qty: '0', qty_variance: '0', unit_cost: '0', value_impact: '0', status: 'match', cause: '' },
];

describe('writeCsv', () => {
  it('writes a header and one line per row, LF ends, UTF-8 without BOM, and reads back exactly', async () => {
    const file = path.join(dir, 'variance.csv');
    const result = await writeCsv(file, QUANTITY_COLUMNS, TRICKY);
    expect(result.rows).toBe(3);
    const bytes = fs.readFileSync(file);
    expect(bytes.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf]))).toBe(false);
    const text = bytes.toString('utf8');
    expect(text.startsWith(`${QUANTITY_COLUMNS.join(',')}\n`)).toBe(true);
    expect(text.endsWith('\n')).toBe(true);
    expect(text.split('\n')[1]).toBe('A-1,WH1,WH1/Stock,,PCE,12.5,10,2.5,1.2345,3.08625,over,');
    expect(text).not.toContain('not written');
    const records = parse(text, { columns: true }) as Record<string, string>[];
    expect(records).toEqual(TRICKY.map((line) => Object.fromEntries(QUANTITY_COLUMNS.map((c) => [c, line[c] ?? '']))));
  });

  it('takes arrays and async iterables too', async () => {
    const file = path.join(dir, 'rows.csv');
    async function* rows(): AsyncGenerator<CsvValue[]> {
      yield ['1', 'a,b'];
      yield [2, null];
    }
    await writeCsv(file, ['n', 'text'], rows());
    expect(fs.readFileSync(file, 'utf8')).toBe('n,text\n1,"a,b"\n2,\n');
  });

  it('leaves no file and no temporary file when the rows fail', async () => {
    const file = path.join(dir, 'broken.csv');
    async function* rows(): AsyncGenerator<CsvValue[]> {
      yield ['1'];
      throw new Error('source failed');
    }
    await expect(writeCsv(file, ['n'], rows())).rejects.toThrow('source failed');
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('throws WorkspaceError when the folder cannot be written', async () => {
    const blocker = path.join(dir, 'not-a-folder');
    fs.writeFileSync(blocker, 'x');
    await expect(writeCsv(path.join(blocker, 'out.csv'), ['n'], [[1]])).rejects.toBeInstanceOf(WorkspaceError);
    expect(fs.readdirSync(dir)).toEqual(['not-a-folder']);
  });
});

describe('CsvWriter', () => {
  it('leaves no file when aborted', async () => {
    const file = path.join(dir, 'aborted.csv');
    const writer = await CsvWriter.open(file, ['a', 'b']);
    await writer.writeRow(['1', '2']);
    await writer.abort();
    expect(fs.readdirSync(dir)).toEqual([]);
    await writer.abort(); // twice is harmless
  });

  it('keeps an existing file until close, then replaces it whole', async () => {
    const file = path.join(dir, 'variance.csv');
    fs.writeFileSync(file, 'old content\n');
    const writer = await CsvWriter.open(file, ['a']);
    for (let i = 0; i < 50_000; i++) await writer.writeRow([`row ${i}`]);
    expect(fs.readFileSync(file, 'utf8')).toBe('old content\n');
    expect(fs.readdirSync(dir)).toHaveLength(2); // the file and the temporary one
    await writer.close();
    expect(fs.readdirSync(dir)).toEqual(['variance.csv']);
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    expect(lines[0]).toBe('a');
    expect(lines[50_000]).toBe('row 49999');
    expect(lines).toHaveLength(50_002);
    expect(writer.rows).toBe(50_000);
  });

  it('keeps an existing file when aborted', async () => {
    const file = path.join(dir, 'variance.csv');
    fs.writeFileSync(file, 'old content\n');
    const writer = await CsvWriter.open(file, ['a']);
    await writer.writeRow(['new']);
    await writer.abort();
    expect(fs.readFileSync(file, 'utf8')).toBe('old content\n');
    expect(fs.readdirSync(dir)).toEqual(['variance.csv']);
  });

  it('refuses rows of the wrong width and writes after close', async () => {
    const writer = await CsvWriter.open(path.join(dir, 'w.csv'), ['a', 'b']);
    expect(() => writer.write(['only one'])).toThrow(/1 values for 2 columns/);
    await writer.close();
    expect(() => writer.write(['x', 'y'])).toThrow(/closed/);
    expect(fs.readFileSync(path.join(dir, 'w.csv'), 'utf8')).toBe('a,b\n');
  });

  it('writes 200,000 rows in modest memory (backpressure honoured)', async () => {
    const file = path.join(dir, 'big.csv');
    const columns = [...QUANTITY_COLUMNS];
    const writer = await CsvWriter.open(file, columns);
    collectGarbage();
    const memory = (): number => {
      const m = process.memoryUsage();
      return m.heapUsed + m.external;
    };
    const baseline = memory();
    let peak = 0;
    const padding = 'x'.repeat(80);
    for (let i = 0; i < 200_000; i++) {
      const pending = writer.write([`SKU-${i}`, 'WH1', `WH1/Aisle ${i % 97}/${padding}`, i % 7 ? '' : `LOT,${i}`, 'PCE', `${i}.5`, String(i), '0.5', '1.25', '0.625', 'over', 'transposition']);
      if (pending) await pending;
      if (i % 20_000 === 19_999) {
        collectGarbage();
        peak = Math.max(peak, memory() - baseline);
      }
    }
    await writer.close();
    const size = fs.statSync(file).size;
    expect(size).toBeGreaterThan(30 * 1024 * 1024);
    // What is held is the chunk being built and the stream's buffer: a few MB, not the file.
    expect(peak).toBeLessThan(16 * 1024 * 1024);
    const text = fs.readFileSync(file, 'utf8');
    expect(text.split('\n')).toHaveLength(200_002);
  });
});
