/** Counts the API calls (attempts, retries included) of a reconcile, per `family:Operation` (the report's key). */
export class CallCounter {
  private readonly counts = new Map<string, number>();
  private readonly errorCounts = new Map<string, number>();

  record(family: string, operation: string, failed: boolean): void {
    const key = `${family}:${operation}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    if (failed) this.errorCounts.set(key, (this.errorCounts.get(key) ?? 0) + 1);
  }

  /** Sorted so that reports and benchmarks are stable. */
  snapshot(): Record<string, number> {
    return Object.fromEntries([...this.counts.entries()].sort(([a], [b]) => a.localeCompare(b)));
  }

  errors(): Record<string, number> {
    return Object.fromEntries([...this.errorCounts.entries()].sort(([a], [b]) => a.localeCompare(b)));
  }

  total(): number {
    let sum = 0;
    for (const n of this.counts.values()) sum += n;
    return sum;
  }

  reset(): void {
    this.counts.clear();
    this.errorCounts.clear();
  }
}
