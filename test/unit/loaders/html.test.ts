import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/core/errors.js';
import { decodeEntities, readHtmlTables } from '../../../src/core/loaders/html.js';
import type { RawRow, ReadOptions, ReaderInfo } from '../../../src/core/loaders/types.js';

async function readAll(
  html: string,
  opts: Partial<ReadOptions> = {},
): Promise<{ info: ReaderInfo; sheets: { name: string; rows: RawRow[] }[] }> {
  const workbook = readHtmlTables(html, { displayName: 'report.xls', ...opts });
  const sheets: { name: string; rows: RawRow[] }[] = [];
  for await (const sheet of workbook.sheets()) {
    const rows: RawRow[] = [];
    for await (const row of sheet.rows) rows.push(row);
    sheets.push({ name: sheet.name, rows });
  }
  return { info: workbook.info, sheets };
}

async function cellsOf(html: string): Promise<RawRow['cells'][]> {
  const { sheets } = await readAll(html);
  return sheets[0].rows.map((row) => row.cells);
}

describe('readHtmlTables', () => {
  it('reads an old web export: one table, header and data rows', async () => {
    const html = `<!DOCTYPE html>
      <html><head><meta charset="utf-8"><title>Stock report</title>
      <style>td { mso-number-format:"\\@"; }</style></head>
      <body><h1>Stock as of 31/12/2024</h1>
      <table border=1>
        <thead><tr><th>SKU</th><th>Description</th><th>Qty</th></tr></thead>
        <tbody>
          <tr><td>A-001</td><td>Bolt M8</td><td align="right">1,250</td></tr>
          <tr><td>00042</td><td>Nut   M8
              zinc</td><td>-3</td></tr>
        </tbody>
      </table></body></html>`;
    const { info, sheets } = await readAll(html);
    expect(info).toEqual({ format: 'html' });
    expect(sheets.map((sheet) => sheet.name)).toEqual(['Table1']);
    expect(sheets[0].rows).toEqual([
      { rowNumber: 1, cells: ['SKU', 'Description', 'Qty'] },
      { rowNumber: 2, cells: ['A-001', 'Bolt M8', '1,250'] },
      { rowNumber: 3, cells: ['00042', 'Nut M8 zinc', '-3'] },
    ]);
  });

  it('honours colspan with empty cells, and rowspan by leaving the covered cells empty', async () => {
    const html = `<table>
      <tr><td colspan="3">Warehouse A</td><td>Total</td></tr>
      <tr><td rowspan=2>Bin 1</td><td colspan='2'>x</td><td>5</td></tr>
      <tr><td>a</td><td>b</td><td>6</td></tr>
      <tr><td colspan="0">z</td><td colspan="junk">y</td></tr>
    </table>`;
    expect(await cellsOf(html)).toEqual([
      ['Warehouse A', null, null, 'Total'],
      ['Bin 1', 'x', null, '5'],
      [null, 'a', 'b', '6'],
      ['z', 'y'],
    ]);
  });

  it('decodes named and numeric entities', async () => {
    expect(decodeEntities('A &amp; B &lt;x&gt; &quot;q&quot; &apos;s&#39;')).toBe('A & B <x> "q" \'s\'');
    expect(decodeEntities('&ntilde;&Ntilde;&uuml;&szlig;&eacute;&yuml;&Agrave;&deg;&micro;&mu;&Omega;&euro;')).toBe('ñÑüßéÿÀ°µμΩ€');
    expect(decodeEntities('&#8364; &#x20AC; &#X263a; &#150; &#147;x&#148;')).toBe('€ € ☺ – “x”');
    expect(decodeEntities('&#0; &#xD800; &#99999999;')).toBe('\ufffd \ufffd \ufffd');
    expect(decodeEntities('&bogus; &amp &; R&D')).toBe('&bogus; &amp &; R&D');
    expect(await cellsOf('<table><tr><td>Caf&eacute;&nbsp;&amp;&nbsp;Bar</td><td>&nbsp;</td><td>1</td></tr></table>')).toEqual([
      ['Café & Bar', null, '1'],
    ]);
  });

  it('strips nested tags, keeps <br> as a line break and collapses whitespace', async () => {
    const html = `<table><tr>
      <td><b>Bold <i>italic</i></b>  and <a href="x?a=1&amp;b=2" title="a > b">link</a></td>
      <td>line 1<br>line 2<BR/>  line 3 <br /></td>
      <td><p>para 1</p><p>para 2</p></td>
      <td><span style='color:red'>  padded  </span></td>
      <td>a &lt; b <  c</td>
    </tr></table>`;
    expect(await cellsOf(html)).toEqual([
      ['Bold italic and link', 'line 1\nline 2\nline 3', 'para 1\npara 2', 'padded', 'a < b < c'],
    ]);
  });

  it('makes each table a sheet, nested tables included, and picks one by name', async () => {
    const html = `
      <table><tr><td>first</td></tr></table>
      <p>between</p>
      <TABLE><TR><TD>outer <table><tr><td>inner</td></tr></table> tail</TD></TR></TABLE>`;
    const { sheets } = await readAll(html);
    expect(sheets.map((sheet) => [sheet.name, sheet.rows.map((row) => row.cells)])).toEqual([
      ['Table1', [['first']]],
      ['Table2', [['outer tail']]],
      ['Table3', [['inner']]],
    ]);
    const picked = await readAll(html, { sheet: 'table2' });
    expect(picked.sheets.map((sheet) => sheet.name)).toEqual(['Table2']);
    await expect(readAll(html, { sheet: 'Stock' })).rejects.toThrow(/report\.xls: there is no table named "Stock"; the file has "Table1", "Table2", "Table3"/);
  });

  it('skips comments, scripts, styles and Office XML islands; omits empty rows but counts them', async () => {
    const html = `<html xmlns:x="urn:schemas-microsoft-com:office:excel">
      <!--[if gte mso 9]><xml><x:ExcelWorkbook><x:Name>Sheet1</x:Name></x:ExcelWorkbook></xml><![endif]-->
      <script>document.write("<table><tr><td>no</td></tr></table>")</script>
      <table>
        <tr><td x:str>0012</td><td x:num>3.5</td><td><!-- hidden --></td></tr>
        <tr><td></td><td>&nbsp;</td></tr>
        <tr><td>last</td><td><o:p></o:p>ok</td></tr>
      </table>`;
    const { sheets } = await readAll(html);
    expect(sheets).toHaveLength(1);
    expect(sheets[0].rows).toEqual([
      { rowNumber: 1, cells: ['0012', '3.5', null] },
      { rowNumber: 3, cells: ['last', 'ok'] },
    ]);
  });

  it('copes with unclosed cells, rows and tables', async () => {
    expect(await cellsOf('<table><tr><td>a<td>b<tr><td>c')).toEqual([['a', 'b'], ['c']]);
    expect(await cellsOf('<table><td>no row tag</td></table>')).toEqual([['no row tag']]);
  });

  it('throws InputError when there is no table', async () => {
    await expect(readAll('<html><body><p>Nothing here</p></body></html>')).rejects.toBeInstanceOf(InputError);
    await expect(readAll('plain text')).rejects.toThrow(/^report\.xls: the file is HTML but holds no <table>/);
  });

  it('stays linear on a 100,000-character cell and on pathological markup', async () => {
    const long = 'x '.repeat(50_000);
    const started = performance.now();
    const cells = await cellsOf(`<table><tr><td>${long}</td><td>${'&amp;'.repeat(20_000)}</td></tr></table>`);
    expect((cells[0][0] as string).length).toBe(99_999);
    expect(cells[0][1]).toBe('&'.repeat(20_000));
    await readAll(`<table><tr><td ${'a='.repeat(50_000)}>v</td></tr></table>`);
    await readAll(`<table><tr><td>${'<'.repeat(50_000)}</td></tr></table>`);
    await readAll(`<table><tr><td>${'&#'.repeat(50_000)}${' '.repeat(50_000)}x</td></tr></table>`);
    await readAll(`<table><tr><td colspan="99999999">wide</td></tr></table>`);
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});
