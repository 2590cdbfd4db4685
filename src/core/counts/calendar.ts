/**
 * The counting calendar and the walking order: pure functions, no database.
 */

const DAY_MS = 86_400_000;

export function addDays(iso: string, days: number): string {
  return new Date(Date.parse(`${iso}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** ISO dates from `first` for `days` calendar days that are no Saturday, Sunday or holiday. */
export function workingDays(first: string, days: number, holidays: readonly string[] = []): string[] {
  const off = new Set(holidays);
  const out: string[] = [];
  const start = Date.parse(`${first}T00:00:00Z`);
  for (let i = 0; i < days; i++) {
    const d = new Date(start + i * DAY_MS);
    const weekday = d.getUTCDay();
    const iso = d.toISOString().slice(0, 10);
    if (weekday !== 0 && weekday !== 6 && !off.has(iso)) out.push(iso);
  }
  return out;
}

/** The first working day after `iso` (recounts are due the next working day). */
export function nextWorkingDay(iso: string, holidays: readonly string[] = []): string {
  for (let i = 1; i <= 30; i++) {
    const [day] = workingDays(addDays(iso, i), 1, holidays);
    if (day) return day;
  }
  return addDays(iso, 1);
}

const CHUNK = /(\d+)|(\D+)/g;

/**
 * Natural order of location paths, the order a counter walks the aisles: digit runs
 * compare as numbers (A-2 before A-10), other text case-insensitively (then by exact
 * text, so that the order is total), a parent before its children.
 */
export function compareNatural(a: string, b: string): number {
  if (a === b) return 0;
  return compareChunks(a.match(CHUNK) ?? [], b.match(CHUNK) ?? []) || compareText(a, b);
}

/** Digit runs by value (then by length: "02" after "2"), other runs ignoring case. */
function compareChunks(ca: readonly string[], cb: readonly string[]): number {
  const n = Math.min(ca.length, cb.length);
  for (let i = 0; i < n; i++) {
    const x = ca[i]!;
    const y = cb[i]!;
    if (x === y) continue;
    const dx = x.charCodeAt(0) >= 48 && x.charCodeAt(0) <= 57;
    const dy = y.charCodeAt(0) >= 48 && y.charCodeAt(0) <= 57;
    if (dx && dy) {
      const nx = BigInt(x);
      const ny = BigInt(y);
      if (nx !== ny) return nx < ny ? -1 : 1;
      if (x.length !== y.length) return x.length < y.length ? -1 : 1;
      continue;
    }
    if (dx !== dy) return dx ? -1 : 1;
    const ux = x.toUpperCase();
    const uy = y.toUpperCase();
    if (ux !== uy) return ux < uy ? -1 : 1;
  }
  return ca.length - cb.length;
}

/** Exact string order (code units), for tie-breaks that must not depend on the locale. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
