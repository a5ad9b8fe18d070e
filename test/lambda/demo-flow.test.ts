import * as path from 'node:path';
import { runLambdaDemo } from '../../src/operator/demo-flow';

it('runs the Lambda flow on the reference manifests and shows the drift report as Slack would', async () => {
  const out: string[] = [];
  const result = await runLambdaDemo({ cwd: path.join(__dirname, '..', '..'), write: (t) => out.push(t) });
  expect(result.published.status).toBe('reconciled');
  expect(result.drift.published).toBe('Drift Detected');
  expect(result.slackText).toContain('drift reverted');
  expect(result.slackText).toContain('/timeout/http/perRequest');
  expect(result.slackText).toContain('arn:aws:iam::111122223333:user/console-user');
  expect(out.join('')).toContain('What Slack receives:');
});
