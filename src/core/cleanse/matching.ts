/**
 * The SKU cross-reference: every SKU spelling found in a staged source maps to
 * exactly one canonical SKU of the item master, or is held back with a reason. Each
 * row says which rule decided it, with what confidence, and who confirmed it.
 *
 * Rules, strongest first; the first rule that finds any candidate decides (a weaker
 * rule never overrides an ambiguity found by a stronger one):
 *
 * | rule                  | confidence | finds                                                  | status when unique      |
 * |-----------------------|-----------:|--------------------------------------------------------|-------------------------|
 * | `exact`               |       1.0  | the spelling is a master SKU as written                 | auto                    |
 * | `match_key`           |       0.95 | same match key (case, spaces, separators, NFKC)          | auto                    |
 * | `leading_zeros`       |       0.9  | numeric key equal to a zero-led master key once padded   | auto                    |
 * | `revision_suffix`     |       0.8  | a configured revision suffix stripped, base key matches  | auto (see `autoAcceptMin`) |
 * | `look_alike`          |       0.6  | same key once O/0, I/L/1, S/5, B/8, Z/2 are folded       | review                  |
 * | `scientific_notation` |       0.5  | Excel's `1.23457E+11`: the one numeric master key that rounds to it | review       |
 * | `none`                |       0    | nothing                                                  | unmapped                |
 *
 * A rule that finds two or more canonical SKUs sends the spelling to review with the
 * candidates listed and no proposal (two master SKUs with one key are never resolved
 * automatically). Scientific notation is corruption: it is flagged whatever happens,
 * proposed only when exactly one candidate exists, and never applied automatically;
 * with several candidates it is left unmapped (the remedy is to re-extract the file
 * with the column as text).
 */
import { compareText, DEFAULT_NORMALISE_RULES, displaySku, indexKeysByDigits, isNumericKey, leadingZeroCandidates, lookAlikeKey, matchKey, resolveNormaliseRules, scientificNotation, splitRevision, type MasterKeysByDigits, type NormaliseRules } from './normalise.js';

/** One row of the legacy item master. */
export interface MasterItem {
  readonly sku: string;
  readonly description: string;
  readonly barcode?: string | null;
  readonly uom?: string | null;
  readonly category?: string | null;
  /** A decimal as text (exact: never a float). */
  readonly unitCost?: string | null;
}

/** One distinct SKU spelling and the staged sources it was seen in. */
export interface SourceSpelling {
  readonly spelling: string;
  readonly sources: readonly string[];
}

export type MatchRule = 'exact' | 'match_key' | 'leading_zeros' | 'revision_suffix' | 'look_alike' | 'scientific_notation' | 'none';
export type MatchStatus = 'auto' | 'review' | 'unmapped';

export const MATCH_RULES: readonly MatchRule[] = ['exact', 'match_key', 'leading_zeros', 'revision_suffix', 'look_alike', 'scientific_notation', 'none'];

export const RULE_CONFIDENCE: Readonly<Record<MatchRule, number>> = Object.freeze({
  exact: 1,
  match_key: 0.95,
  leading_zeros: 0.9,
  revision_suffix: 0.8,
  look_alike: 0.6,
  scientific_notation: 0.5,
  none: 0,
});

export type MatchReason =
  /** Review: the rule that found the one candidate is below the auto-accept confidence. */
  | 'confirm_rule'
  /** Review: the rule found several canonical SKUs; a person picks one. */
  | 'ambiguous'
  /** Unmapped: blank spelling, or nothing left once cleaned. */
  | 'blank'
  /** Unmapped: no rule found a candidate. */
  | 'no_match'
  /** Unmapped: scientific notation, no numeric master SKU rounds to it. */
  | 'scientific_no_candidate'
  /** Unmapped: scientific notation, several master SKUs round to it. */
  | 'scientific_ambiguous';

/** Flags on a spelling, whatever its mapping. */
export type MatchFlag = 'corrupted_scientific_notation';

export interface SkuMapping {
  readonly spelling: string;
  /** Sources the spelling was seen in, sorted, without repeats. */
  readonly sources: readonly string[];
  readonly matchKey: string;
  /**
   * The canonical SKU as the master writes it: the decision when `status` is auto,
   * the proposal when review (null when a person must choose among `candidates`),
   * null when unmapped.
   */
  readonly canonicalSku: string | null;
  readonly rule: MatchRule;
  /** The rule's confidence when `canonicalSku` is set, else 0. */
  readonly confidence: number;
  readonly status: MatchStatus;
  /** Who confirmed the mapping: `rule` for automatic ones; null until a reviewer accepts. */
  readonly confirmedBy: string | null;
  /** Canonical SKUs the deciding rule found, sorted (at most `maxCandidates`). */
  readonly candidates: readonly string[];
  /** How many candidates there were in all (`candidates` may be cut short). */
  readonly candidateCount: number;
  readonly reason: MatchReason | null;
  /** The revision split off by `revision_suffix`. */
  readonly revision: string | null;
  readonly flags: readonly MatchFlag[];
}

export interface MatchOptions {
  readonly rules?: Partial<NormaliseRules>;
  /** Lowest confidence applied without review. Default 0.8: exact, key, leading zeros and configured revision suffixes. */
  readonly autoAcceptMin?: number;
  /** Suggest look-alike matches (O/0, I/1 …) for review. Default true. */
  readonly lookAlikes?: boolean;
  /** Candidates listed per spelling. Default 10. */
  readonly maxCandidates?: number;
}

/** The master indexed once for matching. */
export interface MasterIndex {
  readonly rules: NormaliseRules;
  /** Raw and display spellings → canonical SKU. */
  readonly exact: ReadonlyMap<string, string>;
  readonly byKey: ReadonlyMap<string, readonly string[]>;
  readonly byDigits: MasterKeysByDigits;
  readonly byLookAlike: ReadonlyMap<string, readonly string[]>;
  /** All-digit keys by value, ascending, for scientific-notation candidates. */
  readonly numeric: readonly { readonly value: bigint; readonly key: string }[];
}

export function indexMaster(master: readonly MasterItem[], rules: NormaliseRules = DEFAULT_NORMALISE_RULES): MasterIndex {
  const exact = new Map<string, string>();
  const byKey = new Map<string, Set<string>>();
  for (const item of master) {
    const canonical = displaySku(item.sku ?? '');
    if (canonical === '') continue;
    const key = matchKey(canonical, rules);
    if (key === '') continue;
    exact.set(canonical, canonical);
    if (!exact.has(item.sku)) exact.set(item.sku, canonical);
    addTo(byKey, key, canonical);
  }
  const byLookAlike = new Map<string, Set<string>>();
  const numeric: { value: bigint; key: string }[] = [];
  for (const [key, canonicals] of byKey) {
    for (const c of canonicals) addTo(byLookAlike, lookAlikeKey(key), c);
    if (isNumericKey(key)) numeric.push({ value: BigInt(key), key });
  }
  numeric.sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : compareText(a.key, b.key)));
  return { rules, exact, byKey: sortedLists(byKey), byDigits: indexKeysByDigits(byKey.keys()), byLookAlike: sortedLists(byLookAlike), numeric };
}

function addTo(map: Map<string, Set<string>>, key: string, value: string): void {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(value);
}

function sortedLists(map: Map<string, Set<string>>): Map<string, readonly string[]> {
  return new Map([...map].map(([k, set]) => [k, [...set].sort(compareText)]));
}

/**
 * Maps every source spelling to a canonical master SKU. Output: one row per
 * distinct spelling (sources merged), sorted by spelling in code-unit order.
 */
export function matchSpellings(master: readonly MasterItem[], spellings: readonly SourceSpelling[], options: MatchOptions = {}): SkuMapping[] {
  const rules = resolveNormaliseRules(options.rules);
  const index = indexMaster(master, rules);
  const merged = new Map<string, Set<string>>();
  for (const s of spellings) {
    let set = merged.get(s.spelling);
    if (!set) merged.set(s.spelling, (set = new Set()));
    for (const src of s.sources) set.add(src);
  }
  return [...merged.keys()].sort(compareText).map((spelling) => matchSpelling(index, spelling, [...merged.get(spelling)!].sort(compareText), options));
}

/** Maps one spelling against an indexed master. */
export function matchSpelling(index: MasterIndex, spelling: string, sources: readonly string[] = [], options: MatchOptions = {}): SkuMapping {
  const autoAcceptMin = options.autoAcceptMin ?? 0.8;
  const maxCandidates = options.maxCandidates ?? 10;
  const { rules } = index;
  const key = matchKey(spelling, rules);
  const sci = scientificNotation(spelling);
  const flags: MatchFlag[] = [];
  const base = { spelling, sources, matchKey: key, revision: null as string | null };
  const decide = (rule: MatchRule, found: readonly string[], extra: { revision?: string; review?: boolean } = {}): SkuMapping => {
    const candidates = found.slice(0, maxCandidates);
    const revision = extra.revision ?? null;
    if (found.length === 1) {
      const confidence = RULE_CONFIDENCE[rule];
      const auto = !extra.review && confidence >= autoAcceptMin;
      return { ...base, revision, canonicalSku: found[0]!, rule, confidence, status: auto ? 'auto' : 'review', confirmedBy: auto ? 'rule' : null, candidates, candidateCount: 1, reason: auto ? null : 'confirm_rule', flags };
    }
    return { ...base, revision, canonicalSku: null, rule, confidence: 0, status: 'review', confirmedBy: null, candidates, candidateCount: found.length, reason: 'ambiguous', flags };
  };
  const unmapped = (reason: MatchReason, rule: MatchRule = 'none', found: readonly string[] = []): SkuMapping => ({
    ...base,
    canonicalSku: null,
    rule,
    confidence: 0,
    status: 'unmapped',
    confirmedBy: null,
    candidates: found.slice(0, maxCandidates),
    candidateCount: found.length,
    reason,
    flags,
  });

  const exact = index.exact.get(spelling);
  if (exact !== undefined) return decide('exact', [exact]);
  if (sci) flags.push('corrupted_scientific_notation');
  if (key === '') return unmapped('blank');

  const byKey = index.byKey.get(key);
  if (byKey) return decide('match_key', byKey);

  const padded = leadingZeroCandidates(spelling, index.byDigits, rules);
  if (padded.length > 0) return decide('leading_zeros', canonicalsOf(index, padded));

  const split = splitRevision(spelling, rules);
  if (split) {
    const baseKey = matchKey(split.base, rules);
    const found = index.byKey.get(baseKey);
    if (found) return decide('revision_suffix', found, { revision: split.revision });
  }

  if (options.lookAlikes ?? true) {
    const found = index.byLookAlike.get(lookAlikeKey(key));
    if (found) return decide('look_alike', found, { review: true });
  }

  if (sci) {
    const found = canonicalsOf(index, numericInRange(index, sci.min, sci.maxExclusive));
    if (found.length === 1) return decide('scientific_notation', found, { review: true });
    return unmapped(found.length === 0 ? 'scientific_no_candidate' : 'scientific_ambiguous', 'scientific_notation', found);
  }
  return unmapped('no_match');
}

function canonicalsOf(index: MasterIndex, keys: readonly string[]): string[] {
  const out = new Set<string>();
  for (const k of keys) for (const c of index.byKey.get(k) ?? []) out.add(c);
  return [...out].sort(compareText);
}

/** Numeric master keys with min ≤ value < maxExclusive (binary search). */
function numericInRange(index: MasterIndex, min: bigint, maxExclusive: bigint): string[] {
  const list = index.numeric;
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]!.value < min) lo = mid + 1;
    else hi = mid;
  }
  const out: string[] = [];
  for (let i = lo; i < list.length && list[i]!.value < maxExclusive; i++) out.push(list[i]!.key);
  return out;
}

export interface MatchSummary {
  readonly spellings: number;
  readonly byStatus: Readonly<Record<MatchStatus, number>>;
  readonly byRule: Readonly<Record<MatchRule, number>>;
  readonly corrupted: number;
}

/** Counts for the cleanse balance: spellings = auto + review + unmapped. */
export function summariseMappings(mappings: readonly SkuMapping[]): MatchSummary {
  const byStatus: Record<MatchStatus, number> = { auto: 0, review: 0, unmapped: 0 };
  const byRule = Object.fromEntries(MATCH_RULES.map((r) => [r, 0])) as Record<MatchRule, number>;
  let corrupted = 0;
  for (const m of mappings) {
    byStatus[m.status]++;
    byRule[m.rule]++;
    if (m.flags.length > 0) corrupted++;
  }
  return { spellings: mappings.length, byStatus, byRule, corrupted };
}
