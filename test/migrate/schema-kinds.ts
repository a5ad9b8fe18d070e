/**
 * Whether meshward's schemas know the successor kinds yet (the Service Connect and Lattice kinds are built in
 * parallel with migrate): the output is validated with `meshward validate` as soon as they do, and checked against
 * the AWS models always.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../scripts/gen-schemas';

function ecsServiceSpec(): { properties?: Record<string, unknown>; required?: string[] } | undefined {
  const file = join(repoRoot(), 'schemas', 'ecs-service.schema.json');
  if (!existsSync(file)) return undefined;
  const schema = JSON.parse(readFileSync(file, 'utf8')) as {
    definitions?: Record<string, { properties?: Record<string, unknown>; required?: string[] }>;
  };
  return schema.definitions?.['EcsServiceSpec'];
}

/** An EcsService without appMesh validates (the architecture refactor made the attachment optional). */
export function schemaAllowsPlainEcs(): boolean {
  const spec = ecsServiceSpec();
  return spec !== undefined && !(spec.required ?? []).includes('appMesh');
}

/** EcsService with serviceConnectConfiguration and vpcLatticeConfigurations validates. */
export function schemaKnowsServiceConnect(): boolean {
  const spec = ecsServiceSpec();
  return (
    schemaAllowsPlainEcs() &&
    spec?.properties?.['serviceConnectConfiguration'] !== undefined &&
    spec.properties['vpcLatticeConfigurations'] !== undefined
  );
}

export function schemaKnowsKinds(kinds: readonly string[]): boolean {
  // The any-document schema selects a kind's schema by `"const": "<Kind>"`, whatever its layout.
  const text = readFileSync(join(repoRoot(), 'schemas', 'meshward.schema.json'), 'utf8').replace(/\s+/g, '');
  const knowsServiceConnect = !kinds.includes('EcsService') || schemaKnowsServiceConnect();
  return knowsServiceConnect && kinds.every((k) => k === 'EcsService' || text.includes(`"const":"${k}"`));
}
