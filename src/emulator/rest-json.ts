/**
 * rest-json (App Mesh): requests are matched by method + the model's uri template; uri labels, querystring and
 * header members are merged with the JSON body into one input by member name. Outputs are split back the same
 * way: header members go to headers, a `payload` member becomes the whole body (App Mesh outputs are
 * `{"mesh": MeshData}` with `mesh` as payload, so the body is the MeshData itself).
 */
import type { IncomingHttpHeaders } from 'node:http';
import { getShape, type OperationModel, type ServiceModel, type Shape } from './model';

interface Route {
  operation: OperationModel;
  method: string;
  regex: RegExp;
  labels: string[];
}

export interface MatchedRequest {
  operation: OperationModel;
  input: Record<string, unknown>;
}

export class RestJsonRouter {
  private readonly routes: Route[];

  constructor(readonly model: ServiceModel) {
    this.routes = Object.values(model.operations).map((operation) => compileRoute(operation));
  }

  /** The operation for method + path, or undefined (the caller answers with the unknown-operation error). */
  match(method: string, pathname: string): { operation: OperationModel; labels: Record<string, string> } | undefined {
    for (const route of this.routes) {
      if (route.method !== method) continue;
      const m = route.regex.exec(pathname);
      if (!m) continue;
      const labels: Record<string, string> = {};
      try {
        route.labels.forEach((label, index) => {
          labels[label] = decodeURIComponent(m[index + 1] ?? '');
        });
      } catch {
        // A malformed %-escape matches no operation: the caller answers with the unknown-operation error.
        return undefined;
      }
      return { operation: route.operation, labels };
    }
    return undefined;
  }

  /** Builds the operation input from the already parsed JSON body (http-body.ts parses and bounds it). */
  buildInput(
    operation: OperationModel,
    labels: Record<string, string>,
    query: URLSearchParams,
    headers: IncomingHttpHeaders,
    parsed: unknown,
  ): Record<string, unknown> {
    if (!operation.input) return {};
    const shape = getShape(this.model, operation.input.shape);
    const input: Record<string, unknown> = {};
    if (shape.payload) {
      input[shape.payload] = parsed;
    } else if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
      // Not Object.assign: a JSON key "__proto__" would set the input's prototype instead of being ignored.
      for (const [key, value] of Object.entries(parsed as Record<string, unknown>)) {
        if (key !== '__proto__') input[key] = value;
      }
    }
    for (const [name, ref] of Object.entries(shape.members ?? {})) {
      const wire = ref.locationName ?? name;
      if (ref.location === 'uri') {
        if (wire in labels) input[name] = labels[wire];
      } else if (ref.location === 'querystring') {
        const target = getShape(this.model, ref.shape);
        const values = query.getAll(wire);
        if (values.length > 0) input[name] = coerce(target, values);
        else delete input[name];
      } else if (ref.location === 'header') {
        const value = headers[wire.toLowerCase()];
        if (value !== undefined) input[name] = Array.isArray(value) ? value.join(',') : value;
        else delete input[name];
      }
    }
    return input;
  }

  /** Splits an operation result into status, headers and body per the output shape's locations and payload. */
  serializeOutput(
    operation: OperationModel,
    result: unknown,
  ): { status: number; headers: Record<string, string>; body: unknown } {
    const status = operation.http.responseCode ?? 200;
    if (!operation.output || typeof result !== 'object' || result === null) return { status, headers: {}, body: {} };
    const shape = getShape(this.model, operation.output.shape);
    const record = result as Record<string, unknown>;
    const headers: Record<string, string> = {};
    let statusCode = status;
    const body: Record<string, unknown> = {};
    for (const [name, ref] of Object.entries(shape.members ?? {})) {
      const value = record[name];
      if (value === undefined || value === null) continue;
      if (ref.location === 'header') headers[(ref.locationName ?? name).toLowerCase()] = String(value);
      else if (ref.location === 'statusCode' && typeof value === 'number') statusCode = value;
      else if (!ref.location) body[ref.locationName ?? name] = value;
    }
    if (shape.payload) return { status: statusCode, headers, body: record[shape.payload] ?? {} };
    return { status: statusCode, headers, body };
  }
}

function compileRoute(operation: OperationModel): Route {
  const [path = '/'] = operation.http.requestUri.split('?');
  const labels: string[] = [];
  const pattern = path
    .split(/(\{[^}]+\})/)
    .map((part) => {
      const label = /^\{([^}+]+)(\+?)\}$/.exec(part);
      if (!label) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      labels.push(label[1] ?? '');
      // A greedy label (`{key+}`) may span slashes; a plain one is a single path segment.
      return label[2] ? '(.+)' : '([^/]+)';
    })
    .join('');
  return { operation, method: operation.http.method, regex: new RegExp(`^${pattern}/?$`), labels };
}

/** Querystring values arrive as strings; give them the member's type so validation sees what AWS would parse. */
function coerce(shape: Shape, values: string[]): unknown {
  const first = values[0] ?? '';
  switch (shape.type) {
    case 'integer':
    case 'long':
    case 'double':
    case 'float': {
      const n = Number(first);
      return first.trim() !== '' && Number.isFinite(n) ? n : first;
    }
    case 'boolean':
      return first === 'true' ? true : first === 'false' ? false : first;
    case 'list':
      return values;
    default:
      return first;
  }
}
