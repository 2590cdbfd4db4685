/** The schema as SQL text, for the `schema.sql` snapshot kept beside the migrations. */
import type { Db } from './database.js';

export function schemaSnapshot(db: Db): string {
  const rows = db
    .prepare("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY type DESC, name")
    .all() as { sql: string }[];
  const version = db.pragma('user_version', { simple: true }) as number;
  return [
    `-- invsync staging schema, version ${version}. Generated from src/core/staging/migrations.ts`,
    '-- by `npm run schema`; test/unit/staging/schema.test.ts fails when it is out of date.',
    '',
    ...rows.map((r) => `${r.sql};\n`),
  ].join('\n');
}
