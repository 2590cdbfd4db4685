// Baseline for the bench: parsing a CSV file alone, with csv-parse or with
// invsync's record splitter, to justify (or not) the splitter written here.
import fs from 'node:fs';
import { parse } from 'csv-parse';
import { readDelimited } from '../src/core/loaders/csv.js';

const [mode, file] = [process.argv[2], process.argv[3]!];
let records = 0;
if (mode === 'csv-parse') {
  const parser = fs.createReadStream(file).pipe(parse({ relax_column_count: true }));
  for await (const _record of parser) records++;
} else {
  const source = readDelimited(file, { displayName: file, encoding: 'utf-8', bomLength: 0 });
  for await (const sheet of source.sheets()) for await (const batch of sheet.batches!) records += batch.length;
}
process.stdout.write(`${records}\n`);
