/**
 * `meshward demo` (`npm run demo`): the guided tour on a fresh embedded emulator. Applies manifests/, changes a
 * route weight and a timeout "in the console" (straight through the SDK, as another user), shows the drift report,
 * re-applies and shows that AWS converged.
 */
import {
  AppMeshClient,
  DescribeRouteCommand,
  DescribeVirtualNodeCommand,
  type RouteSpec,
  UpdateRouteCommand,
  UpdateVirtualNodeCommand,
  type VirtualNodeSpec,
} from '@aws-sdk/client-app-mesh';
import { type Report, renderText } from '../../core/report';
import { summaryLine } from '../../core/render-text';
import { type ReconcileMode, reconcile } from '../../engine/reconcile';
import { openSession, seedLocalInfrastructure } from '../../engine/session';
import { manifestSchemes } from '../manifest-schemes';
import { MemoryStateStore } from '../../engine/state-store';
import { validateManifests } from '../../manifest/validate';
import { EXIT, colorEnabled, parseCommandArgs, processIO, reportFailure, styleFor, writeLine } from '../output';
import type { CliIO } from '../output';
import { cloudTrailAttribution } from './drift';
import { printIssues, withDirectionNote } from './plan';
import { LOCAL_CREDENTIALS } from '../../aws/clients';

export const USAGE = `Usage: meshward demo [PATH]

A guided tour on a fresh local emulator (nothing touches AWS, nothing is kept): apply the manifests (default
manifests/), change a route weight and a timeout behind meshward's back, detect the drift, re-apply, converge.

Options:
  -h, --help   show this help`;

const STACK = 'demo';

interface ConsoleChange {
  what: string;
  before: string;
  after: string;
}

/** The out-of-band edit: another identity, the real SDK, App Mesh's Update* (which replaces the whole spec). */
async function changeInTheConsole(endpoint: string, region: string): Promise<ConsoleChange[]> {
  const consoleUser = new AppMeshClient({
    endpoint,
    region,
    credentials: { accessKeyId: 'console-user', secretAccessKey: 'console-user' },
  });
  const changes: ConsoleChange[] = [];
  try {
    const route = (
      await consoleUser.send(
        new DescribeRouteCommand({ meshName: 'shop', virtualRouterName: 'service-a', routeName: 'canary-weighted' }),
      )
    ).route;
    const routeSpec = JSON.parse(JSON.stringify(route?.spec ?? {})) as RouteSpec;
    const targets = routeSpec.httpRoute?.action?.weightedTargets ?? [];
    const before = targets.map((t) => `${t.virtualNode}=${t.weight}`).join(' ');
    for (const t of targets) t.weight = 50;
    await consoleUser.send(
      new UpdateRouteCommand({
        meshName: 'shop',
        virtualRouterName: 'service-a',
        routeName: 'canary-weighted',
        spec: routeSpec,
      }),
    );
    changes.push({
      what: 'Route shop/service-a/canary-weighted weights',
      before,
      after: targets.map((t) => `${t.virtualNode}=${t.weight}`).join(' '),
    });

    const node = (
      await consoleUser.send(new DescribeVirtualNodeCommand({ meshName: 'shop', virtualNodeName: 'service-a-v1' }))
    ).virtualNode;
    const nodeSpec = JSON.parse(JSON.stringify(node?.spec ?? {})) as VirtualNodeSpec;
    const timeout = nodeSpec.listeners?.[0]?.timeout?.http;
    const was = timeout?.perRequest ? `${timeout.perRequest.value}${timeout.perRequest.unit}` : '(none)';
    if (timeout) timeout.perRequest = { unit: 's', value: 30 };
    await consoleUser.send(
      new UpdateVirtualNodeCommand({ meshName: 'shop', virtualNodeName: 'service-a-v1', spec: nodeSpec }),
    );
    changes.push({ what: 'VirtualNode shop/service-a-v1 per-request timeout', before: was, after: '30s' });
  } finally {
    consoleUser.destroy();
  }
  return changes;
}

function calls(report: Report): string {
  const entries = Object.entries(report.apiCalls ?? {});
  const total = entries.reduce((n, [, v]) => n + v, 0);
  return `${total} AWS API call${total === 1 ? '' : 's'}`;
}

export async function runDemo(io: CliIO, paths: string[]): Promise<number> {
  // A first apply creates everything: a few fields per resource tell the story, the rest is "and N more".
  const renderReport = (report: Report, _format: 'text', cli: CliIO): string =>
    withDirectionNote(report, renderText(report, { color: colorEnabled(cli.stdout, cli.env), maxCreateFields: 3 }));
  const style = styleFor(io.stdout, io.env);
  const step = (n: number, title: string): void =>
    writeLine(io.stdout, `\n${style.bold(style.cyan(`━━ ${n}. ${title}`))}`);
  const validation = await validateManifests(paths, { cwd: io.cwd, schemes: manifestSchemes() });
  if (!validation.valid) {
    printIssues(io, validation.issues);
    return EXIT.error;
  }
  const session = await openSession({ cwd: io.cwd, local: true, ephemeral: true });
  const store = new MemoryStateStore();
  const run = async (mode: ReconcileMode, progress: boolean) =>
    reconcile({
      mode,
      stack: STACK,
      store,
      clients: session.clients,
      documents: validation.documents,
      ...(progress ? { progress: (m: string) => writeLine(io.stdout, style.dim(`   ${m}`)) } : {}),
    });
  try {
    step(1, 'A fresh local AWS');
    writeLine(
      io.stdout,
      `   embedded emulator at ${session.endpoint ?? '?'} (App Mesh, ECS, Cloud Map over the real SDK)`,
    );
    await seedLocalInfrastructure(
      session.clients,
      validation.documents.map((d) => d.doc),
    );
    writeLine(
      io.stdout,
      '   created the account infrastructure the manifests assume: ECS cluster, Cloud Map namespace',
    );
    writeLine(io.stdout, `   ${validation.documents.length} manifests in ${paths.join(' ')} validated`);

    step(2, `meshward plan ${paths.join(' ')}`);
    const plan = await run('plan', false);
    writeLine(io.stdout, renderReport(plan.report, 'text', io));

    step(3, 'meshward apply --auto-approve');
    const applied = await run('apply', true);
    // The plan above already showed every field; the apply's story is its progress and its outcome.
    writeLine(io.stdout, `   ${summaryLine(applied.report)} · ${calls(applied.report)}`);
    for (const e of applied.report.errors) writeLine(io.stdout, style.red(`   error ${e.code}: ${e.message}`));
    if (applied.report.exitCode === EXIT.error) return EXIT.error;

    step(4, 'Someone edits the mesh in the console (straight through the AWS SDK, as "console-user")');
    const region = session.clients.region;
    for (const c of await changeInTheConsole(session.endpoint ?? '', region)) {
      writeLine(
        io.stdout,
        // No arrow here: every arrow meshward prints reads "value in AWS now -> value after apply", and the drift
        // report below shows this very edit that way (the new value, then the declared one apply puts back).
        `   ${c.what}: set to ${style.yellow(c.after)} in AWS (the manifests say ${c.before})`,
      );
    }

    step(5, 'meshward drift');
    const drift = await reconcile({
      mode: 'drift',
      stack: STACK,
      store,
      clients: session.clients,
      documents: validation.documents,
      attribute: cloudTrailAttribution({
        region,
        endpoint: session.endpoint ?? '',
        credentials: LOCAL_CREDENTIALS,
        ownIdentityArn: (account) => `arn:aws:iam::${account}:user/${LOCAL_CREDENTIALS.accessKeyId}`,
      }),
    });
    writeLine(io.stdout, renderReport(drift.report, 'text', io));
    writeLine(
      io.stdout,
      `   exit code ${drift.report.exitCode} (3 = drift: AWS changed outside meshward) · ${calls(drift.report)}`,
    );

    step(6, 'meshward apply --auto-approve (puts the manifests back in charge)');
    const reverted = await run('apply', true);
    writeLine(io.stdout, renderReport(reverted.report, 'text', io));

    step(7, 'meshward plan');
    const after = await run('plan', false);
    writeLine(io.stdout, renderReport(after.report, 'text', io));
    const converged =
      after.report.exitCode === EXIT.ok && after.report.summary.byAction.unchanged === after.report.summary.total;
    writeLine(
      io.stdout,
      converged
        ? style.green(`\n✓ converged: AWS matches the manifests again (${calls(after.report)} for a no-op reconcile)`)
        : style.red('\n✗ not converged'),
    );
    if (!converged) return EXIT.error;
  } finally {
    await session.close();
  }

  // The same engine, run the way the operator runs it in AWS: S3 upload and CloudTrail events into the Lambda
  // handler, ending with the drift report as Slack would show it.
  step(8, 'the operator: the Lambda handler on EventBridge events, reporting to Slack');
  // Loaded here: the operator pulls in the S3 client and the Slack renderers, which the rest of the tour never needs.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { runLambdaDemo } = require('../../operator/demo-flow') as typeof import('../../operator/demo-flow');
  const lambda = await runLambdaDemo({ cwd: io.cwd, paths, write: (text) => io.stdout.write(text) });
  const lambdaOk =
    lambda.published.status === 'reconciled' && lambda.drift.status === 'reconciled' && lambda.slackText.length > 0;
  writeLine(
    io.stdout,
    style.dim('\nNext: edit manifests/ and run "npx meshward plan --local" / "npx meshward apply --local".'),
  );
  return lambdaOk ? EXIT.ok : EXIT.error;
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
