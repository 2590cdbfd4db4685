/**
 * ABC classification by cumulative share of value (pure). Sorted by value
 * descending, ties by SKU; a SKU belongs to the class whose cutoff its cumulative
 * share before it has not yet reached, so the SKU that crosses a cutoff goes to the
 * higher class (Oracle's boundary rule) and a SKU ending exactly at a cutoff stays in
 * it. All arithmetic is on exact integers.
 */
import { toScaled } from '../model/decimal.js';
import { compareText } from './calendar.js';
import { CLASSES, type AbcClass } from './settings.js';

export interface AbcInput {
  readonly sku: string;
  /** Exact decimal, at least 0. */
  readonly value: string;
  readonly basis: 'usage' | 'on_hand';
}

export interface AbcEntry extends AbcInput {
  readonly class: AbcClass;
  /** 1-based position in the ranking. */
  readonly rank: number;
  /** Share of the total value of the SKUs ranked before this one, 0..1, 6 decimals (display only). */
  readonly cumulativeBefore: string;
}

const SCALE = 12;

function scaled(value: string): bigint {
  const s = toScaled(value);
  return s.scale <= SCALE ? s.units * 10n ** BigInt(SCALE - s.scale) : s.units / 10n ** BigInt(s.scale - SCALE);
}

export function classify(items: readonly AbcInput[], cutoffs: Readonly<Record<AbcClass, string>>): AbcEntry[] {
  const values = items.map((it) => ({ it, v: scaled(it.value) }));
  values.sort((a, b) => (a.v > b.v ? -1 : a.v < b.v ? 1 : compareText(a.it.sku, b.it.sku)));
  const total = values.reduce((s, x) => s + x.v, 0n);
  // Upper bounds of the cumulative share per class in percent, as exact scaled integers.
  const bounds: { cls: AbcClass; upto: bigint }[] = [];
  let acc = 0n;
  for (const c of CLASSES) {
    acc += scaled(cutoffs[c]);
    bounds.push({ cls: c, upto: acc });
  }
  const hundred = scaled('100');
  let before = 0n;
  return values.map(({ it, v }, i) => {
    // before / total < upto / 100  ⇔  before × 100 < upto × total
    let cls: AbcClass = 'C';
    if (total > 0n) {
      for (const b of bounds) {
        if (before * hundred < b.upto * total) {
          cls = b.cls;
          break;
        }
      }
    }
    const share = total > 0n ? (before * 1_000_000n) / total : 0n;
    const entry: AbcEntry = { ...it, class: cls, rank: i + 1, cumulativeBefore: `${share / 1_000_000n}.${String(share % 1_000_000n).padStart(6, '0')}` };
    before += v;
    return entry;
  });
}
