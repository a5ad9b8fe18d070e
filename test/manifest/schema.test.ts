import { translateErrors } from '../../src/manifest/schema-errors';
import { validateFiles } from '../../src/manifest/validate';
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

  // allErrors reports every list item and every key: a megabyte of `- {}` or of bad tag keys is ~100,000 errors,
  // and matching each error against all the others took minutes.
  it('explains a hundred thousand errors in linear time', () => {
    const errors: ErrorObject[] = [];
    const n = 50_000;
    for (let i = 0; i < n; i++) {
      const at = `/spec/backends/${i}`;
      const branch = '#/definitions/Backend/oneOf';
      errors.push(error({ keyword: 'required', instancePath: at, schemaPath: `${branch}/0/required` }));
      errors.push(
        error({ keyword: 'oneOf', instancePath: at, schemaPath: branch, schema: [{ required: ['virtualService'] }] }),
      );
      const key = `aws:k${i}`;
      const pattern = { ...error({ keyword: 'pattern', instancePath: '/metadata/tags' }), propertyName: key };
      pattern.params = { pattern: '^(?![aA][wW][sS]:)' };
      errors.push(pattern);
      errors.push(error({ keyword: 'propertyNames', instancePath: '/metadata/tags', params: { propertyName: key } }));
    }
    const started = Date.now();
    const problems = translateErrors(errors);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(problems).toHaveLength(2 * n);
    expect(problems[0]).toEqual({ pointer: '/spec/backends/0', message: 'must set exactly one of virtualService' });
    expect(problems[1]).toEqual({
      pointer: '/metadata/tags/aws:k0',
      message: 'key "aws:k0" is not allowed: the "aws:" prefix is reserved by AWS',
    });
  });
});

describe('schema problems per document', () => {
  it('lists the first 50 of one document and counts the rest', () => {
    const fields = Array.from({ length: 120 }, (_, i) => `  k${i}: 1`).join('\n');
    const text = `apiVersion: meshward.dev/v1alpha1\nkind: Mesh\nmetadata:\n  name: shop\nspec:\n${fields}\n`;
    const { issues, valid } = validateFiles([{ name: 'm.yaml', bytes: new TextEncoder().encode(text) }]);
    expect(valid).toBe(false);
    expect(issues).toHaveLength(51);
    expect(issues[0]).toMatchObject({ line: 6, column: 3, pointer: '/spec/k0', code: 'SCHEMA' });
    expect(issues[49]).toMatchObject({ line: 55, pointer: '/spec/k49' });
    expect(issues[50]).toMatchObject({
      line: 56,
      column: 3,
      pointer: '/spec/k50',
      code: 'SCHEMA',
      message: 'and 70 more schema errors in this document',
    });
  });
});

describe('suggest', () => {
  it('offers the closest name only when it is close', () => {
    expect(suggest('listners', ['listeners', 'backends'])).toBe('listeners');
    expect(suggest('HTTP', ['http', 'tcp'])).toBe('http');
    expect(suggest('something', ['listeners', 'backends'])).toBeUndefined();
  });
});
