/**
 * Issue 9: every registered kind is in the whole-document schema editors use (`schemas/meshward.schema.json`), in a
 * schema file of its own and in the manifest reference, read from the registry, so a kind that brings its own
 * schema (Cloud Map, VPC Lattice, a kind added later) cannot be left out.
 */
import Ajv from 'ajv';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadExamples, REFERENCE_FILE } from '../../scripts/gen-docs';
import { ANY_DOCUMENT_FILE, ownSchemaKinds, repoRoot, type JsonSchema } from '../../scripts/gen-schemas';
import { KINDS, KindRegistry, defaultRegistry } from '../../src/kinds/registry';
import { PROBE_KIND, probeServiceKind } from '../kinds/throwaway/probe-service-kind';

const ROOT = repoRoot();
const whole = JSON.parse(readFileSync(join(ROOT, 'schemas', ANY_DOCUMENT_FILE), 'utf8')) as JsonSchema;
const page = readFileSync(join(ROOT, REFERENCE_FILE), 'utf8');
const kinds = defaultRegistry.names();
const validate = new Ajv({ allErrors: true, strict: false }).compile(whole);

function kindEnum(): unknown {
  return ((whole['if'] as JsonSchema)['properties'] as Record<string, JsonSchema>)['kind']?.['enum'];
}

describe('every registered kind', () => {
  it('is a kind of meshward.schema.json, with its document definition', () => {
    expect([...(kindEnum() as string[])].sort()).toEqual([...kinds].sort());
    const defs = whole['definitions'] as Record<string, JsonSchema>;
    for (const kind of kinds) expect(defs[`${kind}Document`] ? kind : `${kind} (no document)`).toBe(kind);
  });

  it('has its section in the manifest reference and a row in its kinds table', () => {
    for (const kind of kinds) {
      expect(page.includes(`\n## ${kind}\n`) ? kind : `${kind} (no section)`).toBe(kind);
      expect(page).toMatch(new RegExp(`\\| \\[${kind}\\]\\(#${kind.toLowerCase()}\\) +\\|`));
    }
  });

  it("accepts each kind's example through meshward.schema.json, and rejects a misspelt spec field", () => {
    const examples = loadExamples(ROOT);
    expect(new Set(examples.map((e) => e.kind))).toEqual(new Set(kinds));
    for (const example of examples) {
      const doc = parse(example.text) as { spec?: Record<string, unknown> };
      expect({ kind: example.kind, valid: validate(doc), errors: validate.errors ?? null }).toMatchObject({
        kind: example.kind,
        valid: true,
      });
      const wrong = { ...doc, spec: { ...(doc.spec ?? {}), notAField: 1 } };
      expect({ kind: example.kind, valid: validate(wrong) }).toEqual({ kind: example.kind, valid: false });
    }
  });

  it('comes from the registry: a kind registered with its own schema appears with no change to the generator', () => {
    expect(ownSchemaKinds().map((o) => o.kind)).not.toContain(PROBE_KIND);
    const registry = new KindRegistry([...KINDS, probeServiceKind]);
    const probe = ownSchemaKinds(registry).find((o) => o.kind === PROBE_KIND);
    expect(probe).toMatchObject({ kind: PROBE_KIND, file: 'probe-service.schema.json' });
    expect(probe?.document['properties']).toMatchObject({
      metadata: { $ref: `#/definitions/${PROBE_KIND}Metadata` },
      spec: { $ref: `#/definitions/${PROBE_KIND}Spec` },
    });
  });
});
