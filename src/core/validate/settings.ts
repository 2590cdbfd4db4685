/**
 * invsync.yaml `validate:`, the opening-balance thresholds a CI job checks:
 *
 *   validate:
 *     fail_on: "accuracy<0.9, net_value>15000"   # reconcile's --fail-on syntax, one parser
 *     gl_tie_out:
 *       tolerance: 0.01                           # per account, money
 *       accounts: { "1400": 1250 }                # an account's own tolerance
 *
 * and the Odoo versions the load files are made for (`export: odoo_versions`),
 * which the pre-flight checks follow too.
 */
import { InputError, UsageError } from '../errors.js';
import { canonicalDecimal } from '../model/decimal.js';
import { parseFailOn, type Threshold } from '../reconcile/fail-on.js';
import type { WorkspaceConfig } from '../workspace/config.js';

export type OdooVersion = 17 | 18 | 19;

export interface ValidateSettings {
  readonly thresholds: readonly Threshold[];
  /** Largest |difference| between an account's item values and its trial balance that still ties. */
  readonly tieOutTolerance: string;
  readonly tieOutByAccount: Readonly<Record<string, string>>;
}

const KEYS = ['fail_on', 'gl_tie_out'];

export function validateSettings(config: WorkspaceConfig): ValidateSettings {
  const where = { file: config.file ?? 'invsync.yaml' };
  const section = mapping(config.sections.validate, 'validate', where);
  for (const key of Object.keys(section)) if (!KEYS.includes(key)) throw new InputError(where, `validate: unknown key "${key}" (known: ${KEYS.join(', ')})`);
  const failOn = section.fail_on;
  if (failOn !== undefined && typeof failOn !== 'string') throw new InputError(where, 'validate.fail_on must be a string like "accuracy<0.9, net_value>15000"');
  const tieOut = mapping(section.gl_tie_out, 'validate.gl_tie_out', where);
  for (const key of Object.keys(tieOut)) if (key !== 'tolerance' && key !== 'accounts') throw new InputError(where, `validate.gl_tie_out: unknown key "${key}" (known: tolerance, accounts)`);
  const accounts = mapping(tieOut.accounts, 'validate.gl_tie_out.accounts', where);
  let thresholds: Threshold[] = [];
  try {
    thresholds = failOn ? parseFailOn(failOn) : [];
  } catch (err) {
    // The same syntax as reconcile --fail-on, but here the mistake is in a file.
    if (err instanceof UsageError) throw new InputError(where, `validate.fail_on: ${err.message.replace(/^--fail-on: /, '')}`, err.hint);
    throw err;
  }
  return {
    thresholds,
    tieOutTolerance: tieOut.tolerance === undefined ? '0' : money(tieOut.tolerance, 'validate.gl_tie_out.tolerance', where),
    tieOutByAccount: Object.fromEntries(Object.entries(accounts).map(([account, v]) => [account, money(v, `validate.gl_tie_out.accounts.${account}`, where)])),
  };
}

/** `export: odoo_versions: [17, 18, 19]`, else the workspace's odoo_version. */
export function odooVersions(config: WorkspaceConfig): OdooVersion[] {
  const section = config.sections.export;
  const listed = section && typeof section === 'object' && !Array.isArray(section) ? (section as Record<string, unknown>).odoo_versions : undefined;
  if (listed === undefined) return [config.odooVersion];
  const versions = Array.isArray(listed) ? listed.map(Number) : [];
  if (!versions.length || !versions.every((v) => v === 17 || v === 18 || v === 19)) {
    throw new InputError({ file: config.file ?? 'invsync.yaml' }, 'export.odoo_versions must be a list of 17, 18 and 19');
  }
  return [...new Set(versions as OdooVersion[])].sort();
}

function mapping(value: unknown, name: string, where: { file: string }): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new InputError(where, `${name} must be a mapping`);
  return value as Record<string, unknown>;
}

function money(value: unknown, name: string, where: { file: string }): string {
  const text = typeof value === 'number' || typeof value === 'string' ? String(value).trim() : '';
  if (!/^\d+(\.\d+)?$/.test(text)) throw new InputError(where, `${name} must be a number of at least 0 (got ${JSON.stringify(value)})`);
  return canonicalDecimal(text);
}
