/**
 * Issue 12: a conflict blocks everything that would live in or point at the unowned resource, and `plan` says so
 * per resource as `apply` does. Through run(argv), the real SDK and the emulator as "AWS" (AWS_ENDPOINT_URL): a
 * person made the Service Connect example's namespace by hand, untagged; plan lists every ECS service of the
 * example as blocked by it (text and JSON), counts no create, exits 4, and apply writes nothing at all.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ListServicesCommand } from '@aws-sdk/client-ecs';
import { CreateHttpNamespaceCommand } from '@aws-sdk/client-servicediscovery';
import { type AwsClients, LOCAL_CREDENTIALS, createAwsClients } from '../../src/aws/clients';
import * as apply from '../../src/cli/commands/apply';
import * as plan from '../../src/cli/commands/plan';
import type { CliIO } from '../../src/cli/output';
import type { JsonReport } from '../../src/core/report';
import { seedLocalInfrastructure } from '../../src/engine/session';
import { type Emulator, startEmulator } from '../../src/emulator/server';
import { validateManifests } from '../../src/manifest/validate';

const EXAMPLE = resolve(__dirname, '../../examples/service-connect');
const ENV = ['AWS_ENDPOINT_URL', 'AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_PROFILE'] as const;
const NAMESPACE = 'CloudMapNamespace/shop.local';

let emulator: Emulator;
let clients: AwsClients;
let cwd: string;
const saved: Record<string, string | undefined> = {};

function capture(): { io: CliIO; out(): string; err(): string } {
  let out = '';
  let err = '';
  return {
    io: {
      stdout: { write: (t: string) => (out += t) },
      stderr: { write: (t: string) => (err += t) },
      env: { NO_COLOR: '1' },
      cwd,
    },
    out: () => out,
    err: () => err,
  };
}

beforeAll(async () => {
  emulator = await startEmulator({ port: 0 });
  for (const k of ENV) saved[k] = process.env[k];
  process.env['AWS_ENDPOINT_URL'] = emulator.endpoint;
  process.env['AWS_REGION'] = emulator.region;
  process.env['AWS_ACCESS_KEY_ID'] = LOCAL_CREDENTIALS.accessKeyId;
  process.env['AWS_SECRET_ACCESS_KEY'] = LOCAL_CREDENTIALS.secretAccessKey;
  delete process.env['AWS_PROFILE'];
  clients = createAwsClients({ endpoint: emulator.endpoint, region: emulator.region, credentials: LOCAL_CREDENTIALS });
  cwd = mkdtempSync(join(tmpdir(), 'meshward-conflict-'));
  cpSync(EXAMPLE, join(cwd, 'manifests'), { recursive: true });
});

afterAll(async () => {
  clients.destroy();
  await emulator.stop();
  rmSync(cwd, { recursive: true, force: true });
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

it("a person's untagged namespace: plan lists the ECS services as blocked by it, apply writes nothing", async () => {
  const v = await validateManifests([join(cwd, 'manifests')]);
  const services = v.documents.filter((d) => d.doc.kind === 'EcsService').map((d) => d.doc.metadata.name);
  expect(services.length).toBeGreaterThanOrEqual(3);
  // The cluster exists (the account's infrastructure); the namespace a person made in the console, without tags.
  await seedLocalInfrastructure(
    clients,
    v.documents.map((d) => d.doc),
  );
  await clients.cloudMap.send(new CreateHttpNamespaceCommand({ Name: 'shop.local', CreatorRequestId: 'console-1' }));

  const text = capture();
  expect(await plan.run(['manifests'], text.io)).toBe(4);
  const out = text.out();
  expect(out).toContain(`! ${NAMESPACE}`);
  for (const name of services) {
    expect(out).toContain(`+ EcsService/shop/${name}  (new)  blocked by ${NAMESPACE}`);
  }
  expect(out).toMatch(/blocked by CloudMapNamespace\/shop\.local: not managed by this stack/);
  expect(out).toContain(`Summary: 0 to create (${services.length} blocked)`);

  const json = capture();
  expect(await plan.run(['manifests', '-o', 'json'], json.io)).toBe(4);
  const report = JSON.parse(json.out()) as JsonReport;
  expect(report.exitCode).toBe(4);
  expect(report.summary.blocked).toEqual({ create: services.length });
  const ecs = report.resources.filter((r) => r.kind === 'EcsService');
  expect(ecs.map((r) => r.id).sort()).toEqual(services.map((n) => `EcsService/shop/${n}`).sort());
  for (const r of ecs) {
    expect(r).toMatchObject({ action: 'create', blockedBy: NAMESPACE });
    expect(r.skippedReason).toMatch(/^blocked by .*not managed by this stack$/);
  }

  const md = capture();
  expect(await plan.run(['manifests', '-o', 'markdown'], md.io)).toBe(4);
  expect(md.out()).toContain(`| create | 0 (${services.length} blocked) |`);

  // apply agrees with the plan: every ECS service blocked, naming the namespace, and not one write.
  const before = emulator.servedWrites().length;
  const applied = capture();
  expect(await apply.run(['manifests', '--auto-approve', '-o', 'json'], applied.io)).toBe(4);
  expect(emulator.servedWrites().slice(before)).toEqual([]);
  const after = JSON.parse(applied.out()) as JsonReport;
  for (const r of after.resources.filter((x) => x.kind === 'EcsService')) {
    expect(r).toMatchObject({ outcome: 'blocked', blockedBy: NAMESPACE, error: { code: 'CONFLICT' } });
  }
  const listed = await clients.ecs.send(new ListServicesCommand({ cluster: 'shop' }));
  expect(listed.serviceArns ?? []).toEqual([]);
});
