/**
 * The `export:` section of invsync.yaml, checked: an unknown key or a bad value is
 * an input error naming the key (a typo must not silently change the opening stock).
 *
 *   export:
 *     opening_stock: counts_then_book   # | book | counts
 *     apply_mode: count                 # | auto
 *     batch_rows: 5000
 *     cost_digits: 2                    # Odoo's 'Product Price' precision
 *     exclude: [unusable, negative, zero]
 *     warehouse_codes: { WH-NORTH: NORTH }
 *     residual_entry: { journal: MISC, account: "1400", counterpart: "1490", date: "2026-06-30" }
 *     accounting_date: "2026-06-30"     # stock_account's accounting_date on every stock line
 */
import { InputError } from '../errors.js';
import type { WorkspaceConfig } from '../workspace/config.js';
import type { ApplyMode } from './headers.js';

export type OpeningStockSource = 'counts_then_book' | 'book' | 'counts';
/** Lines left out of the opening stock (each listed in rejects.csv); without the key, pre-flight fails on them. */
export type Exclusion = 'unusable' | 'negative' | 'zero';
export const EXCLUSIONS: readonly Exclusion[] = ['unusable', 'negative', 'zero'];

export interface ResidualEntrySettings {
  readonly journal: string;
  readonly account: string;
  readonly counterpart: string;
  readonly date: string;
  readonly ref: string;
}

export interface ExportSettings {
  readonly openingStock: OpeningStockSource;
  readonly applyMode: ApplyMode;
  readonly batchRows: number;
  readonly costDigits: number;
  readonly exclude: ReadonlySet<Exclusion>;
  readonly warehouseCodes: Readonly<Record<string, string>>;
  readonly residualEntry?: ResidualEntrySettings;
  /** The cut-over date for the valuation entries of the opening stock (a column of the stock files). */
  readonly accountingDate?: string;
}

export const DEFAULT_BATCH_ROWS = 5000;
// odoo_versions: the versions `run` writes load files for (read by validate/settings.ts).
const KEYS = ['opening_stock', 'apply_mode', 'batch_rows', 'cost_digits', 'exclude', 'warehouse_codes', 'residual_entry', 'accounting_date', 'odoo_versions'];

export function exportSettings(config: WorkspaceConfig, overrides: { applyMode?: ApplyMode; batchRows?: number } = {}): ExportSettings {
  const file = config.file ?? 'invsync.yaml';
  const fail = (what: string): never => {
    throw new InputError({ file, column: 'export' }, what);
  };
  const raw = config.sections.export ?? {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail('export must be a mapping');
  const section = raw as Record<string, unknown>;
  for (const key of Object.keys(section)) if (!KEYS.includes(key)) fail(`unknown key "${key}" (known: ${KEYS.join(', ')})`);
  const openingStock = (section.opening_stock ?? 'counts_then_book') as OpeningStockSource;
  if (!['counts_then_book', 'book', 'counts'].includes(openingStock)) fail(`opening_stock must be counts_then_book, book or counts, not "${String(section.opening_stock)}"`);
  const applyMode = overrides.applyMode ?? ((section.apply_mode ?? 'count') as ApplyMode);
  if (applyMode !== 'count' && applyMode !== 'auto') fail(`apply_mode must be count or auto, not "${String(applyMode)}"`);
  const batchRows = overrides.batchRows ?? Number(section.batch_rows ?? DEFAULT_BATCH_ROWS);
  if (!Number.isInteger(batchRows) || batchRows < 1) fail(`batch_rows must be a positive whole number, not "${String(section.batch_rows)}"`);
  const costDigits = Number(section.cost_digits ?? 2);
  if (!Number.isInteger(costDigits) || costDigits < 0 || costDigits > 6) fail('cost_digits must be a whole number from 0 to 6');
  let exclude: Set<Exclusion> = new Set(EXCLUSIONS);
  if (section.exclude !== undefined) {
    if (!Array.isArray(section.exclude)) fail(`exclude must be a list of ${EXCLUSIONS.join(', ')}`);
    exclude = new Set();
    for (const e of section.exclude as unknown[]) {
      if (!EXCLUSIONS.includes(e as Exclusion)) fail(`exclude: "${String(e)}" is not one of ${EXCLUSIONS.join(', ')}`);
      exclude.add(e as Exclusion);
    }
  }
  const codes = section.warehouse_codes ?? {};
  if (typeof codes !== 'object' || codes === null || Array.isArray(codes)) fail('warehouse_codes must map warehouse names to codes');
  const warehouseCodes: Record<string, string> = {};
  for (const [name, code] of Object.entries(codes as Record<string, unknown>)) {
    const c = String(code);
    if (!/^[^\s]{1,5}$/.test(c)) fail(`warehouse_codes.${name}: "${c}" is not a code of 1 to 5 characters without spaces (Odoo's stock.warehouse.code)`);
    warehouseCodes[name] = c;
  }
  let residualEntry: ResidualEntrySettings | undefined;
  if (section.residual_entry !== undefined) {
    const r = section.residual_entry as Record<string, unknown>;
    if (typeof r !== 'object' || r === null) fail('residual_entry must be { journal, account, counterpart, date, ref? }');
    for (const key of Object.keys(r)) if (!['journal', 'account', 'counterpart', 'date', 'ref'].includes(key)) fail(`residual_entry: unknown key "${key}"`);
    for (const key of ['journal', 'account', 'counterpart', 'date']) if (r[key] === undefined || r[key] === null || String(r[key]).trim() === '') fail(`residual_entry needs ${key}`);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(String(r.date))) fail('residual_entry.date must be YYYY-MM-DD');
    residualEntry = { journal: String(r.journal), account: String(r.account), counterpart: String(r.counterpart), date: String(r.date), ref: r.ref === undefined ? 'Opening stock: cost rounding residual' : String(r.ref) };
  }
  let accountingDate: string | undefined;
  if (section.accounting_date !== undefined) {
    accountingDate = String(section.accounting_date);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(accountingDate)) fail('accounting_date must be YYYY-MM-DD');
  }
  return { openingStock, applyMode, batchRows, costDigits, exclude, warehouseCodes, ...(residualEntry ? { residualEntry } : {}), ...(accountingDate ? { accountingDate } : {}) };
}
