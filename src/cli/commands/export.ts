/**
 * `meshward export --mesh NAME [--cluster NAME] [-o DIR]`: existing App Mesh and ECS resources -> clean manifests
 * (server defaults stripped, the injected Envoy folded back into `appMesh`). Exporting, applying to an empty
 * account and planning again shows no changes.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { kindRank } from '../../core/kind-order';
import { ANNOTATIONS, type ManifestDocument, resourceId } from '../../core/types';
import type { ActualResource } from '../../core/model';
import { createEngineContext } from '../../engine/context';
import { observe } from '../../engine/observe';
import { type Session, openSession } from '../../engine/session';
import { emptyState } from '../../engine/state-store';
import { defaultRegistry } from '../../kinds/registry';
import { EXIT, UsageError, parseCommandArgs, processIO, reportFailure, writeLine } from '../output';
import type { CliIO } from '../output';
import { progressTo } from './plan';

export const USAGE = `Usage: meshward export (--mesh NAME | --lattice-network NAME) [--cluster NAME] [-o DIR] [--local]

Write manifests for the resources of an existing mesh (and the meshed ECS services of a cluster), server defaults
stripped. Without -o the documents go to stdout.

Options:
  --mesh NAME          the App Mesh mesh to export (required)
  --lattice-network NAME  the VPC Lattice service network to export, with its services, listeners, rules and
                       target groups (and, with --cluster, the ECS services attached to those target groups)
  --cluster NAME       also export the ECS services of this cluster whose Envoy belongs to the mesh
  -o, --output DIR     write one file per kind into DIR
  --local              read the embedded emulator (data under .meshward/local/)
  -h, --help           show this help`;

const SCHEMA_COMMENT = '# yaml-language-server: $schema=https://meshward.dev/schemas/v1alpha1/meshward.schema.json';

/** Deletion protection travels as a tag in AWS and as an annotation in manifests. */
function protectionAsAnnotation(doc: ManifestDocument, actual: ActualResource): ManifestDocument {
  if (actual.tags[ANNOTATIONS.deletionProtection] !== 'true') return doc;
  const tags = { ...(doc.metadata.tags ?? {}) };
  delete tags[ANNOTATIONS.deletionProtection];
  const metadata = {
    ...doc.metadata,
    annotations: { ...doc.metadata.annotations, [ANNOTATIONS.deletionProtection]: 'true' },
  };
  if (Object.keys(tags).length > 0) metadata.tags = tags;
  else delete metadata.tags;
  return { ...doc, metadata };
}

export async function exportManifests(
  session: Pick<Session, 'clients'>,
  mesh: string | undefined,
  cluster: string | undefined,
  progress: (m: string) => void = () => undefined,
  latticeNetwork?: string,
): Promise<{ documents: ManifestDocument[]; skipped: string[] }> {
  const ctx = createEngineContext({ clients: session.clients, stack: 'export', state: emptyState('export'), progress });
  const scopes = {
    ...(mesh ? { mesh: [mesh] } : {}),
    ...(cluster ? { cluster: [cluster] } : {}),
    ...(latticeNetwork ? { serviceNetwork: [latticeNetwork] } : {}),
  };
  const actual = await observe(ctx, { scopes, ids: [], all: true });
  const documents: ManifestDocument[] = [];
  const skipped: string[] = [];
  const candidates: { a: ActualResource; doc: ManifestDocument }[] = [];
  for (const a of actual) {
    const kind = defaultRegistry.get(a.ref.kind);
    const doc = protectionAsAnnotation(kind.fromApi(a.ref, a.spec, a.tags), a);
    if (!(kind.inExport?.(a.ref, doc, scopes) ?? false)) {
      candidates.push({ a, doc });
      continue;
    }
    documents.push(doc);
  }
  // What a scope reaches only through references (a service network's services, their listeners and rules, the
  // target groups they forward to): included when linked to an included resource and in no scope of its own.
  const included = new Set(documents.map((d) => resourceId(defaultRegistry.refOfDocument(d))));
  const scoped = new Set(Object.keys(scopes));
  // Only a network export reaches further: a mesh export is its scope as the kinds define it.
  for (let changed = latticeNetwork !== undefined; changed;) {
    changed = false;
    for (const c of candidates) {
      if (included.has(c.a.id)) continue;
      const kind = defaultRegistry.get(c.a.ref.kind);
      if (kind.scopeKeys(c.a.ref).some(([key]) => scoped.has(key))) continue;
      const linked =
        kind.references(c.a.ref, c.doc.spec).some((r) => included.has(resourceId(r.target))) ||
        documents.some((d) =>
          defaultRegistry
            .get(d.kind)
            .references(defaultRegistry.refOfDocument(d), d.spec)
            .some((r) => resourceId(r.target) === c.a.id),
        );
      if (!linked) continue;
      included.add(c.a.id);
      documents.push(c.doc);
      changed = true;
    }
  }
  for (const c of candidates) {
    // Listed because the scope named its cluster, but not part of this mesh: say so.
    const kind = defaultRegistry.get(c.a.ref.kind);
    if (!included.has(c.a.id) && kind.scopeKeys(c.a.ref).some(([key]) => key === 'cluster')) skipped.push(c.a.id);
  }
  documents.sort(
    (x, y) =>
      kindRank(x.kind) - kindRank(y.kind) ||
      String(x.metadata.name ?? '').localeCompare(String(y.metadata.name ?? '')) ||
      resourceId(defaultRegistry.refOfDocument(x)).localeCompare(resourceId(defaultRegistry.refOfDocument(y))),
  );
  return { documents, skipped };
}

export function toYaml(documents: readonly ManifestDocument[]): string {
  return documents.map((d) => stringify(d, { lineWidth: 0 })).join('---\n');
}

export async function run(argv: string[], io: CliIO = processIO()): Promise<number> {
  let session: Session | undefined;
  try {
    const { values } = parseCommandArgs({
      args: argv,
      allowPositionals: false,
      strict: true,
      options: {
        mesh: { type: 'string' },
        cluster: { type: 'string' },
        'lattice-network': { type: 'string' },
        output: { type: 'string', short: 'o' },
        local: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      writeLine(io.stdout, USAGE);
      return EXIT.ok;
    }
    const network = values['lattice-network'];
    if (!values.mesh && !network) throw new UsageError('--mesh NAME or --lattice-network NAME is required');
    session = await openSession({ cwd: io.cwd, ...(values.local ? { local: true } : {}) });
    const { documents, skipped } = await exportManifests(session, values.mesh, values.cluster, progressTo(io), network);
    for (const id of skipped) writeLine(io.stderr, `  skipped ${id}: not part of the exported mesh or network`);
    if (documents.length === 0) {
      writeLine(
        io.stderr,
        `${values.mesh ? `mesh "${values.mesh}"` : `service network "${network ?? ''}"`} not found or empty`,
      );
      return EXIT.error;
    }
    if (!values.output) {
      writeLine(io.stdout, `${SCHEMA_COMMENT}\n${toYaml(documents)}`);
      return EXIT.ok;
    }
    const dir = resolve(io.cwd, values.output);
    await mkdir(dir, { recursive: true });
    const byFile = new Map<string, ManifestDocument[]>();
    for (const d of documents) {
      const file = defaultRegistry.get(d.kind).exportFile ?? `${d.kind.toLowerCase()}.yaml`;
      byFile.set(file, [...(byFile.get(file) ?? []), d]);
    }
    for (const [file, docs] of byFile) {
      await writeFile(join(dir, file), `${SCHEMA_COMMENT}\n${toYaml(docs)}`, 'utf8');
      writeLine(
        io.stderr,
        `  wrote ${join(values.output, file)} (${docs.length} document${docs.length === 1 ? '' : 's'})`,
      );
    }
    return EXIT.ok;
  } catch (error) {
    return reportFailure(io, error, USAGE);
  } finally {
    await session?.close();
  }
}
