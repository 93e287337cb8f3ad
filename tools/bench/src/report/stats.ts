// Summaries of repeated runs: the median says what to expect, min–max says how far runs spread.
export interface Spread {
  median: number;
  min: number;
  max: number;
  n: number;
}

export function spread(values: number[]): Spread {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN, n: 0 };
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted.at(-1)!, n: sorted.length };
}

/** Per-run ratios of two paired series (run i of a against run i of b): the ratio's own spread. */
export function pairedRatio(a: number[], b: number[]): Spread {
  return spread(a.map((value, i) => value / (b[i] ?? Number.NaN)));
}

export const fmtInt = (n: number): string =>
  Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a';
export const fmtPct = (ratio: number): string =>
  Number.isFinite(ratio) ? `${Math.round(ratio * 100)} %` : 'n/a';
export const fmtMs = (ms: number): string =>
  Number.isFinite(ms) ? `${ms < 10 ? ms.toFixed(2) : ms.toFixed(1)} ms` : 'n/a';
