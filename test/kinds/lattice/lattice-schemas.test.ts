/**
 * The Lattice document schemas are generated from aws-models/vpc-lattice-2022-11-30.json: the committed file is a
 * fresh generation, each spec is its Create* input key for key (what metadata carries aside), the model's
 * constraints hold (weights 0..999, priorities 1..2000, 1..5 header matches, anchored name patterns), and forward
 * actions name target groups by name.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  ALWAYS_OMITTED,
  LATTICE_KIND_INPUTS,
  LATTICE_KIND_NAMES,
  LATTICE_SCHEMAS_FILE,
  generateLatticeSchemas,
} from '../../../scripts/gen-lattice-schemas';
import { compileKindSchema } from '../../../src/manifest/schema';
import { LATTICE_DOCUMENT_SCHEMAS } from '../../../src/kinds/shared/lattice-schemas';

const ROOT = resolve(__dirname, '../../..');
const model = JSON.parse(readFileSync(resolve(ROOT, 'aws-models/vpc-lattice-2022-11-30.json'), 'utf8')) as {
  shapes: Record<string, { members?: Record<string, unknown> }>;
};

function validate(doc: unknown): string[] {
  const schema = LATTICE_DOCUMENT_SCHEMAS[String((doc as { kind: string }).kind)] as object;
  return compileKindSchema(schema)
    .validate(doc)
    .map((p) => `${p.pointer} ${p.message}`);
}

const rule = (spec: unknown) => ({
  apiVersion: 'meshward.dev/v1alpha1',
  kind: 'LatticeRule',
  metadata: { name: 'canary', service: 'checkout', listener: 'http' },
  spec,
});
const forward = (targetGroups: unknown[]) => ({ forward: { targetGroups } });
const exact = (name: string) => ({ name, match: { exact: 'x' } });

it('is a fresh generation of the model', () => {
  expect(readFileSync(resolve(ROOT, LATTICE_SCHEMAS_FILE), 'utf8')).toBe(generateLatticeSchemas(ROOT));
});

it.each(LATTICE_KIND_NAMES)('%s spec is its Create input key for key', (kind) => {
  const { input, omit } = LATTICE_KIND_INPUTS[kind];
  const members = Object.keys(model.shapes[input]?.members ?? {});
  const expected = members
    .filter((m) => !(omit as readonly string[]).includes(m) && !ALWAYS_OMITTED.includes(m))
    .sort();
  const schema = LATTICE_DOCUMENT_SCHEMAS[kind] as { definitions: Record<string, { properties?: object }> };
  expect(Object.keys(schema.definitions[`${kind}Spec`]?.properties ?? {}).sort()).toEqual(expected);
});

it('keeps the model constraints and names target groups by name', () => {
  const ok = {
    priority: 10,
    match: { httpMatch: { headerMatches: [exact('x-canary')] } },
    action: forward([{ targetGroupIdentifier: 'checkout-v2' }]),
  };
  expect(validate(rule(ok))).toEqual([]);
  expect(validate(rule({ ...ok, priority: 2001 })).join()).toMatch(/priority/);
  expect(
    validate(rule({ ...ok, action: forward([{ targetGroupIdentifier: 'checkout-v2', weight: 1000 }]) })).join(),
  ).toMatch(/weight/);
  // An id is not a name: the schema wants the meshward name of a declared target group.
  expect(
    validate(rule({ ...ok, action: forward([{ targetGroupIdentifier: 'tg-0123456789abcdefg' }]) })).join(),
  ).toMatch(/targetGroupIdentifier/);
  const six = ['a', 'b', 'c', 'd', 'e', 'f'].map((n) => exact(`x-${n}`));
  expect(validate(rule({ ...ok, match: { httpMatch: { headerMatches: six } } })).join()).toMatch(/headerMatches/);
  expect(validate({ ...rule(ok), metadata: { name: 'rule-x', service: 'checkout', listener: 'http' } }).join()).toMatch(
    /name/,
  );
  expect(validate({ ...rule(ok), metadata: { name: 'ok-name', service: 'svc-abc', listener: 'http' } }).join()).toMatch(
    /service/,
  );
});

it('wants exactly one owner for a policy or an access log subscription', () => {
  const doc = (metadata: object) => ({
    apiVersion: 'meshward.dev/v1alpha1',
    kind: 'LatticeAuthPolicy',
    metadata,
    spec: { policy: '{}' },
  });
  expect(validate(doc({ service: 'checkout' }))).toEqual([]);
  expect(validate(doc({}))).not.toEqual([]);
  expect(validate(doc({ service: 'checkout', serviceNetwork: 'shop' }))).not.toEqual([]);
});
