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
  expect(out).toMatch(/value in AWS set by arn:aws:iam::\d+:user\/console-user \(UpdateRoute/);
  // A drifted field reads "AWS -> manifests": the console user set 30s, the manifests say 10s. Say so, so that
  // "10s -> 30s" above (the console edit) and "30s -> 10s" in the drift report do not read as contradictions.
  expect(out).toContain('per-request timeout: 10s -> 30s in AWS (the manifests say 10s)');
  expect(out).toContain('Fields read: value in AWS now -> value in the manifests (what apply sets).');
  expect(out).toContain('converged');
  // It ends with the operator's flow: the Lambda handler's drift report as Slack shows it, naming who changed what.
  expect(out).toContain('What Slack receives:');
  expect(out.slice(out.indexOf('What Slack receives:'))).toMatch(/console-user/);
});
