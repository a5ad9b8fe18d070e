/**
 * `npm run bench:startup`: what a user pays to install and start the CLI. Packs the tarball (`npm pack`, which
 * builds dist/), installs it with `npm install --omit=dev` into an empty project, then times `node -e 0` (the floor),
 * `meshward --help`, `meshward validate manifests/` and `meshward plan manifests/ --local` from node_modules/.bin. Prints a Markdown table of medians.
 *
 *   npm run bench:startup -- --runs 21
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';

const ROOT = path.join(__dirname, '..');

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

function time(command: string, args: string[], cwd: string, runs: number, okCodes: readonly number[] = [0]): number {
  const samples: number[] = [];
  for (let i = 0; i < runs + 1; i++) {
    const start = process.hrtime.bigint();
    const result = spawnSync(command, args, { cwd, stdio: 'ignore', env: { ...process.env, NO_COLOR: '1' } });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (!okCodes.includes(result.status ?? -1)) throw new Error(`${command} ${args.join(' ')} exited ${result.status}`);
    if (i > 0) samples.push(ms); // the first run warms the file cache
  }
  return median(samples);
}

function main(): void {
  const { values } = parseArgs({ options: { runs: { type: 'string' } } });
  const runs = Number(values.runs ?? 15);
  const work = mkdtempSync(path.join(tmpdir(), 'meshward-startup-'));
  try {
    const packed = execFileSync('npm', ['pack', '--json', '--pack-destination', work], { cwd: ROOT, encoding: 'utf8' });
    const [entry] = JSON.parse(packed.slice(packed.indexOf('['))) as {
      filename: string;
      size: number;
      unpackedSize: number;
    }[];
    if (!entry) throw new Error('npm pack printed nothing');
    const project = path.join(work, 'project');
    cpSync(path.join(ROOT, 'manifests'), path.join(project, 'manifests'), { recursive: true });
    writeFileSync(path.join(project, 'package.json'), '{"name":"consumer","version":"1.0.0","private":true}');
    const installStart = Date.now();
    execFileSync(
      'npm',
      ['install', '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund', path.join(work, entry.filename)],
      {
        cwd: project,
        stdio: 'ignore',
      },
    );
    const installMs = Date.now() - installStart;
    const installed = execFileSync('du', ['-sk', 'node_modules'], { cwd: project, encoding: 'utf8' });
    const bin = path.join(project, 'node_modules', '.bin', 'meshward');
    const floor = time(process.execPath, ['-e', '0'], project, runs);
    const help = time(bin, ['--help'], project, runs);
    const validate = time(bin, ['validate', 'manifests/'], project, runs);
    // The embedded emulator, from the same data directory every run; exit 2 = changes pending (a fresh account).
    const planLocal = time(bin, ['plan', 'manifests/', '--local'], project, runs, [0, 2]);
    const kb = (n: number): string => `${(n / 1024).toFixed(0)} KB`;
    console.log(`Node.js ${process.version}, ${runs} runs each (median, after one warm-up run)\n`);
    console.log('| what | figure |');
    console.log('|---|---:|');
    console.log(`| tarball (${entry.filename}) | ${kb(entry.size)} packed, ${kb(entry.unpackedSize)} unpacked |`);
    console.log(
      `| \`npm install --omit=dev --prefer-offline\` (warm npm cache) | ${(installMs / 1000).toFixed(1)} s, node_modules ${(Number(installed.split('\t')[0]) / 1024).toFixed(0)} MB |`,
    );
    console.log(`| \`node -e 0\` | ${floor.toFixed(0)} ms |`);
    console.log(`| \`meshward --help\` | ${help.toFixed(0)} ms (+${(help - floor).toFixed(0)} ms) |`);
    console.log(
      `| \`meshward validate manifests/\` (19 documents) | ${validate.toFixed(0)} ms (+${(validate - floor).toFixed(0)} ms) |`,
    );
    console.log(
      `| \`meshward plan manifests/ --local\` | ${planLocal.toFixed(0)} ms (+${(planLocal - floor).toFixed(0)} ms) |`,
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main();
