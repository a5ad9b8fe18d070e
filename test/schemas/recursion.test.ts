/** The models have no recursive spec shapes today; a later model might, and both walks must stay finite. */
import Ajv from 'ajv';
import { shapeDefinitions, type BotocoreShape } from '../../scripts/gen-schemas';
import { ModelWalker, pointer } from './model-walk';

const TREE: Record<string, BotocoreShape> = {
  Tree: {
    type: 'structure',
    members: { children: { shape: 'Trees' }, label: { shape: 'Label' }, weight: { shape: 'Weight' } },
    required: ['label'],
  },
  Trees: { type: 'list', member: { shape: 'Tree' }, max: 2 },
  Label: { type: 'string', min: 1, max: 8 },
  Weight: { type: 'integer', min: 0, max: 10 },
};

describe('recursive shapes', () => {
  it('walks each member once per path and cuts the cycle', () => {
    const nodes = new ModelWalker(TREE).nodes('Tree');
    expect(nodes.filter((n) => n.cycleCut).map((n) => pointer(n.steps))).toEqual(['/children/0']);
    expect(nodes.filter((n) => n.member).map((n) => pointer(n.steps))).toEqual(['/children', '/label', '/weight']);
  });

  it('generates a schema that validates at any depth', () => {
    const definitions = shapeDefinitions(TREE, ['Tree']);
    expect(Object.keys(definitions)).toEqual(['Tree']);
    const validate = new Ajv({ allErrors: true, strict: true }).compile({ $ref: '#/definitions/Tree', definitions });
    const deep = { label: 'a', children: [{ label: 'b', children: [{ label: 'c', weight: 10 }] }] };
    expect(validate(deep)).toBe(true);
    const bad = { label: 'a', children: [{ label: 'b', children: [{ label: '', weight: 11 }] }] };
    expect(validate(bad)).toBe(false);
    expect(validate.errors?.map((e) => `${e.instancePath} ${e.keyword}`)).toEqual([
      '/children/0/children/0/label minLength',
      '/children/0/children/0/weight maximum',
    ]);
  });
});
