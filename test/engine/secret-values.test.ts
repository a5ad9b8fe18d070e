/**
 * Secret values stay out of every report and out of the state (issue 12, "Least privilege and secrets"): the real
 * SDK against the local emulator, one apply with secret-looking environment values, then a pending change and a
 * console change rendered in every format.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
  type RegisterTaskDefinitionCommandInput,
} from '@aws-sdk/client-ecs';
import type { Report } from '../../src/core/report';
import { renderJson, renderMarkdown, renderText } from '../../src/core/report';
import type { ManifestDocument } from '../../src/core/types';
import { FileStateStore } from '../../src/engine/state-store';
import { renderSlackReport } from '../../src/notify/slack-blocks';
import { toReportView } from '../../src/operator/report-view';
import { type Harness, startHarness } from './harness';

const PASSWORD = 'hunter2-Pa55word-value';
const TOKEN = 'tok-0123456789abcdef';
const NEW_PASSWORD = 'rotated-Pa55word-value';
const CONSOLE_PASSWORD = 'typed-in-the-console-pw';
const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:shop/db-AbCdEf';
const SECRET_ARN_2 = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:shop/db2-GhIjKl';
const SERVICE = 'EcsService/shop/service-b';

let h: Harness;
let dir: string;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});
beforeEach(async () => {
  await h.reset();
  dir = mkdtempSync(join(tmpdir(), 'meshward-secrets-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** The reference docs with service-b's app container given secret-looking variables and a secret. */
function withSecrets(password: string, secretArn: string): ManifestDocument[] {
  return h.docs.map((doc) => {
    if (doc.kind !== 'EcsService' || doc.metadata.name !== 'service-b') return doc;
    const copy = structuredClone(doc);
    const td = (copy.spec as { taskDefinition: { containerDefinitions: Record<string, unknown>[] } }).taskDefinition;
    const app = td.containerDefinitions[0] as Record<string, unknown>;
    app.environment = [
      { name: 'PORT', value: '9090' },
      { name: 'GREETING', value: 'hello-plain-value' },
      { name: 'DB_PASSWORD', value: password },
      { name: 'githubToken', value: TOKEN },
      { name: 'DATABASE_URL', value: `postgres://app:${password}@db.internal:5432/shop` },
    ];
    app.secrets = [{ name: 'DB_PASS', valueFrom: secretArn }];
    return copy;
  });
}

function everyFormat(report: Report): Record<string, string> {
  return {
    text: renderText(report),
    markdown: renderMarkdown(report),
    json: renderJson(report),
    slack: JSON.stringify(renderSlackReport(toReportView(report, { mode: 'detect' }))),
  };
}

function expectNoSecrets(outputs: Record<string, string>, values: readonly string[]): void {
  for (const [format, text] of Object.entries(outputs)) {
    for (const value of values) expect(`${format}: ${text.includes(value) ? value : 'clean'}`).toBe(`${format}: clean`);
  }
}

describe('secret values', () => {
  it('never reach the state file, and a warm cache still sees no change', async () => {
    const store = new FileStateStore(join(dir, 'state.json'));
    const docs = withSecrets(PASSWORD, SECRET_ARN);
    const applied = await h.run('apply', docs, { store });
    expect(applied.results.find((r) => r.id === SERVICE)?.outcome).toBe('created');
    const file = readFileSync(join(dir, 'state.json'), 'utf8');
    expect((statSync(join(dir, 'state.json')).mode & 0o777).toString(8)).toBe('600');
    expect(file).toContain('valueSha256');
    // No environment value at all: not the secrets, not even a plain one.
    for (const value of [PASSWORD, TOKEN, 'hello-plain-value'])
      expect(file.includes(value) ? value : 'absent').toBe('absent');

    // The sealed cache is restored from the manifests: no change, and no task definition described again.
    const plan = await h.run('plan', docs, { store });
    expect(plan.changes.filter((c) => c.action !== 'unchanged').map((c) => c.id)).toEqual([]);
    expect(plan.report.apiCalls?.['ecs:DescribeTaskDefinition']).toBeUndefined();
  });

  it('are redacted from a plan in text, Markdown, JSON and Slack, the change itself still listed', async () => {
    const store = new FileStateStore(join(dir, 'state.json'));
    await h.run('apply', withSecrets(PASSWORD, SECRET_ARN), { store });
    const plan = await h.run('plan', withSecrets(NEW_PASSWORD, SECRET_ARN_2), { store });
    const change = plan.report.resources.find((r) => r.id === SERVICE);
    expect(change?.cause).toBe('pending');
    const paths = change?.changes.map((c) => c.path) ?? [];
    expect(paths.some((p) => /\/environment\/\d+\/value$/.test(p))).toBe(true);
    expect(paths.some((p) => p.includes('/secrets'))).toBe(true);
    expectNoSecrets(everyFormat(plan.report), [PASSWORD, NEW_PASSWORD, SECRET_ARN, SECRET_ARN_2, TOKEN]);
    expect(everyFormat(plan.report).text).toContain('[redacted]');
    // The URL keeps its user and host, not its password.
    expect(JSON.stringify(plan.report)).toContain('postgres://app:[redacted]@db.internal:5432/shop');
  });

  it('are redacted from a drift report when a person changed them in the console, and drift is still seen', async () => {
    const store = new FileStateStore(join(dir, 'state.json'));
    const docs = withSecrets(PASSWORD, SECRET_ARN);
    await h.run('apply', docs, { store });
    const consoleEcs = h.consoleClients().ecs;
    const svc = await consoleEcs.send(new DescribeServicesCommand({ cluster: 'shop', services: ['service-b'] }));
    const td = await consoleEcs.send(
      new DescribeTaskDefinitionCommand({ taskDefinition: svc.services?.[0]?.taskDefinition ?? '' }),
    );
    const def = td.taskDefinition ?? {};
    const containers = (def.containerDefinitions ?? []).map((c) =>
      c.name === 'app'
        ? {
            ...c,
            environment: (c.environment ?? []).map((e) =>
              e.name === 'DB_PASSWORD' ? { ...e, value: CONSOLE_PASSWORD } : e,
            ),
          }
        : c,
    );
    const input: RegisterTaskDefinitionCommandInput = {
      family: def.family ?? '',
      containerDefinitions: containers,
      ...(def.cpu ? { cpu: def.cpu } : {}),
      ...(def.memory ? { memory: def.memory } : {}),
      ...(def.networkMode ? { networkMode: def.networkMode } : {}),
      ...(def.requiresCompatibilities ? { requiresCompatibilities: def.requiresCompatibilities } : {}),
      ...(def.runtimePlatform ? { runtimePlatform: def.runtimePlatform } : {}),
      ...(def.executionRoleArn ? { executionRoleArn: def.executionRoleArn } : {}),
      ...(def.taskRoleArn ? { taskRoleArn: def.taskRoleArn } : {}),
      ...(def.proxyConfiguration ? { proxyConfiguration: def.proxyConfiguration } : {}),
    };
    const registered = await consoleEcs.send(new RegisterTaskDefinitionCommand(input));
    await consoleEcs.send(
      new UpdateServiceCommand({
        cluster: 'shop',
        service: 'service-b',
        taskDefinition: registered.taskDefinition?.taskDefinitionArn ?? '',
      }),
    );
    const drift = await h.run('drift', docs, { store });
    const drifted = drift.report.resources.find((r) => r.id === SERVICE);
    expect(drifted?.cause).toBe('drift');
    expect(drifted?.changes.map((c) => [c.path.replace(/\/\d+\//g, '/N/'), c.before, c.after])).toEqual([
      ['/spec/taskDefinition/containerDefinitions/N/environment/N/value', '[redacted]', '[redacted]'],
    ]);
    expectNoSecrets(everyFormat(drift.report), [PASSWORD, CONSOLE_PASSWORD, SECRET_ARN]);
    expect(readFileSync(join(dir, 'state.json'), 'utf8')).not.toContain(CONSOLE_PASSWORD);
  });
});
