/**
 * `meshward export --mesh NAME [--cluster NAME] [-o DIR]`: existing App Mesh and ECS resources -> clean manifests
 * (server defaults stripped, the injected Envoy folded back into `appMesh`). Exporting, applying to an empty
 * account and planning again shows no changes.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { kindRank } from '../../core/kind-order';
import { ANNOTATIONS, type ManifestDocument } from '../../core/types';
import type { ActualResource } from '../../core/model';
import { createEngineContext } from '../../engine/context';
import { observe } from '../../engine/observe';
import { type Session, openSession } from '../../engine/session';
import { emptyState } from '../../engine/state-store';
import { defaultRegistry } from '../../kinds/registry';
import { EXIT, UsageError, parseCommandArgs, processIO, reportFailure, writeLine } from '../output';
import type { CliIO } from '../output';
import { progressTo } from './plan';

export const USAGE = `Usage: meshward export --mesh NAME [--cluster NAME] [-o DIR] [--local]

Write manifests for the resources of an existing mesh (and the meshed ECS services of a cluster), server defaults
stripped. Without -o the documents go to stdout.

Options:
  --mesh NAME          the App Mesh mesh to export (required)
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
  mesh: string,
  cluster: string | undefined,
  progress: (m: string) => void = () => undefined,
): Promise<{ documents: ManifestDocument[]; skipped: string[] }> {
  const ctx = createEngineContext({ clients: session.clients, stack: 'export', state: emptyState('export'), progress });
  const scopes = { mesh: [mesh], ...(cluster ? { cluster: [cluster] } : {}) };
  const actual = await observe(ctx, { scopes, ids: [], all: true });
  const documents: ManifestDocument[] = [];
  const skipped: string[] = [];
  for (const a of actual) {
    const kind = defaultRegistry.get(a.ref.kind);
    const doc = protectionAsAnnotation(kind.fromApi(a.ref, a.spec, a.tags), a);
    if (!(kind.inExport?.(a.ref, doc, scopes) ?? false)) {
      // Listed because the scope named its cluster, but not part of this mesh: say so.
      if (kind.scopeKeys(a.ref).some(([key]) => key === 'cluster')) skipped.push(a.id);
      continue;
    }
    documents.push(doc);
  }
  documents.sort((x, y) => kindRank(x.kind) - kindRank(y.kind) || x.metadata.name.localeCompare(y.metadata.name));
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
        output: { type: 'string', short: 'o' },
        local: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      writeLine(io.stdout, USAGE);
      return EXIT.ok;
    }
    if (!values.mesh) throw new UsageError('--mesh NAME is required');
    session = await openSession({ cwd: io.cwd, ...(values.local ? { local: true } : {}) });
    const { documents, skipped } = await exportManifests(session, values.mesh, values.cluster, progressTo(io));
    for (const id of skipped) writeLine(io.stderr, `  skipped ${id}: no App Mesh Envoy of mesh ${values.mesh}`);
    if (documents.length === 0) {
      writeLine(io.stderr, `mesh "${values.mesh}" not found or empty`);
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
