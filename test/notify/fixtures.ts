import type { ReportView, ResourceView } from '../../src/notify/report-view';

export function driftedNode(overrides: Partial<ResourceView> = {}): ResourceView {
  return {
    id: 'VirtualNode/shop/orders',
    kind: 'VirtualNode',
    action: 'update',
    cause: 'drift',
    drifted: true,
    changes: [{ path: '/spec/listeners/0/timeout/http/perRequest/value', before: 30, after: 15 }],
    outcome: 'reported',
    attribution: [
      {
        identityArn: 'arn:aws:iam::123456789012:user/alice',
        eventName: 'UpdateVirtualNode',
        eventTime: '2026-11-25T17:00:00Z',
        sourceIp: '10.1.2.3',
      },
    ],
    ...overrides,
  };
}

export function view(overrides: Partial<ReportView> = {}): ReportView {
  return {
    stack: 'prod',
    revision: '0123456789abcdef0123',
    mode: 'detect',
    status: 'drift',
    at: '2026-11-25T17:05:00Z',
    counts: { drift: 1 },
    resources: [driftedNode()],
    ...overrides,
  };
}
