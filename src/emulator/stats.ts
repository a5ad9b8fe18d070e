/** Call accounting per service and operation, for tests, benchmarks and the demo. */
export interface OperationStats {
  service: string;
  operation: string;
  calls: number;
  /** Calls answered with any error, injected faults included. */
  errors: number;
  /** Calls refused by injected throttling or a rate limit (also counted in errors). */
  throttled: number;
}

export interface StatsSnapshot {
  /** Keyed 'service.Operation', e.g. 'appmesh.DescribeVirtualNode', since ECS and Cloud Map share op names. */
  operations: Record<string, OperationStats>;
  totals: { calls: number; errors: number; throttled: number };
  /** CPU the emulator's process has used so far, ms (the control plane's GET /_emulator/stats only). */
  processCpuMs?: number;
}

export class EmulatorStats {
  private readonly byKey = new Map<string, OperationStats>();

  record(service: string, operation: string, outcome: 'ok' | 'error' | 'throttled'): void {
    const key = `${service}.${operation}`;
    let entry = this.byKey.get(key);
    if (!entry) {
      entry = { service, operation, calls: 0, errors: 0, throttled: 0 };
      this.byKey.set(key, entry);
    }
    entry.calls += 1;
    if (outcome !== 'ok') entry.errors += 1;
    if (outcome === 'throttled') entry.throttled += 1;
  }

  /** Calls of one operation; without `service`, summed over the services that have an operation of that name. */
  calls(operation: string, service?: string): number {
    let total = 0;
    for (const entry of this.byKey.values()) {
      if (entry.operation === operation && (service === undefined || entry.service === service)) total += entry.calls;
    }
    return total;
  }

  snapshot(): StatsSnapshot {
    const operations: Record<string, OperationStats> = {};
    const totals = { calls: 0, errors: 0, throttled: 0 };
    for (const [key, entry] of [...this.byKey.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      operations[key] = { ...entry };
      totals.calls += entry.calls;
      totals.errors += entry.errors;
      totals.throttled += entry.throttled;
    }
    return { operations, totals };
  }

  reset(): void {
    this.byKey.clear();
  }
}
