import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, spawnCli } from '../helpers/cli.js';
import { expectGolden } from '../helpers/golden.js';
import { DEMO, unreviewedSampleWorkspace } from '../helpers/sample.js';


interface PlantedLine {
  leg: string;
  sku: string;
  warehouse?: string;
  location?: string;
  lot?: string;
  status?: string | null;
  status_not?: string[];
  cause?: string | null;
}

function parseCsv(text: string): Record<string, string>[] {
  // The reports quote only fields with commas or quotes; the sample data has none in these columns.
  const [header, ...rows] = text.trimEnd().split('\n');
  const columns = header!.split(',');
  return rows.map((r) => Object.fromEntries(r.split(',').map((v, i) => [columns[i]!, v])));
}

describe('reconcile on the sample cutover', () => {
  let ws: string;
  beforeAll(async () => {
    // Before review: the state planted.json describes (test/helpers/sample.ts).
    ws = await unreviewedSampleWorkspace(['--out', 'demo-out']);
  });

  it('writes the three CSV files and the summary (golden)', async () => {
    const run = await runCli(['reconcile', '--out', 'out'], { cwd: ws });
    expect(run.code, run.stderr).toBe(0);
    for (const file of ['variance.csv', 'valuation.csv', 'sync.csv', 'summary.json']) expectGolden(`reconcile/${file}`, fs.readFileSync(path.join(ws, 'out', file), 'utf8'));
  });

  it('finds every planted status and cause where it was planted', () => {
    const files = { quantity: 'variance.csv', valuation: 'valuation.csv', systems: 'sync.csv' } as const;
    const rows = Object.fromEntries(Object.entries(files).map(([leg, file]) => [leg, parseCsv(fs.readFileSync(path.join(ws, 'out', file), 'utf8'))]));
    const planted = (JSON.parse(fs.readFileSync(path.join(DEMO, 'planted.json'), 'utf8')) as { anomalies: { id: string; lines?: PlantedLine[] }[] }).anomalies;
    let checked = 0;
    for (const anomaly of planted) {
      for (const p of anomaly.lines ?? []) {
        const leg = p.leg === 'sync' ? 'systems' : p.leg;
        const candidates = (rows[leg] ?? []).filter(
          (r) => r.sku === p.sku && (p.warehouse === undefined || r.warehouse === p.warehouse) && (p.location === undefined || leg === 'valuation' || r.location === p.location) && (p.lot === undefined || r.lot === p.lot),
        );
        if (p.status === null && p.status_not) {
          for (const r of candidates) expect(p.status_not, `${anomaly.id}`).not.toContain(r.status);
          continue;
        }
        expect(candidates.length, `${anomaly.id}: ${JSON.stringify(p)}`).toBeGreaterThan(0);
        const r = candidates[0]!;
        if (p.status) expect(r.status, anomaly.id).toBe(p.status);
        if (p.cause !== undefined) expect(r.cause, anomaly.id).toBe(p.cause ?? '');
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(40);
    // Every status and every cause occurs in the sample data.
    const statuses = new Set([...rows.quantity!, ...rows.valuation!, ...rows.systems!].map((r) => r.status));
    for (const s of ['match', 'within_tolerance', 'over', 'short', 'missing_in_count', 'missing_in_book', 'missing_in_gl', 'unmapped']) expect(statuses, s).toContain(s);
    const causes = new Set([...rows.quantity!, ...rows.valuation!, ...rows.systems!].map((r) => r.cause));
    for (const c of ['uom_factor', 'transposition', 'misplaced', 'duplicate_sku', 'sign', 'lot_mismatch', 'cost_mismatch', 'in_transit']) expect(causes, c).toContain(c);
  });

  it('net variance equals the sum of value_impact to the last digit', () => {
    const summary = JSON.parse(fs.readFileSync(path.join(ws, 'out', 'summary.json'), 'utf8')) as { net_variance_value: string };
    const rows = parseCsv(fs.readFileSync(path.join(ws, 'out', 'variance.csv'), 'utf8'));
    let micro = 0n;
    for (const r of rows) {
      if (!r.value_impact) continue;
      const [int, frac = ''] = r.value_impact.replace('-', '').split('.');
      const v = BigInt(int!) * 1_000_000n + BigInt(frac.padEnd(6, '0'));
      micro += r.value_impact.startsWith('-') ? -v : v;
    }
    const [int, frac = ''] = summary.net_variance_value.replace('-', '').split('.');
    const total = BigInt(int!) * 1_000_000n + BigInt(frac.padEnd(6, '0'));
    expect(summary.net_variance_value.startsWith('-') ? -total : total).toBe(micro);
  });

  it('gives byte-identical reports for identical inputs', async () => {
    const before = Object.fromEntries(fs.readdirSync(path.join(ws, 'out')).map((f) => [f, fs.readFileSync(path.join(ws, 'out', f))]));
    expect((await runCli(['reconcile', '--out', 'out'], { cwd: ws })).code).toBe(0);
    for (const [f, bytes] of Object.entries(before)) expect(fs.readFileSync(path.join(ws, 'out', f)).equals(bytes), f).toBe(true);
  });

  it('writes variance.xlsx with Summary, Quantity, Valuation and Systems', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path.join(ws, 'out', 'variance.xlsx'));
    expect(wb.worksheets.map((s) => s.name)).toEqual(['Summary', 'Quantity', 'Valuation', 'Systems']);
    const quantity = wb.getWorksheet('Quantity')!;
    const header = (quantity.getRow(1).values as unknown[]).slice(1);
    expect(header.slice(0, 12)).toEqual(['sku', 'warehouse', 'location', 'lot', 'uom', 'physical_qty', 'book_qty', 'qty_variance', 'unit_cost', 'value_impact', 'status', 'cause']);
    const csvRows = parseCsv(fs.readFileSync(path.join(ws, 'out', 'variance.csv'), 'utf8'));
    expect(quantity.actualRowCount - 1).toBe(csvRows.length);
    const row2 = quantity.getRow(2);
    expect(row2.getCell(1).value).toBe(csvRows[0]!.sku);
    expect(quantity.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
  });

  it('--sheet-rows caps the detail sheets: lines that are not a match first, then matches; the CSV keeps every line', async () => {
    const run = await runCli(['reconcile', '--out', 'capped', '--sheet-rows', '40'], { cwd: ws });
    expect(run.code, run.stderr).toBe(0);
    const csvRows = parseCsv(fs.readFileSync(path.join(ws, 'capped', 'variance.csv'), 'utf8'));
    expect(fs.readFileSync(path.join(ws, 'capped', 'variance.csv'))).toEqual(fs.readFileSync(path.join(ws, 'out', 'variance.csv')));
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path.join(ws, 'capped', 'variance.xlsx'));
    for (const [sheet, csv] of [['Quantity', 'variance.csv'], ['Valuation', 'valuation.csv']] as const) {
      const ws2 = wb.getWorksheet(sheet)!;
      const all = parseCsv(fs.readFileSync(path.join(ws, 'capped', csv), 'utf8'));
      expect(String(ws2.getRow(1).getCell(1).value)).toBe(`This sheet shows at most 40 of the ${all.length.toLocaleString('en-US')} lines: every line that is not a match first, then matches in order; every line is in ${csv}.`);
      const statusColumn = (ws2.getRow(2).values as unknown[]).indexOf('status');
      const shown = Array.from({ length: ws2.actualRowCount - 2 }, (_, i) => String(ws2.getRow(i + 3).getCell(statusColumn).value));
      const exceptions = all.filter((r) => r.status !== 'match');
      expect(shown).toHaveLength(40);
      // The sample has more than 40 lines that are not a match in the quantity leg; the valuation leg fewer.
      const expected = [...exceptions, ...all.filter((r) => r.status === 'match')].slice(0, 40).map((r) => r.status);
      expect(shown).toEqual(expected);
      expect(ws2.getRow(3).getCell(1).value).toBe(exceptions[0]!.sku);
    }
    expect(csvRows.length).toBeGreaterThan(40);
    const bad = await runCli(['reconcile', '--sheet-rows', 'many'], { cwd: ws });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--sheet-rows takes a whole number/);
  });

  it('the built binary runs the value leg on a second thread, with the same reports as one thread', () => {
    // runCli runs the TypeScript sources in this process: one thread. The binary runs the compiled worker.
    const sources = fs.readdirSync(path.join(ws, 'out'));
    for (const [folder, extra] of [['threads', []], ['threads-capped', ['--sheet-rows', '40']]] as const) {
      const run = spawnCli(['reconcile', '--out', folder, '--json', ...extra], { cwd: ws });
      expect(run.code, run.stderr).toBe(0);
      expect(JSON.parse(run.stdout).threads).toBe(2);
      const oneThread = folder === 'threads' ? 'out' : 'capped';
      for (const f of sources) expect(fs.readFileSync(path.join(ws, folder, f)).equals(fs.readFileSync(path.join(ws, oneThread, f))), `${folder}/${f}`).toBe(true);
    }
    const single = spawnCli(['reconcile', '--out', 'single', '--json'], { cwd: ws, env: { INVSYNC_THREADS: '1' } });
    expect(single.code, single.stderr).toBe(0);
    expect(JSON.parse(single.stdout).threads).toBe(1);
  });

  it("a failure on the value leg's thread is the same error, exit code and clean-up as on one thread", () => {
    // valuation.csv is written on the value leg's thread, variance.csv on the main one
    // (which then stops the other thread mid-walk, or after it finished).
    for (const blocked of ['valuation.csv', 'variance.csv']) {
      const left: Record<string, string[]> = {};
      for (const threads of ['2', '1']) {
        const out = path.join(ws, `blocked-${threads}-${blocked}`);
        // The file cannot be written: a folder has its name.
        fs.mkdirSync(path.join(out, blocked), { recursive: true });
        const run = spawnCli(['reconcile', '--out', out], { cwd: ws, env: { INVSYNC_THREADS: threads } });
        expect(run.code, `threads=${threads}`).toBe(4);
        expect(run.stderr).toMatch(new RegExp(`^error: cannot write ${path.join(out, blocked).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: EISDIR`));
        expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
        left[threads] = fs.readdirSync(out).sort();
      }
      // The same files are left either way, and no temporary one.
      expect(left['2'], blocked).toEqual(left['1']);
      expect(left['2']!.filter((f) => f.includes('.tmp-'))).toEqual([]);
      expect(left['2']).toEqual(blocked === 'variance.csv' ? ['variance.csv'] : ['sync.csv', 'valuation.csv', 'variance.csv']);
    }
  });

  it('--fail-on exits 1 naming the failing measures; a bad condition is a usage error', async () => {
    const run = await runCli(['reconcile', '--out', 'out', '--fail-on', 'accuracy<0.97,net_value>1000,unmapped>100'], { cwd: ws });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('failed: accuracy < 0.97 (accuracy is 0.9124)\nfailed: net_value > 1000 (net_value is 13509.4845)\n');
    const bad = await runCli(['reconcile', '--fail-on', 'accuracy=0.9'], { cwd: ws });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^error: --fail-on: cannot read "accuracy=0.9"/);
  });
});
