/**
 * `run`: the whole cutover as invsync.yaml configures it, as one command that a
 * consultant reruns on fresh extracts: load every source, cleanse with the accepted
 * review decisions, reconcile, write the Odoo load files, validate.
 *
 * Each step has a fingerprint: SHA-256 over its input files' bytes, its section of
 * the configuration and the fingerprints of the steps it depends on. A step runs
 * again when its fingerprint changed, when the files it wrote last time are missing
 * or changed, or with `force`; otherwise it is skipped and its last figures stand.
 * Every output is byte-identical on a rerun anyway, so skipping is only for speed.
 *
 * The steps are a list (PIPELINE_STEPS); a new step is one more entry.
 */
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { cleanseWorkspace, type CleanseResult } from '../cleanse/cleanse.js';
import { readReviewDecisions, storeDecisions, writeReviewWorkbook } from '../cleanse/review.js';
import { CheckFailedError, InputError } from '../errors.js';
import { deleteSource, loadFiles, sha256File, type LoadProgress } from '../loaders/load.js';
import { isKind } from '../model/kinds.js';
import { cleanseIsStale, reconcile } from '../reconcile/reconcile.js';
import { writeFileAtomic } from '../reports/files.js';
import type { RunContext } from '../staging/audit.js';
import type { Db } from '../staging/database.js';
import { junitXml } from '../validate/junit.js';
import { odooVersions } from '../validate/settings.js';
import { validateWorkspace, type ValidateResult } from '../validate/validate.js';
import type { WorkspaceConfig } from '../workspace/config.js';
import { ODOO_EXPORTER, type OdooExporter } from './odoo.js';
import { digestFiles, fingerprintOf, outputsMissing, readStepState, writeStepState, type FileDigest, type StepFigures, type StepOutcome } from './state.js';

export interface PipelineOptions {
  readonly config: WorkspaceConfig;
  /** Reports, the review workbook, the load files (odoo-17/, …) and validate.junit.xml go here. */
  readonly outDir: string;
  /** Run every step, changed or not. */
  readonly force?: boolean;
  /** The Odoo exporter (default: the one this build has). */
  readonly exporter?: OdooExporter;
  readonly onStep?: (step: string, message: string) => void;
  readonly onProgress?: (progress: LoadProgress) => void;
}

export type StepStatus = 'ran' | 'skipped';

export interface StepReport {
  readonly step: string;
  readonly status: StepStatus;
  /** Why it ran or was skipped: "inputs changed", "no earlier run", "--force", "unchanged", … */
  readonly why: string;
  readonly outcome: StepOutcome;
  readonly seconds: number;
  readonly figures: StepFigures;
  readonly outputs: readonly string[];
}

export interface PipelineResult {
  readonly config: string;
  readonly outDir: string;
  readonly steps: readonly StepReport[];
  /** Every step succeeded and validate passed. */
  readonly passed: boolean;
  /** The validate result when validate ran in this run. */
  readonly validate?: ValidateResult;
}

/** What a step gets: the database, the run, the options, and the fingerprints of the steps before it. */
export interface StepContext {
  readonly db: Db;
  readonly run: RunContext;
  readonly options: PipelineOptions;
  readonly config: WorkspaceConfig;
  readonly outDir: string;
  readonly exporter?: OdooExporter;
  /** Figures of earlier steps in this run (ran or skipped). */
  readonly figures: ReadonlyMap<string, StepFigures>;
  /** SHA-256 of the input files read in this run, by path (each file is hashed once). */
  readonly digests: Map<string, string>;
  /** Set by the validate step when it ran. */
  validate?: ValidateResult;
}

export interface StepInputs {
  /** Files whose bytes the step reads. */
  readonly files: readonly string[];
  /** The configuration the step follows (and the output folder, for a step that writes files). */
  readonly settings: unknown;
  /** Step-specific detail kept with the state (the load step's per-source fingerprints). */
  readonly detail?: unknown;
}

export interface StepRun {
  readonly outputs: readonly string[];
  readonly figures: StepFigures;
  readonly outcome: StepOutcome;
  readonly detail?: unknown;
}

export interface PipelineStep {
  readonly name: string;
  readonly dependsOn: readonly string[];
  inputs(ctx: StepContext): StepInputs;
  /** Is the step's work in the database still current? (Files are checked by their digests.) */
  current?(ctx: StepContext): string | undefined;
  run(ctx: StepContext, previous: unknown): Promise<StepRun>;
}

const loadStep: PipelineStep = {
  name: 'load',
  dependsOn: [],
  inputs: (ctx) => {
    const files: string[] = [];
    for (const s of ctx.config.sources) {
      files.push(resolveIn(ctx.config, s.file));
      if (s.map) files.push(resolveIn(ctx.config, s.map));
    }
    return { files, settings: ctx.config.sources };
  },
  current: (ctx) => {
    // Someone may have reloaded or removed a source by hand since: every configured file must be staged as it is now.
    for (const s of ctx.config.sources) {
      const staged = ctx.db.prepare('SELECT 1 FROM sources WHERE kind = ? AND path = ?').get(s.kind, resolveIn(ctx.config, s.file));
      if (!staged) return `${s.file} is not staged`;
    }
    return undefined;
  },
  async run(ctx, previous) {
    const before = new Map(((previous as SourceState[] | undefined) ?? []).map((s) => [s.file, s]));
    const now: SourceState[] = [];
    let loaded = 0;
    let rowsStaged = 0;
    let rowsRejected = 0;
    for (const s of ctx.config.sources) {
      if (!isKind(s.kind)) throw new InputError({ file: ctx.config.file ?? 'invsync.yaml' }, `sources: "${s.file}" has an unknown kind "${s.kind}"`);
      const file = resolveIn(ctx.config, s.file);
      const map = s.map ? resolveIn(ctx.config, s.map) : undefined;
      const state: SourceState = { file, kind: s.kind, sheet: s.sheet ?? null, sha256: await sha256Input(ctx, file), map: map ?? null, mapSha256: map ? await sha256Input(ctx, map) : null };
      now.push(state);
      const last = before.get(file);
      const staged = ctx.db.prepare('SELECT rows_staged, rows_rejected FROM sources WHERE kind = ? AND path = ? AND sha256 = ?').get(s.kind, file, state.sha256) as
        | { rows_staged: number; rows_rejected: number }
        | undefined;
      if (!ctx.options.force && last && staged && fingerprintOf(last) === fingerprintOf(state)) {
        rowsStaged += staged.rows_staged;
        rowsRejected += staged.rows_rejected;
        continue;
      }
      ctx.options.onStep?.('load', `load ${s.file} as ${s.kind}`);
      const result = await loadFiles(ctx.db, { files: [file], kind: s.kind, mapFile: map, sheet: s.sheet, onProgress: ctx.options.onProgress }, ctx.run);
      loaded++;
      rowsStaged += result.totals.rowsStaged;
      rowsRejected += result.totals.rowsRejected;
    }
    // A source that an earlier run loaded and the configuration no longer names is unstaged: the run replays the configuration.
    let removed = 0;
    for (const gone of [...before.values()].filter((b) => !now.some((n) => n.file === b.file))) {
      for (const r of ctx.db.prepare('SELECT id, kind FROM sources WHERE path = ? AND kind = ?').all(gone.file, gone.kind) as { id: number; kind: string }[]) {
        if (isKind(r.kind)) deleteSource(ctx.db, r.kind, r.id);
        removed++;
      }
    }
    return {
      outputs: [],
      outcome: 'success',
      detail: now,
      figures: { files: ctx.config.sources.length, loaded, unchanged: ctx.config.sources.length - loaded, removed, rows_staged: rowsStaged, rows_rejected: rowsRejected },
    };
  },
};

interface SourceState {
  readonly file: string;
  readonly kind: string;
  readonly sheet: string | null;
  readonly sha256: string;
  readonly map: string | null;
  readonly mapSha256: string | null;
}

/** Cleanses with the reviewed decisions of `cleansing.decisions` applied, as `run` does. */
export async function cleanseWithDecisions(db: Db, config: WorkspaceConfig, onStep?: (message: string) => void): Promise<{ accepted: number; result: CleanseResult }> {
  let accepted = 0;
  if (config.decisions) {
    onStep?.(`apply the decisions of ${path.basename(config.decisions)}`);
    // The first pass makes sure the clusters and items the decisions name exist.
    cleanseWorkspace(db, { config });
    accepted = storeDecisions(db, config.decisions, await readReviewDecisions(config.decisions));
  }
  onStep?.('cleanse');
  return { accepted, result: cleanseWorkspace(db, { config }) };
}

const cleanseStep: PipelineStep = {
  name: 'cleanse',
  dependsOn: ['load'],
  inputs: (ctx) => ({
    files: ctx.config.decisions ? [ctx.config.decisions] : [],
    settings: { sku: ctx.config.sku, units: ctx.config.units, odooVersion: ctx.config.odooVersion, outDir: ctx.outDir },
  }),
  current: (ctx) => (cleanseIsStale(ctx.db) ? 'the staged data changed since the last cleanse' : undefined),
  async run(ctx) {
    const { accepted, result } = await cleanseWithDecisions(ctx.db, ctx.config, (message) => ctx.options.onStep?.('cleanse', message));
    const review = path.join(ctx.outDir, 'review.xlsx');
    const written = await writeReviewWorkbook(ctx.db, review);
    const heldBack = Object.values(result.quantities).reduce((n, q) => n + Object.values(q.heldBack).reduce((a, b) => a + b, 0), 0);
    const lines = Object.values(result.quantities).reduce((n, q) => n + q.lines, 0);
    return {
      outputs: [review],
      outcome: 'success',
      figures: {
        decisions_applied: accepted,
        spellings: result.spellings.total,
        unmapped: result.spellings.unmapped,
        rejected: result.spellings.rejected,
        pending_review: result.pendingReview,
        lines,
        held_back: heldBack,
        review_rows: written.rows,
      },
    };
  },
};

const reconcileStep: PipelineStep = {
  name: 'reconcile',
  dependsOn: ['cleanse'],
  inputs: (ctx) => ({ files: [], settings: { tolerances: ctx.config.sections.tolerances, reconcile: ctx.config.sections.reconcile, outDir: ctx.outDir } }),
  async run(ctx) {
    ctx.options.onStep?.('reconcile', 'reconcile');
    const result = await reconcile(ctx.db, { config: ctx.config, outDir: ctx.outDir, cleansed: true });
    const s = result.summary;
    return {
      outputs: Object.values(result.files),
      outcome: 'success',
      figures: {
        lines_compared: s.lines_compared,
        accuracy: s.inventory_record_accuracy,
        net_variance_value: s.net_variance_value,
        gross_variance_value: s.gross_variance_value,
        valuation_net: s.valuation.net_value_variance,
      },
    };
  },
};

const exportStep: PipelineStep = {
  name: 'export',
  dependsOn: ['cleanse'],
  inputs: (ctx) => ({ files: [], settings: { export: ctx.config.sections.export, versions: odooVersions(ctx.config), units: ctx.config.units, outDir: ctx.outDir } }),
  async run(ctx): Promise<StepRun> {
    const versions = odooVersions(ctx.config);
    if (!ctx.exporter) return { outputs: [], outcome: 'success', figures: { versions: versions.map(String), available: false } };
    const outputs: string[] = [];
    const failed: string[] = [];
    let files = 0;
    let rows = 0;
    for (const version of versions) {
      ctx.options.onStep?.('export', `export the Odoo ${version} load files`);
      try {
        const result = await ctx.exporter.exportOdoo(ctx.db, { odooVersion: version, outDir: exportDir(ctx.outDir, version), config: ctx.config, cleansed: true }, ctx.run);
        outputs.push(...[...result.files, ...result.reports].map((f) => path.resolve(result.outDir, f.file)), result.manifestFile);
        files += result.files.length;
        rows += result.files.reduce((n, f) => n + f.rows, 0);
      } catch (err) {
        // The pre-flight found what Odoo would refuse: no files for this version; validate lists the findings.
        if (!(err instanceof CheckFailedError)) throw err;
        failed.push(String(version));
      }
    }
    return {
      outputs: [...new Set(outputs)],
      outcome: failed.length ? 'check_failed' : 'success',
      figures: { versions: versions.map(String), files, rows, refused: failed },
    };
  },
};

const validateStep: PipelineStep = {
  name: 'validate',
  dependsOn: ['cleanse', 'reconcile', 'export'],
  inputs: (ctx) => ({
    files: [],
    settings: { validate: ctx.config.sections.validate, tolerances: ctx.config.sections.tolerances, versions: odooVersions(ctx.config), preflight: Boolean(ctx.exporter), outDir: ctx.outDir },
  }),
  async run(ctx) {
    ctx.options.onStep?.('validate', 'validate');
    const result = validateWorkspace(ctx.db, { config: ctx.config, cleansed: true, ...(ctx.exporter ? { preflight: ctx.exporter.preflight } : {}) });
    ctx.validate = result;
    const junit = path.join(ctx.outDir, 'validate.junit.xml');
    writeFileAtomic(junit, junitXml(result));
    return {
      outputs: [junit],
      outcome: result.passed ? 'success' : 'check_failed',
      figures: {
        checks: result.tests,
        failures: result.failures,
        failed: result.checks.filter((c) => !c.passed).map((c) => c.name),
        // Kept so that a skipped validate still says what failed: each failing check and its three worst offenders.
        failures_detail: result.checks
          .filter((c) => !c.passed)
          .flatMap((c) => [
            `${c.name}: measured ${c.measured}, passes when ${c.threshold}`,
            ...c.offenders.slice(0, 3).map((o) => `  ${o}`),
            ...(c.offenderCount > 3 ? [`  … ${c.offenderCount - 3} more in validate.junit.xml`] : []),
          ]),
      },
    };
  },
};

/** The cutover, in order. A step may only depend on steps before it. */
export const PIPELINE_STEPS: PipelineStep[] = [loadStep, cleanseStep, reconcileStep, exportStep, validateStep];

export function exportDir(outDir: string, version: number): string {
  return path.join(outDir, `odoo-${version}`);
}

export async function runPipeline(db: Db, options: PipelineOptions, run: RunContext): Promise<PipelineResult> {
  if (!options.config.sources.length) {
    throw new InputError({ file: options.config.file ?? path.join(options.config.folder, 'invsync.yaml') }, 'names no sources to load', 'list the extracts under sources: as { file, kind, map?, sheet? }');
  }
  const outDir = path.resolve(options.outDir);
  const figures = new Map<string, StepFigures>();
  const ctx: StepContext = { db, run, options, config: options.config, outDir, exporter: options.exporter ?? ODOO_EXPORTER, figures, digests: new Map() };
  const fingerprints = new Map<string, string>();
  const reports: StepReport[] = [];
  for (const step of PIPELINE_STEPS) {
    const started = performance.now();
    const inputs = step.inputs(ctx);
    const files: FileDigest[] = [];
    for (const file of inputs.files) files.push({ path: file, sha256: await sha256Input(ctx, file) });
    for (const f of files) run.addInput(f);
    const fingerprint = fingerprintOf({
      step: step.name,
      files: files.map((f) => ({ file: path.relative(ctx.config.folder, f.path), sha256: f.sha256 })),
      settings: inputs.settings,
      upstream: step.dependsOn.map((d) => [d, fingerprints.get(d) ?? '']),
    });
    fingerprints.set(step.name, fingerprint);
    const last = readStepState(db, step.name);
    const why = options.force
      ? '--force'
      : !last
        ? 'no earlier run'
        : last.fingerprint !== fingerprint
          ? 'inputs changed'
          : ((await outputsMissing(last.outputs)) ?? step.current?.(ctx));
    if (why === undefined && last) {
      figures.set(step.name, last.result);
      reports.push({ step: step.name, status: 'skipped', why: 'unchanged', outcome: last.outcome, seconds: elapsed(started), figures: last.result, outputs: last.outputs.map((o) => o.path) });
      continue;
    }
    const done = await step.run(ctx, last?.inputs);
    const outputs: FileDigest[] = await digestFiles(done.outputs);
    writeStepState(db, { step: step.name, fingerprint, inputs: done.detail ?? null, outputs, result: done.figures, outcome: done.outcome }, run.runId);
    figures.set(step.name, done.figures);
    reports.push({ step: step.name, status: 'ran', why: why ?? 'unchanged', outcome: done.outcome, seconds: elapsed(started), figures: done.figures, outputs: done.outputs });
  }
  return {
    config: options.config.file ?? path.join(options.config.folder, 'invsync.yaml'),
    outDir,
    steps: reports,
    passed: reports.every((r) => r.outcome === 'success'),
    ...(ctx.validate ? { validate: ctx.validate } : {}),
  };
}

function resolveIn(config: WorkspaceConfig, file: string): string {
  return path.resolve(config.folder, file);
}

async function sha256Input(ctx: StepContext, file: string): Promise<string> {
  const known = ctx.digests.get(file);
  if (known) return known;
  let sha256: string;
  try {
    sha256 = await sha256File(file);
  } catch {
    throw new InputError({ file: ctx.config.file ?? 'invsync.yaml' }, `no such file: ${path.relative(ctx.config.folder, file) || file}`, 'paths in invsync.yaml are relative to its folder');
  }
  ctx.digests.set(file, sha256);
  return sha256;
}

function elapsed(started: number): number {
  return Math.round(performance.now() - started) / 1000;
}
