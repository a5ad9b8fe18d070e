import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runMigration } from '../../src/migrate';
import { writeRendered } from '../../src/migrate/write';
import { runLambdaDemo } from '../../src/operator/demo-flow';

const ROOT = path.join(__dirname, '..', '..');

it('runs the Lambda flow on the App Mesh reference manifests and shows the drift as Slack would', async () => {
  const out: string[] = [];
  const result = await runLambdaDemo({ cwd: ROOT, write: (t) => out.push(t) });
  expect(result.published.status).toBe('reconciled');
  expect(result.change).toMatch(/^VirtualNode shop\/\S+: per-request timeout set to 30s/);
  expect(result.drift.published).toBe('Drift Detected');
  expect(result.slackText).toContain('drift reverted');
  expect(result.slackText).toContain('/timeout/http/perRequest');
  expect(result.slackText).toContain('arn:aws:iam::111122223333:user/console-user');
  expect(result.after).toBe('in-sync');
  expect(out.join('')).toContain('What Slack receives:');
});

it('on a Service Connect successor, a timeout changed with ECS UpdateService is caught, reverted and in sync', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'meshward-demo-flow-'));
  try {
    const outcome = await runMigration(['manifests/'], {
      target: 'service-connect',
      parallel: 'new-names',
      outDir: dir,
      validate: { cwd: ROOT },
    });
    if (!outcome.valid) throw new Error('reference manifests invalid');
    await writeRendered(dir, outcome.files);
    const result = await runLambdaDemo({ cwd: ROOT, paths: [dir], stack: 'demo-sc', write: () => undefined });
    expect(result.published.status).toBe('reconciled');
    expect(result.change).toMatch(/^EcsService \S+-sc: Service Connect per-request timeout set to 30s/);
    expect(result.drift.published).toBe('Drift Detected');
    expect(result.slackText).toContain('changed outside meshward');
    expect(result.slackText).toMatch(
      /serviceConnectConfiguration\/services\/0\/timeout\/perRequestTimeoutSeconds`: `30` -> `\d+`/,
    );
    expect(result.slackText).toContain('(UpdateService,');
    expect(result.after).toBe('in-sync');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
