/**
 * Drops request members the model does not define, as AWS's deserializers do: an unknown member never reaches the
 * service, so it cannot change an idempotency comparison, a stored spec or what CloudTrail records as
 * requestParameters. Runs after validation, on input whose depth parseJson already bounded.
 */
import { getShape, type ServiceModel } from './model';

export function pruneToShape(model: ServiceModel, shapeName: string, value: unknown): unknown {
  const shape = getShape(model, shapeName);
  if (shape.document) return value;
  switch (shape.type) {
    case 'structure': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
      const record = value as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const [name, ref] of Object.entries(shape.members ?? {})) {
        if (record[name] === undefined) continue;
        out[name] = pruneToShape(model, ref.shape, record[name]);
      }
      return out;
    }
    case 'list': {
      const member = shape.member?.shape;
      if (!Array.isArray(value) || !member) return value;
      return value.map((item) => pruneToShape(model, member, item));
    }
    case 'map': {
      const valueShape = shape.value?.shape;
      if (typeof value !== 'object' || value === null || Array.isArray(value) || !valueShape) return value;
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
        out[key] = pruneToShape(model, valueShape, item);
      }
      return out;
    }
    default:
      return value;
  }
}
