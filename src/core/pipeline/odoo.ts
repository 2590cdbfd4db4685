/**
 * The Odoo export as the pipeline and validate use it: the pre-flight checks and the
 * load files (src/core/export/). Kept behind this one module so that the steps
 * depend on the shape they need, not on the exporter's internals.
 */
import { exportOdoo } from '../export/odoo.js';
import { preflight } from '../export/preflight.js';
import type { RunContext } from '../staging/audit.js';
import type { Db } from '../staging/database.js';
import type { Preflight } from '../validate/validate.js';
import type { OdooVersion } from '../validate/settings.js';
import type { WorkspaceConfig } from '../workspace/config.js';

export interface OdooExportOutcome {
  readonly outDir: string;
  readonly manifestFile: string;
  readonly files: readonly { readonly file: string; readonly rows: number; readonly sha256: string }[];
  /** costs.csv, rejects.csv, rounding.csv: what the export left out or adjusted. */
  readonly reports: readonly { readonly file: string; readonly rows: number; readonly sha256: string }[];
}

export interface OdooExporter {
  readonly preflight: Preflight;
  readonly exportOdoo: (db: Db, options: { odooVersion: OdooVersion; outDir: string; config: WorkspaceConfig; cleansed?: boolean }, run?: RunContext) => Promise<OdooExportOutcome>;
}

/** The exporter of this build; `run` says so and skips the step where there is none. */
export const ODOO_EXPORTER: OdooExporter | undefined = { preflight, exportOdoo };
