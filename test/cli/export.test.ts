import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { normalise, runCli, tempWorkspace } from '../helpers/cli.js';
import { expectGolden } from '../helpers/golden.js';
import { unreviewedSampleWorkspace } from '../helpers/sample.js';

const VERSIONS = ['17', '18', '19'] as const;
const HEAD_LINES = 12;

const readCsv = (file: string): Record<string, string>[] => parse(fs.readFileSync(file, 'utf8'), { columns: true }) as Record<string, string>[];

/** Every file of an export folder: its SHA-256 and row count pin the bytes, its first lines show what changed. */
function digest(dir: string): string {
  const parts: string[] = [];
  for (const file of fs.readdirSync(dir).sort()) {
    const bytes = fs.readFileSync(path.join(dir, file));
    const text = bytes.toString('utf8');
    if (file === 'manifest.json') continue;
    const lines = text.split('\n');
    parts.push(`== ${file}  ${lines.length - 2} rows  sha256 ${createHash('sha256').update(bytes).digest('hex')}`, ...lines.slice(0, HEAD_LINES), '');
  }
  return parts.join('\n');
}

describe('export odoo on the sample cutover', () => {
  let ws: string;
  beforeAll(async () => {
    // The sample before review, as these goldens were made (the demo itself goes on to the reviewed state).
    ws = await unreviewedSampleWorkspace(['--out', 'demo-out']);
  });

  it.each(VERSIONS)('passes pre-flight and writes the Odoo %s.0 load files (golden)', async (version) => {
    const check = await runCli(['export', 'odoo', '--check', '--odoo-version', version], { cwd: ws });
    expect(check.code, check.stderr).toBe(0);
    const run = await runCli(['export', 'odoo', '--odoo-version', version, '--out', `odoo-${version}`], { cwd: ws });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expectGolden(`export/odoo-${version}.stdout.txt`, normalise(run.stdout, ws));
    expectGolden(`export/odoo-${version}.manifest.json`, fs.readFileSync(path.join(ws, `odoo-${version}`, 'manifest.json'), 'utf8'));
    expectGolden(`export/odoo-${version}.files.txt`, digest(path.join(ws, `odoo-${version}`)));
  });

  it('gives byte-identical files when run again', async () => {
    const before = digest(path.join(ws, 'odoo-18')) + fs.readFileSync(path.join(ws, 'odoo-18', 'manifest.json'), 'utf8');
    expect((await runCli(['export', 'odoo', '--odoo-version', '18', '--out', 'odoo-18'], { cwd: ws })).code).toBe(0);
    expect(digest(path.join(ws, 'odoo-18')) + fs.readFileSync(path.join(ws, 'odoo-18', 'manifest.json'), 'utf8')).toBe(before);
  });

  it.each(VERSIONS)('every reference between the files of %s resolves, in import order', (version) => {
    const dir = path.join(ws, `odoo-${version}`);
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as { import_order: string[] };
    const defined = new Set<string>();
    const locationNames = new Set<string>(readCsv(path.join(dir, 'stock.warehouse.csv')).map((w) => `${w.code}/Stock`));
    for (const file of manifest.import_order) {
      for (const row of readCsv(path.join(dir, file))) {
        for (const [column, value] of Object.entries(row)) {
          if (!column.endsWith('/id') || value === '') continue;
          for (const ref of value.split(',')) if (!ref.startsWith('uom.')) expect(defined, `${file} ${column} ${ref}`).toContain(ref);
        }
        if (file === 'stock.location.csv') {
          expect(locationNames, `${file} parent ${row.location_id}`).toContain(row.location_id);
          locationNames.add(`${row.location_id}/${row.name}`);
        }
        if (file.startsWith('stock.quant')) expect(locationNames, `${file} ${row.location_id}`).toContain(row.location_id);
        if (row.id) defined.add(row.id);
      }
    }
  });

  it('opening quantity × cost ties to the GL value per product, and in total', () => {
    const dir = path.join(ws, 'odoo-18');
    const costs = new Map(readCsv(path.join(dir, 'costs.csv')).map((c) => [c.sku, c]));
    const products = new Map(readCsv(path.join(dir, 'product.product.csv')).map((p) => [p.id, p]));
    const cents = (d: string): bigint => {
      const [int, frac = ''] = d.replace('-', '').split('.');
      const v = BigInt(int!) * 10_000n + BigInt(frac.padEnd(4, '0'));
      return d.startsWith('-') ? -v : v;
    };
    const value = new Map<string, bigint>();
    for (const file of fs.readdirSync(dir).filter((f) => f.startsWith('stock.quant'))) {
      for (const q of readCsv(path.join(dir, file))) {
        const p = products.get(q['product_id/id']!)!;
        value.set(p.default_code!, (value.get(p.default_code!) ?? 0n) + (cents(q.inventory_quantity!) * cents(p.standard_price!)) / 10_000n);
      }
    }
    let tied = 0;
    for (const [sku, c] of costs) {
      if (c.basis === 'gl_not_exported') continue;
      expect(cents(c.opening_value || '0'), sku).toBe(value.get(sku) ?? 0n);
      if (c.residual !== '') expect(cents(c.gl_value!) - cents(c.opening_value!), sku).toBe(cents(c.residual!));
      if (c.basis === 'gl' && c.residual === '0') tied++;
    }
    expect(tied).toBeGreaterThanOrEqual(200);
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as { cost_tie_out: { ties: boolean; gl_value: string } };
    expect(manifest.cost_tie_out.ties).toBe(true);
    // The reconciliation's GL total is the auditor's anchor.
    const summary = JSON.parse(fs.readFileSync(path.join(ws, 'demo-out', 'summary.json'), 'utf8')) as { valuation: { gl_value: string } };
    expect(manifest.cost_tie_out.gl_value).toBe(summary.valuation.gl_value);
  });

  it('--apply-mode auto writes inventory_quantity_auto_apply; --batch-rows splits by location', async () => {
    const run = await runCli(['export', 'odoo', '--odoo-version', '19', '--out', 'auto', '--apply-mode', 'auto', '--batch-rows', '100', '--json'], { cwd: ws });
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as { files: { file: string; rows: number }[] };
    const quants = result.files.filter((f) => f.file.startsWith('stock.quant'));
    expect(quants.length).toBeGreaterThan(4);
    for (const q of quants) expect(q.rows).toBeLessThanOrEqual(100);
    const seen = new Map<string, string>();
    for (const q of quants) {
      const text = fs.readFileSync(path.join(ws, 'auto', q.file), 'utf8');
      expect(text.split('\n')[0]).toBe('location_id,product_id/id,lot_id/id,inventory_quantity_auto_apply');
      for (const row of readCsv(path.join(ws, 'auto', q.file))) {
        // No location is split over two batches (each fits in 100 rows here).
        if (seen.has(row.location_id!)) expect(seen.get(row.location_id!), row.location_id).toBe(q.file);
        seen.set(row.location_id!, q.file);
      }
    }
  });
});

describe('export odoo pre-flight failures', () => {
  it('exit 1 with the list (file, record, rule) and no files', async () => {
    const ws = tempWorkspace();
    fs.writeFileSync(path.join(ws, 'items.csv'), 'sku,description,uom,tracking\nS,Pump,EA,serial\nN,Nothing,,none\n');
    fs.writeFileSync(path.join(ws, 'locations.csv'), 'location,warehouse\nW1/A,W1\n');
    fs.writeFileSync(path.join(ws, 'counts.csv'), 'sku,location,lot,qty\nS,W1/A,SN-1,2\n');
    for (const kind of ['items', 'locations', 'counts']) expect((await runCli(['load', `${kind}.csv`, '--as', kind, '--quiet'], { cwd: ws })).code).toBe(0);
    // --check cleanses first (nothing was cleansed since the load) and finds the same.
    const check = await runCli(['export', 'odoo', '--check', '--odoo-version', '17'], { cwd: ws });
    expect(check.code).toBe(1);
    expect(check.stderr).toContain('stock.quant.csv  S @ W1/A / SN-1  serial_qty_not_1');
    const run = await runCli(['export', 'odoo', '--odoo-version', '17', '--out', 'odoo'], { cwd: ws });
    expect(run.code).toBe(1);
    expectGolden('export/preflight-failure.stderr.txt', normalise(run.stderr, ws));
    expect(fs.existsSync(path.join(ws, 'odoo'))).toBe(false);
  });
});
