// Baseline for the bench: exceljs's streaming reader alone, touching every cell.
import ExcelJS from 'exceljs';

const file = process.argv[2]!;
const reader = new ExcelJS.stream.xlsx.WorkbookReader(file, { sharedStrings: 'cache', hyperlinks: 'ignore', styles: 'cache', worksheets: 'emit', entries: 'emit' } as never);
let cells = 0;
for await (const ws of reader as unknown as AsyncIterable<AsyncIterable<{ values: unknown[] }>>) {
  for await (const row of ws) cells += row.values.length;
}
process.stdout.write(`${cells}\n`);
