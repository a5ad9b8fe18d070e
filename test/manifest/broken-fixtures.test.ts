/**
 * One fixture per error class under test/fixtures/broken/, each asserted to the exact line a user sees:
 * `file:line:col pointer message`. A change in wording or position shows up here first.
 */
import { formatIssue } from '../../src/manifest/issues';
import { validateManifests } from '../../src/manifest/validate';

const ROOT = `${__dirname}/../..`;
const DIR = 'test/fixtures/broken';

async function linesFor(file: string): Promise<{ lines: string[]; codes: string[]; valid: boolean }> {
  const result = await validateManifests([`${DIR}/${file}`], { cwd: ROOT });
  return { lines: result.issues.map(formatIssue), codes: result.issues.map((i) => i.code), valid: result.valid };
}

const CASES: Array<[file: string, code: string, lines: string[]]> = [
  // schema
  [
    'schema-bad-enum.yaml',
    'SCHEMA',
    [
      `${DIR}/schema-bad-enum.yaml:16:9 /spec/listeners/0/portMapping/protocol must be one of http, tcp, http2, grpc (got "HTTP"); did you mean "http"?`,
    ],
  ],
  [
    'schema-out-of-range.yaml',
    'SCHEMA',
    [`${DIR}/schema-out-of-range.yaml:20:9 /spec/listeners/0/healthCheck/intervalMillis must be >= 5000 (got 1000)`],
  ],
  [
    'schema-unknown-field.yaml',
    'SCHEMA',
    [`${DIR}/schema-unknown-field.yaml:13:3 /spec/listners is not a known field (did you mean "listeners"?)`],
  ],
  [
    'schema-missing-required.yaml',
    'SCHEMA',
    [`${DIR}/schema-missing-required.yaml:14:7 /spec/listeners/0/portMapping is missing required field "protocol"`],
  ],
  [
    'schema-union-two-members.yaml',
    'SCHEMA',
    [
      `${DIR}/schema-union-two-members.yaml:35:3 /spec/provider must set exactly one of virtualNode, virtualRouter, not 2 (virtualNode, virtualRouter)`,
      `${DIR}/schema-union-two-members.yaml:47:1 /spec must set exactly one of grpcRoute, http2Route, httpRoute, tcpRoute, not 2 (httpRoute, tcpRoute)`,
    ],
  ],
  [
    'schema-wrong-type.yaml',
    'SCHEMA',
    [
      `${DIR}/schema-wrong-type.yaml:15:9 /spec/listeners/0/portMapping/port must be an integer (got a string)`,
      `${DIR}/schema-wrong-type.yaml:19:11 /spec/listeners/0/timeout/http/perRequest must be a duration like "15s" or "500ms" (got "15 seconds")`,
      `${DIR}/schema-wrong-type.yaml:20:11 /spec/listeners/0/timeout/http/idle must be a duration: a string like "15s" or "500ms", or {unit, value} (got an integer)`,
    ],
  ],
  // YAML
  [
    'yaml-syntax.yaml',
    'YAML_SYNTAX',
    [
      `${DIR}/yaml-syntax.yaml:5:1 invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]`,
    ],
  ],
  ['yaml-duplicate-key.yaml', 'YAML_DUPLICATE_KEY', [`${DIR}/yaml-duplicate-key.yaml:5:3 duplicate key "name"`]],
  [
    'yaml-alias-bomb.yaml',
    'YAML_ALIAS_LIMIT',
    [
      `${DIR}/yaml-alias-bomb.yaml:7:12 aliases expand beyond the limit (100); anchors and aliases cannot be used to multiply content`,
    ],
  ],
  [
    'yaml-custom-tag.yaml',
    'YAML_CUSTOM_TAG',
    [`${DIR}/yaml-custom-tag.yaml:4:9 custom tag !env is not allowed; manifests use plain YAML values`],
  ],
  [
    'yaml-non-utf8.yaml',
    'INVALID_UTF8',
    [`${DIR}/yaml-non-utf8.yaml:4:12 file is not valid UTF-8 (invalid byte 0xe9 at byte offset 66)`],
  ],
  ['yaml-too-deep.yaml', 'YAML_TOO_DEEP', [`${DIR}/yaml-too-deep.yaml:5:70 nesting is deeper than 64 levels`]],
  [
    'yaml-not-a-mapping.yaml',
    'NOT_A_MAPPING',
    [
      `${DIR}/yaml-not-a-mapping.yaml:2:1 document is a list; expected a mapping with apiVersion, kind, metadata and spec`,
    ],
  ],
  // semantic
  [
    'semantic-duplicate-resource.yaml',
    'DUPLICATE_RESOURCE',
    [
      `${DIR}/semantic-duplicate-resource.yaml:21:3 /metadata/name declares VirtualNode/shop/orders again (first declared at ${DIR}/semantic-duplicate-resource.yaml:10:3)`,
    ],
  ],
  [
    'semantic-dangling-reference.yaml',
    'DANGLING_REFERENCE',
    [
      `${DIR}/semantic-dangling-reference.yaml:26:7 /spec/provider/virtualNode/virtualNodeName VirtualNode "orders-v2" is not declared in mesh "shop" (did you mean "orders-v1"?)`,
      `${DIR}/semantic-dangling-reference.yaml:36:7 /spec/provider/virtualNode/virtualNodeName VirtualNode "payments" is not declared in mesh "shop" (declare it, or annotate this document meshward.dev/external: "true" if it is managed elsewhere)`,
    ],
  ],
  [
    'semantic-route-port-mismatch.yaml',
    'PORT_MISMATCH',
    [
      `${DIR}/semantic-route-port-mismatch.yaml:39:7 /spec/httpRoute/match/port port 9090 is not a listener port of VirtualRouter "orders" (http 8080)`,
    ],
  ],
  [
    'semantic-all-zero-weights.yaml',
    'WEIGHTS',
    [
      `${DIR}/semantic-all-zero-weights.yaml:51:7 /spec/httpRoute/action/weightedTargets all weights are 0: at least one target must have a weight above 0 to receive traffic`,
    ],
  ],
  [
    'semantic-app-ports-mismatch.yaml',
    'APP_PORTS_MISMATCH',
    [
      `${DIR}/semantic-app-ports-mismatch.yaml:28:5 /spec/taskDefinition/containerDefinitions application container ports (3000) must equal the listener ports of VirtualNode "orders" (8080): Envoy intercepts exactly these as AppPorts`,
    ],
  ],
  [
    'semantic-undeclared-mesh.yaml',
    'UNDECLARED_MESH',
    [
      `${DIR}/semantic-undeclared-mesh.yaml:6:3 /metadata/mesh Mesh "shop" is not declared (declare it, or annotate this document meshward.dev/external: "true" if it is managed elsewhere)`,
    ],
  ],
];

describe('broken fixtures: one per error class, with the exact message', () => {
  it.each(CASES)('%s', async (file, code, expected) => {
    const { lines, codes, valid } = await linesFor(file);
    expect(valid).toBe(false);
    expect(lines).toEqual(expected);
    expect(new Set(codes)).toEqual(new Set([code]));
  });

  it('an empty file is only a warning, but a set with no documents at all is an error', async () => {
    const { lines, valid } = await linesFor('yaml-empty.yaml');
    expect(valid).toBe(false);
    expect(lines).toEqual([
      `${DIR}/yaml-empty.yaml no documents found`,
      `${DIR}/yaml-empty.yaml:1:1 warning: file holds no documents`,
    ]);
  });

  it('validating the whole folder reports every file, sorted by file, line and column', async () => {
    const result = await validateManifests([DIR], { cwd: ROOT });
    const keys = result.issues.map((i) => [i.file, i.line, i.column] as const);
    const sorted = [...keys].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1] || a[2] - b[2]));
    expect(keys).toEqual(sorted);
    const files = new Set(result.issues.map((i) => i.file));
    for (const [file] of CASES) expect(files).toContain(`${DIR}/${file}`);
  });
});
