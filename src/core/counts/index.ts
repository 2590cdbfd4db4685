/** Cycle counts: ABC planning, blind sheets, ingest with recounts, close to an Odoo import. */
export { classify, type AbcEntry, type AbcInput } from './abc.js';
export { compareNatural, nextWorkingDay, workingDays } from './calendar.js';
export { closeCounts, VARIANCE_COLUMNS, type ClassKpi, type CloseOptions, type CloseResult, type CountKpis } from './close.js';
export { runCountCycleDemo, DEMO_AS_OF, DEMO_DAYS, type CountCycleDemoResult } from './demo.js';
export { ingestCounts, type IngestOptions, type IngestResult } from './ingest.js';
export { ODOO_QUANT_COLUMNS, odooImportFileName, odooQuantImport } from './odoo.js';
export { DEFAULT_PLAN_DAYS, planCounts, type PlanOptions, type PlanResult } from './plan.js';
export { spreadTasks, type Schedule } from './schedule.js';
export { countSettings, DEFAULT_COUNT_SETTINGS, CLASSES, type AbcClass, type CountSettings } from './settings.js';
export { SHEET_COLUMNS, writeCountSheets, type SheetsOptions, type SheetsResult } from './sheets.js';
