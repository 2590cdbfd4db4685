/** The open count plan and its settings, as stored. */
import type { Db } from '../staging/database.js';

export interface StoredPlan {
  readonly id: number;
  readonly asOf: string;
  readonly firstDay: string;
  readonly lastDay: string;
  readonly status: string;
}

export function currentPlan(db: Db): StoredPlan | undefined {
  const row = db.prepare("SELECT id, as_of, first_day, last_day, status FROM count_plans WHERE status = 'open' ORDER BY id DESC LIMIT 1").get() as
    | { id: number; as_of: string; first_day: string; last_day: string; status: string }
    | undefined;
  return row && { id: row.id, asOf: row.as_of, firstDay: row.first_day, lastDay: row.last_day, status: row.status };
}
