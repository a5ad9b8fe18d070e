/**
 * The Lattice normalizers write AWS's defaults down (AWS-FACTS.md "VPC Lattice"; the emulator's answers in
 * test/emulator/lattice-*.test.ts): a manifest leaving a member out equals AWS's read-back, a value departing
 * from the default is still seen, and the export leaves the defaults out again. Plus the semantic checks.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { defaultRegistry } from '../../../src/kinds/registry';
import { validateManifests } from '../../../src/manifest/validate';

const kind = (name: string) => defaultRegistry.get(name);
const tg = (names: string[], weights?: number[]) => ({
  forward: {
    targetGroups: names.map((n, i) => ({ targetGroupIdentifier: n, ...(weights ? { weight: weights[i] } : {}) })),
  },
});

it('fills forward weights: 100 for a lone target group, 1 each with several; order has no meaning', () => {
  const listener = kind('LatticeListener');
  expect(listener.normalize({ protocol: 'HTTP', defaultAction: tg(['b']) })).toEqual({
    protocol: 'HTTP',
    port: 80,
    defaultAction: tg(['b'], [100]),
  });
  expect(listener.normalize({ protocol: 'HTTP', defaultAction: tg(['b', 'a']) })).toEqual(
    listener.normalize({ protocol: 'HTTP', defaultAction: tg(['a', 'b'], [1, 1]) }),
  );
  expect(listener.normalize({ protocol: 'HTTP', defaultAction: tg(['a', 'b'], [90, 10]) })).not.toEqual(
    listener.normalize({ protocol: 'HTTP', defaultAction: tg(['a', 'b']) }),
  );
});

it('fills listener default ports (80 HTTP, 443 HTTPS and TLS_PASSTHROUGH) and drops them on export', () => {
  const listener = kind('LatticeListener');
  expect(listener.normalize({ protocol: 'HTTPS', defaultAction: tg(['a']) })).toMatchObject({ port: 443 });
  expect(listener.normalize({ protocol: 'TLS_PASSTHROUGH', defaultAction: tg(['a']) })).toMatchObject({ port: 443 });
  const exported = listener.fromApi(
    { kind: 'LatticeListener', mesh: 's', name: 'http' },
    { protocol: 'HTTP', port: 80, defaultAction: tg(['a'], [100]) },
    {},
  );
  expect(exported.spec).toEqual({ protocol: 'HTTP', defaultAction: tg(['a'], [100]) });
  expect(exported.metadata).toEqual({ service: 's', name: 'http' });
});

it('fills health-check defaults per protocol version, and 0 means the default', () => {
  const group = kind('LatticeTargetGroup');
  const http1 = group.normalize({
    type: 'IP',
    config: { port: 8080, protocol: 'HTTP', vpcIdentifier: 'vpc-12345678' },
  });
  expect(http1).toEqual({
    type: 'IP',
    config: {
      port: 8080,
      protocol: 'HTTP',
      protocolVersion: 'HTTP1',
      ipAddressType: 'IPV4',
      vpcIdentifier: 'vpc-12345678',
      healthCheck: {
        enabled: true,
        healthCheckIntervalSeconds: 30,
        healthCheckTimeoutSeconds: 5,
        healthyThresholdCount: 5,
        unhealthyThresholdCount: 2,
        path: '/',
        matcher: { httpCode: '200' },
        protocol: 'HTTP',
        protocolVersion: 'HTTP1',
      },
    },
  });
  const grpc = group.normalize({
    type: 'IP',
    config: { port: 50051, protocol: 'HTTPS', protocolVersion: 'GRPC', vpcIdentifier: 'vpc-12345678' },
  });
  expect((grpc as { config: { healthCheck: { enabled: boolean } } }).config.healthCheck.enabled).toBe(false);
  const zero = group.normalize({
    type: 'IP',
    config: { port: 8080, protocol: 'HTTP', vpcIdentifier: 'vpc-12345678', healthCheck: { healthyThresholdCount: 0 } },
  });
  expect(zero).toEqual(http1);
  const exported = group.fromApi({ kind: 'LatticeTargetGroup', name: 'a' }, http1, {});
  expect(exported.spec).toEqual({
    type: 'IP',
    config: { port: 8080, protocol: 'HTTP', vpcIdentifier: 'vpc-12345678' },
  });
});

it('fills caseSensitive (paths true, headers false), the idle timeout and authType', () => {
  const rule = kind('LatticeRule');
  const spec = {
    priority: 1,
    match: {
      httpMatch: { pathMatch: { match: { prefix: '/a' } }, headerMatches: [{ name: 'x', match: { exact: 'y' } }] },
    },
    action: tg(['a']),
  };
  expect(rule.normalize(spec)).toMatchObject({
    match: {
      httpMatch: {
        pathMatch: { match: { prefix: '/a' }, caseSensitive: true },
        headerMatches: [{ name: 'x', match: { exact: 'y' }, caseSensitive: false }],
      },
    },
  });
  expect(kind('LatticeService').normalize({})).toEqual({ authType: 'NONE', idleTimeoutSeconds: 60 });
  expect(kind('LatticeService').normalize({ idleTimeoutSeconds: 120 })).toEqual({
    authType: 'NONE',
    idleTimeoutSeconds: 120,
  });
  expect(kind('LatticeServiceNetwork').normalize({ sharingConfig: { enabled: false } })).toEqual({ authType: 'NONE' });
});

async function issues(docs: object[]): Promise<[string, string][]> {
  const dir = mkdtempSync(join(tmpdir(), 'lattice-check-'));
  writeFileSync(join(dir, 'all.yaml'), docs.map((d) => stringify(d)).join('---\n'));
  return (await validateManifests([dir])).issues.map((i) => [i.pointer, i.code]);
}

const doc = (k: string, metadata: object, spec?: object) => ({
  apiVersion: 'meshward.dev/v1alpha1',
  kind: k,
  metadata,
  ...(spec ? { spec } : {}),
});
const group = (name: string, protocol: string) =>
  doc('LatticeTargetGroup', { name }, { type: 'IP', config: { port: 8080, protocol, vpcIdentifier: 'vpc-12345678' } });
const base = [
  doc('LatticeService', { name: 'shop' }),
  group('web', 'HTTP'),
  group('raw', 'TCP'),
  doc('LatticeListener', { service: 'shop', name: 'http' }, { protocol: 'HTTP', defaultAction: tg(['web']) }),
];
const rule = (name: string, priority: number, action: object) =>
  doc(
    'LatticeRule',
    { service: 'shop', listener: 'http', name },
    { priority, match: { httpMatch: { method: 'GET' } }, action },
  );

it('checks rule priorities per listener, weights, protocols and dangling target groups', async () => {
  expect(await issues([...base, rule('one', 1, tg(['web']))])).toEqual([]);
  expect(await issues([...base, rule('one', 1, tg(['web'])), rule('two', 1, tg(['web']))])).toContainEqual([
    '/spec/priority',
    'DUPLICATE_PRIORITY',
  ]);
  expect(await issues([...base, rule('one', 1, tg(['web', 'web'], [0, 0]))])).toContainEqual([
    '/spec/action/forward/targetGroups',
    'WEIGHTS',
  ]);
  expect(await issues([...base, rule('one', 1, tg(['raw']))])).toContainEqual([
    '/spec/action/forward/targetGroups/0/targetGroupIdentifier',
    'PROTOCOL_MISMATCH',
  ]);
  expect(await issues([...base, rule('one', 1, tg(['nope']))])).toContainEqual([
    '/spec/action/forward/targetGroups/0/targetGroupIdentifier',
    'DANGLING_REFERENCE',
  ]);
  const six = [1, 2, 3, 4, 5, 6].map((p) => rule(`route${p}`, p, tg(['web'])));
  expect((await issues([...base, ...six])).map(([, c]) => c)).toContain('QUOTA');
});
