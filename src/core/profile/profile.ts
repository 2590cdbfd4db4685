/**
 * `profile`: data-quality findings per staged source, straight from the staging
 * tables: rows staged, rejects by reason, blank SKUs, duplicate SKU spellings,
 * unknown units, negative and non-numeric quantities, flags raised while loading.
 */
import { KIND_SPECS, type Kind } from '../model/kinds.js';
import { DEFAULT_NORMALISE_RULES, matchKey } from '../cleanse/normalise.js';
import type { Db } from '../staging/database.js';
import { isKnownUnit } from '../uom/spellings.js';

export interface SourceProfile {
  readonly kind: Kind;
  readonly file: string;
  readonly sha256: string;
  readonly format: string;
  readonly encoding: string | null;
  readonly delimiter: string | null;
  readonly rowsRead: number;
  readonly rowsStaged: number;
  readonly rowsRejected: number;
  readonly rejectsByReason: Readonly<Record<string, number>>;
  readonly blankSkus: number;
  /** SKU spellings that collide once case, spaces and separators are ignored ("AB-100", "ab 100"). */
  readonly duplicateSkuSpellings: readonly { key: string; spellings: readonly string[] }[];
  /** Rows with the same SKU (and location/lot where the kind has them) more than once. */
  readonly duplicateKeys: number;
  readonly unknownUnits: readonly { unit: string; rows: number }[];
  readonly negativeQuantities: number;
  readonly zeroQuantities: number;
  readonly nonNumericQuantities: number;
  readonly flags: Readonly<Record<string, number>>;
  /**
   * Lot and serial problems against the item master's tracking (matched by the SKU as
   * written, before cleansing): serial-tracked lines whose quantity is not 1, and
   * tracked lines without a lot or serial number.
   */
  readonly tracking: { readonly serialQuantityNotOne: number; readonly missingLotOrSerial: number };
}

/** What cleansing left open (present once `cleanse` has run). */
export interface CleansingProfile {
  readonly unmappedSkus: readonly { readonly spelling: string; readonly kinds: readonly string[]; readonly lines: number }[];
  readonly skusToReview: number;
  /** Quantity lines held back by unit problems, per unit as written and reason. */
  readonly unitProblems: readonly { readonly unit: string; readonly status: string; readonly lines: number }[];
}

export interface ProfileResult {
  readonly sources: readonly SourceProfile[];
  readonly cleansing?: CleansingProfile;
  readonly totals: { readonly rowsRead: number; readonly rowsStaged: number; readonly rowsRejected: number };
}

/** Spellings of one SKU collide on cleansing's match key with its default rules. */
export function skuSpellingKey(sku: string): string {
  return matchKey(sku, DEFAULT_NORMALISE_RULES);
}

export function profileWorkspace(db: Db): ProfileResult {
  const sources = db
    .prepare('SELECT id, kind, path, sha256, format, encoding, delimiter, rows_read, rows_staged, rows_rejected FROM sources ORDER BY kind, path, id')
    .all() as {
    id: number;
    kind: Kind;
    path: string;
    sha256: string;
    format: string;
    encoding: string | null;
    delimiter: string | null;
    rows_read: number;
    rows_staged: number;
    rows_rejected: number;
  }[];
  const profiles = sources.map((s) => profileSource(db, s));
  const totals = { rowsRead: 0, rowsStaged: 0, rowsRejected: 0 };
  for (const p of profiles) {
    totals.rowsRead += p.rowsRead;
    totals.rowsStaged += p.rowsStaged;
    totals.rowsRejected += p.rowsRejected;
  }
  return { sources: profiles, totals, ...(cleansed(db) ? { cleansing: cleansingProfile(db) } : {}) };
}

function cleansed(db: Db): boolean {
  return (db.prepare('SELECT count(*) AS n FROM sku_xref').get() as { n: number }).n > 0;
}

function cleansingProfile(db: Db): CleansingProfile {
  const unmapped = db
    .prepare("SELECT spelling, kinds, line_count FROM sku_xref WHERE status IN ('unmapped', 'rejected') ORDER BY spelling")
    .all() as { spelling: string; kinds: string; line_count: number }[];
  const review = db.prepare("SELECT count(*) AS n FROM sku_xref WHERE status = 'review'").get() as { n: number };
  const units = db
    .prepare(
      `SELECT coalesce(uom, '') AS unit, status, count(*) AS n FROM quantities
       WHERE status IN ('unknown_unit', 'ambiguous_unit', 'cross_category', 'pack_size_unknown', 'no_base_unit', 'invalid_quantity')
       GROUP BY unit, status ORDER BY unit, status`,
    )
    .all() as { unit: string; status: string; n: number }[];
  return {
    unmappedSkus: unmapped.map((u) => ({ spelling: u.spelling, kinds: JSON.parse(u.kinds) as string[], lines: u.line_count })),
    skusToReview: review.n,
    unitProblems: units.map((u) => ({ unit: u.unit, status: u.status, lines: u.n })),
  };
}

function profileSource(
  db: Db,
  s: { id: number; kind: Kind; path: string; sha256: string; format: string; encoding: string | null; delimiter: string | null; rows_read: number; rows_staged: number; rows_rejected: number },
): SourceProfile {
  const spec = KIND_SPECS[s.kind];
  const has = (c: string): boolean => spec.columns.some((x) => x.name === c);
  const rows = `FROM ${s.kind} t JOIN source_sheets sh ON sh.id = t.sheet_id WHERE sh.source_id = ?`;
  const rejectsByReason = Object.fromEntries(
    (
      db
        .prepare('SELECT reason_code, count(*) AS n FROM rejects r JOIN source_sheets sh ON sh.id = r.sheet_id WHERE sh.source_id = ? GROUP BY reason_code ORDER BY reason_code')
        .all(s.id) as { reason_code: string; n: number }[]
    ).map((r) => [r.reason_code, r.n]),
  );
  const blankSkus = Object.entries(rejectsByReason)
    .filter(([code]) => code.startsWith('blank_sku'))
    .reduce((sum, [, n]) => sum + n, 0);

  let duplicateSkuSpellings: { key: string; spellings: string[] }[] = [];
  let duplicateKeys = 0;
  if (has('sku')) {
    const spellings = db.prepare(`SELECT DISTINCT t.sku AS sku ${rows} AND t.sku IS NOT NULL ORDER BY t.sku`).all(s.id) as { sku: string }[];
    const groups = new Map<string, string[]>();
    for (const { sku } of spellings) {
      const key = skuSpellingKey(sku);
      groups.set(key, [...(groups.get(key) ?? []), sku]);
    }
    duplicateSkuSpellings = [...groups].filter(([, list]) => list.length > 1).map(([key, list]) => ({ key, spellings: list }));
    const keyColumns = ['sku', 'warehouse', 'location', 'lot', 'status', 'account', 'date', 'reference'].filter((c) => has(c) && !(s.kind === 'moves' && c !== 'sku' && c !== 'date' && c !== 'reference'));
    if (s.kind !== 'moves') {
      const key = keyColumns.map((c) => `t.${c}`).join(', ');
      duplicateKeys = (db.prepare(`SELECT coalesce(sum(n - 1), 0) AS d FROM (SELECT count(*) AS n ${rows} GROUP BY ${key} HAVING count(*) > 1)`).get(s.id) as { d: number }).d;
    }
  }
  const unknownUnits: { unit: string; rows: number }[] = [];
  for (const column of ['uom', 'purchase_uom'].filter(has)) {
    const units = db.prepare(`SELECT t.${column} AS unit, count(*) AS n ${rows} AND t.${column} IS NOT NULL GROUP BY t.${column} ORDER BY t.${column}`).all(s.id) as { unit: string; n: number }[];
    for (const u of units) if (!isKnownUnit(u.unit)) unknownUnits.push({ unit: u.unit, rows: u.n });
  }
  let negativeQuantities = 0;
  let zeroQuantities = 0;
  if (has('qty') && s.kind !== 'moves') {
    // (issues are negative in a movement history by design)
    const q = db.prepare(`SELECT sum(t.qty LIKE '-%') AS neg, sum(t.qty = '0') AS zero ${rows}`).get(s.id) as { neg: number | null; zero: number | null };
    negativeQuantities = q.neg ?? 0;
    zeroQuantities = q.zero ?? 0;
  }
  const nonNumericQuantities = rejectsByReason.bad_qty ?? 0;
  const tracking = { serialQuantityNotOne: 0, missingLotOrSerial: 0 };
  if (has('lot') && has('qty') && has('sku')) {
    const t = db
      .prepare(
        `WITH tracked AS (SELECT sku, max(lower(tracking)) AS tracking FROM items WHERE lower(tracking) LIKE 'serial%' OR lower(tracking) LIKE 'lot%' GROUP BY sku)
         SELECT coalesce(sum(k.tracking LIKE 'serial%' AND t.qty NOT IN ('1', '-1', '0')), 0) AS serial_not_one,
                coalesce(sum(t.lot IS NULL), 0) AS missing_lot
         ${rows.replace(`FROM ${s.kind} t`, `FROM ${s.kind} t JOIN tracked k ON k.sku = t.sku`)}`,
      )
      .get(s.id) as { serial_not_one: number; missing_lot: number };
    tracking.serialQuantityNotOne = t.serial_not_one;
    tracking.missingLotOrSerial = t.missing_lot;
  }
  const flags: Record<string, number> = {};
  const flagRows = db.prepare(`SELECT t.flags AS flags, count(*) AS n ${rows} AND t.flags IS NOT NULL GROUP BY t.flags`).all(s.id) as { flags: string; n: number }[];
  for (const f of flagRows) for (const flag of f.flags.split(',')) flags[flag] = (flags[flag] ?? 0) + f.n;
  return {
    kind: s.kind,
    file: s.path,
    sha256: s.sha256,
    format: s.format,
    encoding: s.encoding,
    delimiter: s.delimiter,
    rowsRead: s.rows_read,
    rowsStaged: s.rows_staged,
    rowsRejected: s.rows_rejected,
    rejectsByReason,
    blankSkus,
    duplicateSkuSpellings,
    duplicateKeys,
    unknownUnits,
    negativeQuantities,
    zeroQuantities,
    nonNumericQuantities,
    flags: Object.fromEntries(Object.entries(flags).sort(([a], [b]) => a.localeCompare(b))),
    tracking,
  };
}
