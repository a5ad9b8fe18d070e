/**
 * `meshward publish [PATH...] --to s3://bucket/prefix [--revision SHA] [-o text|json] [--local]`
 * Validates, then uploads the set as one revision and moves the pointer last. Exit 0 published, 1 invalid or
 * failed (nothing is uploaded when the manifests are invalid).
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { createOperatorClients } from '../../operator/aws';
import { ensureBucket, startLocalOperatorAws } from '../../operator/local';
import { formatPublishIssues, publishManifests } from '../../operator/publish';
import { parseS3Uri } from '../../operator/s3-uri';
import { EXIT, outputFormat, parseCommandArgs, processIO, reportFailure, UsageError, writeLine } from '../output';
import type { CliIO } from '../output';

export const USAGE = `Usage: meshward publish [PATH...] --to s3://bucket/prefix [--revision SHA] [-o text|json] [--local]

Validates the manifests (PATH defaults to manifests/), then uploads them to S3 as one revision:
files under <prefix>/revisions/<sha256 of the set>/, then <prefix>/current.json pointing at them, written last,
so the operator never reads half an upload. Nothing is uploaded when validation fails.

Options:
  --to URI          s3://bucket/prefix to publish to (required)
  --revision SHA    revision to record (default: git HEAD, else the set's sha256)
  -o, --output F    text (default) or json
  --local           publish to the embedded emulator's S3 (data under .meshward/local/; the bucket is created)
  -h, --help        show this help

Exit codes: 0 published, 1 invalid manifests or failure.`;

export interface PublishArgs {
  paths: string[];
  to?: string;
  revision?: string;
  output?: 'text' | 'json';
}

export interface CommandIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/** The command's body, with its S3 client injectable (tests, --local). */
export async function publishCommand(
  args: PublishArgs,
  io: CommandIo,
  deps: { client?: S3Client; cwd?: string } = {},
): Promise<number> {
  if (!args.to) {
    io.stderr(`--to s3://bucket/prefix is required\n`);
    return EXIT.error;
  }
  const clients = deps.client ? undefined : createOperatorClients();
  try {
    const result = await publishManifests({
      paths: args.paths,
      to: args.to,
      ...(args.revision ? { revision: args.revision } : {}),
      ...(deps.cwd ? { cwd: deps.cwd } : {}),
      client: deps.client ?? (clients as NonNullable<typeof clients>).s3,
    });
    if (!result.ok) {
      if (args.output === 'json')
        io.stdout(`${JSON.stringify({ published: false, issues: result.issues }, null, 2)}\n`);
      else io.stderr(`${formatPublishIssues(result.issues)}\nnothing published: the manifests are invalid\n`);
      return EXIT.error;
    }
    if (args.output === 'json') {
      io.stdout(
        `${JSON.stringify({ published: true, location: result.location, pointer: result.pointer }, null, 2)}\n`,
      );
    } else {
      io.stdout(
        `published ${result.uploaded} file(s) to ${result.location} as revision ${result.pointer.revision}` +
          ` (set ${result.pointer.digest.slice(0, 12)})\n`,
      );
    }
    return EXIT.ok;
  } catch (err) {
    io.stderr(`publish failed: ${(err as Error).message}\n`);
    return EXIT.error;
  } finally {
    clients?.destroy();
  }
}

export async function run(argv: string[], io: CliIO = processIO()): Promise<number> {
  try {
    const { values, positionals } = parseCommandArgs({
      args: argv,
      options: {
        to: { type: 'string' },
        revision: { type: 'string' },
        output: { type: 'string', short: 'o' },
        local: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: true,
      strict: true,
    });
    if (values.help) {
      writeLine(io.stdout, USAGE);
      return EXIT.ok;
    }
    if (!values.to) throw new UsageError('--to s3://bucket/prefix is required');
    const target = parseS3Uri(values.to);
    const output = outputFormat(values.output, ['text', 'json'] as const, 'text');
    const streams: CommandIo = { stdout: (t) => io.stdout.write(t), stderr: (t) => io.stderr.write(t) };
    const args: PublishArgs = {
      paths: positionals,
      to: values.to,
      output,
      ...(values.revision ? { revision: values.revision } : {}),
    };
    if (!values.local) return await publishCommand(args, streams, { cwd: io.cwd });
    const local = await startLocalOperatorAws(io.cwd);
    const clients = createOperatorClients({
      endpoint: local.endpoint,
      region: local.region,
      credentials: local.credentials,
    });
    try {
      await ensureBucket(clients.s3, target.bucket);
      return await publishCommand(args, streams, { client: clients.s3, cwd: io.cwd });
    } finally {
      clients.destroy();
      await local.stop();
    }
  } catch (error) {
    return reportFailure(io, error, USAGE);
  }
}
