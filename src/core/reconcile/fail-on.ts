/**
 * `--fail-on` thresholds for CI: "accuracy<0.97,net_value>1000". Each condition names
 * a measure of the summary; the command exits 1 when any of them holds, naming them.
 * Value measures compare magnitudes (a net variance of -1500 is "above 1000").
 */
import { UsageError } from '../errors.js';
import { compareDecimals } from '../model/decimal.js';
import type { ReconcileSummary } from './types.js';

const MEASURES: Record<string, { describe: string; of: (s: ReconcileSummary) => string }> = {
  accuracy: { describe: 'inventory record accuracy (0..1)', of: (s) => s.inventory_record_accuracy },
  net_value: { describe: 'net variance value of the quantity leg (magnitude)', of: (s) => abs(s.net_variance_value) },
  gross_value: { describe: 'gross variance value of the quantity leg', of: (s) => s.gross_variance_value },
  valuation_net: { describe: 'net variance of book value against the GL (magnitude)', of: (s) => abs(s.valuation.net_value_variance) },
  unmapped: { describe: 'quantity lines whose SKU or unit could not be used', of: (s) => String(s.counts_by_status.unmapped) },
  variances: { describe: 'quantity lines over, short or missing', of: (s) => String(s.counts_by_status.over + s.counts_by_status.short + s.counts_by_status.missing_in_count + s.counts_by_status.missing_in_book) },
  gl_tie_out: { describe: 'accounts whose item values do not tie to the trial balance', of: (s) => String(s.gl_tie_out.filter((t) => t.status === 'over' || t.status === 'short').length) },
};

export interface Threshold {
  readonly measure: string;
  readonly op: '<' | '<=' | '>' | '>=';
  readonly limit: string;
}

export function parseFailOn(text: string): Threshold[] {
  return text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const m = /^([a-z_]+)\s*(<=|>=|<|>)\s*(-?\d+(?:\.\d+)?)$/.exec(part);
      if (!m || !MEASURES[m[1]!]) {
        throw new UsageError(
          `--fail-on: cannot read "${part}"`,
          `write measure<limit or measure>limit, comma-separated; measures: ${Object.entries(MEASURES).map(([k, v]) => `${k} (${v.describe})`).join(', ')}`,
        );
      }
      return { measure: m[1]!, op: m[2] as Threshold['op'], limit: m[3]! };
    });
}

export interface FailedMeasure {
  readonly measure: string;
  readonly value: string;
  readonly condition: string;
}

/** A measure's value in the summary (what a condition compares); `validate` shows it for passing checks too. */
export function measureValue(summary: ReconcileSummary, measure: string): string {
  return MEASURES[measure]!.of(summary);
}

/** Does the condition hold (the threshold is crossed)? */
export function conditionHolds(value: string, threshold: Threshold): boolean {
  const c = compareDecimals(value, threshold.limit);
  return threshold.op === '<' ? c < 0 : threshold.op === '<=' ? c <= 0 : threshold.op === '>' ? c > 0 : c >= 0;
}

export function failingMeasures(summary: ReconcileSummary, thresholds: readonly Threshold[]): FailedMeasure[] {
  const failed: FailedMeasure[] = [];
  for (const t of thresholds) {
    const value = MEASURES[t.measure]!.of(summary);
    if (conditionHolds(value, t)) failed.push({ measure: t.measure, value, condition: `${t.measure} ${t.op} ${t.limit}` });
  }
  return failed;
}

function abs(d: string): string {
  return d.startsWith('-') ? d.slice(1) : d;
}
