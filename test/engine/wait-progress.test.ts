/**
 * `apply --wait` through the real SDK against the emulator with a timed lifecycle clock: a CANARY deployment with
 * a PAUSE hook is followed to SUCCESSFUL, and the display shows each stage, the traffic weights, the hook awaiting
 * ContinueServiceDeployment and the elapsed time: redrawn on a terminal, appended line by line elsewhere.
 */
import * as ecs from '@aws-sdk/client-ecs';
import { createProgressDisplay, type ProgressStream } from '../../src/cli/progress-display';
import type { ManifestDocument } from '../../src/core/types';
import { type Harness, startHarness } from './harness';

const MINUTE = 60_000;
let clock = Date.UTC(2026, 11, 1, 9, 0, 0);
let h: Harness;

beforeAll(async () => {
  h = await startHarness({ now: () => clock, ecs: { deploymentTiming: 'timed' } });
});
afterAll(async () => h.close());
beforeEach(async () => h.reset());

function set(image: string): ManifestDocument[] {
  return [
    {
      apiVersion: 'meshward.dev/v1alpha1',
      kind: 'CloudMapNamespace',
      metadata: { name: 'shop.internal' },
      spec: { type: 'HTTP' },
    },
    {
      apiVersion: 'meshward.dev/v1alpha1',
      kind: 'EcsService',
      metadata: { name: 'orders' },
      spec: {
        cluster: 'shop',
        launchType: 'FARGATE',
        desiredCount: 2,
        networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-0a1b2c3d4e5f60001'] } },
        deploymentConfiguration: {
          strategy: 'CANARY',
          canaryConfiguration: { canaryPercent: 20, canaryBakeTimeInMinutes: 3 },
          lifecycleHooks: [{ targetType: 'PAUSE', lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'] }],
        },
        serviceConnectConfiguration: {
          enabled: true,
          namespace: 'shop.internal',
          services: [{ portName: 'http', clientAliases: [{ port: 80 }] }],
        },
        taskDefinition: {
          family: 'shop-orders',
          cpu: '256',
          memory: '512',
          networkMode: 'awsvpc',
          requiresCompatibilities: ['FARGATE'],
          containerDefinitions: [
            {
              name: 'app',
              image,
              essential: true,
              portMappings: [{ name: 'http', containerPort: 8080, appProtocol: 'http' }],
            },
          ],
        },
      },
    },
  ];
}

/**
 * Applies the new image with --wait, the display writing to `stream`. Each poll moves the emulator's clock a
 * minute on, and a hook awaiting action is continued (as a person would, from another terminal).
 */
async function applyWaiting(stream: ProgressStream): Promise<void> {
  expect((await h.run('apply', set('shop/orders:1'))).report.errors).toEqual([]);
  const display = createProgressDisplay(stream, () => clock);
  const continued: string[] = [];
  const outcome = await h.run('apply', set('shop/orders:2'), {
    wait: true,
    pollMillis: 1,
    progress: display.message,
    progressItem: (key, line, done) => {
      display.item(key, line, done);
      clock += MINUTE;
      const hook = /awaiting ContinueServiceDeployment \((\S+)\)/.exec(line)?.[1];
      if (hook && !continued.includes(hook)) {
        continued.push(hook);
        void (async () => {
          const listed = await h.clients.ecs.send(
            new ecs.ListServiceDeploymentsCommand({ cluster: 'shop', service: 'orders', maxResults: 1 }),
          );
          await h.clients.ecs.send(
            new ecs.ContinueServiceDeploymentCommand({
              serviceDeploymentArn: listed.serviceDeployments?.[0]?.serviceDeploymentArn,
              hookId: hook,
            }),
          );
        })();
      }
    },
  });
  expect(outcome.report.errors).toEqual([]);
  expect(continued).toHaveLength(1);
}

it('on a terminal: one line for the service, redrawn through the stages to SUCCESSFUL', async () => {
  const writes: string[] = [];
  await applyWaiting({ isTTY: true, columns: 200, write: (t: string) => void writes.push(t) });
  const all = writes.join('');
  // Redrawn in place: the cursor goes back up over the service's line.
  expect(all).toContain('\x1b[1A');
  const frames = writes.filter((w) => w.includes('shop/orders: '));
  expect(
    frames.some((f) =>
      /POST_TEST_TRAFFIC_SHIFT \(2\/2 running, production 0%, test 100%\); 1 hook awaiting ContinueServiceDeployment \(ecs-pause-/.test(
        f,
      ),
    ),
  ).toBe(true);
  expect(
    frames.some((f) => /PRODUCTION_TRAFFIC_SHIFT \(2\/2 running, production 20%, test 100%\) · \d+m\d\ds/.test(f)),
  ).toBe(true);
  expect(frames.at(-1)).toMatch(/shop\/orders: SUCCESSFUL .*production 100%.* · \d+m\d\ds · done\n$/);
});

it('elsewhere: plain lines, one per change, never a control sequence', async () => {
  const writes: string[] = [];
  await applyWaiting({ isTTY: false, write: (t: string) => void writes.push(t) });
  const lines = writes
    .join('')
    .split('\n')
    .filter((l) => l.startsWith('  shop/orders: '));
  // eslint-disable-next-line no-control-regex
  expect(writes.join('')).not.toMatch(/\x1b/);
  const states = lines.map((l) => l.replace(/ · .*$/, ''));
  expect(new Set(states).size).toBe(states.length);
  expect(states).toContain(
    '  shop/orders: IN_PROGRESS PRODUCTION_TRAFFIC_SHIFT (2/2 running, production 20%, test 100%)',
  );
  expect(lines.at(-1)).toMatch(/SUCCESSFUL .* · done$/);
});
