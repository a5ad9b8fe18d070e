/**
 * VPC Lattice ids and ARNs in AWS's shapes: a kind prefix and 17 lowercase alphanumerics (`sn-`, `svc-`,
 * `listener-`, `rule-`, `tg-`, `snva-`, `snsa-`, `als-`), ARNs as the model's patterns spell them.
 */
import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

export const ID_PREFIX = {
  serviceNetwork: 'sn',
  service: 'svc',
  listener: 'listener',
  rule: 'rule',
  targetGroup: 'tg',
  vpcAssociation: 'snva',
  serviceAssociation: 'snsa',
  accessLogSubscription: 'als',
} as const;

export type LatticeKind = keyof typeof ID_PREFIX;

/** `prefix-` + 17 characters of [0-9a-z] ("Pattern: sn-[0-9a-z]{17}" in the API reference). */
export function newId(kind: LatticeKind): string {
  const bytes = randomBytes(17);
  let suffix = '';
  for (const byte of bytes) suffix += ALPHABET[byte % ALPHABET.length] ?? '0';
  return `${ID_PREFIX[kind]}-${suffix}`;
}

export interface ArnParts {
  region: string;
  accountId: string;
}

const base = (p: ArnParts): string => `arn:aws:vpc-lattice:${p.region}:${p.accountId}`;

/** The ARN of a resource; listeners and rules are nested under their service (and listener). */
export function arnFor(
  p: ArnParts,
  kind: LatticeKind,
  id: string,
  parents: { serviceId?: string; listenerId?: string } = {},
): string {
  switch (kind) {
    case 'serviceNetwork':
      return `${base(p)}:servicenetwork/${id}`;
    case 'service':
      return `${base(p)}:service/${id}`;
    case 'listener':
      return `${base(p)}:service/${parents.serviceId ?? ''}/listener/${id}`;
    case 'rule':
      return `${base(p)}:service/${parents.serviceId ?? ''}/listener/${parents.listenerId ?? ''}/rule/${id}`;
    case 'targetGroup':
      return `${base(p)}:targetgroup/${id}`;
    case 'vpcAssociation':
      return `${base(p)}:servicenetworkvpcassociation/${id}`;
    case 'serviceAssociation':
      return `${base(p)}:servicenetworkserviceassociation/${id}`;
    case 'accessLogSubscription':
      return `${base(p)}:accesslogsubscription/${id}`;
  }
}

/**
 * The id an identifier names: the API takes "the ID or ARN" of a resource; an ARN's last path segment is the id
 * (`.../service/svc-x/listener/listener-y` names `listener-y`).
 */
export function idOf(identifier: string): string {
  if (!identifier.startsWith('arn:')) return identifier;
  const path = identifier.split(':').slice(5).join(':');
  const segments = path.split('/');
  return segments[segments.length - 1] ?? identifier;
}

/** The Lattice kind an id or ARN belongs to, from its prefix. */
export function kindOfId(identifier: string): LatticeKind | undefined {
  const id = idOf(identifier);
  const prefix = id.slice(0, id.indexOf('-'));
  for (const [kind, p] of Object.entries(ID_PREFIX)) if (p === prefix) return kind as LatticeKind;
  return undefined;
}
