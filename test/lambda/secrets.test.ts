/**
 * The Slack webhook URL and bot token, traced through every error path with a recognizable fake secret: Slack
 * answering 500 / 404 / invalid_auth, and Secrets Manager holding malformed JSON. None of logs, EMF lines, the
 * run result, the Slack payloads or the EventBridge outcome events may contain it.
 */
import { SLACK_SECRET_UNSET } from '../../src/notify/slack-secret';
import { ENV, loadConfig } from '../../src/operator/config';
import { createOperatorDeps } from '../../src/operator/deps';
import { handleEvent, type OperatorDeps } from '../../src/operator/run';
import { MESH_YAML } from '../operator/helpers';
import { BUCKET, OPERATOR_KEY, startHarness, type Harness } from './harness';

const FAKE = 'FAKESECRETzq81x';
const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:meshward-slack-AbCdEf';

let h: Harness;
let revision = 0;
beforeAll(async () => {
  h = await startHarness('enforce');
});

/** A new revision that changes the mesh, so the run has something to post. */
async function publishChange(): Promise<void> {
  revision += 1;
  const egress = revision % 2 === 0 ? 'DROP_ALL' : 'ALLOW_ALL';
  await h.publish(
    { 'mesh.yaml': MESH_YAML.replace('spec: {}', `spec:\n  egressFilter:\n    type: ${egress}`) },
    `rev-${revision}`,
  );
}
afterAll(async () => {
  await h.close();
});

/** Operator deps whose Slack destination comes from "Secrets Manager" holding `secretValue`. */
function depsWithSecret(secretValue: string, lines: string[]): OperatorDeps {
  const config = loadConfig({
    [ENV.stack]: h.deps.config.stack,
    [ENV.manifests]: `s3://${BUCKET}/${h.prefix}`,
    [ENV.mode]: 'enforce',
    [ENV.ownRoleArn]: h.deps.config.ownRoleArn,
    [ENV.slackSecretArn]: SECRET_ARN,
  });
  const deps = createOperatorDeps(config, {
    aws: {
      endpoint: h.emulator.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: OPERATOR_KEY, secretAccessKey: 'x' },
    },
    write: (line) => lines.push(line),
    lookupIntervalMs: 0,
  });
  deps.clients.secrets.middlewareStack.add(
    () => async () => ({ output: { SecretString: secretValue, $metadata: {} }, response: {} }),
    { step: 'initialize', name: 'fake-secret' },
  );
  return deps;
}

function expectNoSecret(lines: string[], result: unknown): void {
  expect(lines.join('\n')).not.toContain(FAKE);
  expect(JSON.stringify(result)).not.toContain(FAKE);
  expect(h.sink.allText()).not.toContain(FAKE);
  expect(JSON.stringify(h.emulator.services.get('events')?.snapshot())).not.toContain(FAKE);
}

describe('Slack secrets never leak', () => {
  it.each([500, 404])('webhook answering %i', async (status) => {
    const lines: string[] = [];
    const deps = depsWithSecret(`${h.sink.url}/services/T0/B0/${FAKE}`, lines);
    h.sink.failWith(status);
    try {
      await publishChange();
      const result = await handleEvent(h.s3Event(), deps);
      expect(result.slack?.errors.join('\n')).toContain(String(status));
      expect(lines.join('\n')).toContain('slack post failed');
      expectNoSecret(lines, result);
    } finally {
      h.sink.failWith(undefined);
      deps.clients.destroy();
      deps.aws.destroy();
    }
  });

  it('bot token rejected with invalid_auth', async () => {
    const lines: string[] = [];
    const deps = depsWithSecret(
      JSON.stringify({ botToken: `xoxb-1-2-${FAKE}`, channel: 'C1', apiUrl: `${h.sink.url}/api/` }),
      lines,
    );
    h.sink.apiError('invalid_auth');
    try {
      await publishChange();
      const result = await handleEvent(h.s3Event(), deps);
      expect(result.slack?.errors.join('\n')).toContain('invalid_auth');
      expectNoSecret(lines, result);
    } finally {
      h.sink.apiError(undefined);
      deps.clients.destroy();
      deps.aws.destroy();
    }
  });

  it('the placeholder the stack created when no Slack destination was given: Slack off, and the log says how', async () => {
    const lines: string[] = [];
    const deps = depsWithSecret(SLACK_SECRET_UNSET, lines);
    try {
      await publishChange();
      const result = await handleEvent(h.s3Event(), deps);
      expect(result.status).toBe('reconciled');
      const log = lines.join('\n');
      expect(log).toContain('slack unavailable');
      expect(log).toContain('Slack is off');
      expect(log).toContain('put a webhook URL');
    } finally {
      deps.clients.destroy();
      deps.aws.destroy();
    }
  });

  it('malformed JSON in Secrets Manager: the run goes on without Slack, and says why without the value', async () => {
    const lines: string[] = [];
    const deps = depsWithSecret(`{"botToken": "xoxb-1-2-${FAKE}", "channel": `, lines);
    try {
      await publishChange();
      const result = await handleEvent(h.s3Event(), deps);
      expect(result.status).toBe('reconciled');
      expect(lines.join('\n')).toContain('slack unavailable');
      expectNoSecret(lines, result);
    } finally {
      deps.clients.destroy();
      deps.aws.destroy();
    }
  });
});
