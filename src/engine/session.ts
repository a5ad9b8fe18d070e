/**
 * What a CLI command (or the demo) needs before a reconcile: SDK clients for real AWS or for the embedded emulator,
 * and the state store. `--local` starts the emulator in-process with its data under `.meshward/local/` and creates
 * the account infrastructure the manifests assume (ECS clusters, Cloud Map namespaces) and the resources they name
 * by ARN (ELB target groups, listeners and rules, IAM roles), as a real account has.
 */
import { CreateClusterCommand, DescribeClustersCommand } from '@aws-sdk/client-ecs';
import { CreatePrivateDnsNamespaceCommand, ListNamespacesCommand } from '@aws-sdk/client-servicediscovery';
import { join, resolve } from 'node:path';
import { type AwsClients, LOCAL_CREDENTIALS, createAwsClients } from '../aws/clients';
import type { StateStore } from '../core/model';
import { ANNOTATIONS, type ManifestDocument } from '../core/types';
import { namedPrerequisites } from './preflight';
import { type KindRegistry, defaultRegistry } from '../kinds/registry';
import { DEFAULT_STATE_PATH, STATE_STORE_SCHEMES, openStateStore, registerStateStore } from './state-store';

export const LOCAL_DIR = '.meshward/local';
export const LOCAL_VPC = 'vpc-0local0000000000';

export interface SessionOptions {
  cwd: string;
  local?: boolean;
  /** Emulator data directory for --local (default .meshward/local); undefined with `ephemeral`. */
  localDir?: string;
  /** Start the embedded emulator without persistence (the demo, tests). */
  ephemeral?: boolean;
  stateUri?: string;
  endpoint?: string;
  region?: string;
  maxAttempts?: number;
}

export interface Session {
  clients: AwsClients;
  store: StateStore;
  /** The embedded emulator's endpoint, when one runs. */
  endpoint?: string;
  close(): Promise<void>;
}

/**
 * `--state s3://bucket/key`: the operator's S3 backend, loaded only when asked for (the SDK's S3 client is heavy).
 * The CLI and the Lambda then read and write the same state.
 */
function ensureS3Backend(): void {
  if (STATE_STORE_SCHEMES['s3']) return;
  registerStateStore('s3', (uri) => {
    /* eslint-disable @typescript-eslint/no-require-imports */
    const { S3Client } = require('@aws-sdk/client-s3') as typeof import('@aws-sdk/client-s3');
    const { S3StateStore } = require('../operator/s3-state-store') as typeof import('../operator/s3-state-store');
    const { parseS3Uri } = require('../operator/s3-uri') as typeof import('../operator/s3-uri');
    /* eslint-enable @typescript-eslint/no-require-imports */
    const endpoint = process.env['AWS_ENDPOINT_URL'];
    return new S3StateStore(new S3Client({ forcePathStyle: endpoint !== undefined }), parseS3Uri(uri));
  });
}

export async function openSession(options: SessionOptions): Promise<Session> {
  ensureS3Backend();
  if (!options.local) {
    const clients = createAwsClients({
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      ...(options.region ? { region: options.region } : {}),
      ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}),
    });
    return {
      clients,
      store: openStateStore(options.stateUri ?? DEFAULT_STATE_PATH, options.cwd),
      async close() {
        clients.destroy();
      },
    };
  }
  // Loaded only here: commands against real AWS never pay for the emulator.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { startEmulator } = require('../emulator/server') as typeof import('../emulator/server');
  const dataDir = options.ephemeral ? undefined : resolve(options.cwd, options.localDir ?? LOCAL_DIR);
  // S3 too, under the same data directory as `publish --local` and `reconcile --local`: one local account, so
  // `plan s3://... --local` reads what `publish --local` uploaded. Ephemeral runs (demo, tests) read no S3.
  const emulator = await startEmulator({ port: 0, ...(dataDir ? { dataDir, s3: true } : {}) });
  const clients = createAwsClients({
    endpoint: emulator.endpoint,
    region: emulator.region,
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: options.maxAttempts ?? 3,
  });
  const stateUri = options.stateUri ?? join(options.localDir ?? LOCAL_DIR, 'state.json');
  return {
    clients,
    store: openStateStore(stateUri, options.cwd),
    endpoint: emulator.endpoint,
    async close() {
      clients.destroy();
      await emulator.stop();
    },
  };
}

/** The clusters and Cloud Map namespaces the manifests run in: infrastructure, created outside meshward. */
export function infrastructureOf(
  docs: readonly ManifestDocument[],
  registry: KindRegistry = defaultRegistry,
): { clusters: string[]; namespaces: string[] } {
  const clusters = new Set<string>();
  const namespaces = new Set<string>();
  for (const doc of docs) {
    const kind = registry.find(doc.kind);
    for (const need of kind?.infrastructure?.(doc) ?? []) {
      (need.type === 'ecs-cluster' ? clusters : namespaces).add(need.name);
    }
  }
  // A namespace the manifests declare as a resource is meshward's to create, not infrastructure to seed.
  for (const doc of docs) {
    const ref = registry.refOf(doc);
    // A placeholder names infrastructure someone else runs: it is seeded like any other.
    if (doc.metadata.annotations?.[ANNOTATIONS.placeholder] === 'true') continue;
    for (const need of ref ? (registry.find(doc.kind)?.provides?.(ref) ?? []) : []) {
      (need.type === 'ecs-cluster' ? clusters : namespaces).delete(need.name);
    }
  }
  return { clusters: [...clusters].sort(), namespaces: [...namespaces].sort() };
}

/** Creates what is missing of `infrastructureOf(docs)` in the emulator (never used against real AWS). */
export async function seedLocalInfrastructure(
  clients: AwsClients,
  docs: readonly ManifestDocument[],
  registry: KindRegistry = defaultRegistry,
): Promise<void> {
  const { clusters, namespaces } = infrastructureOf(docs, registry);
  if (clusters.length > 0) {
    const found = await clients.ecs.send(new DescribeClustersCommand({ clusters }));
    const active = new Set((found.clusters ?? []).filter((c) => c.status === 'ACTIVE').map((c) => c.clusterName));
    for (const name of clusters) {
      if (!active.has(name)) await clients.ecs.send(new CreateClusterCommand({ clusterName: name }));
    }
  }
  if (namespaces.length > 0) {
    const existing = new Set<string>();
    let nextToken: string | undefined;
    do {
      const out = await clients.cloudMap.send(new ListNamespacesCommand({ NextToken: nextToken }));
      for (const ns of out.Namespaces ?? []) if (ns.Name) existing.add(ns.Name);
      nextToken = out.NextToken;
    } while (nextToken);
    for (const name of namespaces) {
      if (!existing.has(name)) {
        await clients.cloudMap.send(
          new CreatePrivateDnsNamespaceCommand({
            Name: name,
            Vpc: LOCAL_VPC,
            CreatorRequestId: `meshward-local-${name}`,
          }),
        );
      }
    }
  }
  await seedLocalPrerequisites(clients, docs, registry);
}

/** A role ECS tasks may assume: the trust policy an account's task roles carry. */
const ECS_TASKS_TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});

/**
 * The ARNs the manifests name (preflight.ts namedPrerequisites) made to exist in the emulator: roles through IAM's
 * CreateRole (name and path from the ARN), ELB resources through the emulator's seed endpoint, since their ARNs
 * carry ids AWS chose, which no Create call can be told.
 */
async function seedLocalPrerequisites(
  clients: AwsClients,
  docs: readonly ManifestDocument[],
  registry: KindRegistry,
): Promise<void> {
  const named = namedPrerequisites(docs, registry);
  for (const p of named.filter((n) => n.type === 'iam-role')) {
    const [, path, name] = /:role(\/(?:[^/]+\/)*)([^/]+)$/.exec(p.arn) ?? [];
    if (name === undefined || path === undefined) continue;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { CreateRoleCommand } = require('@aws-sdk/client-iam') as typeof import('@aws-sdk/client-iam');
    await clients.iam
      .send(new CreateRoleCommand({ RoleName: name, Path: path, AssumeRolePolicyDocument: ECS_TASKS_TRUST }))
      .catch((err: unknown) => {
        if ((err as { name?: string }).name !== 'EntityAlreadyExistsException') throw err;
      });
  }
  const elb = (type: string): string[] => named.filter((n) => n.type === type).map((n) => n.arn);
  const seed = {
    targetGroups: elb('elb-target-group'),
    listeners: elb('elb-listener'),
    rules: elb('elb-listener-rule'),
  };
  if (seed.targetGroups.length + seed.listeners.length + seed.rules.length === 0) return;
  const endpoint = clients.endpoint ?? process.env['AWS_ENDPOINT_URL'];
  if (endpoint === undefined) return;
  const res = await fetch(new URL('/_emulator/elbv2/seed', endpoint), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(seed),
  });
  if (!res.ok) throw new Error(`the emulator refused to seed load balancer resources: ${await res.text()}`);
}
