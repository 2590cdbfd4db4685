/**
 * `cleanse`: one canonical SKU for every spelling, and every quantity in its item's
 * base unit. Computes from the staged data and the review decisions, then rewrites
 * the derived tables (sku_xref, item_clusters, items_clean, quantities) in the
 * command's transaction. Running it twice gives the same tables.
 *
 * Balance: spellings = auto + merged + confirmed + review + unmapped (+ rejected);
 * quantity lines = usable + held back, per kind.
 */
import { collectGarbage } from '../memory.js';
import { KIND_SPECS } from '../model/kinds.js';
import type { Db } from '../staging/database.js';
import { buildCatalogue, type Catalogue, type ExtraUnit } from '../uom/index.js';
import type { WorkspaceConfig } from '../workspace/config.js';
import { clusterDuplicates, type DuplicateCluster } from './clusters.js';
import { validateGtin } from './gtin.js';
import { MAPPED_STATUSES } from './sql.js';
import { readMaster, type MasterRow } from './master.js';
import { indexMaster, matchSpelling, type SkuMapping } from './matching.js';
import { compareText, resolveNormaliseRules, roundsTo, scientificNotation, type NormaliseRules, type ScientificNotation } from './normalise.js';
import { convertStagedQuantities, type ItemUnits, type QuantityBalance, type QuantityKind } from './quantities.js';

export type XrefStatus = 'auto' | 'merged' | 'confirmed' | 'review' | 'unmapped' | 'rejected';

export interface CleanseOptions {
  readonly config: WorkspaceConfig;
  readonly onProgress?: (step: string, count: number) => void;
}

export interface CleanseResult {
  readonly items: { readonly masterRows: number; readonly canonical: number; readonly invalidBarcodes: number };
  readonly clusters: { readonly total: number; readonly autoMerged: number; readonly decided: number; readonly review: number };
  /** How many SKU spellings found in the staged sources ended where. */
  readonly spellings: { readonly total: number } & Readonly<Record<XrefStatus, number>>;
  readonly quantities: Readonly<Record<QuantityKind, QuantityBalance>>;
  /** Items the review workbook would list (cluster members and spellings to confirm). */
  readonly pendingReview: number;
}

export interface Decision {
  readonly sku: string;
  readonly decision: 'merge' | 'keep' | 'map' | 'reject';
  readonly target: string | null;
}

export function catalogueFor(config: WorkspaceConfig): Catalogue {
  return buildCatalogue({
    extraUnits: (config.units.units ?? []) as unknown as ExtraUnit[],
    extraSynonyms: config.units.synonyms ?? {},
    source: config.file ?? 'invsync.yaml',
  });
}

export function normaliseRulesFor(config: WorkspaceConfig): NormaliseRules {
  return resolveNormaliseRules({
    ...(config.sku.separators !== undefined ? { separators: config.sku.separators } : {}),
    ...(config.sku.revisionSuffixes !== undefined ? { revisionSuffixes: config.sku.revisionSuffixes } : {}),
    ...(config.sku.caseSensitive !== undefined ? { caseFold: !config.sku.caseSensitive } : {}),
  });
}

export function readDecisions(db: Db): Map<string, Decision> {
  const rows = db.prepare('SELECT sku, decision, target_sku FROM review_decisions ORDER BY sku').all() as { sku: string; decision: Decision['decision']; target_sku: string | null }[];
  return new Map(rows.map((r) => [r.sku, { sku: r.sku, decision: r.decision, target: r.target_sku }]));
}

export function cleanseWorkspace(db: Db, options: CleanseOptions): CleanseResult {
  const catalogue = catalogueFor(options.config);
  // Steps 1-4 hold the whole master in memory; their result is all step 5 needs.
  const decided = decideSkus(db, options, catalogue);
  collectGarbage();

  // 5. Quantities in base units.
  const quantities = convertStagedQuantities(db, {
    catalogue,
    odooVersion: options.config.odooVersion,
    canonical: decided.canonical,
    heldBack: decided.heldBack,
    items: decided.items,
    onProgress: (kind, n) => options.onProgress?.(`converting ${kind} quantities`, n),
  });

  const pendingReview = (db.prepare("SELECT count(*) AS n FROM item_clusters WHERE status = 'review'").get() as { n: number }).n + decided.spellings.review;
  return { ...decided.summary, spellings: decided.spellings, quantities, pendingReview };
}

interface SkuDecisions {
  readonly canonical: Map<string, string>;
  readonly heldBack: Map<string, string>;
  readonly items: Map<string, ItemUnits>;
  readonly spellings: CleanseResult['spellings'];
  readonly summary: Pick<CleanseResult, 'items' | 'clusters'>;
}

/** Clusters, clean items and the cross-reference, written to their tables. */
function decideSkus(db: Db, options: CleanseOptions, catalogue: Catalogue): SkuDecisions {
  const { config } = options;
  const rules = normaliseRulesFor(config);
  const decisions = readDecisions(db);
  // A confirmed full code replaces the master key Excel rounded, before anything is keyed by it.
  const stagedMaster = readMaster(db);
  const fullCodes = confirmedFullCodes(
    stagedMaster.map((r) => r.sku),
    decisions.values(),
  );
  const master = fullCodes.renames.size === 0 ? stagedMaster : stagedMaster.map((row) => ({ ...row, sku: fullCodes.renames.get(row.sku) ?? row.sku }));
  options.onProgress?.('clustering duplicate items', master.length);
  collectGarbage();

  // 1. Duplicate items inside the master, and where each master SKU goes.
  const unitKey = (u: string): string => {
    const m = catalogue.lookup(u);
    return m.kind === 'unit' ? m.unit.key : u.trim().toLowerCase();
  };
  const clustering = clusterDuplicates(master, { rules, uomKey: unitKey });
  const mergeInto = new Map<string, string>();
  let autoMerged = 0;
  let decided = 0;
  let review = 0;
  const clusterStatus = new Map<number, string>();
  const memberDecisions = clusterDecisions(decisions, fullCodes.renames);
  for (const cluster of clustering.clusters) {
    const status = applyCluster(cluster, memberDecisions, mergeInto);
    clusterStatus.set(cluster.id, status);
    if (status === 'auto_merged') autoMerged++;
    else if (status === 'decided') decided++;
    else review++;
  }
  const canonicalOf = (sku: string): string => {
    let s = sku;
    for (let hops = 0; hops < 10 && mergeInto.has(s) && mergeInto.get(s) !== s; hops++) s = mergeInto.get(s)!;
    return s;
  };

  // 2. The clean item master: one row per canonical SKU, attributes from its first row.
  const itemsClean = new Map<string, { row: MasterRow; mergedFrom: Set<string> }>();
  for (const row of master) {
    const canonical = canonicalOf(row.sku);
    const entry = itemsClean.get(canonical);
    if (!entry) itemsClean.set(canonical, { row: row.sku === canonical ? row : { ...row, sku: canonical }, mergedFrom: new Set() });
    else if (row.sku === canonical && entry.row.sku === canonical && entry.row.rowId > row.rowId) entry.row = row;
    if (row.sku !== canonical) itemsClean.get(canonical)!.mergedFrom.add(row.sku);
  }
  let invalidBarcodes = 0;
  db.exec('DELETE FROM items_clean');
  const insertItem = db.prepare(
    `INSERT INTO items_clean (sku, description, uom, uom_key, purchase_uom, pack_size, category, unit_cost, barcode, gtin14, barcode_status, tracking, weight, merged_from)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const items = new Map<string, ItemUnits>();
  const linksBySku = new Map<string, { unit: string; contains: number; of: string }[]>();
  for (const link of config.units.links ?? []) linksBySku.set(link.sku, [...(linksBySku.get(link.sku) ?? []), { unit: link.unit, contains: link.contains, of: link.of }]);
  for (const [sku, { row, mergedFrom }] of [...itemsClean].sort(([a], [b]) => compareText(a, b))) {
    const gtin = row.barcode ? validateGtin(row.barcode) : undefined;
    if (gtin && !gtin.valid) invalidBarcodes++;
    const uomMatch = row.uom ? catalogue.lookup(row.uom) : undefined;
    insertItem.run(
      sku,
      row.description || null,
      row.uom ?? null,
      uomMatch?.kind === 'unit' ? uomMatch.unit.key : null,
      row.purchaseUom,
      row.packSize,
      row.category ?? null,
      row.unitCost ?? null,
      row.barcode ?? null,
      gtin?.valid ? (gtin.gtin14 ?? null) : null,
      gtin ? (gtin.valid ? 'valid' : `invalid: ${gtin.reason}`) : null,
      row.tracking,
      row.weight,
      JSON.stringify([...mergedFrom].sort(compareText)),
    );
    const links = linksBySku.get(sku);
    items.set(sku, {
      uom: row.uom ?? null,
      conversions: {
        sku,
        ...(row.uom ? { baseUnit: row.uom } : {}),
        ...(row.packSize ? { packSize: row.packSize } : {}),
        ...(links ? { links } : {}),
      },
    });
  }

  // 3. Every spelling in every staged source → one canonical SKU.
  options.onProgress?.('matching SKU spellings', itemsClean.size);
  collectGarbage();
  const spellings = collectSpellings(db);
  for (const row of master) if (row.stagedSku !== undefined) spellings.set(row.stagedSku, { kinds: new Set(['items']), lines: 1 });
  const index = indexMaster(master, rules);
  const mappings: SkuMapping[] = [];
  for (const spelling of [...spellings.keys()].sort(compareText)) {
    mappings.push(matchSpelling(index, spelling, [...spellings.get(spelling)!.kinds].sort(compareText), { rules }));
    // Matching makes much short-lived garbage per spelling; collect it as we go.
    if (mappings.length % 20_000 === 0) collectGarbage();
  }
  const corruptedMaster = masterCodesFor(master, mappings);
  const canonical = new Map<string, string>();
  const heldBack = new Map<string, string>();
  const counts: Record<XrefStatus, number> = { auto: 0, merged: 0, confirmed: 0, review: 0, unmapped: 0, rejected: 0 };
  db.exec('DELETE FROM sku_xref');
  const insertXref = db.prepare(
    'INSERT INTO sku_xref (spelling, canonical_sku, rule, confidence, status, confirmed_by, evidence, kinds, line_count) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const stagedToMaster = new Map(master.filter((r) => r.stagedSku !== undefined).map((r) => [r.stagedSku!, r.sku]));
  for (const m of mappings) {
    const decision = decisions.get(m.spelling);
    const resolved = resolveMapping(m, decision, canonicalOf, stagedToMaster, fullCodes, corruptedMaster.get(m.spelling));
    counts[resolved.status]++;
    if (resolved.sku !== null && (MAPPED_STATUSES as readonly string[]).includes(resolved.status)) canonical.set(m.spelling, resolved.sku);
    else heldBack.set(m.spelling, resolved.status === 'review' ? 'review_sku' : 'unmapped_sku');
    const seen = spellings.get(m.spelling)!;
    insertXref.run(
      m.spelling,
      resolved.sku,
      resolved.rule,
      resolved.confidence,
      resolved.status,
      resolved.confirmedBy,
      JSON.stringify({ candidates: m.candidates, reason: m.reason, flags: m.flags, ...(resolved.note ? { note: resolved.note } : {}) }),
      JSON.stringify([...seen.kinds].sort()),
      seen.lines,
    );
  }

  // 4. Clusters, for the review workbook and the record.
  options.onProgress?.('recording clusters', clustering.clusters.length);
  db.exec('DELETE FROM item_clusters');
  const insertCluster = db.prepare('INSERT INTO item_clusters (cluster, sku, survivor, decision, status, evidence) VALUES (?, ?, ?, ?, ?, ?)');
  for (const cluster of clustering.clusters) {
    const evidence = JSON.stringify(cluster.evidence.map((e) => ({ rule: e.rule, pair: e.pair, score: e.score, detail: e.detail })));
    const seenSkus = new Set<string>();
    for (const member of cluster.members) {
      if (seenSkus.has(member.sku)) continue;
      seenSkus.add(member.sku);
      insertCluster.run(cluster.id, member.sku, cluster.survivor.sku, cluster.decision, clusterStatus.get(cluster.id)!, evidence);
    }
  }

  return {
    canonical,
    heldBack,
    items,
    spellings: { total: mappings.length, ...counts },
    summary: {
      items: { masterRows: master.length, canonical: itemsClean.size, invalidBarcodes },
      clusters: { total: clustering.clusters.length, autoMerged, decided, review },
    },
  };
}

/** Applies a cluster's outcome to the merge map; returns its status. */
function applyCluster(cluster: DuplicateCluster, decisions: ReadonlyMap<string, Decision>, mergeInto: Map<string, string>): 'auto_merged' | 'decided' | 'review' {
  const skus = [...new Set(cluster.members.map((m) => m.sku))];
  if (cluster.decision === 'auto_merge') {
    for (const sku of skus) if (sku !== cluster.survivor.sku) mergeInto.set(sku, cluster.survivor.sku);
    return 'auto_merged';
  }
  // Review: every member needs a decision; "merge" sends it to its target, "keep" keeps it apart.
  const all = skus.every((sku) => decisions.has(sku) || sku === cluster.survivor.sku);
  for (const sku of skus) {
    const d = decisions.get(sku);
    if (d?.decision === 'merge' && d.target && d.target !== sku && skus.includes(d.target)) mergeInto.set(sku, d.target);
  }
  return all ? 'decided' : 'review';
}

interface Resolved {
  readonly sku: string | null;
  readonly rule: string;
  readonly confidence: number;
  readonly status: XrefStatus;
  readonly confirmedBy: string;
  readonly note?: string;
}

/**
 * A master SKU that Excel turned into scientific notation ("1.23457E+11") can only be
 * found through the other sources: an unmapped all-digit spelling that rounds to it.
 * Exactly one such spelling is proposed for review; several (or none) leave it alone.
 * Once a reviewer confirms it, the code replaces the key (`confirmedFullCodes`).
 */
function masterCodesFor(master: readonly MasterRow[], mappings: readonly SkuMapping[]): Map<string, string> {
  const proposals = new Map<string, string>();
  const unmappedDigits = mappings.filter((m) => m.status === 'unmapped' && /^\d+$/.test(m.spelling)).map((m) => m.spelling);
  for (const row of master) {
    const sci = scientificNotation(row.sku);
    if (!sci) continue;
    const candidates = unmappedDigits.filter((spelling) => roundsTo(spelling, sci));
    if (candidates.length === 1) proposals.set(candidates[0]!, row.sku);
  }
  return proposals;
}

/**
 * Master keys that Excel turned into scientific notation ("1.23457E+11") and the full
 * code a reviewer confirmed for each. A confirmation is a `map` decision for an
 * all-digit spelling that rounds to the key, with the key itself as target (what the
 * review workbook proposes) or the spelling itself (the reviewer wrote the full code).
 * The full code then becomes the item's canonical SKU and the key one of its spellings.
 *
 * Two different codes confirmed onto one key rename nothing: Excel's rounding cannot
 * say which the master meant, so both go back to review with a note (`conflicts`). Nor
 * is a key renamed to a code that is already an item of the master of its own.
 */
export interface FullCodes {
  /** Corrupted master key → the full code it becomes. */
  readonly renames: ReadonlyMap<string, string>;
  /** Full code → the master key it replaces (the reverse of `renames`). */
  readonly renamedFrom: ReadonlyMap<string, string>;
  /** Spelling → why its confirmation is held in review. */
  readonly conflicts: ReadonlyMap<string, string>;
}

export function confirmedFullCodes(masterSkus: readonly string[], decisions: Iterable<Decision>): FullCodes {
  const rounded = new Map<string, ScientificNotation>();
  for (const key of masterSkus) {
    const sci = scientificNotation(key);
    if (sci) rounded.set(key, sci);
  }
  const confirmed = new Map<string, Set<string>>();
  const conflicts = new Map<string, string>();
  if (rounded.size === 0) return { renames: new Map(), renamedFrom: new Map(), conflicts };
  const corrupted = new Map([...rounded].sort(([a], [b]) => compareText(a, b)));
  const keys = new Set(masterSkus);
  for (const d of decisions) {
    if (d.decision !== 'map' || d.target === null || !/^\d+$/.test(d.sku) || keys.has(d.sku)) continue;
    let onto: string[];
    if (corrupted.has(d.target)) onto = roundsTo(d.sku, corrupted.get(d.target)!) ? [d.target] : [];
    else if (d.target === d.sku) onto = [...corrupted].filter(([, sci]) => roundsTo(d.sku, sci)).map(([key]) => key);
    else continue;
    if (onto.length > 1) {
      conflicts.set(d.sku, `${d.sku} rounds to several of the master's keys (${onto.map((k) => `"${k}"`).join(', ')}): map it to the one it is`);
      continue;
    }
    if (onto.length === 1) confirmed.set(onto[0]!, (confirmed.get(onto[0]!) ?? new Set()).add(d.sku));
  }
  const renames = new Map<string, string>();
  const renamedFrom = new Map<string, string>();
  for (const [key, codes] of [...confirmed].sort(([a], [b]) => compareText(a, b))) {
    const sorted = [...codes].sort(compareText);
    if (sorted.length === 1) {
      renames.set(key, sorted[0]!);
      renamedFrom.set(sorted[0]!, key);
      continue;
    }
    for (const code of sorted) {
      conflicts.set(
        code,
        `${sorted.join(' and ')} were all confirmed onto the master's "${key}", Excel's rounding of one code: map one of them and reject or re-map the others (or re-extract the master with the column as text)`,
      );
    }
  }
  return { renames, renamedFrom, conflicts };
}

/** Duplicate decisions (merge, keep), keyed and targeted by the SKUs the clusters hold once full codes replaced corrupted keys. */
function clusterDecisions(decisions: ReadonlyMap<string, Decision>, renames: ReadonlyMap<string, string>): Map<string, Decision> {
  const out = new Map<string, Decision>();
  for (const d of decisions.values()) {
    if (d.decision !== 'merge' && d.decision !== 'keep') continue;
    const sku = renames.get(d.sku) ?? d.sku;
    out.set(sku, { ...d, sku, target: d.target === null ? null : (renames.get(d.target) ?? d.target) });
  }
  return out;
}

function resolveMapping(
  m: SkuMapping,
  decision: Decision | undefined,
  canonicalOf: (sku: string) => string,
  stagedToMaster: ReadonlyMap<string, string>,
  fullCodes: FullCodes,
  corruptedMasterSku?: string,
): Resolved {
  // A master key Excel rounded, and the full code a reviewer confirmed for it: the code is the item's SKU.
  const full = fullCodes.renames.get(m.spelling);
  if (full !== undefined) {
    return { sku: canonicalOf(full), rule: 'scientific_notation', confidence: 1, status: 'confirmed', confirmedBy: 'review', note: `the master's "${m.spelling}" is Excel's rounding of ${full}` };
  }
  const replaced = fullCodes.renamedFrom.get(m.spelling);
  if (replaced !== undefined) {
    return {
      sku: canonicalOf(m.spelling),
      rule: 'scientific_notation',
      confidence: 1,
      status: 'confirmed',
      confirmedBy: 'review',
      note: `the full code of the master's "${replaced}" (Excel's rounding of it); the item is keyed by it`,
    };
  }
  const conflict = fullCodes.conflicts.get(m.spelling);
  if (conflict !== undefined) return { sku: null, rule: 'scientific_notation', confidence: 0, status: 'review', confirmedBy: 'pending', note: conflict };
  // A master code Excel stored as a number, keyed back to the master's width.
  const padded = stagedToMaster.get(m.spelling);
  if (padded !== undefined && m.status !== 'auto') {
    return { sku: canonicalOf(padded), rule: 'leading_zeros', confidence: 0.9, status: 'auto', confirmedBy: 'rule', note: 'the master writes its codes zero-padded' };
  }
  if (decision?.decision === 'map' && decision.target) {
    return { sku: canonicalOf(fullCodes.renames.get(decision.target) ?? decision.target), rule: m.rule, confidence: 1, status: 'confirmed', confirmedBy: 'review' };
  }
  if (decision?.decision === 'reject') return { sku: null, rule: m.rule, confidence: 0, status: 'rejected', confirmedBy: 'review' };
  if (m.status === 'auto' && m.canonicalSku !== null) {
    const target = canonicalOf(m.canonicalSku);
    if (target !== m.canonicalSku) return { sku: target, rule: m.rule, confidence: m.confidence, status: 'merged', confirmedBy: 'rule', note: `${m.canonicalSku} merged into ${target}` };
    return { sku: target, rule: m.rule, confidence: m.confidence, status: 'auto', confirmedBy: 'rule' };
  }
  if (m.status === 'review') return { sku: m.canonicalSku, rule: m.rule, confidence: m.confidence, status: 'review', confirmedBy: 'pending' };
  if (corruptedMasterSku !== undefined) {
    return {
      sku: corruptedMasterSku,
      rule: 'scientific_notation',
      confidence: 0.5,
      status: 'review',
      confirmedBy: 'pending',
      note: `the master's "${corruptedMasterSku}" is Excel's rounding of a long code; ${m.spelling} is the only code in the sources that rounds to it`,
    };
  }
  return { sku: null, rule: m.rule, confidence: 0, status: 'unmapped', confirmedBy: 'rule' };
}

function collectSpellings(db: Db): Map<string, { kinds: Set<string>; lines: number }> {
  const spellings = new Map<string, { kinds: Set<string>; lines: number }>();
  for (const kind of ['items', 'erp', 'wms', 'counts', 'gl', 'moves'] as const) {
    if (!KIND_SPECS[kind].columns.some((c) => c.name === 'sku')) continue;
    const rows = db.prepare(`SELECT sku, count(*) AS n FROM ${kind} WHERE sku IS NOT NULL GROUP BY sku`).all() as { sku: string; n: number }[];
    for (const r of rows) {
      const entry = spellings.get(r.sku) ?? { kinds: new Set<string>(), lines: 0 };
      entry.kinds.add(kind);
      entry.lines += r.n;
      spellings.set(r.sku, entry);
    }
  }
  return spellings;
}
