/**
 * The vendored botocore service models (aws-models/*.json), typed just enough for routing, validation and
 * serialization. They are the authority on what each API accepts (aws-models/README.md).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface ShapeRef {
  shape: string;
  location?: 'uri' | 'querystring' | 'header' | 'headers' | 'statusCode';
  locationName?: string;
  idempotencyToken?: boolean;
}

export interface Shape {
  type: string;
  members?: Record<string, ShapeRef>;
  required?: string[];
  member?: ShapeRef;
  key?: ShapeRef;
  value?: ShapeRef;
  enum?: string[];
  min?: number;
  max?: number;
  pattern?: string;
  union?: boolean;
  payload?: string;
  exception?: boolean;
  fault?: boolean;
  error?: { httpStatusCode?: number; code?: string; senderFault?: boolean };
  document?: boolean;
}

export interface OperationModel {
  name: string;
  http: { method: string; requestUri: string; responseCode?: number };
  input?: { shape: string };
  output?: { shape: string };
  errors?: { shape: string }[];
}

export interface ServiceModel {
  metadata: {
    apiVersion: string;
    endpointPrefix: string;
    protocol: string;
    targetPrefix?: string;
    serviceId: string;
    signingName?: string;
  };
  operations: Record<string, OperationModel>;
  shapes: Record<string, Shape>;
  paginators?: Record<string, unknown>;
}

const cache = new Map<string, ServiceModel>();

/**
 * aws-models/ sits at the repository root; walking up from this file finds it both from src/emulator (tsx, jest)
 * and from dist/src/emulator (the built CLI), without depending on the process's working directory.
 */
export function modelsDir(): string {
  let dir = __dirname;
  for (let i = 0; i < 6; i += 1) {
    const candidate = join(dir, 'aws-models');
    if (existsSync(join(candidate, 'README.md'))) return candidate;
    dir = dirname(dir);
  }
  throw new Error(`aws-models/ not found above ${__dirname}`);
}

export function loadModel(file: string): ServiceModel {
  const hit = cache.get(file);
  if (hit) return hit;
  const model = JSON.parse(readFileSync(join(modelsDir(), file), 'utf8')) as ServiceModel;
  cache.set(file, model);
  return model;
}

export function getShape(model: ServiceModel, name: string): Shape {
  const shape = model.shapes[name];
  if (!shape) throw new Error(`shape ${name} missing from ${model.metadata.serviceId} model`);
  return shape;
}
