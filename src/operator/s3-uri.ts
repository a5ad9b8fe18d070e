import { MeshwardError } from '../core/errors';

/** A bucket and a key prefix without leading or trailing slashes ('' for the bucket root). */
export interface S3Location {
  bucket: string;
  prefix: string;
}

// S3's bucket naming rules, minus the rarely used dotted forms' extra checks.
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export function parseS3Uri(uri: string): S3Location {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!match) throw new MeshwardError('INVALID_INPUT', `"${uri}" is not an s3://bucket/prefix URI`);
  const bucket = match[1] ?? '';
  if (!BUCKET.test(bucket)) throw new MeshwardError('INVALID_INPUT', `"${bucket}" is not a valid S3 bucket name`);
  const prefix = (match[2] ?? '').replace(/^\/+|\/+$/g, '');
  if (prefix.includes('//')) throw new MeshwardError('INVALID_INPUT', `"${uri}" has an empty path segment`);
  return { bucket, prefix };
}

export function formatS3Uri(loc: S3Location): string {
  return loc.prefix === '' ? `s3://${loc.bucket}` : `s3://${loc.bucket}/${loc.prefix}`;
}

/** `prefix/rest`, or `rest` at the bucket root. */
export function keyUnder(prefix: string, rest: string): string {
  return prefix === '' ? rest : `${prefix}/${rest}`;
}
