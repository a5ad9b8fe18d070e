import { AwsApiError, type CallContext } from '../contracts';
import { optNumber, optString, type JsonObject } from '../ecs/input';
import { paginate } from '../ecs/paging';
import type { EventsState, RuleRecord } from './state';

function ruleArn(ctx: CallContext, bus: string, name: string): string {
  const path = bus === 'default' ? name : `${bus}/${name}`;
  return `arn:aws:events:${ctx.region}:${ctx.accountId}:rule/${path}`;
}

function busOf(input: JsonObject): string {
  const given = optString(input, 'EventBusName') ?? 'default';
  return /:event-bus\/(.+)$/.exec(given)?.[1] ?? given;
}

/** A minimal rule store: enough for tests and the demo to declare the rules the CDK stack would create. */
export function putRule(state: EventsState, input: JsonObject, ctx: CallContext): JsonObject {
  const name = optString(input, 'Name') ?? '';
  const pattern = optString(input, 'EventPattern');
  const schedule = optString(input, 'ScheduleExpression');
  if (pattern === undefined && schedule === undefined) {
    throw new AwsApiError(
      'ValidationException',
      400,
      'Parameter(s) EventPattern or ScheduleExpression must be specified.',
    );
  }
  if (pattern !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(pattern);
    } catch {
      throw new AwsApiError('InvalidEventPatternException', 400, 'Event pattern is not valid. Reason: not valid JSON');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new AwsApiError(
        'InvalidEventPatternException',
        400,
        'Event pattern is not valid. Reason: must be an object',
      );
    }
  }
  const bus = busOf(input);
  const record: RuleRecord = {
    Name: name,
    Arn: ruleArn(ctx, bus, name),
    EventBusName: bus,
    State: optString(input, 'State') ?? 'ENABLED',
    ...(pattern !== undefined ? { EventPattern: pattern } : {}),
    ...(schedule !== undefined ? { ScheduleExpression: schedule } : {}),
    ...(optString(input, 'Description') !== undefined ? { Description: optString(input, 'Description') } : {}),
    ...(optString(input, 'RoleArn') !== undefined ? { RoleArn: optString(input, 'RoleArn') } : {}),
  };
  state.rules[`${bus}/${name}`] = record;
  return { RuleArn: record.Arn };
}

export function listRules(state: EventsState, input: JsonObject): JsonObject {
  const bus = busOf(input);
  const prefix = optString(input, 'NamePrefix') ?? '';
  const rules = Object.values(state.rules)
    .filter((r) => r.EventBusName === bus && r.Name.startsWith(prefix))
    .sort((a, b) => a.Name.localeCompare(b.Name));
  const page = paginate(
    rules,
    optNumber(input, 'Limit') ?? 100,
    optString(input, 'NextToken'),
    `rules|${bus}|${prefix}`,
    () => {
      return new AwsApiError('ValidationException', 400, 'The NextToken is not valid.');
    },
  );
  return { Rules: page.items, ...(page.nextToken ? { NextToken: page.nextToken } : {}) };
}

export function deleteRule(state: EventsState, input: JsonObject): JsonObject {
  delete state.rules[`${busOf(input)}/${optString(input, 'Name') ?? ''}`];
  return {};
}

export function describeRule(state: EventsState, input: JsonObject): JsonObject {
  const name = optString(input, 'Name') ?? '';
  const rule = state.rules[`${busOf(input)}/${name}`];
  if (!rule) throw new AwsApiError('ResourceNotFoundException', 400, `Rule ${name} does not exist.`);
  return { ...rule };
}
