/**
 * `npx tsx lambda/build.ts`: bundles the handler with esbuild into dist/lambda/ (handler.js + schemas/), the
 * directory infra/ deploys with lambda.Code.fromAsset.
 *
 * The AWS SDK v3 is bundled, not marked external: the Node.js 22 runtime ships *a* v3 version, but which one
 * changes under the function without notice; bundling pins the versions the tests ran against, and tree-shaking
 * the few clients used keeps the cold start lower than loading the runtime's full SDK packages from disk.
 */
import { cpSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { build } from 'esbuild';

const ROOT = path.join(__dirname, '..');
export const OUT_DIR = path.join(ROOT, 'dist', 'lambda');

export async function buildLambda(
  outDir: string = OUT_DIR,
  /** Where esbuild's metafile goes; null for none (undefined would take this default). */
  metaFile: string | null = path.join(ROOT, 'dist', 'lambda-meta.json'),
): Promise<{ bytes: number; file: string }> {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, 'handler.js');
  const result = await build({
    entryPoints: [path.join(ROOT, 'lambda', 'handler.ts')],
    outfile: file,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    minify: true,
    sourcemap: false,
    legalComments: 'external',
    metafile: true,
    logLevel: 'warning',
    // Optional peer dependencies of bundled packages that meshward never loads.
    external: ['aws-crt', '@aws-sdk/signature-v4-crt'],
  });
  // Next to the asset directory, not in it: the metafile is for size analysis, not for Lambda.
  if (metaFile !== null) {
    mkdirSync(path.dirname(metaFile), { recursive: true });
    writeFileSync(metaFile, JSON.stringify(result.metafile));
  }
  // Schemas are read at runtime (findSchemasDir looks next to handler.js first).
  cpSync(path.join(ROOT, 'schemas'), path.join(outDir, 'schemas'), {
    recursive: true,
    filter: (src) => statSync(src).isDirectory() || src.endsWith('.schema.json'),
  });
  return { bytes: statSync(file).size, file };
}

if (require.main === module) {
  buildLambda()
    .then(({ bytes, file }) => console.log(`bundled ${path.relative(ROOT, file)}: ${(bytes / 1024).toFixed(0)} KiB`))
    .catch((err: unknown) => {
      console.error(err);
      process.exit(1);
    });
}
