/** "Did you mean" hints for typos in field names, enum values, references and commands. */

/**
 * Shared by the suggestions of one run, so that hostile input (thousands of dangling references to long, similar
 * names) costs a bounded amount of work: once spent, no more hints are computed.
 */
export interface SuggestBudget {
  /** Edit-distance cells left to compute. */
  cells: number;
}

/** The closest known name within a couple of edits: typos deserve a hint, not a list. */
export function suggest(input: string, candidates: readonly string[], budget?: SuggestBudget): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  const limit = Math.max(1, Math.min(3, Math.floor(input.length / 3)));
  const wanted = input.toLowerCase();
  for (const candidate of candidates) {
    if (Math.abs(candidate.length - input.length) > limit) continue;
    if (budget !== undefined) {
      budget.cells -= (input.length + 1) * (2 * limit + 1);
      if (budget.cells < 0) return undefined;
    }
    const d = boundedEditDistance(wanted, candidate.toLowerCase(), Math.min(limit, bestDistance - 1));
    if (d < bestDistance) {
      bestDistance = d;
      best = candidate;
    }
  }
  return bestDistance <= limit ? best : undefined;
}

/**
 * Levenshtein distance when it is at most `max`, else `max + 1`. Only the diagonal band |i - j| <= max can hold
 * such a path, so the cost is O(length x max), and it stops as soon as a whole row is past `max`.
 */
function boundedEditDistance(a: string, b: string, max: number): number {
  const over = max + 1;
  if (max < 0) return over;
  if (Math.abs(a.length - b.length) > max) return over;
  let previous = new Array<number>(b.length + 1);
  let current = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) previous[j] = j <= max ? j : over;
  for (let i = 1; i <= a.length; i++) {
    const from = Math.max(1, i - max);
    const to = Math.min(b.length, i + max);
    // Cells just outside the band read as `over`; the rest of the row is never read.
    current[0] = i <= max ? i : over;
    if (from > 1) current[from - 1] = over;
    if (to < b.length) current[to + 1] = over;
    let rowMin = current[0] as number;
    for (let j = from; j <= to; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const value = Math.min(
        (previous[j] ?? over) + 1,
        (current[j - 1] ?? over) + 1,
        (previous[j - 1] ?? over) + cost,
        over,
      );
      current[j] = value;
      if (value < rowMin) rowMin = value;
    }
    if (rowMin > max) return over;
    [previous, current] = [current, previous];
  }
  return Math.min(previous[b.length] ?? over, over);
}
