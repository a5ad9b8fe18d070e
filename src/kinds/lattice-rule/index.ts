/**
 * LatticeRule: a rule of `metadata.listener` of `metadata.service` (id LatticeRule/<service>/<listener>/<name>).
 * ListRules ends with the listener's default rule (`isDefault: true`): that is the listener's, skipped here.
 * Checks: priorities unique per listener, 1..5 header matches, the listener's rule quota, the forward's rules.
 */
import {
  CreateRuleCommand,
  DeleteRuleCommand,
  GetRuleCommand,
  ListRulesCommand,
  type RuleAction,
  type RuleMatch,
  UpdateRuleCommand,
} from '@aws-sdk/client-vpc-lattice';
import type { ActualResource } from '../../core/model';
import type { ControllerSignal, Kind } from '../kind';
import { normalizeAction } from '../shared/lattice-defaults';
import { actionFromApi, actionToApi, checkAction, forwardReferences, heldWeights } from '../shared/lattice-forward';
import { allPages, arnOrFail, READ_TIME, createLatticeKind, isoTime, latticeTopology } from '../shared/lattice-kind';
import { pointerTouches } from '../../core/pointer';
import { asArray, clone, getPath, getString, isRecord } from '../shared/spec-utils';
import { crudCalls } from '../shared/write-calls';

const KIND = 'LatticeRule';
/** Rules per listener besides the default one: 5 in the English quota page (10 in others; unverified). */
export const RULES_PER_LISTENER = 5;

function normalizeMatch(match: unknown): unknown {
  const http = getPath(match, 'httpMatch');
  if (!isRecord(http)) return match;
  const out = clone(http);
  const path = out['pathMatch'];
  if (isRecord(path) && typeof path['caseSensitive'] !== 'boolean') out['pathMatch'] = { ...path, caseSensitive: true };
  const headers = asArray(out['headerMatches'])
    .filter(isRecord)
    .map((h): Record<string, unknown> => ({
      ...h,
      caseSensitive: typeof h['caseSensitive'] === 'boolean' ? h['caseSensitive'] : false,
    }))
    .sort((a, b) => String(a['name']).toLowerCase().localeCompare(String(b['name']).toLowerCase()));
  if (headers.length > 0) out['headerMatches'] = headers;
  else delete out['headerMatches'];
  return { httpMatch: out };
}

function describeMatch(spec: unknown): string[] {
  const http = getPath(spec, 'match', 'httpMatch');
  const lines: string[] = [];
  const path = getPath(http, 'pathMatch', 'match');
  if (isRecord(path)) for (const [k, v] of Object.entries(path)) lines.push(`path ${k} ${String(v)}`);
  for (const h of asArray(getPath(http, 'headerMatches'))) {
    const m = getPath(h, 'match');
    if (isRecord(m))
      for (const [k, v] of Object.entries(m)) lines.push(`${getString(h, 'name') ?? ''} ${k} ${String(v)}`);
  }
  const method = getString(http, 'method');
  if (method) lines.push(`method ${method}`);
  const priority = getPath(spec, 'priority');
  if (typeof priority === 'number') lines.push(`priority ${priority}`);
  return lines;
}

export const latticeRuleKind: Kind = createLatticeKind({
  // The weights an ECS blue/green, linear or canary deployment moves on this rule (advancedConfiguration).
  heldBy: (actual: ActualResource, signals: readonly ControllerSignal[]) =>
    heldWeights(actual, signals, '/spec/action'),
  kind: KIND,
  writeCalls: [...crudCalls('Rule'), 'BatchUpdateRule'],
  parentKind: 'LatticeListener',
  fields: [
    { field: 'service', slot: 'mesh', target: 'LatticeService' },
    { field: 'listener', slot: 'parent', target: 'LatticeListener', relation: 'contains' },
    { field: 'name', slot: 'name' },
  ],
  exportFile: 'lattice-rules.yaml',
  topology: latticeTopology('route', 'rule', describeMatch),
  specReferences: (_ref, spec) => forwardReferences(isRecord(spec) ? spec['action'] : undefined, '/spec/action'),
  check(checker) {
    const doc = checker.loaded.doc;
    const spec = doc.spec;
    const service = getString(doc.metadata, 'service');
    const listener = getString(doc.metadata, 'listener');
    const listenerDoc = checker.find({ kind: 'LatticeListener', mesh: service ?? '', name: listener ?? '' });
    const protocol = getString(listenerDoc?.doc.spec, 'protocol');
    if (protocol === 'TLS_PASSTHROUGH') {
      checker.report('/metadata/listener', 'PROTOCOL_MISMATCH', 'a TLS_PASSTHROUGH listener takes no rules');
    }
    checkAction(checker, getPath(spec, 'action'), '/spec/action', protocol);
    const headers = asArray(getPath(spec, 'match', 'httpMatch', 'headerMatches'));
    if (headers.length > 5) {
      checker.report(
        '/spec/match/httpMatch/headerMatches',
        'HEADER_MATCHES',
        `${headers.length} header matches: VPC Lattice takes 1 to 5`,
      );
    }
    const siblings = checker
      .documents()
      .filter(
        (d) =>
          d.doc.kind === KIND &&
          getString(d.doc.metadata, 'service') === service &&
          getString(d.doc.metadata, 'listener') === listener,
      );
    const priority = getPath(spec, 'priority');
    const same = siblings.filter((d) => getPath(d.doc.spec, 'priority') === priority);
    if (same.length > 1 && same[0] !== checker.loaded) {
      checker.report(
        '/spec/priority',
        'DUPLICATE_PRIORITY',
        `priority ${String(priority)} is also rule "${String(getString(same[0]?.doc.metadata, 'name'))}" of listener "${listener ?? ''}": priorities are unique per listener`,
      );
    }
    if (siblings.length > RULES_PER_LISTENER && siblings[RULES_PER_LISTENER] === checker.loaded) {
      checker.report(
        '/metadata/listener',
        'QUOTA',
        `listener "${listener ?? ''}" has ${siblings.length} rules: the VPC Lattice quota is ${RULES_PER_LISTENER} per listener (ask AWS to raise it)`,
        'warning',
      );
    }
  },
  normalize(spec) {
    const s = isRecord(spec) ? { ...spec } : {};
    if (s['match'] !== undefined) s['match'] = normalizeMatch(s['match']);
    if (s['action'] !== undefined) s['action'] = normalizeAction(s['action']);
    return s;
  },
  strip(spec) {
    const s = clone(spec) as Record<string, unknown>;
    const http = getPath(s, 'match', 'httpMatch');
    if (isRecord(http)) {
      const path = http['pathMatch'];
      if (isRecord(path) && path['caseSensitive'] === true) delete path['caseSensitive'];
      for (const h of asArray(http['headerMatches']))
        if (isRecord(h) && h['caseSensitive'] === false) delete h['caseSensitive'];
    }
    return s;
  },
  idsOfCall: () => [],
  ops: {
    async list(ctx, parent) {
      if (!parent) return [];
      const serviceArn = parent.arn.slice(0, parent.arn.indexOf('/listener/'));
      const items = await allPages(async (nextToken) => {
        const out = await ctx.clients.lattice.send(
          new ListRulesCommand({
            serviceIdentifier: serviceArn,
            listenerIdentifier: parent.arn,
            nextToken,
            maxResults: 100,
          }),
        );
        return { items: out.items ?? [], nextToken: out.nextToken };
      });
      // The default rule is the listener's default action, managed with the listener.
      return items
        .filter((i) => i.isDefault !== true)
        .map((i) => ({
          ref: { kind: KIND, mesh: parent.ref.mesh ?? '', parent: parent.ref.name, name: i.name ?? '' },
          arn: i.arn ?? '',
          awsId: i.id ?? '',
          ...(i.lastUpdatedAt ? { lastUpdatedAt: isoTime(i.lastUpdatedAt) as string } : {}),
          summary: {},
        }));
    },
    async read(ctx, item) {
      const [serviceArn, listenerArn] = arnsOfRule(item.arn);
      const out = await ctx.clients.lattice.send(
        new GetRuleCommand({
          serviceIdentifier: serviceArn,
          listenerIdentifier: listenerArn,
          ruleIdentifier: item.arn,
        }),
      );
      return {
        priority: out.priority,
        match: out.match,
        action: await actionFromApi(ctx, out.action),
        [READ_TIME]: out.lastUpdatedAt,
      };
    },
    async create(ctx, desired, tags, clientToken) {
      const spec = desired.spec as Record<string, unknown>;
      const listenerArn = arnOrFail(ctx, `LatticeListener/${desired.ref.mesh ?? ''}/${desired.ref.parent ?? ''}`);
      const out = await ctx.clients.lattice.send(
        new CreateRuleCommand({
          serviceIdentifier: listenerArn.slice(0, listenerArn.indexOf('/listener/')),
          listenerIdentifier: listenerArn,
          name: desired.ref.name,
          priority: Number(spec['priority']),
          match: spec['match'] as RuleMatch,
          action: (await actionToApi(ctx, spec['action'])) as RuleAction,
          tags,
          clientToken,
        }),
      );
      return { arn: out.arn ?? '', awsId: out.id ?? '' };
    },
    async update(ctx, desired, actual, delta) {
      const spec = desired.spec as Record<string, unknown>;
      const [serviceArn, listenerArn] = arnsOfRule(actual.arn);
      const touches = (p: string): boolean => delta.some((c) => pointerTouches(p, c.path));
      // UpdateRule is a PATCH: send only the members that changed, each whole.
      await ctx.clients.lattice.send(
        new UpdateRuleCommand({
          serviceIdentifier: serviceArn,
          listenerIdentifier: listenerArn,
          ruleIdentifier: actual.arn,
          ...(touches('/spec/priority') ? { priority: Number(spec['priority']) } : {}),
          ...(touches('/spec/match') ? { match: spec['match'] as RuleMatch } : {}),
          ...(touches('/spec/action') ? { action: (await actionToApi(ctx, spec['action'])) as RuleAction } : {}),
        }),
      );
    },
    async delete(ctx, actual) {
      const [serviceArn, listenerArn] = arnsOfRule(actual.arn);
      await ctx.clients.lattice.send(
        new DeleteRuleCommand({
          serviceIdentifier: serviceArn,
          listenerIdentifier: listenerArn,
          ruleIdentifier: actual.arn,
        }),
      );
    },
  },
});

/** A rule ARN's service and listener ARNs. */
export function arnsOfRule(arn: string): [string, string] {
  const listener = arn.slice(0, arn.indexOf('/rule/'));
  return [listener.slice(0, listener.indexOf('/listener/')), listener];
}
