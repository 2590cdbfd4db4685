/**
 * Spreading count tasks over the working days of a period (pure).
 *
 * Each SKU-location of a class counted f times a year gets a phase from its rank in
 * the class, so that the class's counts are spread evenly over the year: its k-th
 * count is due at the year fraction ((2r + 1) / 2n + k) / f (r its rank, n the class
 * size). The counts whose time falls inside the period are the tasks (over a year,
 * exactly f of each). Sorted by that time, the tasks are then cut into as many
 * consecutive runs as there are working days, of sizes differing by at most one:
 * every day carries the same load to within one task, and the repeats of one
 * SKU-location stay a cycle apart. Day loads differ by at most one task.
 *
 * Opportunity counts: a SKU-location whose book is zero or negative is counted at the
 * start of the period; its first count moves there (or, when none falls in the
 * period, one is added).
 */

export interface Schedule {
  /**
   * Task i counts unit `unit[i]` on working day `day[i]` (index into the working days).
   * Tasks come in unit order (each unit's in time order), so that storing them keeps
   * an index by unit in append order.
   */
  readonly unit: Int32Array;
  readonly day: Int32Array;
  /** 1 when the task is (also) the opportunity count of a zero or negative book. */
  readonly opportunity: Uint8Array;
  readonly length: number;
}

const DAYS_PER_YEAR = 365;

/**
 * @param classIndex per unit (SKU-location), in the order that ranks them inside their
 *   class (deterministic): the index of its class in `perYear` (0 = A)
 * @param opportunity per unit: 1 when its book is zero or negative
 * @param perYear counts per year per class index
 * @param calendarDays length of the period in calendar days
 * @param workingDayCount working days in the period (≥ 1)
 */
export function spreadTasks(
  classIndex: ArrayLike<number>,
  opportunity: ArrayLike<number>,
  perYear: readonly number[],
  calendarDays: number,
  workingDayCount: number,
): Schedule {
  const units = classIndex.length;
  const classSize = perYear.map(() => 0);
  for (let i = 0; i < units; i++) classSize[classIndex[i]!]!++;
  const rankInClass = perYear.map(() => 0);
  // First pass: how many tasks, so the arrays are allocated once.
  const occurrences = (rank: number, n: number, f: number): number => {
    // k-th count inside the period ⇔ ((2r + 1) + 2nk) × 365 < days × f × 2n
    const limit = calendarDays * f * 2 * n;
    const first = (2 * rank + 1) * DAYS_PER_YEAR;
    if (first >= limit) return 0;
    return Math.floor((limit - first - 1) / (2 * n * DAYS_PER_YEAR)) + 1;
  };
  let total = 0;
  for (let i = 0; i < units; i++) {
    const c = classIndex[i]!;
    const k = occurrences(rankInClass[c]!++, classSize[c]!, perYear[c]!);
    total += k === 0 && opportunity[i] ? 1 : k;
  }
  const unit = new Int32Array(total);
  const time = new Float64Array(total);
  const isOpportunity = new Uint8Array(total);
  rankInClass.fill(0);
  let t = 0;
  for (let i = 0; i < units; i++) {
    const c = classIndex[i]!;
    const f = perYear[c]!;
    const n = classSize[c]!;
    const rank = rankInClass[c]!++;
    const k = occurrences(rank, n, f);
    for (let j = 0; j < Math.max(k, opportunity[i] ? 1 : 0); j++) {
      unit[t] = i;
      const opp = Boolean(opportunity[i]) && j === 0;
      time[t] = opp ? 0 : ((2 * rank + 1) / (2 * n) + j) / f;
      isOpportunity[t] = opp ? 1 : 0;
      t++;
    }
  }
  const order = new Uint32Array(total);
  for (let i = 0; i < total; i++) order[i] = i;
  order.sort((a, b) => time[a]! - time[b]! || unit[a]! - unit[b]!);
  const day = new Int32Array(total);
  // Position p (in time order) goes to day ⌊p·W/T⌋: each day takes ⌊T/W⌋ or ⌈T/W⌉
  // consecutive tasks, and with fewer tasks than days the first ones go to the first days.
  for (let p = 0; p < total; p++) day[order[p]!] = Math.floor((p * workingDayCount) / total);
  return { unit, day, opportunity: isOpportunity, length: total };
}
