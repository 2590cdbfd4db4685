/**
 * `validate`: the opening-balance checks a CI job runs before cutover. Each check
 * has a stable name, passes or fails, and says what it measured, against what
 * threshold, and which records are the worst offenders (up to 10). Failing checks
 * are a result, not an exception: the command turns them into exit 1.
 *
 * The reconciliation is recomputed from the staged, cleansed data (never read from a
 * report file that may be stale), and the staged data is cleansed first when
 * something was loaded since the last cleanse, as `reconcile` does.
 */
import path from 'node:path';
import { cleanseWorkspace } from '../cleanse/cleanse.js';
import { isKind } from '../model/kinds.js';
import { compareDecimals } from '../model/decimal.js';
import { openReconciliation } from '../reconcile/engine.js';
import { conditionHolds, measureValue, type Threshold } from '../reconcile/fail-on.js';
import { cleanseIsStale } from '../reconcile/reconcile.js';
import { toleranceConfig } from '../reconcile/tolerance.js';
import type { QuantityLine, ReconcileSummary } from '../reconcile/types.js';
import { quoteIdentifier, type Db } from '../staging/database.js';
import type { PreflightFinding } from '../export/preflight.js';
import type { WorkspaceConfig } from '../workspace/config.js';
import { odooVersions, validateSettings, type OdooVersion } from './settings.js';

/** How many offenders a failing check lists. */
export const MAX_OFFENDERS = 10;

export interface ValidateCheck {
  /** Stable across runs and thresholds, so CI history follows a check: "reconcile.accuracy". */
  readonly name: string;
  readonly description: string;
  readonly passed: boolean;
  readonly measured: string;
  /** The passing condition: ">= 0.9", "= 0", "|difference| <= 0.01 per account". */
  readonly threshold: string;
  /** All offending records (failing checks only). */
  readonly offenderCount: number;
  /** The worst offenders first, at most MAX_OFFENDERS, one line each. */
  readonly offenders: readonly string[];
}

export interface ValidateResult {
  readonly passed: boolean;
  readonly tests: number;
  readonly failures: number;
  readonly checks: readonly ValidateCheck[];
  /** The staged data changed since the last cleanse: validate cleansed first. */
  readonly cleansedFirst: boolean;
}

/** The export's pre-flight (src/core/export/preflight.ts), passed in so validate runs without an exporter too. */
export type Preflight = (db: Db, options: { odooVersion: OdooVersion; config: WorkspaceConfig }) => PreflightFinding[];

export interface ValidateOptions {
  readonly config: WorkspaceConfig;
  /** Everything Odoo would refuse, per version; without it there are no pre-flight checks. */
  readonly preflight?: Preflight;
  /** The caller has just cleansed (`run`): no need to check. */
  readonly cleansed?: boolean;
}

const UNIT_PROBLEMS = ['unknown_unit', 'ambiguous_unit', 'cross_category', 'pack_size_unknown', 'no_base_unit'];
const LINE_KINDS = ['erp', 'wms', 'counts', 'gl', 'moves'] as const;

export function validateWorkspace(db: Db, options: ValidateOptions): ValidateResult {
  const settings = validateSettings(options.config);
  const cleansedFirst = !options.cleansed && cleanseIsStale(db);
  if (cleansedFirst) cleanseWorkspace(db, { config: options.config });
  // Streamed: only the lines that are not a match (the offenders) are held, as reconcile does.
  const reconciliation = openReconciliation(db, { tolerances: toleranceConfig(options.config.sections.tolerances) });
  const reconciled = { summary: reconciliation.summary(), quantity: [...reconciliation.quantityLines('exceptions')] };
  const checks: ValidateCheck[] = [
    loadConservation(db),
    cleanseConservation(db),
    unmappedSkus(db),
    unconvertedUnits(db, options.config.folder),
    pendingReview(db),
  ];
  if (options.preflight) for (const version of odooVersions(options.config)) checks.push(preflightCheck(options.preflight(db, { odooVersion: version, config: options.config }), version));
  for (const t of settings.thresholds) checks.push(thresholdCheck(t, reconciled.summary, reconciled.quantity));
  checks.push(glTieOut(reconciled.summary, settings.tieOutTolerance, settings.tieOutByAccount));
  const failures = checks.filter((c) => !c.passed).length;
  return { passed: failures === 0, tests: checks.length, failures, checks, cleansedFirst };
}

function check(name: string, description: string, measured: string, threshold: string, offenders: readonly string[], passed = offenders.length === 0): ValidateCheck {
  return { name, description, passed, measured, threshold, offenderCount: passed ? 0 : offenders.length, offenders: passed ? [] : offenders.slice(0, MAX_OFFENDERS) };
}

/** Load: rows read = rows staged + rows rejected per file, and the tables hold exactly those rows. */
function loadConservation(db: Db): ValidateCheck {
  const sources = db.prepare('SELECT id, kind, path, rows_read, rows_staged, rows_rejected FROM sources ORDER BY kind, path, id').all() as {
    id: number;
    kind: string;
    path: string;
    rows_read: number;
    rows_staged: number;
    rows_rejected: number;
  }[];
  const offenders: string[] = [];
  for (const s of sources) {
    const table = isKind(s.kind) ? quoteIdentifier(s.kind) : null;
    const staged = table
      ? (db.prepare(`SELECT count(*) AS n FROM ${table} t JOIN source_sheets h ON h.id = t.sheet_id WHERE h.source_id = ?`).get(s.id) as { n: number }).n
      : 0;
    const rejected = (db.prepare('SELECT count(*) AS n FROM rejects r JOIN source_sheets h ON h.id = r.sheet_id WHERE h.source_id = ?').get(s.id) as { n: number }).n;
    if (s.rows_read !== s.rows_staged + s.rows_rejected || staged !== s.rows_staged || rejected !== s.rows_rejected) {
      offenders.push(`${s.path} (${s.kind}): ${s.rows_read} read, ${s.rows_staged} staged (${staged} in the table), ${s.rows_rejected} rejected (${rejected} in rejects)`);
    }
  }
  // An empty workspace has no opening balance to pass.
  if (!sources.length) offenders.push('no source is staged: load the extracts (invsync load, or invsync run)');
  return check('load.conservation', 'every row read is staged or rejected, per file', `${sources.length - (sources.length ? offenders.length : 0)} of ${sources.length} files balance`, 'at least one file; read = staged + rejected for every file', offenders);
}

/** Cleanse: every staged line with a quantity has exactly one line in base units (usable or held back with a reason). */
function cleanseConservation(db: Db): ValidateCheck {
  const offenders: string[] = [];
  let lines = 0;
  for (const kind of LINE_KINDS) {
    const staged = (db.prepare(`SELECT count(*) AS n FROM ${quoteIdentifier(kind)} WHERE qty IS NOT NULL`).get() as { n: number }).n;
    const cleansed = (db.prepare('SELECT count(*) AS n FROM quantities WHERE kind = ?').get(kind) as { n: number }).n;
    lines += staged;
    if (staged !== cleansed) offenders.push(`${kind}: ${staged} staged lines with a quantity, ${cleansed} cleansed lines`);
  }
  return check('cleanse.conservation', 'every staged line is usable or held back with a reason', `${lines} lines`, 'lines = usable + held back for every kind', offenders);
}

function unmappedSkus(db: Db): ValidateCheck {
  const rows = db.prepare("SELECT spelling, kinds, line_count FROM sku_xref WHERE status = 'unmapped' ORDER BY line_count DESC, spelling").all() as { spelling: string; kinds: string; line_count: number }[];
  const offenders = rows.map((r) => `${r.spelling} (${(JSON.parse(r.kinds) as string[]).join(', ')}; ${r.line_count} line${r.line_count === 1 ? '' : 's'})`);
  return check('cleanse.unmapped_skus', 'every SKU spelling maps to an item, or a reviewer rejected it', String(rows.length), '= 0', offenders);
}

function unconvertedUnits(db: Db, folder: string): ValidateCheck {
  const placeholders = UNIT_PROBLEMS.map(() => '?').join(', ');
  const union = LINE_KINDS.map((k) => `SELECT '${k}' AS kind, id, sheet_id, row_no FROM ${quoteIdentifier(k)}`).join(' UNION ALL ');
  const rows = db
    .prepare(
      `SELECT q.kind, coalesce(q.sku, q.spelling, '') AS sku, q.qty, coalesce(q.uom, '') AS uom, q.status, s.path, t.row_no
       FROM quantities q JOIN (${union}) t ON t.kind = q.kind AND t.id = q.row_id
       JOIN source_sheets h ON h.id = t.sheet_id JOIN sources s ON s.id = h.source_id
       WHERE q.status IN (${placeholders}) ORDER BY s.path, t.row_no, q.kind`,
    )
    .all(...UNIT_PROBLEMS) as { kind: string; sku: string; qty: string; uom: string; status: string; path: string; row_no: number }[];
  // Paths as the configuration writes them where the file sits under its folder.
  const shown = (file: string): string => (path.relative(folder, file).startsWith('..') ? file : path.relative(folder, file));
  const offenders = rows.map((r) => `${r.sku}: ${r.qty} ${r.uom} (${r.status.replace(/_/g, ' ')}; ${shown(r.path)} row ${r.row_no})`);
  return check('cleanse.unconverted_units', 'every quantity is converted to its item’s base unit', String(rows.length), '= 0', offenders);
}

function pendingReview(db: Db): ValidateCheck {
  const clusters = db.prepare("SELECT cluster, group_concat(sku, ', ') AS skus FROM (SELECT cluster, sku FROM item_clusters WHERE status = 'review' ORDER BY cluster, sku) GROUP BY cluster ORDER BY cluster").all() as {
    cluster: number;
    skus: string;
  }[];
  const spellings = db.prepare("SELECT spelling, line_count FROM sku_xref WHERE status = 'review' ORDER BY line_count DESC, spelling").all() as { spelling: string; line_count: number }[];
  const offenders = [...clusters.map((c) => `duplicate cluster C${c.cluster}: ${c.skus}`), ...spellings.map((s) => `SKU spelling ${s.spelling} (${s.line_count} line${s.line_count === 1 ? '' : 's'})`)];
  return check('cleanse.pending_review', 'no duplicate cluster or SKU spelling waits for a review decision', String(offenders.length), '= 0', offenders);
}

function preflightCheck(findings: readonly PreflightFinding[], version: OdooVersion): ValidateCheck {
  const sorted = [...findings].sort((a, b) => cmp(a.file, b.file) || cmp(a.rule, b.rule) || cmp(a.record, b.record));
  return check(
    `preflight.odoo-${version}`,
    `nothing Odoo ${version} would refuse in the load files`,
    String(findings.length),
    '= 0',
    sorted.map((f) => `${f.file}: ${f.record}: ${f.message} (${f.rule})`),
  );
}

const INVERSE = { '<': '>=', '<=': '>', '>': '<=', '>=': '<' } as const;

/** A `fail_on` condition: the check fails when the condition holds. */
function thresholdCheck(t: Threshold, summary: ReconcileSummary, quantity: readonly QuantityLine[]): ValidateCheck {
  const value = measureValue(summary, t.measure);
  const failed = conditionHolds(value, t);
  const offenders = failed ? thresholdOffenders(t.measure, summary, quantity) : [];
  return {
    ...check(`reconcile.${t.measure}`, `${t.measure.replace(/_/g, ' ')} within the threshold (fails when ${t.measure} ${t.op} ${t.limit})`, value, `${INVERSE[t.op]} ${t.limit}`, offenders, !failed),
    offenderCount: failed ? Math.max(offenders.length, 1) : 0,
  };
}

function thresholdOffenders(measure: string, summary: ReconcileSummary, quantity: readonly QuantityLine[]): string[] {
  const describe = (l: QuantityLine): string =>
    `${l.sku} @ ${l.location || l.warehouse}${l.lot ? ` lot ${l.lot}` : ''}: ${l.status}${l.cause ? ` (${l.cause})` : ''}, counted ${l.physical_qty ?? '-'}, book ${l.book_qty ?? '-'}, value ${l.value_impact ?? '-'}`;
  const byValue = (a: QuantityLine, b: QuantityLine): number => compareDecimals(abs(b.value_impact ?? '0'), abs(a.value_impact ?? '0')) || cmp(a.sku, b.sku) || cmp(a.location, b.location) || cmp(a.lot, b.lot);
  const off = (l: QuantityLine): boolean => l.status !== 'match' && l.status !== 'within_tolerance';
  switch (measure) {
    case 'unmapped':
      return quantity.filter((l) => l.status === 'unmapped').sort(byValue).map(describe);
    case 'gl_tie_out':
      return summary.gl_tie_out.filter((t) => t.status === 'over' || t.status === 'short').map((t) => `account ${t.account}: difference ${t.difference}`);
    case 'valuation_net':
      return [`net ${summary.valuation.net_value_variance}: book ${summary.valuation.book_value}, GL ${summary.valuation.gl_value} (lines in valuation.csv)`];
    default:
      // accuracy, variances, net and gross value: the lines that are off, the largest value first.
      return quantity.filter(off).sort(byValue).map(describe);
  }
}

function glTieOut(summary: ReconcileSummary, tolerance: string, byAccount: Readonly<Record<string, string>>): ValidateCheck {
  const offenders: { account: string; text: string; size: string }[] = [];
  let largest = '0';
  for (const t of summary.gl_tie_out) {
    const limit = byAccount[t.account] ?? tolerance;
    if (t.difference === null) {
      offenders.push({ account: t.account, text: `account ${t.account}: no trial balance line (item values ${t.item_value})`, size: abs(t.item_value) });
      continue;
    }
    if (compareDecimals(abs(t.difference), largest) > 0) largest = abs(t.difference);
    if (compareDecimals(abs(t.difference), limit) > 0) {
      offenders.push({ account: t.account, text: `account ${t.account}: item values ${t.item_value}, trial balance ${t.control_total}, difference ${t.difference} (tolerance ${limit})`, size: abs(t.difference) });
    }
  }
  offenders.sort((a, b) => compareDecimals(b.size, a.size) || cmp(a.account, b.account));
  const exceptions = Object.entries(byAccount).map(([a, v]) => `${a}: ${v}`);
  return check(
    'gl.tie_out',
    'the GL item values of each account tie to the trial balance',
    `largest difference ${largest} over ${summary.gl_tie_out.length} accounts`,
    `|difference| <= ${tolerance} per account${exceptions.length ? ` (${exceptions.join(', ')})` : ''}`,
    offenders.map((o) => o.text),
  );
}

function abs(d: string): string {
  return d.startsWith('-') ? d.slice(1) : d;
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

