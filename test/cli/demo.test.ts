import { resolve } from 'node:path';
import { runDemo } from '../../src/cli/commands/demo';

it('the demo applies, detects the console edits as drift, re-applies and converges', async () => {
  let out = '';
  const io = {
    stdout: { write: (t: string) => (out += t) },
    stderr: { write: () => true },
    env: { NO_COLOR: '1' },
    cwd: resolve(__dirname, '../..'),
  };
  expect(await runDemo(io, ['manifests/'])).toBe(0);
  expect(out).toContain('~ Route/shop/service-a/canary-weighted  (drift)');
  expect(out).toContain('~ VirtualNode/shop/service-a-v1  (drift)');
  expect(out).toContain('exit code 3');
  // Who made the edit, on its own line under the fields.
  expect(out).toMatch(/\n {4}changed outside meshward by arn:aws:iam::\d+:user\/console-user \(UpdateRoute/);
  // The console edit is told without an arrow, so that the only arrows are the reports' "value in AWS now ->
  // value after apply".
  expect(out).toContain('per-request timeout: set to 30s in AWS (the manifests say 10s)');
  // The drift report tells the same edit in the one direction: the value in AWS now -> the value after apply.
  expect(out).toContain('    ~ /spec/listeners/0/timeout/http/perRequest: 30s -> 10s');
  expect(out).toContain('Fields read: value in AWS now -> value after apply (the manifests).');
  expect(out).toContain('converged');
  // It ends with the operator's flow: the Lambda handler's drift report as Slack shows it, naming who changed what.
  expect(out).toContain('What Slack receives:');
  const slack = out.slice(out.indexOf('What Slack receives:'));
  expect(slack).toMatch(/console-user/);
  expect(slack).toMatch(/`30s` -> `\d+s`/);
  expect(out).not.toMatch(/\d+s -> 30s/);
  // The message links to the full report, stored in the demo's local S3 beside the state.
  expect(slack).toMatch(
    /Full report \(http:\/\/127\.0\.0\.1:\d+\/meshward-demo\/meshward\/demo\/_state\/demo\/reports\/\d{8}T\d{6}Z-[0-9a-f]{8}\.html\)/,
  );
});
