/**
 * `meshward demo` (`npm run demo`): today's story on a fresh embedded local AWS, in under a minute. The App Mesh shop
 * of manifests/ (the legacy backend) is applied; `migrate` turns it into ECS Service Connect and VPC Lattice
 * manifests, in-process, with the report's summary; each successor is applied beside the shop in a stack of its
 * own and plans to zero; a console change on each successor is caught as drift (resource, field, who), re-applied
 * and converged; and the operator's Lambda path (S3 upload event, CloudTrail event) shows the same kind of change as
 * Slack shows it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { LOCAL_CREDENTIALS } from '../../aws/clients';
import type { LoadedDocument } from '../../core/types';
import { type Report, renderText } from '../../core/report';
import { type ReconcileMode, reconcile } from '../../engine/reconcile';
import { openSession, seedLocalInfrastructure } from '../../engine/session';
import { MemoryStateStore } from '../../engine/state-store';
import { validateManifests } from '../../manifest/validate';
import { runMigration, type MigrationReport, type MigrationStatus, type MigrationTarget } from '../../migrate';
import { writeRendered } from '../../migrate/write';
import { changeByHand, type ConsoleUser } from '../../operator/demo-flow';
import { manifestSchemes } from '../manifest-schemes';
import { EXIT, colorEnabled, parseCommandArgs, processIO, reportFailure, styleFor, writeLine } from '../output';
import type { CliIO, Style } from '../output';
import { cloudTrailAttribution } from './drift';
import { printIssues } from './plan';

export const USAGE = `Usage: meshward demo [PATH]

Today's story on a fresh local emulator (nothing touches AWS, nothing is kept): the App Mesh manifests (default
manifests/) applied; "meshward migrate" to ECS Service Connect and to VPC Lattice, with the report's summary; each
successor applied beside the App Mesh side in its own stack; a console change on it caught as drift, re-applied,
converged; and the operator's Lambda path ending with the drift report as Slack shows it.

Options:
  -h, --help   show this help`;

const STACK = 'demo';
const CONSOLE_KEY = 'console-user';

/** What the demo migrates to, the successor's stack, and the inputs a real team would give with --set. */
const TARGETS: readonly { target: MigrationTarget; stack: string; label: string; inputs: Record<string, string> }[] = [
  { target: 'service-connect', stack: 'demo-sc', label: 'ECS Service Connect', inputs: {} },
  {
    target: 'vpc-lattice',
    stack: 'demo-lattice',
    label: 'VPC Lattice',
    inputs: {
      'vpc.id': 'vpc-0a1b2c3d4e5f67890',
      'ecs.infrastructureRoleArn': 'arn:aws:iam::000000000000:role/ecsInfrastructureRole',
    },
  },
];

/** Per status, the source fields that tell the story best (the first that exists is shown). */
const TELLING: Partial<Record<MigrationStatus, readonly RegExp[]>> = {
  carried: [/canary-weighted:.*weightedTargets$/, /timeout\/http\/perRequest$/, /healthCheck$/],
  approx: [/canary-weighted:.*weightedTargets$/, /timeout\/http\/idle$/, /headers$/],
  builtin: [/retryPolicy$/, /outlierDetection$/],
  dropped: [/VirtualNode.*connectionPool$/, /retryPolicy$/, /connectionPool$/],
};

function tellingLines(report: MigrationReport, style: Style): string[] {
  const lines: string[] = [];
  for (const [status, patterns] of Object.entries(TELLING) as [MigrationStatus, readonly RegExp[]][]) {
    const of = report.entries.filter((e) => e.status === status);
    const entry = patterns.map((p) => of.find((e) => p.test(e.source))).find((e) => e !== undefined) ?? of[0];
    if (!entry) continue;
    const detail = entry.detail.length > 110 ? `${entry.detail.slice(0, 107)}...` : entry.detail;
    lines.push(`   ${style.bold(status.padEnd(8))} ${entry.source}`, `            ${style.dim(detail)}`);
  }
  return lines;
}

function calls(report: Report): string {
  const total = Object.values(report.apiCalls ?? {}).reduce((n, v) => n + v, 0);
  return `${total} AWS API call${total === 1 ? '' : 's'}`;
}

/** A report without its per-operation call list: the demo tells the count, the list is in `meshward drift`'s own output. */
function reportText(report: Report, io: CliIO): string {
  return (
    renderText(report, { color: colorEnabled(io.stdout, io.env) })
      .split('\n')
      // The list's line may start with a color code: matched on its words, not on its first column.
      .filter((l) => !l.includes('API calls: '))
      .join('\n')
      .trimEnd()
  );
}

function noChanges(report: Report): boolean {
  return report.exitCode === EXIT.ok && report.summary.byAction.unchanged === report.summary.total;
}

interface Successor {
  label: string;
  stack: string;
  dir: string;
  documents: LoadedDocument[];
}

export async function runDemo(io: CliIO, paths: string[]): Promise<number> {
  const started = Date.now();
  const style = styleFor(io.stdout, io.env);
  const say = (text: string): void => writeLine(io.stdout, text);
  let n = 0;
  const step = (title: string): void => say(`\n${style.bold(style.cyan(`━━ ${++n}. ${title}`))}`);
  const validate = (p: readonly string[]) => validateManifests(p, { cwd: io.cwd, schemes: manifestSchemes() });
  const validation = await validate(paths);
  if (!validation.valid) {
    printIssues(io, validation.issues);
    return EXIT.error;
  }
  const session = await openSession({ cwd: io.cwd, local: true, ephemeral: true });
  const store = new MemoryStateStore();
  const region = session.clients.region;
  const run = (mode: ReconcileMode, stack: string, documents: LoadedDocument[]) =>
    reconcile({
      mode,
      stack,
      store,
      clients: session.clients,
      documents,
      ...(mode === 'drift'
        ? {
            attribute: cloudTrailAttribution({
              region,
              endpoint: session.endpoint ?? '',
              credentials: LOCAL_CREDENTIALS,
              ownIdentityArn: (account) => `arn:aws:iam::${account}:user/${LOCAL_CREDENTIALS.accessKeyId}`,
            }),
          }
        : {}),
    });
  /** apply, then plan: the two lines a reader needs (what was done, and that nothing is left to do). */
  const applyAndPlan = async (stack: string, documents: LoadedDocument[]): Promise<boolean> => {
    const applied = await run('apply', stack, documents);
    for (const e of applied.report.errors) say(style.red(`   error ${e.code}: ${e.message}`));
    const planned = await run('plan', stack, documents);
    const zero = noChanges(planned.report);
    const counts = Object.entries(applied.report.summary.byOutcome)
      .map(([k, v]) => `${v} ${k}`)
      .join(', ');
    say(`   apply --stack ${stack}: ${counts || 'nothing to do'} · ${calls(applied.report)}`);
    say(
      zero
        ? `   plan  --stack ${stack}: ${style.green('0 changes')} (${planned.report.summary.total} resources match)`
        : style.red(`   plan  --stack ${stack}: not converged (exit ${planned.report.exitCode})`),
    );
    return applied.report.errors.length === 0 && zero;
  };
  const workDir = await mkdtemp(path.join(tmpdir(), 'meshward-demo-'));
  let ok = true;
  try {
    step(`The App Mesh shop (the legacy backend) on a fresh local AWS`);
    say(`   embedded emulator at ${session.endpoint ?? '?'}: App Mesh, ECS, Cloud Map, VPC Lattice over the real SDK`);
    await seedLocalInfrastructure(
      session.clients,
      validation.documents.map((d) => d.doc),
    );
    say(
      `   ${validation.documents.length} manifests in ${paths.join(' ')} validated; the cluster and namespace seeded`,
    );
    if (!(await applyAndPlan(STACK, validation.documents))) return EXIT.error;

    step('meshward migrate: the way out, offline, with a report');
    const successors: Successor[] = [];
    for (const t of TARGETS) {
      const dir = path.join(workDir, t.target);
      const sets = Object.entries(t.inputs).map(([k, v]) => ` --set ${k}=${v}`);
      say(
        `\n   ${style.bold(`$ meshward migrate ${paths.join(' ')} --to ${t.target} -o out/${t.target}${sets.join('')}`)}`,
      );
      const outcome = await runMigration(paths, {
        target: t.target,
        parallel: 'new-names',
        inputs: t.inputs,
        outDir: `out/${t.target}`,
        stack: STACK,
        validate: { cwd: io.cwd, schemes: manifestSchemes() },
      });
      if (!outcome.valid) return EXIT.error;
      const report = outcome.result.report;
      const counts = (['carried', 'approx', 'builtin', 'dropped', 'needs-input'] as const)
        .map((s) => `${report.counts[s]} ${s}`)
        .join(' · ');
      say(`   ${report.entries.length} source fields classified: ${counts}`);
      for (const line of tellingLines(report, style)) say(line);
      await writeRendered(dir, outcome.files);
      const manifests = outcome.files.filter((f) => /\.ya?ml$/.test(f.name)).length;
      say(
        `   wrote ${outcome.result.documents.length} successor documents in ${manifests} files, MIGRATION.md and migration.json`,
      );
      const written = await validate([dir]);
      if (!written.valid) {
        // Built without the successor's kinds, meshward cannot apply what migrate wrote: say so, and go on.
        const first = written.issues.find((i) => i.severity === 'error');
        say(style.yellow(`   ${t.label}: not applied below: this build of meshward does not accept the output yet`));
        say(style.yellow(`   (${first ? `${path.basename(first.file)}: ${first.message}` : 'invalid'})`));
        continue;
      }
      say(`   meshward validate out/${t.target}: ${style.green('valid')}`);
      successors.push({ label: t.label, stack: t.stack, dir, documents: written.documents });
    }

    // Service Connect's kinds ship with meshward: a story without any successor applied is a failed demo.
    ok &&= successors.length > 0;
    step('The successors beside the shop, each in a stack of its own (destroying "demo" never touches them)');
    for (const s of successors) {
      say(`   ${style.bold(s.label)}`);
      await seedLocalInfrastructure(
        session.clients,
        s.documents.map((d) => d.doc),
      );
      if (!(await applyAndPlan(s.stack, s.documents))) return EXIT.error;
    }
    const shop = await run('plan', STACK, validation.documents);
    say(
      `   plan  --stack ${STACK} (App Mesh): ${noChanges(shop.report) ? style.green('0 changes') : style.red('changed')}`,
    );
    ok &&= noChanges(shop.report);

    step('Someone edits the successors in the console (through the AWS SDK, as "console-user")');
    const user: ConsoleUser = {
      endpoint: session.endpoint ?? '',
      region,
      credentials: { accessKeyId: CONSOLE_KEY, secretAccessKey: CONSOLE_KEY },
    };
    const changed: Successor[] = [];
    for (const s of successors) {
      const docs = s.documents.map((d) => d.doc);
      const change = await changeByHand(user, docs);
      if (change === undefined) {
        say(style.red(`   ${s.label}: nothing found to change`));
        ok = false;
        continue;
      }
      // No arrow: every arrow meshward prints reads "value in AWS now -> value after apply".
      say(`   ${change}`);
      changed.push(s);
    }

    step('meshward drift: caught, with the resource, the field and who changed it');
    for (const s of changed) {
      const drift = await run('drift', s.stack, s.documents);
      say(reportText(drift.report, io).replace(/^/gm, '   '));
      say(`   exit code ${drift.report.exitCode} (3 = drift: AWS changed outside meshward)`);
      ok &&= drift.report.exitCode === 3;
    }

    step('meshward apply: the manifests back in charge, converged');
    for (const s of changed) ok &&= await applyAndPlan(s.stack, s.documents);
    say(ok ? style.green('   ✓ converged: AWS matches the manifests of every stack') : style.red('   ✗ not converged'));
    await session.close().catch(() => undefined);

    // The same engine, run the way the operator runs it in AWS: S3 upload and CloudTrail events into the Lambda
    // handler, on the Service Connect successor, ending with the drift report as Slack would show it.
    const first = successors[0];
    step(`The operator: the Lambda on EventBridge events, reporting to Slack (stack ${first?.stack ?? STACK})`);
    // Loaded here: the operator pulls in the S3 client and the Slack renderers, which the rest of the tour never needs.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { runLambdaDemo } = require('../../operator/demo-flow') as typeof import('../../operator/demo-flow');
    const lambda = await runLambdaDemo({
      cwd: io.cwd,
      paths: first ? [first.dir] : paths,
      stack: first?.stack ?? STACK,
      write: (text) => io.stdout.write(text),
    });
    ok &&=
      lambda.published.status === 'reconciled' &&
      lambda.drift.published === 'Drift Detected' &&
      lambda.slackText.length > 0 &&
      lambda.after === 'in-sync';
    say(
      style.dim(
        `\nDone in ${((Date.now() - started) / 1000).toFixed(1)}s. Your turn: "npx meshward migrate manifests/ --to service-connect -o out/sc",`,
      ),
    );
    say(style.dim('then "npx meshward apply out/sc --stack shop-sc --local"; the whole path is in docs/migrating.md.'));
    return ok ? EXIT.ok : EXIT.error;
  } finally {
    await session.close().catch(() => undefined);
    await rm(workDir, { recursive: true, force: true });
  }
}

export async function run(argv: string[], io: CliIO = processIO()): Promise<number> {
  try {
    const { values, positionals } = parseCommandArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: { help: { type: 'boolean', short: 'h' } },
    });
    if (values.help) {
      writeLine(io.stdout, USAGE);
      return EXIT.ok;
    }
    return await runDemo(io, positionals.length > 0 ? positionals : ['manifests/']);
  } catch (error) {
    return reportFailure(io, error, USAGE);
  }
}
