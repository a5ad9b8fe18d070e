/**
 * The local AWS: one node http server speaking App Mesh rest-json and the json 1.1 services (by X-Amz-Target),
 * with a control plane under /_emulator/ (stats, reset, faults) and, optionally, S3 (s3rver) on the same port.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MeshwardError } from '../core/errors';
import {
  AwsApiError,
  type CallContext,
  type ServedWrite,
  type ServiceFactory,
  type ServiceImplementation,
  type TaggedResource,
} from './contracts';
import { FaultInjector, type FaultConfig } from './faults';
import { DEFAULT_MAX_BODY_BYTES, parseJson, readBody } from './http-body';
import { getShape, loadModel, type OperationModel, type ServiceModel } from './model';
import { pruneToShape } from './prune-input';
import { isReadOperation, PROFILES, type ProtocolProfile } from './protocols';
import type { EcsEmulatorOptions } from './ecs/options';
import { defaultServiceFactories } from './registry';
import type { AppMeshOptions } from './appmesh/service';
import type { LatticeOptions } from './lattice/options';
import type { TaggingOptions } from './tagging/service';
import { accessKeyIdFrom, identityArnFor } from './request-identity';
import { answerSts, isStsRequest, type StsOptions } from './sts';
import { type Elbv2Seed, Elbv2Service } from './elbv2';
import { type IamOptions, IamService } from './iam';
import { type QueryService, signingServiceOf } from './query';
import { RestJsonRouter } from './rest-json';
import { type S3Backend, type S3Control, type S3Options, startS3 } from './s3';
import { EmulatorStats } from './stats';
import { loadState, saveState } from './state-file';
import { formatValidationMessage, validateInput } from './validate-input';

export interface EmulatorOptions {
  port?: number;
  host?: string;
  region?: string;
  accountId?: string;
  /** Persist state here (emulator-state.json) and restore it at start. */
  dataDir?: string;
  /** Serve S3 (s3rver, path-style) on the same port; its objects live under dataDir/s3 or a temp dir. */
  s3?: boolean;
  /** Conditional-write and access behaviour of the S3 layer in front of s3rver (see src/emulator/s3.ts). */
  s3Options?: S3Options;
  faults?: FaultConfig;
  /** Seed of the fault PRNG when the fault config has none (default 1). */
  seed?: number;
  /** accessKeyId -> identity ARN recorded in ServedWrites (default arn:aws:iam::<account>:user/<accessKeyId>). */
  identities?: Record<string, string>;
  /** STS AssumeRole (sts.ts): who may assume which role; unset = every role by everyone. */
  sts?: StsOptions;
  /** IAM (iam.ts): who is denied iam:GetRole. */
  iam?: IamOptions;
  /** The emulator's clock in ms since epoch (tests may move it); default Date.now. */
  now?: () => number;
  /** App Mesh quotas, reference checks and unverified defaults. */
  appMesh?: AppMeshOptions;
  /** VPC Lattice quotas, asynchronous transitions and unverified defaults (lattice/options.ts). */
  lattice?: LatticeOptions;
  /** Resource Groups Tagging API: covered services, staleness of its view (tagging/service.ts, README "Tagging API"). */
  tagging?: TaggingOptions;
  /** ECS control-plane timing and unverified behaviours (ecs/options.ts): `deploymentTiming: 'timed'`... */
  ecs?: Partial<EcsEmulatorOptions>;
  /** Replace the served services (tests of the core); default: registry.ts. */
  services?: readonly ServiceFactory[];
  /** Cap of ServedWrites kept in memory and on disk (oldest dropped first); default 10000. */
  maxServedWrites?: number;
  /**
   * Record failed write calls too, with `errorCode` / `errorMessage`, as CloudTrail does (default true). Calls
   * refused by injected faults are never recorded: they simulate the front end, not the service.
   */
  recordFailedWrites?: boolean;
  /** Largest request body accepted (default 1 MiB); larger ones get HTTP 413 and the connection is closed. */
  maxBodyBytes?: number;
}

export interface Emulator {
  endpoint: string;
  port: number;
  region: string;
  accountId: string;
  /** Same as endpoint when S3 is on (path-style, forcePathStyle: true), else undefined. */
  s3Endpoint?: string;
  /** S3 faults, read-only identities and call counts, when S3 is on. */
  s3?: S3Control;
  stop(): Promise<void>;
  stats: EmulatorStats;
  faults: FaultInjector;
  /** Drops every resource and served write (stats and faults are kept; reset those separately). */
  reset(): void;
  /** Keyed by service id: 'appmesh', 'ecs', 'servicediscovery', 'events', 'cloudtrail', 'vpc-lattice'. */
  services: ReadonlyMap<string, ServiceImplementation>;
  /** ELBv2 (awsQuery): `seed()` an account's existing target groups, listeners and rules by their ARNs. */
  elbv2: Elbv2Service;
  /** IAM (awsQuery, global): roles. */
  iam: IamService;
  servedWrites(): readonly ServedWrite[];
}

interface ServiceEntry {
  id: string;
  impl: ServiceImplementation;
  model: ServiceModel;
  profile: ProtocolProfile;
  router?: RestJsonRouter;
}

interface Resolved {
  entry: ServiceEntry;
  operation: OperationModel;
  input: Record<string, unknown>;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const region = options.region ?? 'us-east-1';
  const accountId = options.accountId ?? '111122223333';
  const now = options.now ?? (() => Date.now());
  // A copy: AssumeRole adds the access keys it issues (sts.ts).
  const identities: Record<string, string> = { ...(options.identities ?? {}) };
  const maxServedWrites = options.maxServedWrites ?? 10000;
  const recordFailedWrites = options.recordFailedWrites ?? true;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  let writes: ServedWrite[] = [];
  const entries = new Map<string, ServiceEntry>();
  const env = {
    region,
    accountId,
    servedWrites: (): readonly ServedWrite[] => writes,
    taggedResources: (): TaggedResource[] => [...entries.values()].flatMap((e) => e.impl.taggedResources?.() ?? []),
  };

  const byTarget = new Map<string, ServiceEntry>();
  let restJson: ServiceEntry[] = [];
  for (const factory of options.services ??
    defaultServiceFactories({
      appMesh: options.appMesh,
      lattice: options.lattice,
      ecs: options.ecs,
      tagging: options.tagging,
    })) {
    const impl = factory(env);
    const model = impl.model ?? loadModel(impl.modelFile);
    const id = model.metadata.endpointPrefix;
    const profile = PROFILES[id];
    if (!profile) throw new Error(`no protocol profile for service ${id}`);
    const entry: ServiceEntry = { id, impl, model, profile };
    if (profile.protocol === 'rest-json') {
      entry.router = new RestJsonRouter(model);
      restJson = [...restJson, entry];
    } else if (model.metadata.targetPrefix) {
      // The SDK sends the smithy service name (CloudTrail_20131101.LookupEvents) where botocore's targetPrefix is
      // fully qualified (com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101): accept both, as AWS does.
      const prefix = model.metadata.targetPrefix;
      byTarget.set(prefix, entry);
      byTarget.set(prefix.slice(prefix.lastIndexOf('.') + 1), entry);
    }
    entries.set(id, entry);
  }
  // The awsQuery services, told apart by their signing name (query.ts); persisted and reset like the others.
  const elbv2 = new Elbv2Service(region, accountId);
  const iam = new IamService(accountId, options.iam ?? {});
  const queryServices = new Map<string, QueryService>([
    [elbv2.signingName, elbv2],
    [iam.signingName, iam],
  ]);

  if (options.dataDir) {
    const state = loadState(options.dataDir);
    if (state) {
      writes = state.servedWrites;
      for (const [id, snapshot] of Object.entries(state.services)) {
        const query = queryServices.get(id);
        if (query) {
          query.restore(snapshot);
          continue;
        }
        const entry = entries.get(id);
        if (!entry) continue;
        try {
          entry.impl.restore(snapshot);
        } catch (cause) {
          throw new MeshwardError('STATE_CORRUPT', `emulator data for ${id} in ${options.dataDir} cannot be restored`, {
            cause,
          });
        }
      }
    }
  }

  const persist = (): void => {
    if (!options.dataDir) return;
    const services: Record<string, unknown> = {};
    for (const [id, entry] of entries) services[id] = entry.impl.snapshot();
    for (const [id, query] of queryServices) services[id] = query.snapshot();
    saveState(options.dataDir, {
      formatVersion: 1,
      savedAt: new Date(now()).toISOString(),
      services,
      servedWrites: writes,
    });
  };

  const stats = new EmulatorStats();
  const faults = new FaultInjector(options.seed ?? 1);
  if (options.faults) faults.set(options.faults);

  let s3: S3Backend | undefined;
  if (options.s3) s3 = await startS3(options.dataDir, options.s3Options);

  const reset = (): void => {
    for (const entry of entries.values()) entry.impl.reset();
    for (const query of queryServices.values()) query.reset();
    writes = [];
    persist();
  };

  const recordWrite = (
    entry: ServiceEntry,
    ctx: CallContext,
    input: Record<string, unknown>,
    output: unknown,
    error?: AwsApiError,
  ): void => {
    if (!entry.profile.recordsWrites || isReadOperation(ctx.operation)) return;
    if (error && !recordFailedWrites) return;
    const arn = findArn(output) ?? (typeof input.resourceArn === 'string' ? input.resourceArn : undefined);
    const own = entry.impl.writeResources?.(ctx.operation, input, output, ctx) ?? [];
    const arns = own.length > 0 ? own : arn ? [arn] : [];
    writes.push({
      eventId: randomUUID(),
      eventTime: ctx.now,
      eventSource: entry.profile.eventSource,
      eventName: ctx.operation,
      userIdentityArn: ctx.principalArn ?? identityArnFor(accountId, ctx.accessKeyId, identities),
      accessKeyId: ctx.accessKeyId,
      sourceIPAddress: ctx.sourceIp,
      requestParameters: structuredClone(input),
      responseElements: output === undefined ? undefined : structuredClone(output),
      resources: arns.map((ARN) => ({ ARN })),
      ...(error ? { errorCode: error.type, errorMessage: error.message } : {}),
    });
    if (writes.length > maxServedWrites) writes = writes.slice(writes.length - maxServedWrites);
  };

  const serveCall = async (resolved: Resolved, req: IncomingMessage, url: URL, res: ServerResponse): Promise<void> => {
    const { entry, operation } = resolved;
    let input = resolved.input;
    const read = isReadOperation(operation.name);
    const call = { service: entry.id, operation: operation.name, read };
    const delay = faults.latencyFor(call);
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    const injected = faults.check(call, entry.profile);
    if (injected) {
      stats.record(entry.id, operation.name, injected.throttled ? 'throttled' : 'error');
      sendError(res, entry, injected.error);
      return;
    }
    if (!entry.impl.operations.has(operation.name)) {
      const spec = entry.profile.unknownOperation;
      stats.record(entry.id, operation.name, 'error');
      sendError(
        res,
        entry,
        new AwsApiError(spec.type, spec.status, `Operation ${operation.name} is not supported by this emulator`),
      );
      return;
    }
    const accessKeyId = accessKeyIdFrom(req.headers, url.searchParams);
    const ctx: CallContext = {
      region,
      accountId,
      accessKeyId,
      principalArn: identityArnFor(accountId, accessKeyId, identities),
      sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
      now: now(),
      operation: operation.name,
    };
    try {
      if (operation.input) {
        const issues = validateInput(entry.model, operation.input.shape, input);
        if (issues.length > 0) {
          const typeOnly = issues.every((issue) => issue.kind === 'type');
          const own = typeOnly ? undefined : entry.impl.validationError?.(operation.name, issues);
          const spec = typeOnly ? entry.profile.serialization : entry.profile.validation;
          throw own ?? new AwsApiError(spec.type, spec.status, formatValidationMessage(issues));
        }
        input = pruneToShape(entry.model, operation.input.shape, input) as Record<string, unknown>;
      }
      const output = await entry.impl.handle(operation.name, input, ctx);
      if (!read) {
        recordWrite(entry, ctx, input, output);
        persist();
      }
      stats.record(entry.id, operation.name, 'ok');
      const lost = faults.lostAnswer(call, entry.profile);
      if (lost && 'drop' in lost) {
        res.socket?.destroy();
        return;
      }
      if (lost) {
        sendError(res, entry, lost.error);
        return;
      }
      sendOutput(res, entry, operation, output);
    } catch (err) {
      stats.record(entry.id, operation.name, 'error');
      const error = err instanceof AwsApiError ? err : internalError(entry.profile, err);
      if (!(err instanceof AwsApiError)) {
        process.stderr.write(
          `emulator: ${entry.id}.${operation.name} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
        );
      }
      if (!read && entry.profile.recordsWrites) {
        recordWrite(entry, ctx, input, undefined, error);
        persist();
      }
      sendError(res, entry, error);
    }
  };

  /** Reads and parses a service request's body; answers the error itself and returns undefined when it cannot. */
  const readJsonBody = async (
    req: IncomingMessage,
    res: ServerResponse,
    entry: ServiceEntry,
    opName: string,
  ): Promise<{ value: unknown } | undefined> => {
    const body = await readBody(req, maxBodyBytes);
    const serialization = entry.profile.serialization;
    if (!body.ok) {
      stats.record(entry.id, opName, 'error');
      if (body.reason === 'too-large') {
        // AWS's front ends answer an oversized request with 413; the rest of the body is not read.
        res.setHeader('connection', 'close');
        sendError(
          res,
          entry,
          new AwsApiError('RequestEntityTooLargeException', 413, `Request body exceeds ${maxBodyBytes} bytes`),
        );
        res.once('finish', () => req.socket.destroy());
      } else {
        sendError(res, entry, new AwsApiError(serialization.type, serialization.status, 'Request body is not UTF-8'));
      }
      return undefined;
    }
    const parsed = parseJson(body.text);
    if (!parsed.ok) {
      stats.record(entry.id, opName, 'error');
      sendError(res, entry, new AwsApiError(serialization.type, serialization.status, parsed.message));
      return undefined;
    }
    return { value: parsed.value };
  };

  const handleRequest = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://emulator.local');
    const method = (req.method ?? 'GET').toUpperCase();
    const target = req.headers['x-amz-target'];

    if (url.pathname.startsWith('/_emulator/')) {
      const body = await readBody(req, maxBodyBytes);
      handleControl(method, url.pathname, body.ok ? body.text : undefined, res);
      return;
    }

    if (typeof target === 'string') {
      const dot = target.lastIndexOf('.');
      const entry = byTarget.get(target.slice(0, dot));
      const opName = target.slice(dot + 1);
      const operation =
        entry && Object.hasOwn(entry.model.operations, opName) ? entry.model.operations[opName] : undefined;
      if (!entry || !operation) {
        const p = entry?.profile ?? fallbackJsonProfile();
        const error = new AwsApiError(
          p.unknownOperation.type,
          p.unknownOperation.status,
          `Unknown operation ${target}`,
        );
        if (entry) sendError(res, entry, error);
        else sendProfileError(res, p, error);
        return;
      }
      const body = await readJsonBody(req, res, entry, opName);
      if (!body) return;
      if (typeof body.value !== 'object' || body.value === null || Array.isArray(body.value)) {
        stats.record(entry.id, opName, 'error');
        const spec = entry.profile.serialization;
        sendError(res, entry, new AwsApiError(spec.type, spec.status, 'Request body is not a JSON object'));
        return;
      }
      await serveCall({ entry, operation, input: body.value as Record<string, unknown> }, req, url, res);
      return;
    }

    for (const entry of restJson) {
      const hit = entry.router?.match(method, url.pathname);
      if (!hit || !entry.router) continue;
      const body = await readJsonBody(req, res, entry, hit.operation.name);
      if (!body) return;
      const shape = hit.operation.input ? getShape(entry.model, hit.operation.input.shape) : undefined;
      const isObject = typeof body.value === 'object' && body.value !== null && !Array.isArray(body.value);
      if (shape && !shape.payload && !isObject) {
        stats.record(entry.id, hit.operation.name, 'error');
        const spec = entry.profile.serialization;
        sendError(res, entry, new AwsApiError(spec.type, spec.status, 'Request body is not a JSON object'));
        return;
      }
      const input = entry.router.buildInput(hit.operation, hit.labels, url.searchParams, req.headers, body.value);
      await serveCall({ entry, operation: hit.operation, input }, req, url, res);
      return;
    }

    if (method === 'POST' && isStsRequest(req)) {
      const body = await readBody(req, maxBodyBytes);
      const accessKeyId = accessKeyIdFrom(req.headers, url.searchParams);
      const caller = { accessKeyId, identityArn: identityArnFor(accountId, accessKeyId, identities) };
      const answer = answerSts(body.ok ? body.text : '', caller, options.sts ?? {}, now());
      if (answer.issued) identities[answer.issued.accessKeyId] = answer.issued.identityArn;
      stats.record('sts', 'AssumeRole', answer.status === 200 ? 'ok' : 'error');
      res.writeHead(answer.status, { 'content-type': 'text/xml', 'x-amzn-requestid': randomUUID() });
      res.end(answer.body);
      return;
    }

    const query = method === 'POST' ? queryServices.get(signingServiceOf(req) ?? '') : undefined;
    if (query) {
      const body = await readBody(req, maxBodyBytes);
      const params = new URLSearchParams(body.ok ? body.text : '');
      const accessKeyId = accessKeyIdFrom(req.headers, url.searchParams);
      const caller = { accessKeyId, identityArn: identityArnFor(accountId, accessKeyId, identities) };
      const action = params.get('Action') ?? 'Unknown';
      const answer = query.answer(params, caller, now());
      stats.record(query.signingName, action, answer.status === 200 ? 'ok' : 'error');
      if (answer.status === 200 && !/^(Describe|Get|List)/.test(action)) persist();
      res.writeHead(answer.status, { 'content-type': 'text/xml', 'x-amzn-requestid': randomUUID() });
      res.end(answer.body);
      return;
    }

    const appMesh = restJson[0];
    if (s3 && !url.pathname.startsWith('/v20190125/')) {
      s3.handle(req, res);
      return;
    }
    // AWS's front ends answer an unknown path with JSON, never an HTML page.
    const error = new AwsApiError('UnknownOperationException', 404, `No operation matches ${method} ${url.pathname}`);
    if (appMesh) sendError(res, appMesh, error);
    else sendProfileError(res, fallbackJsonProfile(), error);
  };

  const handleControl = (method: string, pathname: string, body: string | undefined, res: ServerResponse): void => {
    const route = `${method} ${pathname.replace(/\/$/, '')}`;
    try {
      switch (route) {
        case 'GET /_emulator/stats': {
          // The serving process's CPU rides along, so that a benchmark can tell the emulator's cost from meshward's.
          const cpu = process.cpuUsage();
          return sendJson(res, 200, { ...stats.snapshot(), processCpuMs: Math.round((cpu.user + cpu.system) / 1000) });
        }
        case 'POST /_emulator/stats/reset':
          stats.reset();
          return sendJson(res, 200, { ok: true });
        case 'POST /_emulator/reset':
          reset();
          return sendJson(res, 200, { ok: true });
        case 'GET /_emulator/faults':
          return sendJson(res, 200, faults.get());
        case 'POST /_emulator/faults': {
          if (body === undefined) return sendJson(res, 413, { message: 'request body too large or not UTF-8' });
          const parsed = parseJson(body);
          if (!parsed.ok) return sendJson(res, 400, { message: parsed.message });
          faults.set(parsed.value as FaultConfig);
          return sendJson(res, 200, faults.get());
        }
        case 'DELETE /_emulator/faults':
          faults.clear();
          return sendJson(res, 200, {});
        case 'GET /_emulator/writes':
          return sendJson(res, 200, { servedWrites: writes });
        case 'POST /_emulator/elbv2/seed': {
          // An account's existing load balancer resources, by the ARNs AWS gave them (`--local` seeding).
          if (body === undefined) return sendJson(res, 413, { message: 'request body too large or not UTF-8' });
          const parsed = parseJson(body);
          if (!parsed.ok) return sendJson(res, 400, { message: parsed.message });
          elbv2.seed(parsed.value as Elbv2Seed, now());
          persist();
          return sendJson(res, 200, { ok: true });
        }
        case 'GET /_emulator/health':
          return sendJson(res, 200, { ok: true, services: [...entries.keys()] });
        default:
          return sendJson(res, 404, { message: `no control endpoint ${route}` });
      }
    } catch (err) {
      sendJson(res, 400, { message: err instanceof Error ? err.message : String(err) });
    }
  };

  const server: Server = createServer((req, res) => {
    handleRequest(req, res).catch((err: unknown) => {
      // Only a broken connection gets here (service errors are answered in serveCall); answer if still possible.
      if (!res.headersSent && !res.destroyed) {
        sendProfileError(res, fallbackJsonProfile(), internalError(fallbackJsonProfile(), err));
      } else res.destroy();
    });
  });
  server.keepAliveTimeout = 5000;
  // A client that never finishes its headers or body must not hold a connection (and stop()) for minutes.
  server.headersTimeout = 15000;
  server.requestTimeout = 60000;

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const endpoint = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  const services = new Map<string, ServiceImplementation>();
  for (const [id, entry] of entries) services.set(id, entry.impl);

  let stopped = false;
  return {
    endpoint,
    port,
    region,
    accountId,
    s3Endpoint: s3 ? endpoint : undefined,
    ...(s3 ? { s3: s3.control } : {}),
    stats,
    faults,
    reset,
    services,
    elbv2,
    iam,
    servedWrites: () => writes,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      persist();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await s3?.close();
    },
  };
}

function fallbackJsonProfile(): ProtocolProfile {
  const profile = PROFILES.ecs;
  if (!profile) throw new Error('ecs profile missing');
  return profile;
}

/** Every response carries a request id, as AWS's do; the SDK surfaces it as `$metadata.requestId`. */
function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
    ...headers,
  });
  res.end(text);
}

function internalError(profile: ProtocolProfile, err: unknown): AwsApiError {
  const spec = profile.internal;
  return new AwsApiError(spec.type, spec.status, `Internal error: ${err instanceof Error ? err.message : String(err)}`);
}

/**
 * The member that carries the message in the error shape: most services model `message`, Cloud Map and CloudTrail
 * model `Message`, and AWS serializes the member as modelled.
 */
function messageMember(model: ServiceModel | undefined, type: string): string {
  const members = model && Object.hasOwn(model.shapes, type) ? model.shapes[type]?.members : undefined;
  if (members && !('message' in members) && 'Message' in members) return 'Message';
  return 'message';
}

function sendError(res: ServerResponse, entry: ServiceEntry, error: AwsApiError): void {
  sendProfileError(res, entry.profile, error, entry.model);
}

function sendProfileError(
  res: ServerResponse,
  profile: ProtocolProfile,
  error: AwsApiError,
  model?: ServiceModel,
): void {
  const extra = (error as { fields?: unknown }).fields;
  const fields = typeof extra === 'object' && extra !== null ? (extra as Record<string, unknown>) : {};
  const body = { ...fields, [messageMember(model, error.type)]: error.message };
  if (profile.protocol === 'rest-json') {
    sendJson(res, error.httpStatus, body, { 'x-amzn-errortype': error.type });
  } else {
    sendJson(res, error.httpStatus, { __type: error.type, ...body }, { 'content-type': 'application/x-amz-json-1.1' });
  }
}

function sendOutput(res: ServerResponse, entry: ServiceEntry, operation: OperationModel, output: unknown): void {
  if (entry.router) {
    const { status, headers, body } = entry.router.serializeOutput(operation, output);
    sendJson(res, status, body, headers);
    return;
  }
  const shape = operation.output ? getShape(entry.model, operation.output.shape) : undefined;
  sendJson(res, 200, shape ? (output ?? {}) : {}, { 'content-type': 'application/x-amz-json-1.1' });
}

/** The ARN of the resource a write touched: the first `arn` / `*Arn` string near the top of the output. */
function findArn(value: unknown, depth = 0): string | undefined {
  if (depth > 3 || typeof value !== 'object' || value === null) return undefined;
  if (Array.isArray(value)) return value.length > 0 ? findArn(value[0], depth + 1) : undefined;
  const record = value as Record<string, unknown>;
  for (const [key, v] of Object.entries(record)) {
    if ((key === 'arn' || key.endsWith('Arn') || key.endsWith('ARN')) && typeof v === 'string' && v.startsWith('arn:'))
      return v;
  }
  for (const v of Object.values(record)) {
    const found = findArn(v, depth + 1);
    if (found) return found;
  }
  return undefined;
}
