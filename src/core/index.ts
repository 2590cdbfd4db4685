/** The invsync library: what the CLI (and scripts) call. */
export * from './errors.js';
export { KINDS, KIND_SPECS, type Kind } from './model/kinds.js';
export { openDatabase, resolveDbPath, type Db } from './staging/database.js';
export { recordedRun, type RunContext } from './staging/audit.js';
export { loadFiles, type LoadOptions, type LoadResult } from './loaders/load.js';
export { profileWorkspace, type ProfileResult } from './profile/profile.js';
export { initWorkspace, type InitResult } from './workspace/init.js';
export { runDemo, type DemoResult } from './demo.js';
export { TOOL_VERSION } from './version.js';
export { cleanseWorkspace, type CleanseResult } from './cleanse/cleanse.js';
export { readReviewDecisions, storeDecisions, writeReviewWorkbook } from './cleanse/review.js';
export { reconcile, type ReconcileCommandResult } from './reconcile/reconcile.js';
export { reconcileWorkspace, type ReconcileResult } from './reconcile/engine.js';
export { convertQuantity, defaultCatalogue } from './uom/index.js';
export { readWorkspaceConfig, type WorkspaceConfig } from './workspace/config.js';
export { exportOdoo, type ExportOdooOptions, type ExportOdooResult } from './export/odoo.js';
export { preflight, type PreflightFinding } from './export/preflight.js';
