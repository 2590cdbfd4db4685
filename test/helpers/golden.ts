/** Golden files: compare with the committed text; UPDATE_GOLDEN=1 rewrites them. */
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { REPO } from './cli.js';

export function expectGolden(name: string, actual: string): void {
  const file = path.join(REPO, 'test/cli/golden', name);
  if (process.env.UPDATE_GOLDEN === '1' || !fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, actual);
    if (process.env.UPDATE_GOLDEN !== '1') throw new Error(`golden file ${name} was missing and has been written; check it in`);
  }
  expect(actual).toBe(fs.readFileSync(file, 'utf8'));
}
