/**
 * Elastic Load Balancing v2, as much as meshward's preflight reads (awsQuery, query.ts): DescribeTargetGroups by
 * ARN, by name or all of them (paged, PageSize 1-400), CreateTargetGroup to seed tests, and DescribeListeners /
 * DescribeRules by ARN for the blue/green listener rules an ECS service names. Listeners and rules (and target
 * groups whose ARN a manifest already spells, as an account that has them) are seeded with `seed()`: a real
 * account's ARNs carry ids AWS chose, which CreateTargetGroup cannot be told.
 *
 * Sources (API reference, DescribeTargetGroups / CreateTargetGroup):
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_DescribeTargetGroups.html
 * - A list of ARNs or names is all or nothing: one unknown answers TargetGroupNotFound "One or more target groups
 *   not found" (HTTP 400), the wording SDK users quote.
 * - Names, ARNs and a load balancer ARN are exclusive: ValidationError.
 * - CreateTargetGroup with the name of an existing group and the same settings answers that group (idempotent);
 *   with other settings DuplicateTargetGroupName. Names: 1-32 alphanumerics or hyphens, no leading or trailing
 *   hyphen, not starting with "internal-".
 */
import { createHash } from 'node:crypto';
import { type QueryAnswer, type QueryService, errorXml, queryList, resultXml, xmlMembers } from './query';

const NAMESPACE = 'http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/';
const NAME = /^(?!-)(?!internal-)[A-Za-z0-9-]{1,32}(?<!-)$/;
/** The settings a CreateTargetGroup retry must repeat to get the same group back. */
const SETTINGS = ['Protocol', 'Port', 'VpcId', 'TargetType', 'ProtocolVersion', 'IpAddressType'] as const;

interface TargetGroupRecord {
  arn: string;
  name: string;
  settings: Partial<Record<(typeof SETTINGS)[number], string>>;
  healthCheckPath?: string;
  createdAt: number;
}

interface Elbv2State {
  targetGroups: TargetGroupRecord[];
  listeners: string[];
  rules: string[];
}

export interface Elbv2Seed {
  targetGroups?: readonly string[];
  listeners?: readonly string[];
  rules?: readonly string[];
}

const TARGET_GROUP_ARN =
  /^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\d{12}:targetgroup\/([A-Za-z0-9-]{1,32})\/[0-9a-f]+$/;
const LISTENER_ARN =
  /^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\d{12}:listener\/(?:app|net|gwy)\/[^/]+\/[0-9a-f]+\/[0-9a-f]+$/;
const RULE_ARN =
  /^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\d{12}:listener-rule\/(?:app|net)\/[^/]+\/[0-9a-f]+\/[0-9a-f]+\/[0-9a-f]+$/;

function validation(message: string): QueryAnswer {
  return errorXml(NAMESPACE, 400, 'ValidationError', message);
}

function targetGroupXml(tg: TargetGroupRecord): string {
  const s = tg.settings;
  const lambda = s.TargetType === 'lambda';
  return (
    '<member>' +
    xmlMembers([
      ['TargetGroupArn', tg.arn],
      ['TargetGroupName', tg.name],
      ['Protocol', s.Protocol],
      ['Port', s.Port],
      ['VpcId', s.VpcId],
      ['HealthCheckProtocol', lambda ? undefined : (s.Protocol ?? 'HTTP')],
      ['HealthCheckPort', lambda ? undefined : 'traffic-port'],
      ['HealthCheckEnabled', !lambda],
      ['HealthCheckPath', tg.healthCheckPath],
      ['TargetType', s.TargetType ?? 'instance'],
      ['ProtocolVersion', s.ProtocolVersion],
      ['IpAddressType', s.IpAddressType],
    ]) +
    '<LoadBalancerArns/></member>'
  );
}

export class Elbv2Service implements QueryService {
  readonly signingName = 'elasticloadbalancing';
  private targetGroups = new Map<string, TargetGroupRecord>();
  private listeners = new Set<string>();
  private rules = new Set<string>();

  constructor(
    private readonly region: string,
    private readonly accountId: string,
  ) {}

  /** An account's existing load balancer resources, by the ARNs AWS gave them. */
  seed(seed: Elbv2Seed, now = Date.now()): void {
    for (const arn of seed.targetGroups ?? []) {
      const name = TARGET_GROUP_ARN.exec(arn)?.[1];
      if (name === undefined) throw new Error(`not a target group ARN: ${arn}`);
      if (!this.targetGroups.has(arn)) {
        this.targetGroups.set(arn, {
          arn,
          name,
          settings: { Protocol: 'HTTP', Port: '80', TargetType: 'ip' },
          createdAt: now,
        });
      }
    }
    for (const arn of seed.listeners ?? []) {
      if (!LISTENER_ARN.test(arn)) throw new Error(`not a listener ARN: ${arn}`);
      this.listeners.add(arn);
    }
    for (const arn of seed.rules ?? []) {
      if (!RULE_ARN.test(arn)) throw new Error(`not a listener rule ARN: ${arn}`);
      this.rules.add(arn);
    }
  }

  answer(params: URLSearchParams, _caller: unknown, now: number): QueryAnswer {
    const action = params.get('Action') ?? '';
    switch (action) {
      case 'DescribeTargetGroups':
        return this.describeTargetGroups(params);
      case 'CreateTargetGroup':
        return this.createTargetGroup(params, now);
      case 'DescribeListeners':
        return this.describeByArn(params, action, 'ListenerArns', this.listeners, 'ListenerNotFound', 'listeners');
      case 'DescribeRules':
        return this.describeByArn(params, action, 'RuleArns', this.rules, 'RuleNotFound', 'rules');
      default:
        return errorXml(NAMESPACE, 400, 'InvalidAction', `Could not find operation ${action} for version 2015-12-01`);
    }
  }

  private describeTargetGroups(params: URLSearchParams): QueryAnswer {
    const arns = queryList(params, 'TargetGroupArns');
    const names = queryList(params, 'Names');
    const lb = params.get('LoadBalancerArn') ?? undefined;
    const filters = [arns !== undefined && arns.length > 0, names !== undefined && names.length > 0, lb !== undefined];
    if (filters.filter(Boolean).length > 1) {
      return validation(
        'Target group names, target group ARNs, and a load balancer ARN cannot be specified at the same time',
      );
    }
    const pageSizeRaw = params.get('PageSize');
    const pageSize = pageSizeRaw === null ? 400 : Number(pageSizeRaw);
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 400) {
      return validation(
        `1 validation error detected: Value '${pageSizeRaw ?? ''}' at 'pageSize' failed to satisfy constraint: ` +
          'Member must have value less than or equal to 400',
      );
    }
    let found: TargetGroupRecord[];
    if (arns && arns.length > 0) {
      const hits = arns.map((a) => this.targetGroups.get(a));
      if (hits.some((h) => h === undefined)) {
        return errorXml(NAMESPACE, 400, 'TargetGroupNotFound', 'One or more target groups not found');
      }
      found = hits.filter((h): h is TargetGroupRecord => h !== undefined);
    } else if (names && names.length > 0) {
      const byName = new Map([...this.targetGroups.values()].map((tg) => [tg.name, tg]));
      const hits = names.map((n) => byName.get(n));
      if (hits.some((h) => h === undefined)) {
        return errorXml(NAMESPACE, 400, 'TargetGroupNotFound', 'One or more target groups not found');
      }
      found = hits.filter((h): h is TargetGroupRecord => h !== undefined);
    } else if (lb !== undefined) {
      // The emulator has no load balancers: every one is unknown.
      return errorXml(NAMESPACE, 400, 'LoadBalancerNotFound', 'One or more load balancers not found');
    } else {
      found = [...this.targetGroups.values()].sort((a, b) => a.createdAt - b.createdAt || (a.arn < b.arn ? -1 : 1));
    }
    const start = Number(params.get('Marker') ?? '0');
    if (!Number.isInteger(start) || start < 0) return validation('Invalid Marker');
    const page = found.slice(start, start + pageSize);
    const next = start + pageSize < found.length ? String(start + pageSize) : undefined;
    return resultXml(
      NAMESPACE,
      'DescribeTargetGroups',
      `<TargetGroups>${page.map(targetGroupXml).join('')}</TargetGroups>${xmlMembers([['NextMarker', next]])}`,
    );
  }

  private createTargetGroup(params: URLSearchParams, now: number): QueryAnswer {
    const name = params.get('Name') ?? '';
    if (!NAME.test(name)) {
      return validation(
        `Target group name '${name}' can only contain characters that are alphanumeric characters or hyphens(-), ` +
          'must be 1-32 characters long, must not begin or end with a hyphen and must not begin with "internal-"',
      );
    }
    const settings: TargetGroupRecord['settings'] = {};
    for (const key of SETTINGS) {
      const value = params.get(key);
      if (value !== null) settings[key] = value;
    }
    const existing = [...this.targetGroups.values()].find((tg) => tg.name === name);
    if (existing) {
      const same = SETTINGS.every((k) => existing.settings[k] === settings[k]);
      if (!same) {
        return errorXml(
          NAMESPACE,
          400,
          'DuplicateTargetGroupName',
          `A target group with the same name '${name}' exists, but with different settings`,
        );
      }
      return resultXml(NAMESPACE, 'CreateTargetGroup', `<TargetGroups>${targetGroupXml(existing)}</TargetGroups>`);
    }
    const id = createHash('sha256')
      .update(`${this.accountId}|${this.region}|${name}|${now}`)
      .digest('hex')
      .slice(0, 16);
    const arn = `arn:aws:elasticloadbalancing:${this.region}:${this.accountId}:targetgroup/${name}/${id}`;
    const path = params.get('HealthCheckPath');
    const record: TargetGroupRecord = {
      arn,
      name,
      settings,
      ...(path !== null ? { healthCheckPath: path } : settings.TargetType === 'lambda' ? {} : { healthCheckPath: '/' }),
      createdAt: now,
    };
    this.targetGroups.set(arn, record);
    return resultXml(NAMESPACE, 'CreateTargetGroup', `<TargetGroups>${targetGroupXml(record)}</TargetGroups>`);
  }

  private describeByArn(
    params: URLSearchParams,
    action: 'DescribeListeners' | 'DescribeRules',
    member: 'ListenerArns' | 'RuleArns',
    known: ReadonlySet<string>,
    notFound: string,
    what: string,
  ): QueryAnswer {
    const arns = queryList(params, member) ?? [];
    if (arns.length === 0) return validation(`${member} must be specified`);
    if (arns.some((a) => !known.has(a))) return errorXml(NAMESPACE, 400, notFound, `One or more ${what} not found`);
    const items = arns.map((arn) => {
      if (action === 'DescribeListeners') {
        const lb = arn.replace(':listener/', ':loadbalancer/').replace(/\/[0-9a-f]+$/, '');
        return `<member>${xmlMembers([
          ['ListenerArn', arn],
          ['LoadBalancerArn', lb],
        ])}</member>`;
      }
      return `<member>${xmlMembers([
        ['RuleArn', arn],
        ['IsDefault', false],
      ])}<Conditions/><Actions/></member>`;
    });
    const list = action === 'DescribeListeners' ? 'Listeners' : 'Rules';
    return resultXml(NAMESPACE, action, `<${list}>${items.join('')}</${list}>`);
  }

  reset(): void {
    this.targetGroups.clear();
    this.listeners.clear();
    this.rules.clear();
  }

  snapshot(): Elbv2State {
    return { targetGroups: [...this.targetGroups.values()], listeners: [...this.listeners], rules: [...this.rules] };
  }

  restore(snapshot: unknown): void {
    const s = snapshot as Partial<Elbv2State> | undefined;
    this.reset();
    for (const tg of s?.targetGroups ?? []) this.targetGroups.set(tg.arn, tg);
    for (const arn of s?.listeners ?? []) this.listeners.add(arn);
    for (const arn of s?.rules ?? []) this.rules.add(arn);
  }
}
