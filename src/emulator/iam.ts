/**
 * IAM roles, as much as meshward's preflight reads (awsQuery, query.ts): GetRole, and CreateRole to seed. IAM is a
 * global service: one endpoint, one set of roles per account, whatever region the client names.
 *
 * Sources: https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetRole.html, API_CreateRole.html, and
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html ("names are not distinguished by
 * case": a role is found, and refused as a duplicate, whatever the case).
 * - GetRole of an unknown role: NoSuchEntity (HTTP 404) "The role with name NAME cannot be found."
 * - CreateRole of a name in use: EntityAlreadyExists (HTTP 409) "Role with name NAME already exists."
 * - RoleName: 1-64 of [\w+=,.@-]; Path: "/" or "/.../" of printable ASCII, up to 512 (default "/").
 * - The role's AssumeRolePolicyDocument is answered URL-encoded; MaxSessionDuration defaults to 3600.
 * Who may read is an option (`IamOptions.getRoleDeniedFor`): a caller without iam:GetRole gets AccessDenied (403).
 */
import { createHash } from 'node:crypto';
import { type QueryAnswer, type QueryCaller, type QueryService, errorXml, resultXml, xmlMembers } from './query';

const NAMESPACE = 'https://iam.amazonaws.com/doc/2010-05-08/';
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
const PATH = /^(\/|\/[\u0021-\u007e]+\/)$/;

export interface IamOptions {
  /** Access key ids whose GetRole is denied (no identity-based policy allows it); '*' for every caller. */
  getRoleDeniedFor?: readonly string[];
}

interface RoleRecord {
  name: string;
  path: string;
  id: string;
  arn: string;
  createdAt: number;
  assumeRolePolicyDocument: string;
  description?: string;
  maxSessionDuration: number;
}

function validation(member: string, value: string, constraint: string): QueryAnswer {
  return errorXml(
    NAMESPACE,
    400,
    'ValidationError',
    `1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: ${constraint}`,
  );
}

function roleXml(r: RoleRecord): string {
  return `<Role>${xmlMembers([
    ['Path', r.path],
    ['RoleName', r.name],
    ['RoleId', r.id],
    ['Arn', r.arn],
    ['CreateDate', new Date(r.createdAt).toISOString().replace(/\.\d{3}Z$/, 'Z')],
    ['AssumeRolePolicyDocument', encodeURIComponent(r.assumeRolePolicyDocument)],
    ['Description', r.description],
    ['MaxSessionDuration', r.maxSessionDuration],
  ])}</Role>`;
}

export class IamService implements QueryService {
  readonly signingName = 'iam';
  /** By lower-cased name: IAM names are unique whatever their case. */
  private roles = new Map<string, RoleRecord>();

  constructor(
    private readonly accountId: string,
    private readonly options: IamOptions = {},
  ) {}

  answer(params: URLSearchParams, caller: QueryCaller, now: number): QueryAnswer {
    const action = params.get('Action') ?? '';
    if (action === 'GetRole') return this.getRole(params, caller);
    if (action === 'CreateRole') return this.createRole(params, now);
    return errorXml(NAMESPACE, 400, 'InvalidAction', `Could not find operation ${action} for version 2010-05-08`);
  }

  private getRole(params: URLSearchParams, caller: QueryCaller): QueryAnswer {
    const name = params.get('RoleName') ?? '';
    if (!ROLE_NAME.test(name)) {
      return validation('roleName', name, 'Member must satisfy regular expression pattern: [\\w+=,.@-]+');
    }
    const denied = this.options.getRoleDeniedFor ?? [];
    if (denied.includes('*') || (caller.accessKeyId !== undefined && denied.includes(caller.accessKeyId))) {
      return errorXml(
        NAMESPACE,
        403,
        'AccessDenied',
        `User: ${caller.identityArn} is not authorized to perform: iam:GetRole on resource: role ${name} ` +
          'because no identity-based policy allows the iam:GetRole action',
      );
    }
    const role = this.roles.get(name.toLowerCase());
    if (!role) return errorXml(NAMESPACE, 404, 'NoSuchEntity', `The role with name ${name} cannot be found.`);
    return resultXml(NAMESPACE, 'GetRole', roleXml(role));
  }

  private createRole(params: URLSearchParams, now: number): QueryAnswer {
    const name = params.get('RoleName') ?? '';
    if (!ROLE_NAME.test(name)) {
      return validation('roleName', name, 'Member must satisfy regular expression pattern: [\\w+=,.@-]+');
    }
    const path = params.get('Path') ?? '/';
    if (path.length > 512 || !PATH.test(path)) {
      return validation(
        'path',
        path,
        'Member must satisfy regular expression pattern: (\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)',
      );
    }
    const policy = params.get('AssumeRolePolicyDocument');
    if (policy === null || policy.length === 0) {
      return validation('assumeRolePolicyDocument', '', 'Member must not be null');
    }
    if (this.roles.has(name.toLowerCase())) {
      return errorXml(NAMESPACE, 409, 'EntityAlreadyExists', `Role with name ${name} already exists.`);
    }
    const max = Number(params.get('MaxSessionDuration') ?? '3600');
    if (!Number.isInteger(max) || max < 3600 || max > 43200) {
      return validation(
        'maxSessionDuration',
        String(params.get('MaxSessionDuration')),
        'Member must have value greater than or equal to 3600 and less than or equal to 43200',
      );
    }
    const digest = createHash('sha256').update(`${this.accountId}|${name}|${now}`).digest('hex').toUpperCase();
    const description = params.get('Description');
    const role: RoleRecord = {
      name,
      path,
      id: `AROA${digest.slice(0, 17)}`,
      arn: `arn:aws:iam::${this.accountId}:role${path}${name}`,
      createdAt: now,
      assumeRolePolicyDocument: policy,
      ...(description !== null ? { description } : {}),
      maxSessionDuration: max,
    };
    this.roles.set(name.toLowerCase(), role);
    return resultXml(NAMESPACE, 'CreateRole', roleXml(role));
  }

  reset(): void {
    this.roles.clear();
  }

  snapshot(): RoleRecord[] {
    return [...this.roles.values()];
  }

  restore(snapshot: unknown): void {
    this.reset();
    for (const r of Array.isArray(snapshot) ? (snapshot as RoleRecord[]) : []) this.roles.set(r.name.toLowerCase(), r);
  }
}
