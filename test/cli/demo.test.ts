/**
 * `npm run demo` as a reader sees it: today's story in order (the App Mesh shop, migrate to both successors with the
 * report's counts, the successors beside the shop in their own stacks at 0 changes, a console change caught as
 * drift naming the resource, the field and who, re-applied and converged, the Lambda path ending in Slack's view).
 */
import { resolve } from 'node:path';
import { runDemo } from '../../src/cli/commands/demo';
import { defaultRegistry } from '../../src/kinds/registry';

let out = '';
let code = -1;
let seconds = 0;
beforeAll(async () => {
  const io = {
    stdout: { write: (t: string) => (out += t) },
    stderr: { write: () => true },
    env: { NO_COLOR: '1' },
    cwd: resolve(__dirname, '../..'),
  };
  const started = Date.now();
  code = await runDemo(io, ['manifests/']);
  seconds = (Date.now() - started) / 1000;
  // Measured, not asserted (the machine is shared): the story is meant to take well under a minute.
  process.stdout.write(`demo took ${seconds.toFixed(1)}s\n`);
}, 120_000);

/** The text of step `n` (from its heading to the next one). */
function stepText(n: number): string {
  const start = out.indexOf(`━━ ${n}. `);
  const end = out.indexOf(`━━ ${n + 1}. `);
  return start < 0 ? '' : out.slice(start, end < 0 ? undefined : end);
}

it('succeeds and tells the story in order', () => {
  expect(code).toBe(0);
  const headings = [...out.matchAll(/━━ \d+\. (.*)/g)].map((m) => m[1]);
  expect(headings).toEqual([
    expect.stringContaining('App Mesh shop (the legacy backend)'),
    expect.stringContaining('meshward migrate'),
    expect.stringContaining('successors beside the shop'),
    expect.stringContaining('in the console'),
    expect.stringContaining('meshward drift'),
    expect.stringContaining('meshward apply'),
    expect.stringContaining('Lambda'),
  ]);
  expect(out).toMatch(/Done in \d+\.\ds/);
});

it('applies the App Mesh shop and plans 0 changes', () => {
  const shop = stepText(1);
  expect(shop).toMatch(/apply --stack demo: 19 created/);
  expect(shop).toContain('plan  --stack demo: 0 changes (19 resources match)');
});

it('migrates to both targets and shows what is carried, approximated and dropped', () => {
  const migrate = stepText(2);
  for (const target of ['service-connect', 'vpc-lattice']) {
    expect(migrate).toContain(`$ meshward migrate manifests/ --to ${target} -o out/${target}`);
  }
  const counts = [...migrate.matchAll(/(\d+) source fields classified: (\d+) carried · (\d+) approx/g)];
  expect(counts).toHaveLength(2);
  // The counts are the report's, not a fixed text: each status count sums to the fields classified.
  for (const line of migrate.match(/\d+ source fields classified: .*/g) ?? []) {
    const [total, ...parts] = [...line.matchAll(/\d+/g)].map((m) => Number(m[0]));
    expect(parts.reduce((a, b) => a + b, 0)).toBe(total);
  }
  // The telling lines: a timeout carried, the 90/10 split approximated as a canary on Service Connect, connection
  // pools dropped.
  expect(migrate).toMatch(/carried +VirtualNode\/shop\/front:\/spec\/listeners\/0\/timeout\/http\/perRequest/);
  expect(migrate).toMatch(/approx +Route\/shop\/service-a\/canary-weighted:.*\n.*canary deployment/);
  expect(migrate).toMatch(/dropped +VirtualNode\/shop\/[a-z0-9-]+:\/spec\/listeners\/0\/connectionPool/);
  expect(migrate).toContain('meshward validate out/service-connect: valid');
});

it('applies each successor beside the shop in its own stack, at 0 changes, the shop untouched', () => {
  const beside = stepText(3);
  expect(beside).toMatch(/apply --stack demo-sc: 4 created/);
  expect(beside).toContain('plan  --stack demo-sc: 0 changes');
  expect(beside).toContain('plan  --stack demo (App Mesh): 0 changes');
  if (defaultRegistry.has('LatticeService')) {
    expect(beside).toMatch(/apply --stack demo-lattice: \d+ created/);
    expect(beside).toContain('plan  --stack demo-lattice: 0 changes');
  } else {
    // Without the Lattice kinds the demo says plainly that the Lattice output is not applied.
    expect(stepText(2)).toContain('VPC Lattice: not applied below');
    expect(beside).not.toContain('demo-lattice');
  }
});

it('catches the console change as drift, naming the resource, the field and who, then converges', () => {
  expect(stepText(4)).toContain(
    'EcsService front-sc: Service Connect per-request timeout set to 30s (the manifests say 15s)',
  );
  const drift = stepText(5);
  expect(drift).toContain('~ EcsService/shop/front-sc  (drift)');
  // One direction for every arrow: the value in AWS now -> the value after apply.
  expect(drift).toContain(
    '~ /spec/service/serviceConnectConfiguration/services/0/timeout/perRequestTimeoutSeconds: 30 -> 15',
  );
  expect(drift).toMatch(/changed outside meshward by arn:aws:iam::\d+:user\/console-user \(UpdateService/);
  expect(drift).toContain('exit code 3');
  if (defaultRegistry.has('LatticeService')) {
    expect(stepText(4)).toContain('default forward weights set to 50/50 (the manifests say 90/10)');
    expect(drift).toContain('/spec/defaultAction/forward/targetGroups/0/weight: 50 -> 90');
    expect(drift).toMatch(/by arn:aws:iam::\d+:user\/console-user \(UpdateListener/);
  }
  const converge = stepText(6);
  expect(converge).toMatch(/apply --stack demo-sc: 1 configured/);
  expect(converge).toContain('plan  --stack demo-sc: 0 changes');
  expect(converge).toContain('✓ converged');
  expect(out).not.toMatch(/\b15 -> 30\b/);
});

it('ends with the operator: S3 and CloudTrail events into the Lambda, the drift as Slack shows it', () => {
  const lambda = stepText(7);
  expect(lambda).toMatch(/S3 event -> changed/);
  expect(lambda).toContain('CloudTrail event UpdateService -> reverted ("Drift Detected")');
  const slack = lambda.slice(lambda.indexOf('What Slack receives:'));
  expect(slack).toContain('*EcsService/shop/front-sc* — changed outside meshward');
  expect(slack).toContain('`30` -> `15`');
  expect(slack).toMatch(/console-user/);
  // The message links to the full report, stored in the demo's local S3 beside the state.
  expect(slack).toMatch(
    /Full report \(http:\/\/127\.0\.0\.1:\d+\/meshward-demo\/meshward\/demo-sc\/_state\/demo-sc\/reports\/\d{8}T\d{6}Z-[0-9a-f]{8}\.html\)/,
  );
  expect(lambda).toContain('next scheduled run -> in-sync');
});
