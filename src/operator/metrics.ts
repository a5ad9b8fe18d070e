/**
 * Per-reconcile metrics in CloudWatch Embedded Metric Format: a log line CloudWatch turns into metrics, so the
 * Lambda needs no cloudwatch:PutMetricData permission and no extra API call. The drift alarm in infra/ reads
 * DriftCount with the Stack dimension.
 */
export interface ReconcileMetrics {
  durationMs: number;
  /** API calls by service ('appmesh', 'ecs', ...). */
  apiCalls: Readonly<Record<string, number>>;
  throttles: number;
  driftCount: number;
  appliedCount: number;
  failedCount: number;
}

/** The EMF documents for one reconcile: the totals, then one ApiCalls document per service. */
export function emfDocuments(namespace: string, stack: string, m: ReconcileMetrics, timestamp: number): object[] {
  const totalCalls = Object.values(m.apiCalls).reduce((a, b) => a + b, 0);
  const docs: object[] = [
    {
      _aws: {
        Timestamp: timestamp,
        CloudWatchMetrics: [
          {
            Namespace: namespace,
            Dimensions: [['Stack']],
            Metrics: [
              { Name: 'DurationMs', Unit: 'Milliseconds' },
              { Name: 'ApiCalls', Unit: 'Count' },
              { Name: 'Throttles', Unit: 'Count' },
              { Name: 'DriftCount', Unit: 'Count' },
              { Name: 'AppliedCount', Unit: 'Count' },
              { Name: 'FailedCount', Unit: 'Count' },
            ],
          },
        ],
      },
      Stack: stack,
      DurationMs: Math.round(m.durationMs),
      ApiCalls: totalCalls,
      Throttles: m.throttles,
      DriftCount: m.driftCount,
      AppliedCount: m.appliedCount,
      FailedCount: m.failedCount,
    },
  ];
  for (const [service, count] of Object.entries(m.apiCalls).sort(([a], [b]) => (a < b ? -1 : 1))) {
    docs.push({
      _aws: {
        Timestamp: timestamp,
        CloudWatchMetrics: [
          { Namespace: namespace, Dimensions: [['Stack', 'Service']], Metrics: [{ Name: 'ApiCalls', Unit: 'Count' }] },
        ],
      },
      Stack: stack,
      Service: service,
      ApiCalls: count,
    });
  }
  return docs;
}

/** `appmesh:DescribeVirtualNode` / `appmesh.DescribeVirtualNode` counts -> per-service totals. */
export function callsByService(byOperation: Readonly<Record<string, number>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [op, n] of Object.entries(byOperation)) {
    const cut = op.search(/[:.]/);
    const service = cut > 0 ? op.slice(0, cut).toLowerCase() : 'other';
    out[service] = (out[service] ?? 0) + n;
  }
  return out;
}

export function writeEmf(
  docs: readonly object[],
  write: (line: string) => void = (l) => process.stdout.write(`${l}\n`),
) {
  for (const doc of docs) write(JSON.stringify(doc));
}
