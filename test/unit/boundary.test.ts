// The core is a library: no terminal code, no process exits, no console output.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../helpers/cli.js';

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sources(full);
    return e.name.endsWith('.ts') ? [full] : [];
  });
}

describe('src/core stays free of CLI concerns', () => {
  const files = sources(path.join(REPO, 'src/core'));
  it.each(files.map((f) => [path.relative(REPO, f), f]))('%s', (_name, file) => {
    const text = fs.readFileSync(file, 'utf8');
    expect(text).not.toMatch(/from ['"](chalk|ora|commander)['"]/);
    expect(text).not.toMatch(/process\.exit\s*\(/);
    expect(text).not.toMatch(/\bconsole\.(log|error|warn|info)\s*\(/);
    // exceljs costs a quarter of a second and 12 MB at start-up: loaded where a workbook is written or read.
    expect(text).not.toMatch(/^import (?!type )[^;]*from ['"]exceljs['"]/m);
  });
});
