/**
 * `meshward local [--port 4566] [--data DIR]`: runs the local AWS emulator (App Mesh, ECS, Cloud Map and S3 on one
 * port) until SIGINT/SIGTERM, printing the environment that points the AWS SDK and CLI at it.
 */
import { MeshwardError } from '../../core/errors';
import { startEmulator } from '../../emulator/server';
import { EXIT, parseCommandArgs, processIO, reportFailure, UsageError, writeLine } from '../output';
import type { CliIO } from '../output';

export const summary = 'Run the local AWS emulator';

export const USAGE = `Usage: meshward local [--port 4566] [--data DIR] [--host 127.0.0.1] [--region us-east-1] [--without-s3]

${summary}: App Mesh, ECS and Cloud Map, plus S3 (path-style) on the same port.

Options:
  --port N        port to listen on (default 4566; 0 picks a free port)
  --data DIR      keep the emulator's state in DIR and restore it at start (default: in memory)
  --host HOST     address to bind (default 127.0.0.1)
  --region NAME   region in ARNs (default us-east-1)
  --without-s3    do not serve S3
  -h, --help      show this help

Runs until interrupted (Ctrl+C). Control endpoints: GET /_emulator/stats, POST /_emulator/reset,
POST /_emulator/faults (JSON), POST /_emulator/stats/reset.`;

function parsePort(value: string | undefined): number {
  if (value === undefined) return 4566;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port must be 0..65535, got "${value}"`);
  return port;
}

/** `stop` lets tests end the run without sending signals to the test process. */
export async function run(argv: string[], io: CliIO = processIO(), stop?: AbortSignal): Promise<number> {
  try {
    const { values } = parseCommandArgs({
      args: argv,
      options: {
        port: { type: 'string' },
        data: { type: 'string' },
        host: { type: 'string' },
        region: { type: 'string' },
        'without-s3': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: false,
      strict: true,
    });
    if (values.help) {
      writeLine(io.stdout, USAGE);
      return EXIT.ok;
    }
    const region = values.region ?? 'us-east-1';
    const emulator = await startEmulator({
      port: parsePort(values.port),
      host: values.host ?? '127.0.0.1',
      region,
      dataDir: values.data,
      s3: !values['without-s3'],
    }).catch((error: unknown) => {
      if ((error as { code?: unknown }).code === 'EADDRINUSE') {
        throw new MeshwardError('CONFIG', `port ${values.port ?? 4566} is in use; pick another with --port`, {
          cause: error,
        });
      }
      throw error;
    });

    const services = [...emulator.services.keys()].join(', ');
    writeLine(
      io.stdout,
      `meshward local: AWS emulator on ${emulator.endpoint} (${services}${emulator.s3Endpoint ? ', s3' : ''})`,
    );
    writeLine(
      io.stdout,
      `state: ${values.data ? `${values.data} (restored at start, saved on every write)` : 'in memory'}`,
    );
    writeLine(io.stdout, '');
    writeLine(io.stdout, 'Point the AWS SDK and CLI at it:');
    writeLine(io.stdout, `  export AWS_ENDPOINT_URL=${emulator.endpoint}`);
    writeLine(io.stdout, `  export AWS_REGION=${region}`);
    writeLine(io.stdout, '  export AWS_ACCESS_KEY_ID=local');
    writeLine(io.stdout, '  export AWS_SECRET_ACCESS_KEY=local');
    if (emulator.s3Endpoint) writeLine(io.stdout, '  (S3 clients need path-style addressing: forcePathStyle: true)');
    writeLine(io.stdout, '');
    writeLine(io.stdout, `Stats: ${emulator.endpoint}/_emulator/stats   Press Ctrl+C to stop.`);

    await new Promise<void>((resolve) => {
      const done = (): void => {
        process.off('SIGINT', done);
        process.off('SIGTERM', done);
        stop?.removeEventListener('abort', done);
        resolve();
      };
      process.on('SIGINT', done);
      process.on('SIGTERM', done);
      if (stop?.aborted) done();
      else stop?.addEventListener('abort', done);
    });
    await emulator.stop();
    writeLine(io.stdout, 'meshward local: stopped');
    return EXIT.ok;
  } catch (error) {
    return reportFailure(io, error, USAGE);
  }
}
