/**
 * S3 comes from s3rver (a maintained S3 server), mounted on the emulator's own port so one AWS_ENDPOINT_URL
 * serves every client. Clients must use path-style addressing (forcePathStyle: true). s3rver only knows the
 * access key 'S3RVER' and does not verify SigV4 signatures, so the credential is rewritten to that key here.
 * s3rver ignores conditional writes (If-None-Match: *): see AWS-FACTS.md.
 */
import { mkdtempSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';

export interface S3Backend {
  directory: string;
  handle(req: IncomingMessage, res: ServerResponse): void;
  close(): Promise<void>;
}

export async function startS3(dataDir?: string): Promise<S3Backend> {
  const directory = dataDir ? join(dataDir, 's3') : mkdtempSync(join(tmpdir(), 'meshward-s3-'));
  const server = new S3rver({ silent: true, directory, allowMismatchedSignatures: true, vhostBuckets: false });
  const callback = server.callback();
  return {
    directory,
    handle: (req, res) => {
      const auth = req.headers.authorization;
      if (typeof auth === 'string')
        req.headers.authorization = auth.replace(/Credential=[^/,\s]+\//, 'Credential=S3RVER/');
      if (req.url?.includes('X-Amz-Credential=')) {
        req.url = req.url.replace(/X-Amz-Credential=[^%&/]+(%2F|\/)/, 'X-Amz-Credential=S3RVER$1');
      }
      callback(req, res);
    },
    close: () => {
      server.logger.close();
      return Promise.resolve();
    },
  };
}
