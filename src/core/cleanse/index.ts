/**
 * SKU cleansing, pure and deterministic: match keys and repairs (normalise.ts),
 * GTIN validation (gtin.ts), the SKU cross-reference (matching.ts) and duplicate
 * clusters in the item master (clusters.ts). No database, no output: the cleanse
 * command stages what these return.
 */
export {
  DEFAULT_NORMALISE_RULES,
  displaySku,
  indexKeysByDigits,
  leadingZeroCandidates,
  lookAlikeKey,
  matchKey,
  resolveNormaliseRules,
  roundsTo,
  scientificNotation,
  splitRevision,
  type MasterKeysByDigits,
  type NormaliseRules,
  type RevisionSplit,
  type ScientificNotation,
} from './normalise.js';
export { gs1CheckDigit, gtin14, validateGtin, type GtinFormat, type GtinReason, type GtinResult } from './gtin.js';
export {
  indexMaster,
  MATCH_RULES,
  matchSpelling,
  matchSpellings,
  RULE_CONFIDENCE,
  summariseMappings,
  type MasterIndex,
  type MasterItem,
  type MatchFlag,
  type MatchOptions,
  type MatchReason,
  type MatchRule,
  type MatchStatus,
  type MatchSummary,
  type SkuMapping,
  type SourceSpelling,
} from './matching.js';
export {
  CLUSTER_RULES,
  clusterDuplicates,
  descriptionTokens,
  nearDuplicatePairs,
  prepareMaster,
  type ClusterDecision,
  type ClusterEvidence,
  type ClusterFinding,
  type ClusterMember,
  type ClusterOptions,
  type ClusterResult,
  type ClusterRule,
  type ClusterStats,
  type DuplicateCluster,
  type NearDuplicatePair,
  type NearDuplicateSearch,
  type PreparedMaster,
  type ReviewReason,
} from './clusters.js';
