/**
 * How long `validateManifests` takes on a large manifest set: 1,000 resources across 100 files, written to a
 * temporary directory. Run with `npx tsx bench/validate.ts`; prints the time (cold, with schema compilation, and
 * warm) and the peak RSS. Not part of `npm test`: timings depend on the machine.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadFiles } from '../src/manifest/load';
import { loadDocumentSchema } from '../src/manifest/schema';
import { checkSemantics } from '../src/manifest/semantic';
import { FileSystemSource } from '../src/manifest/sources';
import { validateManifests } from '../src/manifest/validate';

function time<T>(work: () => T): [T, number] {
  const started = performance.now();
  const value = work();
  return [value, performance.now() - started];
}

const FILES = 100;
const RESOURCES_PER_FILE = 10;

const mesh = `apiVersion: meshward.dev/v1alpha1
kind: Mesh
metadata:
  name: bench
spec:
  egressFilter:
    type: DROP_ALL
`;

/** One service: node, router, route, virtual service, ECS service; two per file make ten resources. */
function service(i: number): string {
  const name = `svc-${i}`;
  return `apiVersion: meshward.dev/v1alpha1
kind: VirtualNode
metadata:
  name: ${name}
  mesh: bench
  tags:
    team: t${i % 7}
spec:
  listeners:
    - portMapping:
        port: 8080
        protocol: http
      healthCheck:
        protocol: http
        path: /health
        intervalMillis: 10000
        timeoutMillis: 2000
        healthyThreshold: 2
        unhealthyThreshold: 3
      connectionPool:
        http:
          maxConnections: 100
          maxPendingRequests: 50
      outlierDetection:
        maxServerErrors: 5
        interval: 10s
        baseEjectionDuration: 30s
        maxEjectionPercent: 50
      timeout:
        http:
          perRequest: 15s
          idle: 60s
  backends:
    - virtualService:
        virtualServiceName: svc-${(i + 1) % (FILES * 2)}.bench.local
  serviceDiscovery:
    awsCloudMap:
      namespaceName: bench.local
      serviceName: ${name}
---
apiVersion: meshward.dev/v1alpha1
kind: VirtualRouter
metadata:
  name: ${name}
  mesh: bench
spec:
  listeners:
    - portMapping:
        port: 8080
        protocol: http
---
apiVersion: meshward.dev/v1alpha1
kind: Route
metadata:
  name: default
  mesh: bench
  virtualRouter: ${name}
spec:
  httpRoute:
    match:
      prefix: /
      headers:
        - name: x-canary
          match:
            exact: "false"
    action:
      weightedTargets:
        - virtualNode: ${name}
          weight: 1
    retryPolicy:
      maxRetries: 2
      perRetryTimeout: 2s
      httpRetryEvents: [server-error]
    timeout:
      perRequest: 15s
      idle: 60s
---
apiVersion: meshward.dev/v1alpha1
kind: VirtualService
metadata:
  name: ${name}.bench.local
  mesh: bench
spec:
  provider:
    virtualRouter:
      virtualRouterName: ${name}
---
apiVersion: meshward.dev/v1alpha1
kind: EcsService
metadata:
  name: ${name}
spec:
  cluster: bench
  launchType: FARGATE
  desiredCount: 2
  networkConfiguration:
    awsvpcConfiguration:
      subnets: [subnet-0a1b2c3d4e5f60001]
  taskDefinition:
    family: ${name}
    cpu: "256"
    memory: "512"
    networkMode: awsvpc
    containerDefinitions:
      - name: app
        image: example/${name}:1
        portMappings:
          - containerPort: 8080
  appMesh:
    mesh: bench
    virtualNode: ${name}
    envoy:
      image: aws-appmesh-envoy:v1.29.12.1-prod
`;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'meshward-bench-'));
  try {
    let resources = 1;
    for (let f = 0; f < FILES; f++) {
      const services = [service(f * 2), service(f * 2 + 1)];
      const text = (f === 0 ? [mesh, ...services] : services).join('---\n');
      writeFileSync(path.join(dir, `file-${String(f).padStart(3, '0')}.yaml`), text);
      resources += RESOURCES_PER_FILE;
    }
    const timings: number[] = [];
    const cpu: number[] = [];
    let documents = 0;
    for (let run = 0; run < 4; run++) {
      const started = performance.now();
      const cpuStarted = process.cpuUsage();
      const result = await validateManifests([dir], { cwd: dir });
      timings.push(performance.now() - started);
      const used = process.cpuUsage(cpuStarted);
      // CPU time as well as wall time: on a shared machine the wall clock mostly measures the neighbours.
      cpu.push((used.user + used.system) / 1000);
      documents = result.documents.length;
      if (!result.valid) throw new Error(`bench manifests are invalid: ${JSON.stringify(result.issues.slice(0, 3))}`);
    }
    const [cold, ...warm] = timings;
    // Where the warm time goes, stage by stage.
    const started = performance.now();
    const files = await new FileSystemSource('.', dir).list();
    const readMs = performance.now() - started;
    const [loaded, loadMs] = time(() => loadFiles(files));
    const schema = loadDocumentSchema();
    const [, schemaMs] = time(() => loaded.documents.map((d) => schema.validate(d.doc)));
    const [, semanticMs] = time(() => checkSemantics(loaded.documents));
    const report = {
      files: FILES,
      resources,
      documents,
      coldMs: Math.round(cold ?? 0),
      warmMs: Math.round(Math.min(...warm)),
      coldCpuMs: Math.round(cpu[0] ?? 0),
      warmCpuMs: Math.round(Math.min(...cpu.slice(1))),
      loadAverage: Number((loadavg()[0] ?? 0).toFixed(1)),
      peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
      stagesMs: {
        read: Math.round(readMs),
        parse: Math.round(loadMs),
        schema: Math.round(schemaMs),
        semantic: Math.round(semanticMs),
      },
    };
    console.log(
      `validateManifests: ${report.documents} documents (${report.resources} resources) in ${report.files} files: ` +
        `${report.coldMs} ms cold (schema compilation included; ${report.coldCpuMs} ms CPU), ${report.warmMs} ms warm ` +
        `(${report.warmCpuMs} ms CPU); peak RSS ${report.peakRssMiB} MiB; load average ${report.loadAverage}; ` +
        `warm stages: read ${report.stagesMs.read} ms, parse ${report.stagesMs.parse} ms, schema ${report.stagesMs.schema} ms, ` +
        `semantic ${report.stagesMs.semantic} ms`,
    );
    console.log(JSON.stringify(report));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
