/**
 * Whether meshward's schemas know the successor kinds yet (the Service Connect and Lattice kinds are built in
 * parallel with migrate): the output is validated with `meshward validate` as soon as they do, and checked against
 * the AWS models always.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../scripts/gen-schemas';
import { defaultRegistry } from '../../src/kinds/registry';

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

/** The EcsService schema accepts these members (serviceConnectConfiguration, vpcLatticeConfigurations). */
export function schemaKnowsEcsMembers(members: readonly string[]): boolean {
  const spec = ecsServiceSpec();
  return schemaAllowsPlainEcs() && members.every((m) => spec?.properties?.[m] !== undefined);
}

/** Every kind is registered (its schema comes with it) and the EcsService schema takes the members used. */
export function schemaKnowsKinds(kinds: readonly string[], ecsMembers: readonly string[] = []): boolean {
  return (
    kinds.every((k) => defaultRegistry.has(k)) && (!kinds.includes('EcsService') || schemaKnowsEcsMembers(ecsMembers))
  );
}
