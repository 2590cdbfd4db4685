/**
 * The review workbook: what cleansing would not decide alone, for a person to decide.
 * One row per member of each duplicate cluster in review, and one per SKU spelling
 * whose mapping needs confirming, with the evidence, the proposal, and a Decision
 * column with a drop-down. `cleanse --accept` reads the decisions back; they are kept
 * by SKU spelling (not row ids), so they survive reloading the sources.
 */
import fs from 'node:fs';
import { InputError } from '../errors.js';
import type { Db } from '../staging/database.js';
import { stampWorkbook, workbookBytes, writeFileAtomic } from '../reports/files.js';
import type { Decision } from './cleanse.js';
import { roundsTo, scientificNotation } from './normalise.js';

export const REVIEW_SHEET = 'Review';
export const REVIEW_COLUMNS = ['Type', 'Cluster', 'SKU', 'Description', 'UoM', 'Category', 'Unit cost', 'Barcode', 'Seen in', 'Evidence', 'Proposed', 'Decision', 'Target SKU'] as const;
const MEMBER_DECISIONS = ['merge', 'keep'] as const;
const SPELLING_DECISIONS = ['map', 'reject'] as const;

export interface ReviewRow {
  readonly type: 'duplicate' | 'spelling';
  readonly cluster: string;
  readonly sku: string;
  readonly description: string;
  readonly uom: string;
  readonly category: string;
  readonly unitCost: string;
  readonly barcode: string;
  readonly seenIn: string;
  readonly evidence: string;
  readonly proposed: string;
  readonly decision: string;
  readonly target: string;
}

/** The rows to review, in a stable order: clusters by number, then spellings. */
export function reviewRows(db: Db): ReviewRow[] {
  const members = db
    .prepare(
      `SELECT c.cluster, c.sku, c.survivor, c.evidence, i.description, i.uom, i.category, i.unit_cost, i.barcode, d.decision, d.target_sku
       FROM item_clusters c
       LEFT JOIN (SELECT sku, min(description) AS description, min(uom) AS uom, min(category) AS category, min(unit_cost) AS unit_cost, min(barcode) AS barcode FROM items GROUP BY sku) i ON i.sku = c.sku
       LEFT JOIN review_decisions d ON d.sku = c.sku
       WHERE c.status IN ('review', 'decided') ORDER BY c.cluster, c.sku`,
    )
    .all() as {
    cluster: number;
    sku: string;
    survivor: string;
    evidence: string;
    description: string | null;
    uom: string | null;
    category: string | null;
    unit_cost: string | null;
    barcode: string | null;
    decision: string | null;
    target_sku: string | null;
  }[];
  const rows: ReviewRow[] = members.map((m) => ({
    type: 'duplicate',
    cluster: `C${m.cluster}`,
    sku: m.sku,
    description: m.description ?? '',
    uom: m.uom ?? '',
    category: m.category ?? '',
    unitCost: m.unit_cost ?? '',
    barcode: m.barcode ?? '',
    seenIn: 'items',
    evidence: describeEvidence(m.evidence),
    proposed: m.sku === m.survivor ? 'keep (survivor)' : `merge into ${m.survivor}`,
    decision: m.decision ?? '',
    target: m.target_sku ?? (m.sku === m.survivor ? '' : m.survivor),
  }));
  const spellings = db
    .prepare(
      `SELECT x.spelling, x.canonical_sku, x.rule, x.evidence, x.kinds, x.line_count, d.decision, d.target_sku
       FROM sku_xref x LEFT JOIN review_decisions d ON d.sku = x.spelling
       WHERE x.status = 'review' OR (x.status IN ('confirmed', 'rejected') AND d.sku IS NOT NULL) ORDER BY x.spelling`,
    )
    .all() as { spelling: string; canonical_sku: string | null; rule: string; evidence: string; kinds: string; line_count: number; decision: string | null; target_sku: string | null }[];
  for (const s of spellings) {
    const evidence = JSON.parse(s.evidence) as { candidates: string[]; reason: string | null; flags: string[]; note?: string };
    const candidates = evidence.candidates.length ? `candidates: ${evidence.candidates.join(', ')}` : 'no candidate';
    rows.push({
      type: 'spelling',
      cluster: '',
      sku: s.spelling,
      description: '',
      uom: '',
      category: '',
      unitCost: '',
      barcode: '',
      seenIn: `${(JSON.parse(s.kinds) as string[]).join(', ')} (${s.line_count} line${s.line_count === 1 ? '' : 's'})`,
      evidence: `${s.rule.replace(/_/g, ' ')}${evidence.reason ? ` (${evidence.reason.replace(/_/g, ' ')})` : ''}; ${candidates}${evidence.flags.length ? `; ${evidence.flags.join(', ').replace(/_/g, ' ')}` : ''}${evidence.note ? `; ${evidence.note}` : ''}`,
      proposed: s.canonical_sku ? `map to ${s.canonical_sku}` : 'choose a candidate, or reject',
      decision: s.decision ?? '',
      target: s.target_sku ?? s.canonical_sku ?? '',
    });
  }
  return rows;
}

function describeEvidence(json: string): string {
  const evidence = JSON.parse(json) as { rule: string; pair: [string, string]; detail: string }[];
  return evidence.map((e) => `${e.rule.replace(/_/g, ' ')}: ${e.pair[0]} ~ ${e.pair[1]} (${e.detail})`).join('; ');
}

export async function writeReviewWorkbook(db: Db, file: string): Promise<{ rows: number }> {
  const ExcelJS = (await import('exceljs')).default;
  const rows = reviewRows(db);
  const wb = stampWorkbook(new ExcelJS.Workbook());
  const ws = wb.addWorksheet(REVIEW_SHEET, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = REVIEW_COLUMNS.map((header) => ({ header, width: header === 'Evidence' ? 60 : header === 'Description' ? 36 : header === 'Proposed' ? 24 : 14 }));
  ws.getRow(1).font = { bold: true };
  rows.forEach((r, i) => {
    const values = [r.type, r.cluster, r.sku, r.description, r.uom, r.category, r.unitCost, r.barcode, r.seenIn, r.evidence, r.proposed, r.decision, r.target];
    // Text that begins with = + - @ must not become a formula in Excel.
    const row = ws.addRow(values.map((v) => (/^[=+\-@]/.test(v) ? `'${v}` : v)));
    for (let c = 1; c <= values.length; c++) row.getCell(c).numFmt = '@';
    const choices = r.type === 'duplicate' ? MEMBER_DECISIONS : SPELLING_DECISIONS;
    ws.getCell(i + 2, REVIEW_COLUMNS.indexOf('Decision') + 1).dataValidation = {
      type: 'list',
      allowBlank: true,
      formulae: [`"${choices.join(',')}"`],
      showErrorMessage: true,
      errorTitle: 'Decision',
      error: `Choose ${choices.join(' or ')}`,
    };
  });
  ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: REVIEW_COLUMNS.length } };
  const help = wb.addWorksheet('How to decide');
  help.getColumn(1).width = 110;
  for (const line of [
    'Each row is an item or a SKU spelling that invsync would not decide alone.',
    'Duplicates (Type = duplicate): items of one cluster. Decision "merge" folds the item into Target SKU (a member of the same cluster);',
    '"keep" keeps it as an item of its own. The survivor (Proposed = keep) needs no decision.',
    'Spellings (Type = spelling): a SKU as written in a source. Decision "map" maps it to Target SKU (an item of the master);',
    '"reject" leaves it unmapped (its lines are held back from the reconciliation with that reason).',
    'Then run: invsync cleanse --accept THIS-FILE.xlsx. Decisions are kept by SKU spelling and survive reloading the sources.',
  ]) help.addRow([line]);
  writeFileAtomic(file, await workbookBytes(wb));
  return { rows: rows.length };
}

/** Reads the decisions of a reviewed workbook; rows without a decision are skipped. */
export async function readReviewDecisions(file: string): Promise<Decision[]> {
  if (!fs.existsSync(file)) throw new InputError({ file }, 'no such file');
  const ExcelJS = (await import('exceljs')).default;
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.readFile(file);
  } catch (err) {
    throw new InputError({ file }, `not a readable xlsx workbook (${(err as Error).message.split('\n')[0]})`);
  }
  const ws = wb.getWorksheet(REVIEW_SHEET);
  if (!ws) throw new InputError({ file }, `no sheet "${REVIEW_SHEET}"`, 'use the workbook `invsync cleanse --review FILE` wrote');
  const header = (ws.getRow(1).values as unknown[]).slice(1).map((v) => String(v ?? ''));
  const col = (name: (typeof REVIEW_COLUMNS)[number]): number => {
    const i = header.indexOf(name);
    if (i < 0) throw new InputError({ file, sheet: REVIEW_SHEET, row: 1 }, `no "${name}" column`, `the review sheet's columns are: ${REVIEW_COLUMNS.join(', ')}`);
    return i + 1;
  };
  const [typeCol, skuCol, decisionCol, targetCol] = [col('Type'), col('SKU'), col('Decision'), col('Target SKU')];
  const text = (v: unknown): string => {
    if (v === null || v === undefined) return '';
    if (typeof v === 'object' && 'richText' in (v as object)) return (v as { richText: { text: string }[] }).richText.map((r) => r.text).join('');
    const s = String(v).trim();
    return s.startsWith("'") ? s.slice(1) : s;
  };
  const decisions: Decision[] = [];
  ws.eachRow((row, rowNumber) => {
    if (rowNumber === 1) return;
    const decision = text(row.getCell(decisionCol).value).toLowerCase();
    if (decision === '') return;
    const type = text(row.getCell(typeCol).value);
    const sku = text(row.getCell(skuCol).value);
    const target = text(row.getCell(targetCol).value) || null;
    const allowed: readonly string[] = type === 'duplicate' ? MEMBER_DECISIONS : SPELLING_DECISIONS;
    const where = { file, sheet: REVIEW_SHEET, row: rowNumber, column: 'Decision' };
    if (!allowed.includes(decision)) throw new InputError(where, `"${decision}" is not a decision for a ${type || 'row'}`, `choose ${allowed.join(' or ')}`);
    if ((decision === 'merge' || decision === 'map') && !target) {
      throw new InputError({ ...where, column: 'Target SKU' }, `"${decision}" needs a Target SKU`);
    }
    decisions.push({ sku, decision: decision as Decision['decision'], target: decision === 'merge' || decision === 'map' ? target : null });
  });
  return decisions;
}

/** Stores decisions (replacing earlier ones for the same SKU spellings); validates targets. */
export function storeDecisions(db: Db, file: string, decisions: readonly Decision[]): number {
  const masterSkus = new Set((db.prepare('SELECT sku FROM items_clean').all() as { sku: string }[]).map((r) => r.sku));
  for (const s of db.prepare('SELECT sku FROM item_clusters').all() as { sku: string }[]) masterSkus.add(s.sku);
  // A key Excel rounded ("1.23457E+11") stays a target once its full code replaced it in items_clean,
  // and the full code itself is one before (the reviewer wrote the code instead of the key).
  const roundedKeys = (db.prepare("SELECT DISTINCT sku FROM items WHERE sku LIKE '%E+%' ORDER BY sku").all() as { sku: string }[]).flatMap((r) => {
    const sci = scientificNotation(r.sku);
    return sci ? [{ key: r.sku, sci }] : [];
  });
  const isTarget = (d: Decision, target: string): boolean =>
    masterSkus.has(target) || roundedKeys.some((k) => k.key === target) || (target === d.sku && roundedKeys.some((k) => roundsTo(target, k.sci)));
  const upsert = db.prepare(
    `INSERT INTO review_decisions (sku, decision, target_sku, decided_by, decided_at, workbook) VALUES (?, ?, ?, 'review', ?, ?)
     ON CONFLICT(sku) DO UPDATE SET decision = excluded.decision, target_sku = excluded.target_sku, decided_by = excluded.decided_by, decided_at = excluded.decided_at, workbook = excluded.workbook`,
  );
  const now = new Date().toISOString();
  for (const d of decisions) {
    if (d.target && !isTarget(d, d.target)) {
      throw new InputError({ file, sheet: REVIEW_SHEET, column: 'Target SKU' }, `SKU "${d.sku}": target "${d.target}" is no item of the master`);
    }
    upsert.run(d.sku, d.decision, d.target, now, file);
  }
  return decisions.length;
}
