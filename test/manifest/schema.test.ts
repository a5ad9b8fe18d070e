import { translateErrors } from '../../src/manifest/schema-errors';
import { suggest } from '../../src/manifest/suggest';
import type { ErrorObject } from 'ajv';

const error = (fields: Partial<ErrorObject>): ErrorObject =>
  ({ instancePath: '', schemaPath: '#', keyword: 'type', params: {}, ...fields }) as ErrorObject;

describe('translateErrors', () => {
  it('drops the if/then noise and the branch errors of a failed oneOf', () => {
    const problems = translateErrors([
      error({ keyword: 'if', schemaPath: '#/allOf/0/if', params: { failingKeyword: 'then' } }),
      error({
        keyword: 'required',
        instancePath: '/spec',
        schemaPath: '#/oneOf/0/required',
        params: { missingProperty: 'a' },
      }),
      error({
        keyword: 'required',
        instancePath: '/spec',
        schemaPath: '#/oneOf/1/required',
        params: { missingProperty: 'b' },
      }),
      error({
        keyword: 'oneOf',
        instancePath: '/spec',
        schemaPath: '#/oneOf',
        params: { passingSchemas: null },
        schema: [{ required: ['a'] }, { required: ['b'] }],
      }),
    ]);
    expect(problems).toEqual([{ pointer: '/spec', message: 'must set exactly one of a, b' }]);
  });

  it('points an unknown field at its key and lists the allowed ones when nothing is close', () => {
    const [problem] = translateErrors([
      error({
        keyword: 'additionalProperties',
        instancePath: '/spec',
        params: { additionalProperty: 'zzz' },
        parentSchema: { properties: { listeners: {}, backends: {} } },
      }),
    ]);
    expect(problem).toEqual({ pointer: '/spec/zzz', message: 'is not a known field; allowed: listeners, backends' });
  });

  it('names reserved tag keys', () => {
    const inner = { ...error({ keyword: 'not', instancePath: '/metadata/tags' }), propertyName: 'meshward.dev/stack' };
    const outer = error({
      keyword: 'propertyNames',
      instancePath: '/metadata/tags',
      params: { propertyName: 'meshward.dev/stack' },
    });
    expect(translateErrors([inner, outer])).toEqual([
      { pointer: '/metadata/tags/meshward.dev~1stack', message: 'key "meshward.dev/stack" is reserved for meshward' },
    ]);
  });
});

describe('suggest', () => {
  it('offers the closest name only when it is close', () => {
    expect(suggest('listners', ['listeners', 'backends'])).toBe('listeners');
    expect(suggest('HTTP', ['http', 'tcp'])).toBe('http');
    expect(suggest('something', ['listeners', 'backends'])).toBeUndefined();
  });
});
