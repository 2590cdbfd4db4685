/**
 * A hint to collect garbage between the phases of a long command. V8 collects
 * lazily: a phase that allocates a lot of short-lived objects (matching 100,000 SKU
 * spellings) leaves the heap grown to several hundred MB of garbage, and the next
 * phase then runs on top of it. Collecting at a phase boundary keeps peak memory near
 * what is really alive. Node exposes gc() only with --expose-gc; the flag can be set
 * at run time and the function taken from a fresh context.
 */
import v8 from 'node:v8';
import vm from 'node:vm';

let collect: (() => void) | null | undefined;

export function collectGarbage(): void {
  if (collect === undefined) {
    try {
      v8.setFlagsFromString('--expose-gc');
      collect = vm.runInNewContext('gc') as () => void;
    } catch {
      collect = null; // not available here: V8 collects on its own, only later
    }
  }
  collect?.();
}
