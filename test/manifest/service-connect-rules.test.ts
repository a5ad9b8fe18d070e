/** Service Connect validation beyond the schema (issue 9): each rule, at the pointer a person would look at. */
import { stringify } from 'yaml';
import type { ManifestDocument } from '../../src/core/types';
import { validateFiles } from '../../src/manifest/validate';

const ns: ManifestDocument = {
  apiVersion: 'meshward.dev/v1alpha1',
  kind: 'CloudMapNamespace',
  metadata: { name: 'shop.local' },
  spec: { type: 'HTTP' },
};

function svc(
  name: string,
  sc: Record<string, unknown>,
  td: Record<string, unknown> = {},
  extra = {},
): ManifestDocument {
  return {
    apiVersion: 'meshward.dev/v1alpha1',
    kind: 'EcsService',
    metadata: { name },
    spec: {
      cluster: 'shop',
      desiredCount: 1,
      taskDefinition: {
        family: name,
        memory: '512',
        containerDefinitions: [
          {
            name: 'app',
            image: 'x',
            portMappings: [
              { containerPort: 8080, name: 'http', appProtocol: 'http' },
              { containerPort: 6379, name: 'tcp' },
            ],
          },
        ],
        ...td,
      },
      serviceConnectConfiguration: { enabled: true, namespace: 'shop.local', ...sc },
      ...extra,
    },
  };
}

function issues(...docs: ManifestDocument[]): string[] {
  const file = { name: 'sc.yaml', bytes: new TextEncoder().encode(docs.map((d) => stringify(d)).join('---\n')) };
  return validateFiles([file]).issues.map((i) => `${i.code} ${i.pointer}`);
}

const SC = '/spec/serviceConnectConfiguration';

describe('Service Connect rules', () => {
  it('accepts a valid server and client', () => {
    expect(
      issues(ns, svc('a', { services: [{ portName: 'http', clientAliases: [{ port: 80 }] }] }), svc('b', {})),
    ).toEqual([]);
  });

  it('requires the namespace to be declared (or the document annotated external)', () => {
    expect(issues(svc('a', {}))).toEqual([`DANGLING_REFERENCE ${SC}/namespace`]);
    const external = svc('a', {});
    external.metadata.annotations = { 'meshward.dev/external': 'true' };
    expect(issues(external)).toEqual([]);
  });

  it('checks portName, one alias per entry, no per-request timeout on TCP, task memory, and one mesh', () => {
    expect(issues(ns, svc('a', { services: [{ portName: 'grpc' }] }))).toEqual([`PORT_NAME ${SC}/services/0/portName`]);
    expect(
      issues(ns, svc('a', { services: [{ portName: 'http', clientAliases: [{ port: 80 }, { port: 81 }] }] })),
    ).toEqual([`CLIENT_ALIASES ${SC}/services/0/clientAliases`]);
    expect(issues(ns, svc('a', { services: [{ portName: 'tcp', timeout: { perRequestTimeoutSeconds: 5 } }] }))).toEqual(
      [`TCP_PER_REQUEST_TIMEOUT ${SC}/services/0/timeout/perRequestTimeoutSeconds`],
    );
    const noMemory = svc('a', {});
    delete (noMemory.spec['taskDefinition'] as Record<string, unknown>)['memory'];
    expect(issues(ns, noMemory)).toEqual(['TASK_MEMORY /spec/taskDefinition']);
    const both = svc(
      'a',
      {},
      {},
      {
        appMesh: { mesh: 'shop', virtualNode: 'a', envoy: { image: 'envoy' } },
      },
    );
    const mesh: ManifestDocument = {
      apiVersion: 'meshward.dev/v1alpha1',
      kind: 'Mesh',
      metadata: { name: 'shop' },
      spec: {},
    };
    expect(issues(ns, mesh, both)).toEqual(expect.arrayContaining([`MESH_CONFLICT ${SC}`]));
  });

  it('keeps client alias name + port unique in the namespace across the set (with the default dnsName)', () => {
    const a = svc('a', { services: [{ portName: 'http', discoveryName: 'api', clientAliases: [{ port: 80 }] }] });
    const b = svc('b', { services: [{ portName: 'http', clientAliases: [{ port: 80, dnsName: 'api.shop.local' }] }] });
    expect(issues(ns, a, b)).toEqual([
      `DUPLICATE_ALIAS ${SC}/services/0/clientAliases/0`,
      `DUPLICATE_ALIAS ${SC}/services/0/clientAliases/0`,
    ]);
  });
});
