import type { CallContext } from '../contracts';
import type { CloudMapState } from './state';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** Lower-case alphanumerics derived from a counter: unique per store, stable across snapshot/restore. */
function token(state: CloudMapState, length: number): string {
  state.sequence += 1;
  let n = state.sequence * 2654435761 + 97;
  let out = '';
  // The counter in base 36 ends every id, so ids never collide; the mixed prefix only makes them look like AWS's.
  const suffix = state.sequence.toString(36).padStart(6, '0');
  for (let i = 0; i < length - suffix.length; i += 1) {
    out += ALPHABET[n % ALPHABET.length];
    n = Math.floor(n / ALPHABET.length) + (i + 1) * 7919 + state.sequence;
  }
  return out + suffix;
}

export const newNamespaceId = (s: CloudMapState): string => `ns-${token(s, 16)}`;
export const newServiceId = (s: CloudMapState): string => `srv-${token(s, 16)}`;
export const newOperationId = (s: CloudMapState): string => `${token(s, 32)}-${token(s, 8)}`;
export const newHostedZoneId = (s: CloudMapState): string => `Z${token(s, 20).toUpperCase()}`;

export function namespaceArn(ctx: Pick<CallContext, 'region' | 'accountId'>, id: string): string {
  return `arn:aws:servicediscovery:${ctx.region}:${ctx.accountId}:namespace/${id}`;
}

export function serviceArn(ctx: Pick<CallContext, 'region' | 'accountId'>, id: string): string {
  return `arn:aws:servicediscovery:${ctx.region}:${ctx.accountId}:service/${id}`;
}

/** Cloud Map accepts an id or an ARN wherever it takes `Id` / `ServiceId` / `NamespaceId`. */
export function idOf(idOrArn: string): string {
  const match = /^arn:aws[\w-]*:servicediscovery:[^:]*:\d*:(?:namespace|service)\/(.+)$/.exec(idOrArn);
  return match?.[1] ?? idOrArn;
}
