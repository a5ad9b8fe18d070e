/**
 * Names follow the APIs' name rules at validation (issue 12: an ANSI escape in a name reached the terminal raw and a
 * newline forged report lines). The schemas are generated (scripts/gen-schemas.ts NAME_RULES and the Cloud Map
 * model patterns); these checks go through the same validation the CLI and the Lambda run.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateFiles } from '../../src/manifest/validate';

// service-b and its mesh: a set that validates as is.
const SERVICE_B = `${readFileSync(join(__dirname, '../../manifests/mesh.yaml'), 'utf8')}\n---\n${readFileSync(
  join(__dirname, '../../manifests/service-b.yaml'),
  'utf8',
)}`;

function check(text: string): { valid: boolean; messages: string[] } {
  const { issues, valid } = validateFiles([{ name: 'm.yaml', bytes: new TextEncoder().encode(text) }]);
  return { valid, messages: issues.map((i) => `${i.pointer ?? ''} ${i.message}`) };
}

const node = (name: string, mesh = 'shop', cloudMapService = 'orders'): string => `apiVersion: meshward.dev/v1alpha1
kind: VirtualNode
metadata:
  name: ${JSON.stringify(name)}
  mesh: ${JSON.stringify(mesh)}
spec:
  listeners:
    - portMapping: { port: 8080, protocol: http }
  serviceDiscovery:
    awsCloudMap: { namespaceName: shop.local, serviceName: ${JSON.stringify(cloudMapService)} }
`;

describe('name rules', () => {
  it('accepts the names AWS accepts (the reference manifests, DNS-like virtual service names)', () => {
    // Other rules (the mesh is not declared here) may complain; the name rules must not.
    expect(check(node('orders-v2_blue', 'shop.prod')).messages.filter((m) => m.includes('must be'))).toEqual([]);
    expect(check(SERVICE_B).messages).toEqual([]);
  });

  it.each([
    ['an ANSI escape', '\u001b[31mred'],
    ['a newline that would forge a report line', 'orders\n+ EcsService/shop/x created'],
    ['a bidi override', 'orders\u202etxt.exe'],
    ['a slash (it would change the API path)', 'shop/../other'],
    ['a space', 'my node'],
    ['a leading dot', '.hidden'],
  ])('refuses %s in an App Mesh name, with the rule in the message', (_label, name) => {
    const result = check(node(name));
    expect(result.valid).toBe(false);
    expect(result.messages.join('\n')).toContain(
      '/metadata/name must be an App Mesh name: 1 to 255 letters, digits, ".", "_" or "-", beginning with a letter or a digit',
    );
    // The bad value is quoted as JSON: no raw control character reaches the message (escaping bidi characters in
    // every output is the renderers' job).
    expect([...result.messages.join('\n')].filter((c) => c.charCodeAt(0) < 0x20 && c !== '\n')).toEqual([]);
  });

  it('checks names a spec or metadata refers to as well (mesh, Cloud Map service)', () => {
    expect(check(node('orders', 'shop\u001b]0;pwned\u0007')).messages.join('\n')).toContain(
      '/metadata/mesh must be an App Mesh name',
    );
    expect(check(node('orders', 'shop', 'orders service')).messages.join('\n')).toContain(
      '/spec/serviceDiscovery/awsCloudMap/serviceName must be a Cloud Map service name',
    );
  });

  it.each([
    [
      'the service name',
      (t: string) => t.replace(/(kind: EcsService\nmetadata:\n {2}name:) service-b/, '$1 "service b"'),
      '/metadata/name must be an ECS name',
    ],
    [
      'the family',
      (t: string) => t.replace('family: shop-service-b', 'family: "shop/service-b"'),
      '/spec/taskDefinition/family must be an ECS name',
    ],
    [
      'a container name',
      (t: string) => t.replace('- name: app', '- name: "app\\u001b[2J"'),
      '/spec/taskDefinition/containerDefinitions/0/name must be an ECS name',
    ],
    [
      'the cluster',
      (t: string) => t.replace(/cluster: .*/, 'cluster: "shop\\ncluster"'),
      '/spec/cluster must be an ECS cluster name',
    ],
  ])('refuses a bad ECS name in %s', (_label, edit, message) => {
    const text = edit(SERVICE_B);
    expect(text).not.toBe(SERVICE_B);
    const result = check(text);
    expect(result.valid).toBe(false);
    expect(result.messages.join('\n')).toContain(message);
  });

  it('takes a cluster ARN where ECS does', () => {
    const text = SERVICE_B.replace(/cluster: .*/, 'cluster: arn:aws:ecs:us-east-1:111122223333:cluster/shop');
    expect(check(text).messages).toEqual([]);
  });
});
