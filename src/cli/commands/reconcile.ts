/**
 * `meshward reconcile --event FILE [--local] [--stack NAME] [--manifests s3://...] [--mode enforce|detect]`
 * Runs the Lambda handler's code on one EventBridge event, here: against AWS (standard SDK environment) or the
 * embedded emulator (--local). Configuration comes from the same MESHWARD_* variables as the Lambda; the flags
 * override them. Without a Slack secret, what Slack would receive is printed.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { MeshwardError } from '../../core/errors';
import { seedLocalInfrastructure } from '../../engine/session';
import { validateManifests } from '../../manifest/validate';
import { ConsoleTransport } from '../../notify/console-transport';
import { ENV, loadConfig } from '../../operator/config';
import { createOperatorDeps } from '../../operator/deps';
import { ensureBucket, LOCAL_BUCKET, startLocalOperatorAws, type LocalOperatorAws } from '../../operator/local';
import { handleEvent } from '../../operator/run';
import { S3ManifestSource } from '../../operator/s3-source';
import { formatS3Uri } from '../../operator/s3-uri';
import { createLogger } from '../../operator/log';
import { EXIT, exitCodeFor, parseCommandArgs, processIO, UsageError, writeLine } from '../output';
import type { CliIO } from '../output';

export const USAGE = `Usage: meshward reconcile --event FILE [--local] [--stack NAME] [--manifests s3://bucket/prefix]
                          [--state s3://bucket/prefix] [--mode enforce|detect]

Runs the operator (the Lambda handler) on one EventBridge event from FILE: classify the event, read the
published manifests from S3, reconcile (enforce: apply; detect: report only), save state, notify, publish the
outcome event. Logs go to stderr as JSON lines; Slack messages (printed unless a Slack secret is configured) and
the result go to stdout.

Options:
  --event FILE        the EventBridge event (JSON) to handle (required)
  --local             use the embedded emulator with S3 (data under .meshward/local/, shared with
                      "meshward publish --local"); manifests default to s3://${LOCAL_BUCKET}/meshward/<stack>
  --stack NAME        overrides ${ENV.stack}
  --manifests URI     overrides ${ENV.manifests}
  --state URI         overrides ${ENV.state}
  --mode MODE         overrides ${ENV.mode} (enforce | detect)
  -h, --help          show this help

Exit codes: as "meshward drift": 0 in sync (or the event was ignored / a duplicate), 1 error or invalid
manifests, 2 pending changes, 3 drift, 4 refused by a safety guard.`;

/**
 * stderr is a JSON-lines log (one object a line, as the Lambda's CloudWatch log), so a failure is logged there too,
 * and so are Node.js process warnings, which Node would otherwise print as free text.
 */
export async function run(argv: string[], io: CliIO = processIO()): Promise<number> {
  const log = createLogger({ write: (line) => io.stderr.write(`${line}\n`), base: { command: 'reconcile' } });
  const emitWarning = process.emitWarning;
  process.emitWarning = ((warning: string | Error) => {
    log.warn('node warning', { warning: warning instanceof Error ? warning.message : String(warning) });
  }) as typeof process.emitWarning;
  try {
    return await reconcileCommand(argv, io);
  } catch (error) {
    log.error(error instanceof Error ? error.message : String(error), { error });
    return exitCodeFor(error);
  } finally {
    process.emitWarning = emitWarning;
  }
}

async function reconcileCommand(argv: string[], io: CliIO): Promise<number> {
  let local: LocalOperatorAws | undefined;
  try {
    const { values } = parseCommandArgs({
      args: argv,
      options: {
        event: { type: 'string' },
        local: { type: 'boolean' },
        stack: { type: 'string' },
        manifests: { type: 'string' },
        state: { type: 'string' },
        mode: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: false,
      strict: true,
    });
    if (values.help) {
      writeLine(io.stdout, USAGE);
      return EXIT.ok;
    }
    if (!values.event) throw new UsageError('--event FILE is required');
    let event: unknown;
    try {
      event = JSON.parse(readFileSync(resolve(io.cwd, values.event), 'utf8'));
    } catch (err) {
      throw new MeshwardError('INVALID_INPUT', `cannot read the event ${values.event}: ${(err as Error).message}`);
    }

    const env: Record<string, string | undefined> = { ...io.env };
    if (values.stack) env[ENV.stack] = values.stack;
    if (values.manifests) env[ENV.manifests] = values.manifests;
    if (values.state) env[ENV.state] = values.state;
    if (values.mode) env[ENV.mode] = values.mode;
    if (values.local) {
      local = await startLocalOperatorAws(io.cwd);
      env[ENV.manifests] ??= `s3://${LOCAL_BUCKET}/meshward/${env[ENV.stack] ?? 'default'}`;
      env[ENV.ownRoleArn] ??= local.ownRoleArn;
    }
    const config = loadConfig(env);
    const printSlack = !config.slackSecretArn;
    const deps = createOperatorDeps(config, {
      ...(local ? { aws: { endpoint: local.endpoint, region: local.region, credentials: local.credentials } } : {}),
      ...(printSlack ? { slack: new ConsoleTransport((t) => io.stdout.write(t)) } : {}),
      write: (line) => io.stderr.write(`${line}\n`),
    });
    try {
      if (local) {
        await ensureBucket(deps.clients.s3, config.manifests.bucket);
        // A real account has the clusters and namespaces the manifests run in; the emulator gets them here.
        const source = new S3ManifestSource(formatS3Uri(config.manifests), deps.clients.s3);
        const published = await validateManifests([], { sources: [source] }).catch(() => undefined);
        if (published?.valid)
          await seedLocalInfrastructure(
            deps.aws,
            published.documents.map((d) => d.doc),
          );
      }
      const result = await handleEvent(event, deps);
      writeLine(
        io.stdout,
        JSON.stringify({
          status: result.status,
          eventId: result.eventId,
          reason: result.reason,
          trigger: result.trigger,
          revision: result.view?.revision,
          reportStatus: result.view?.status,
          counts: result.view?.counts,
          slack: result.slack ? { posted: result.slack.posted, skipped: result.slack.skipped } : undefined,
          published: result.published,
          exitCode: result.exitCode,
        }),
      );
      return (result.exitCode ?? EXIT.ok) as number;
    } finally {
      deps.clients.destroy();
      deps.aws.destroy();
    }
  } finally {
    await local?.stop();
  }
}
