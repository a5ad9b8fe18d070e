/**
 * Emulator throughput: describe calls per second through the real SDK clients over HTTP on this machine.
 * Run with `npx tsx bench/emulator.ts [seconds]`. Not part of `npm test`.
 */
import {
  AppMeshClient,
  CreateMeshCommand,
  CreateVirtualNodeCommand,
  DescribeVirtualNodeCommand,
} from '@aws-sdk/client-app-mesh';
import { CreateClusterCommand, DescribeClustersCommand, ECSClient } from '@aws-sdk/client-ecs';
import { cpus } from 'node:os';
import { startEmulator } from '../src/emulator/server';

const credentials = { accessKeyId: 'bench', secretAccessKey: 'bench' };

async function measure(
  label: string,
  seconds: number,
  concurrency: number,
  call: () => Promise<unknown>,
): Promise<number> {
  // Warm up the SDK (middleware stack, keep-alive sockets) before timing.
  for (let i = 0; i < 50; i += 1) await call();
  let count = 0;
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        await call();
        count += 1;
      }
    }),
  );
  const rate = count / ((performance.now() - started) / 1000);
  process.stdout.write(
    `${label.padEnd(44)} concurrency ${String(concurrency).padStart(2)}: ${rate.toFixed(0).padStart(6)} calls/s\n`,
  );
  return rate;
}

async function main(): Promise<void> {
  const seconds = Number(process.argv[2] ?? 3);
  const emulator = await startEmulator();
  try {
    const appMesh = new AppMeshClient({ endpoint: emulator.endpoint, region: 'us-east-1', credentials });
    const ecs = new ECSClient({ endpoint: emulator.endpoint, region: 'us-east-1', credentials });
    await appMesh.send(new CreateMeshCommand({ meshName: 'bench' }));
    await appMesh.send(
      new CreateVirtualNodeCommand({
        meshName: 'bench',
        virtualNodeName: 'node',
        spec: {
          listeners: [{ portMapping: { port: 8080, protocol: 'http' } }],
          serviceDiscovery: { dns: { hostname: 'node.local' } },
        },
      }),
    );
    await ecs.send(new CreateClusterCommand({ clusterName: 'bench' }));
    process.stdout.write(
      `node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'}), ${seconds}s per run\n`,
    );
    const describeNode = () =>
      appMesh.send(new DescribeVirtualNodeCommand({ meshName: 'bench', virtualNodeName: 'node' }));
    const describeCluster = () => ecs.send(new DescribeClustersCommand({ clusters: ['bench'] }));
    for (const concurrency of [1, 8])
      await measure('App Mesh DescribeVirtualNode (rest-json)', seconds, concurrency, describeNode);
    for (const concurrency of [1, 8])
      await measure('ECS DescribeClusters (json 1.1)', seconds, concurrency, describeCluster);
    const { totals } = emulator.stats.snapshot();
    process.stdout.write(`emulator served ${totals.calls} calls, ${totals.errors} errors\n`);
  } finally {
    await emulator.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
