// Writes src/core/staging/schema.sql from the migrations (npm run schema).
import fs from 'node:fs';
import { openDatabase } from '../src/core/staging/database.js';
import { schemaSnapshot } from '../src/core/staging/schema.js';

const db = openDatabase(':memory:', { create: true });
fs.writeFileSync(new URL('../../src/core/staging/schema.sql', import.meta.url), schemaSnapshot(db));
db.close();
