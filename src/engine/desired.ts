/** The desired stage: validated documents -> typed, normalized resources with their dependencies and digests. */
import { digestOf } from '../core/canonical';
import type { DesiredResource } from '../core/model';
import { type LoadedDocument, type ManifestDocument, type ResourceRef, resourceId } from '../core/types';
import type { ConvertContext } from '../kinds/kind';
import { type KindRegistry, defaultRegistry } from '../kinds/registry';

export function convertContextFor(
  docs: readonly ManifestDocument[],
  registry: KindRegistry = defaultRegistry,
): ConvertContext {
  const byId = new Map(docs.map((d) => [resourceId(registry.refOfDocument(d)), d]));
  return { lookup: (ref: ResourceRef) => byId.get(resourceId(ref)) };
}

export function buildDesired(
  loaded: readonly (LoadedDocument | ManifestDocument)[],
  registry: KindRegistry = defaultRegistry,
): DesiredResource[] {
  const docs = loaded.map((l) => ('doc' in l ? l.doc : l));
  const ctx = convertContextFor(docs, registry);
  const out: DesiredResource[] = [];
  for (const item of loaded) {
    const doc = 'doc' in item ? item.doc : item;
    const kind = registry.get(doc.kind);
    const ref = registry.refOfDocument(doc);
    const spec = kind.normalize(kind.toApi(doc, ctx));
    const tags = { ...(doc.metadata.tags ?? {}) };
    const annotations = { ...(doc.metadata.annotations ?? {}) };
    const dependsOn = [...new Set(kind.dependencies(doc).map(resourceId))].sort();
    const desired: DesiredResource = {
      id: resourceId(ref),
      ref,
      spec,
      tags,
      annotations,
      dependsOn,
      // Annotations are part of the digest: turning deletion protection on is a pending change, not drift.
      digest: digestOf({ spec, tags, annotations }),
      manifest: doc,
    };
    if ('doc' in item) desired.source = item.position;
    out.push(desired);
  }
  return out;
}
