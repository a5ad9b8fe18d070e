/**
 * LatticeListener: a listener of `metadata.service` (id LatticeListener/<service>/<name>). Its default action is
 * part of the listener (UpdateListener); ListRules' default rule is that action again and not a LatticeRule.
 */
import {
  CreateListenerCommand,
  DeleteListenerCommand,
  GetListenerCommand,
  ListListenersCommand,
  type RuleAction,
  UpdateListenerCommand,
} from '@aws-sdk/client-vpc-lattice';
import type { ActualResource } from '../../core/model';
import type { ControllerSignal, Kind } from '../kind';
import { defaultListenerPort, normalizeAction } from '../shared/lattice-defaults';
import { actionFromApi, actionToApi, checkAction, forwardReferences, heldWeights } from '../shared/lattice-forward';
import { allPages, arnOrFail, READ_TIME, createLatticeKind, isoTime, latticeTopology } from '../shared/lattice-kind';
import { getPath, getString, isRecord } from '../shared/spec-utils';
import { crudCalls } from '../shared/write-calls';
import { changeListenerWeights } from './console-change';

const KIND = 'LatticeListener';

export const latticeListenerKind: Kind = createLatticeKind({
  consoleChange: changeListenerWeights,
  // The weights an ECS deployment moves on this listener's default action (advancedConfiguration names it).
  heldBy: (actual: ActualResource, signals: readonly ControllerSignal[]) =>
    heldWeights(actual, signals, '/spec/defaultAction'),
  kind: KIND,
  writeCalls: crudCalls('Listener'),
  parentKind: 'LatticeService',
  fields: [
    { field: 'service', slot: 'mesh', target: 'LatticeService', relation: 'contains' },
    { field: 'name', slot: 'name' },
  ],
  exportFile: 'lattice-listeners.yaml',
  topology: latticeTopology('router', 'listener', (spec) => [
    // The port Lattice uses when the manifest leaves it out (80 for HTTP, 443 for HTTPS and TLS_PASSTHROUGH).
    `${getString(spec, 'protocol') ?? ''} :${String(getPath(spec, 'port') ?? defaultListenerPort(getString(spec, 'protocol')))}`,
  ]),
  specReferences: (_ref, spec) =>
    forwardReferences(isRecord(spec) ? spec['defaultAction'] : undefined, '/spec/defaultAction'),
  check(checker) {
    const spec = checker.loaded.doc.spec;
    checkAction(checker, getPathSafe(spec, 'defaultAction'), '/spec/defaultAction', getString(spec, 'protocol'));
  },
  normalize(spec) {
    const s = isRecord(spec) ? { ...spec } : {};
    if (typeof s['port'] !== 'number') s['port'] = defaultListenerPort(getString(s, 'protocol'));
    if (s['defaultAction'] !== undefined) s['defaultAction'] = normalizeAction(s['defaultAction']);
    return s;
  },
  strip(spec) {
    const s = { ...(spec as Record<string, unknown>) };
    if (s['port'] === defaultListenerPort(getString(s, 'protocol'))) delete s['port'];
    return s;
  },
  // UpdateListener changes the default action only.
  immutablePaths: ['/spec/protocol', '/spec/port'],
  idsOfCall: () => [],
  ops: {
    async list(ctx, parent) {
      if (!parent) return [];
      return allPages(async (nextToken) => {
        const out = await ctx.clients.lattice.send(
          new ListListenersCommand({ serviceIdentifier: parent.arn, nextToken, maxResults: 100 }),
        );
        return {
          items: (out.items ?? []).map((i) => ({
            ref: { kind: KIND, mesh: parent.ref.name, name: i.name ?? '' },
            arn: i.arn ?? '',
            awsId: i.id ?? '',
            ...(i.lastUpdatedAt ? { lastUpdatedAt: isoTime(i.lastUpdatedAt) as string } : {}),
            summary: {},
          })),
          nextToken: out.nextToken,
        };
      });
    },
    async read(ctx, item) {
      const serviceArn = item.arn.slice(0, item.arn.indexOf('/listener/'));
      const out = await ctx.clients.lattice.send(
        new GetListenerCommand({ serviceIdentifier: serviceArn, listenerIdentifier: item.arn }),
      );
      return {
        protocol: out.protocol,
        port: out.port,
        defaultAction: await actionFromApi(ctx, out.defaultAction),
        [READ_TIME]: out.lastUpdatedAt,
      };
    },
    async create(ctx, desired, tags, clientToken) {
      const spec = desired.spec as Record<string, unknown>;
      const out = await ctx.clients.lattice.send(
        new CreateListenerCommand({
          serviceIdentifier: arnOrFail(ctx, `LatticeService/${desired.ref.mesh ?? ''}`),
          name: desired.ref.name,
          protocol: getString(spec, 'protocol') as 'HTTP',
          ...(typeof spec['port'] === 'number' ? { port: spec['port'] } : {}),
          defaultAction: (await actionToApi(ctx, spec['defaultAction'])) as RuleAction,
          tags,
          clientToken,
        }),
      );
      return { arn: out.arn ?? '', awsId: out.id ?? '' };
    },
    async update(ctx, desired, actual) {
      const serviceArn = actual.arn.slice(0, actual.arn.indexOf('/listener/'));
      await ctx.clients.lattice.send(
        new UpdateListenerCommand({
          serviceIdentifier: serviceArn,
          listenerIdentifier: actual.arn,
          defaultAction: (await actionToApi(
            ctx,
            (desired.spec as Record<string, unknown>)['defaultAction'],
          )) as RuleAction,
        }),
      );
    },
    async delete(ctx, actual) {
      const serviceArn = actual.arn.slice(0, actual.arn.indexOf('/listener/'));
      await ctx.clients.lattice.send(
        new DeleteListenerCommand({ serviceIdentifier: serviceArn, listenerIdentifier: actual.arn }),
      );
    },
  },
});

function getPathSafe(spec: unknown, key: string): unknown {
  return isRecord(spec) ? spec[key] : undefined;
}
