/**
 * invsync.yaml: the workspace's sources, mappings, cleansing rules, tolerances and
 * export settings, so that a cutover can be replayed. Every section is optional;
 * an unknown key is an error (a typo must not be ignored silently).
 */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { InputError } from '../errors.js';
import { CONFIG_FILE } from './init.js';

export interface SourceEntry {
  readonly file: string;
  readonly kind: string;
  readonly map?: string;
  readonly sheet?: string;
}

export interface SkuRulesConfig {
  /** Characters ignored when matching SKU spellings (default "-_ ./\\"). */
  readonly separators?: string;
  /** Regular expressions of revision suffixes to strip when matching ("-[A-Z]$", " REV [A-Z]$"). */
  readonly revisionSuffixes?: readonly string[];
  /** Match SKUs case-sensitively (default false). */
  readonly caseSensitive?: boolean;
}

export interface UnitsConfig {
  /** Spelling → unit ("Stg": "Units"). */
  readonly synonyms?: Readonly<Record<string, string>>;
  /** Units the workspace adds: { name, of, contains, category, rounding, spellings }. */
  readonly units?: readonly Record<string, unknown>[];
  /** Item-specific factors across categories: 1 `unit` of `sku` = `contains` × `of`. */
  readonly links?: readonly { readonly sku: string; readonly unit: string; readonly contains: number; readonly of: string }[];
}

export interface WorkspaceConfig {
  /** The file the configuration came from, or undefined when there is none. */
  readonly file?: string;
  /** Folder relative paths are resolved against. */
  readonly folder: string;
  readonly sources: readonly SourceEntry[];
  readonly sku: SkuRulesConfig;
  readonly units: UnitsConfig;
  /** Odoo version the conversions and load files follow (default 18). */
  readonly odooVersion: 17 | 18 | 19;
  /** `cleansing.decisions`: the reviewed decisions workbook `run` applies (absolute path). */
  readonly decisions?: string;
  /** Sections later commands read (tolerances, export, …), kept as written. */
  readonly sections: Readonly<Record<string, unknown>>;
}

const TOP_LEVEL = new Set(['database', 'sources', 'cleansing', 'odoo_version', 'tolerances', 'reconcile', 'counts', 'export', 'validate']);

export function readWorkspaceConfig(folder: string, explicit?: string): WorkspaceConfig {
  const file = explicit ? path.resolve(folder, explicit) : path.join(folder, CONFIG_FILE);
  if (!fs.existsSync(file)) {
    if (explicit) throw new InputError({ file }, 'no such configuration file');
    return { folder, sources: [], sku: {}, units: {}, odooVersion: 18, sections: {} };
  }
  let doc: unknown;
  try {
    doc = YAML.parse(fs.readFileSync(file, 'utf8')) ?? {};
  } catch (err) {
    throw new InputError({ file }, `not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  return parseWorkspaceConfig(doc, file);
}

export function parseWorkspaceConfig(doc: unknown, file: string): WorkspaceConfig {
  const fail = (what: string, hint?: string): never => {
    throw new InputError({ file }, what, hint);
  };
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) fail('the configuration must be a mapping of sections');
  const obj = doc as Record<string, unknown>;
  for (const key of Object.keys(obj)) if (!TOP_LEVEL.has(key)) fail(`unknown section "${key}"`, `sections: ${[...TOP_LEVEL].join(', ')}`);

  const sources: SourceEntry[] = [];
  const rawSources = obj.sources ?? [];
  if (!Array.isArray(rawSources)) fail('sources must be a list of { file, kind, map?, sheet? }');
  (rawSources as unknown[]).forEach((entry, i) => {
    if (!entry || typeof entry !== 'object') fail(`sources[${i}] must be { file, kind, map?, sheet? }`);
    const e = entry as Record<string, unknown>;
    for (const key of Object.keys(e)) if (!['file', 'kind', 'map', 'sheet'].includes(key)) fail(`sources[${i}]: unknown key "${key}"`);
    if (typeof e.file !== 'string' || typeof e.kind !== 'string') fail(`sources[${i}] needs file and kind`);
    sources.push({ file: e.file as string, kind: e.kind as string, map: optionalString(e.map), sheet: optionalString(e.sheet) });
  });

  const cleansing = section(obj.cleansing, 'cleansing', ['sku', 'units', 'decisions'], fail);
  const skuSection = section(cleansing.sku, 'cleansing.sku', ['separators', 'revision_suffixes', 'case_sensitive'], fail);
  const sku: SkuRulesConfig = {
    separators: optionalString(skuSection.separators),
    revisionSuffixes: stringList(skuSection.revision_suffixes, 'cleansing.sku.revision_suffixes', fail),
    caseSensitive: skuSection.case_sensitive === undefined ? undefined : Boolean(skuSection.case_sensitive),
  };
  for (const pattern of sku.revisionSuffixes ?? []) {
    try {
      new RegExp(pattern);
    } catch {
      fail(`cleansing.sku.revision_suffixes: "${pattern}" is not a regular expression`);
    }
  }
  const unitsSection = section(cleansing.units, 'cleansing.units', ['synonyms', 'units', 'links'], fail);
  const synonyms = section(unitsSection.synonyms, 'cleansing.units.synonyms', undefined, fail);
  const units: UnitsConfig = {
    synonyms: Object.fromEntries(Object.entries(synonyms).map(([k, v]) => [k, String(v)])),
    units: Array.isArray(unitsSection.units) ? (unitsSection.units as Record<string, unknown>[]) : unitsSection.units === undefined ? [] : fail('cleansing.units.units must be a list'),
    links: links(unitsSection.links, fail),
  };
  const version = obj.odoo_version === undefined ? 18 : Number(obj.odoo_version);
  if (version !== 17 && version !== 18 && version !== 19) fail('odoo_version must be 17, 18 or 19');
  const sections: Record<string, unknown> = {};
  for (const key of ['tolerances', 'reconcile', 'counts', 'export', 'validate']) if (obj[key] !== undefined) sections[key] = obj[key];
  const decisions = optionalString(cleansing.decisions);
  return {
    file,
    folder: path.dirname(file),
    sources,
    sku,
    units,
    odooVersion: version as 17 | 18 | 19,
    ...(decisions ? { decisions: path.resolve(path.dirname(file), decisions) } : {}),
    sections,
  };
}

function links(value: unknown, fail: (what: string) => never): UnitsConfig['links'] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) fail('cleansing.units.links must be a list of { sku, unit, contains, of }');
  return (value as unknown[]).map((entry, i) => {
    const e = (entry ?? {}) as Record<string, unknown>;
    const contains = Number(e.contains);
    if (typeof e.sku !== 'string' || typeof e.unit !== 'string' || typeof e.of !== 'string' || !(contains > 0)) {
      fail(`cleansing.units.links[${i}] must be { sku, unit, contains (a positive number), of }`);
    }
    return { sku: e.sku as string, unit: e.unit as string, contains, of: e.of as string };
  });
}

function optionalString(value: unknown): string | undefined {
  return value === undefined || value === null ? undefined : String(value);
}

function section(value: unknown, name: string, keys: readonly string[] | undefined, fail: (what: string) => never): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) fail(`${name} must be a mapping`);
  const obj = value as Record<string, unknown>;
  if (keys) for (const key of Object.keys(obj)) if (!keys.includes(key)) fail(`${name}: unknown key "${key}" (known: ${keys.join(', ')})`);
  return obj;
}

function stringList(value: unknown, name: string, fail: (what: string) => never): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) fail(`${name} must be a list of strings`);
  return value as string[];
}
