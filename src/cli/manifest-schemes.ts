/**
 * The URI schemes a PATH argument may use beyond local files and directories. Kept apart from the engine so that
 * `meshward validate` on a folder loads no AWS client at all.
 */
import type { SourceFactory } from '../manifest/sources';

/**
 * PATH arguments of the form `s3://bucket/prefix` read the manifest set `meshward publish` uploaded there. The S3
 * client is created on first use, so commands on local folders never load it.
 */
export function manifestSchemes(): Readonly<Record<string, SourceFactory>> {
  return {
    s3: (uri, context) => {
      /* eslint-disable @typescript-eslint/no-require-imports */
      const { S3Client } = require('@aws-sdk/client-s3') as typeof import('@aws-sdk/client-s3');
      const { s3SourceFactory } = require('../operator/s3-source') as typeof import('../operator/s3-source');
      /* eslint-enable @typescript-eslint/no-require-imports */
      const client = new S3Client({ forcePathStyle: process.env['AWS_ENDPOINT_URL'] !== undefined });
      return s3SourceFactory(client)(uri, context);
    },
  };
}
