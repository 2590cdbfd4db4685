import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

function readVersion(): string {
  for (const candidate of ['../../package.json', '../../../package.json']) {
    try {
      return (require(candidate) as { version: string }).version;
    } catch {
      // compiled (dist/src/core) and source (src/core) sit at different depths
    }
  }
  return '0.0.0';
}

export const TOOL_VERSION = readVersion();
