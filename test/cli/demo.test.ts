import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { normalise, REPO, runCli, tempWorkspace } from '../helpers/cli.js';
import { expectGolden } from '../helpers/golden.js';
import { readJunit } from '../unit/validate/xml-reader.js';

/** Every staged value, in a stable order, without the audit trail's times. */
function stagedContent(db: string): string {
  const d = new Database(db, { readonly: true });
  try {
    const tables = ['items', 'locations', 'erp', 'wms', 'counts', 'gl', 'moves', 'rejects'];
    return tables.map((t) => JSON.stringify(d.prepare(`SELECT * FROM ${t} ORDER BY id`).all())).join('\n');
  } finally {
    d.close();
  }
}

/** Seconds differ from run to run; the rest of the summary does not. */
/** The seconds column of the step table (a line that starts with a step's name and `ran`/`skipped`). */
const withoutSeconds = (text: string): string =>
  text.replace(/^(load|cleanse|reconcile|export|validate) .*$/gm, (line) => line.replace(/(?<= {2}) *\d+\.\d\d(?= {2})/, (m) => '0.00'.padStart(m.length)));

function filesUnder(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) out.set(path.relative(dir, path.join(entry.parentPath, entry.name)), fs.readFileSync(path.join(entry.parentPath, entry.name)));
  }
  return out;
}

describe('invsync demo', () => {
  let ws: string;
  let first: { code: number; stdout: string; stderr: string };
  beforeAll(async () => {
    ws = tempWorkspace();
    first = await runCli(['demo'], { cwd: ws });
  });

  it('runs the whole cutover on the bundled sample and prints the one-screen summary (golden)', () => {
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expectGolden('demo.txt', withoutSeconds(normalise(first.stdout, ws)));
  });

  it('writes the reports, the review workbook, load files for Odoo 17, 18 and 19 and a passing validate', () => {
    const out = path.join(ws, 'out');
    for (const f of ['variance.csv', 'valuation.csv', 'sync.csv', 'summary.json', 'variance.xlsx', 'review.xlsx', 'validate.junit.xml']) expect(fs.existsSync(path.join(out, f)), f).toBe(true);
    for (const version of [17, 18, 19]) {
      const manifest = JSON.parse(fs.readFileSync(path.join(out, `odoo-${version}`, 'manifest.json'), 'utf8')) as { files: { file: string }[] };
      expect(manifest.files.length, `odoo-${version}`).toBeGreaterThan(5);
      for (const f of manifest.files) expect(fs.existsSync(path.join(out, `odoo-${version}`, f.file)), `odoo-${version}/${f.file}`).toBe(true);
    }
    const junit = readJunit(fs.readFileSync(path.join(out, 'validate.junit.xml'), 'utf8'));
    expect(junit.suite.failures).toBe('0');
    expect(junit.cases.map((c) => c.name)).toEqual([
      'load.conservation',
      'cleanse.conservation',
      'cleanse.unmapped_skus',
      'cleanse.unconverted_units',
      'cleanse.pending_review',
      'preflight.odoo-17',
      'preflight.odoo-18',
      'preflight.odoo-19',
      'reconcile.accuracy',
      'reconcile.net_value',
      'reconcile.gross_value',
      'reconcile.valuation_net',
      'reconcile.unmapped',
      'gl.tie_out',
    ]);
  });

  it('applies the bundled review decisions: nothing is left to review, the planted twins are merged', () => {
    const d = new Database(path.join(ws, 'invsync.db'), { readonly: true });
    try {
      expect(d.prepare("SELECT count(*) AS n FROM item_clusters WHERE status = 'review'").get()).toEqual({ n: 0 });
      const xref = (s: string): unknown => d.prepare('SELECT canonical_sku, status FROM sku_xref WHERE spelling = ?').get(s);
      expect(xref('ELC-2528')).toEqual({ canonical_sku: 'ELC-2028', status: 'merged' });
      // SKU-SCIENTIFIC: the reviewer confirmed the full code, which replaces the master key Excel rounded.
      expect(xref('123457302118')).toEqual({ canonical_sku: '123457302118', status: 'confirmed' });
      expect(xref('1.23457E+11')).toEqual({ canonical_sku: '123457302118', status: 'confirmed' });
      // As planted.json says once the reviewer mapped it: raw "1.23457E+11" → canonical 123457302118, an item of the clean master.
      const planted = (JSON.parse(fs.readFileSync(path.join(REPO, 'fixtures/demo/planted.json'), 'utf8')) as { anomalies: { id: string; skus: string[]; mapping: { raw: string; canonical: string }[] }[] }).anomalies;
      const scientific = planted.find((a) => a.id === 'SKU-SCIENTIFIC')!;
      for (const m of scientific.mapping) expect(xref(m.raw), m.raw).toEqual({ canonical_sku: m.canonical, status: 'confirmed' });
      for (const sku of scientific.skus) expect(d.prepare('SELECT sku FROM items_clean WHERE sku = ?').get(sku), sku).toEqual({ sku });
      expect(xref('SAN-0045')).toEqual({ canonical_sku: null, status: 'rejected' });
    } finally {
      d.close();
    }
  });

  it("exports the item Excel rounded in the master under its full code: no trace of 1.23457E+11 in the Odoo files", () => {
    for (const version of [17, 18, 19]) {
      const dir = path.join(ws, 'out', `odoo-${version}`);
      const products = parse(fs.readFileSync(path.join(dir, 'product.product.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
      expect(products.find((p) => p.default_code === '123457302118'), `odoo-${version}`).toMatchObject({ id: 'invsync_product_123457302118', name: 'Circulator pump seal kit (supplier code)' });
      for (const [file, bytes] of filesUnder(dir)) {
        const text = bytes.toString('utf8');
        // The rounded key in any spelling: as written, or escaped into an external id.
        for (const trace of ['E+11', 'E_2b11', '1.23457', '1_2e23457']) expect(text, `odoo-${version}/${file}`).not.toContain(trace);
      }
    }
    // Once mapped, the WH-EAST stock (36) and its GL value tie (planted.json, SKU-SCIENTIFIC).
    const valuation = parse(fs.readFileSync(path.join(ws, 'out', 'valuation.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    expect(valuation.filter((r) => r.sku === '123457302118')).toEqual([expect.objectContaining({ warehouse: 'WH-EAST', book_qty: '36', book_value: '662.4', gl_value: '662.4', status: 'match' })]);
    expect(valuation.some((r) => r.sku.includes('E+'))).toBe(false);
  });

  it('skips every step when run again, with the same outputs and staged data', async () => {
    const before = filesUnder(path.join(ws, 'out'));
    const staged = stagedContent(path.join(ws, 'invsync.db'));
    const again = await runCli(['demo', '--json'], { cwd: ws });
    expect(again.code, again.stderr).toBe(0);
    const result = JSON.parse(again.stdout) as { pipeline: { steps: { step: string; status: string }[]; passed: boolean }; profile: { totals: { rowsRead: number; rowsStaged: number; rowsRejected: number } } };
    expect(result.pipeline.steps.map((s) => `${s.step} ${s.status}`)).toEqual(['load skipped', 'cleanse skipped', 'reconcile skipped', 'export skipped', 'validate skipped']);
    expect(result.pipeline.passed).toBe(true);
    const t = result.profile.totals;
    expect(t.rowsRead).toBe(t.rowsStaged + t.rowsRejected);
    expect(stagedContent(path.join(ws, 'invsync.db'))).toBe(staged);
    const after = filesUnder(path.join(ws, 'out'));
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    for (const [f, bytes] of before) expect(after.get(f)!.equals(bytes), f).toBe(true);
  });

  it('gives byte-identical outputs and the same staged values when forced to redo every step', async () => {
    const before = filesUnder(path.join(ws, 'out'));
    const staged = stagedContent(path.join(ws, 'invsync.db'));
    const forced = await runCli(['demo', '--force', '--json'], { cwd: ws });
    expect(forced.code, forced.stderr).toBe(0);
    expect((JSON.parse(forced.stdout) as { pipeline: { steps: { status: string }[] } }).pipeline.steps.every((s) => s.status === 'ran')).toBe(true);
    for (const [f, bytes] of filesUnder(path.join(ws, 'out'))) expect(bytes.equals(before.get(f)!), f).toBe(true);
    // Ids move on a reload; the values do not.
    const strip = (s: string): string => s.replace(/"(id|sheet_id)":\d+,/g, '');
    expect(strip(stagedContent(path.join(ws, 'invsync.db')))).toBe(strip(staged));
  });
});
