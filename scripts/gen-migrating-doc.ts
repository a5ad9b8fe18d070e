/**
 * Fills the worked example of docs/migrating.md from a real run of `meshward migrate` on the reference topology
 * (manifests/), so the guide shows what the command prints today. `npx tsx scripts/gen-migrating-doc.ts` rewrites
 * the generated blocks; test/docs/migrating.test.ts fails when they are stale.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './gen-schemas';
import { migrateDocuments, renderManifests, renderMarkdown, renderSummary } from '../src/migrate';
import { validateManifests } from '../src/manifest/validate';

export const MIGRATING_DOC = 'docs/migrating.md';
const BEGIN = (name: string) => `<!-- generated:${name} (scripts/gen-migrating-doc.ts) -->`;
const END = '<!-- end generated -->';

/** The inputs of the worked example: each key's example, as a team would pass them with --set. */
function exampleInputs(keys: readonly { key: string; example: string }[]): Record<string, string> {
  return Object.fromEntries(keys.map((k) => [k.key, k.example]));
}

function sections(markdown: string, wanted: readonly string[]): string {
  const parts = markdown.split(/\n(?=## )/);
  return (
    parts
      .filter((p) => wanted.some((w) => p.startsWith(`## ${w}`)))
      // Two levels down: the page's own headings stay above the example's.
      .map((p) => p.replace(/^(#{2,3}) /gm, '##$1 '))
      .join('\n')
      .trim()
  );
}

function fieldTables(markdown: string, ids: readonly string[]): string {
  return markdown
    .split(/\n(?=### )/)
    .filter((p) => ids.some((id) => p.startsWith(`### ${id}\n`)))
    .map((p) => p.replace(/^### /, '##### ').replace(/\n## [\s\S]*$/, ''))
    .join('\n')
    .trim();
}

export async function generatedBlocks(): Promise<Record<string, string>> {
  const root = repoRoot();
  const validation = await validateManifests(['manifests'], { cwd: root });
  if (!validation.valid) throw new Error('reference manifests are invalid');
  const out: Record<string, string> = {};
  for (const target of ['service-connect', 'vpc-lattice'] as const) {
    const first = migrateDocuments(validation.documents, { target });
    const bare = renderSummary(first.report, first.documents.length);
    const result = migrateDocuments(validation.documents, { target, inputs: exampleInputs(first.report.inputs) });
    const md = renderMarkdown(result, {
      sources: ['manifests/'],
      outDir: `out/${target}`,
      deletionProtected: ['Mesh/shop'],
    });
    const command = `meshward migrate manifests/ --to ${target} -o out/${target}`;
    const body = [
      '```console',
      `$ ${command}`,
      bare,
      `wrote ${renderManifests(first).length + 2} files to out/${target} (see MIGRATION.md)`,
      '```',
      '',
      `With every input given (\`--set KEY=VALUE\` for each key above), \`out/${target}/MIGRATION.md\` reads, in part:`,
      '',
      sections(
        md,
        target === 'service-connect' ? ['Summary', 'Migration sequence', 'Ingress'] : ['Summary', 'Migration sequence'],
      ),
      '',
      '#### Field by field (three of the resources)',
      '',
      fieldTables(md, [
        'Route/shop/service-a/canary-weighted',
        'Route/shop/service-a/canary-header',
        'VirtualNode/shop/service-b',
      ]),
    ];
    out[target] = body.join('\n').replace(/\n{3,}/g, '\n\n');
  }
  return out;
}

export function fill(doc: string, blocks: Record<string, string>): string {
  let text = doc;
  for (const [name, body] of Object.entries(blocks)) {
    const begin = BEGIN(name);
    const start = text.indexOf(begin);
    const end = text.indexOf(END, start);
    if (start < 0 || end < 0) throw new Error(`${MIGRATING_DOC} has no generated block ${name}`);
    text = `${text.slice(0, start + begin.length)}\n${body}\n${text.slice(end)}`;
  }
  return text;
}

async function mainScript(): Promise<void> {
  const file = join(repoRoot(), MIGRATING_DOC);
  const doc = readFileSync(file, 'utf8');
  writeFileSync(file, fill(doc, await generatedBlocks()));
}

if (require.main === module) void mainScript();
