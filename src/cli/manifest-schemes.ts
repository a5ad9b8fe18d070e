/**
 * The URI schemes a PATH argument may use beyond local files and directories. Kept apart from the engine so that
 * `meshward validate` on a folder loads no AWS client at all.
 */
import type { SourceFactory } from '../manifest/sources';

/** Where s3:// manifests are read from when not the standard SDK environment: the embedded emulator (--local). */
export interface S3Settings {
  endpoint?: string | undefined;
  region?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

/**
 * PATH arguments of the form `s3://bucket/prefix` read the manifest set `meshward publish` uploaded there. The S3
 * client is created on first use, so commands on local folders never load it. With `settings` (--local) it talks
 * to the emulator, path-style, as `meshward publish --local` wrote there.
 */
export function manifestSchemes(settings?: S3Settings): Readonly<Record<string, SourceFactory>> {
  return {
    s3: (uri, context) => {
      /* eslint-disable @typescript-eslint/no-require-imports */
      const { S3Client } = require('@aws-sdk/client-s3') as typeof import('@aws-sdk/client-s3');
      const { s3SourceFactory } = require('../operator/s3-source') as typeof import('../operator/s3-source');
      /* eslint-enable @typescript-eslint/no-require-imports */
      const endpoint = settings?.endpoint ?? process.env['AWS_ENDPOINT_URL'];
      const client = new S3Client({
        forcePathStyle: endpoint !== undefined,
        ...(settings?.endpoint !== undefined ? { endpoint: settings.endpoint } : {}),
        ...(settings?.region !== undefined ? { region: settings.region } : {}),
        ...(settings?.credentials !== undefined ? { credentials: settings.credentials } : {}),
      });
      return s3SourceFactory(client)(uri, context);
    },
  };
}
