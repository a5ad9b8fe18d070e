/**
 * The operator stores the full report of a run with the state and the Slack message links to it: through the real
 * SDK against the local S3, the stored HTML opened in headless Chromium shows the drifted resource highlighted.
 */
import { DescribeVirtualNodeCommand, UpdateVirtualNodeCommand, type VirtualNodeSpec } from '@aws-sdk/client-app-mesh';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { ENV, loadConfig } from '../../src/operator/config';
import { createOperatorDeps } from '../../src/operator/deps';
import { handleEvent } from '../../src/operator/run';
import { consoleObjectUrl, reportUrl } from '../../src/operator/report-store';
import { MESH_YAML, nodeYaml } from '../operator/helpers';
import { checkPage, describeWithChromium } from '../support/chromium';
import { BUCKET, HUMAN_ARN, startHarness, type Harness } from './harness';

const NODE = 'VirtualNode/shop/orders';

async function changeByHand(h: Harness, seconds: number): Promise<void> {
  const current = await h.human.send(new DescribeVirtualNodeCommand({ meshName: 'shop', virtualNodeName: 'orders' }));
  const spec = JSON.parse(JSON.stringify(current.virtualNode?.spec ?? {})) as VirtualNodeSpec;
  const listener = spec.listeners?.[0];
  if (listener?.timeout?.http) listener.timeout.http.perRequest = { unit: 's', value: seconds };
  await h.human.send(new UpdateVirtualNodeCommand({ meshName: 'shop', virtualNodeName: 'orders', spec }));
}

async function text(h: Harness, key: string): Promise<string> {
  const out = await h.deps.clients.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return (await out.Body?.transformToString()) ?? '';
}

/** `<url|Full report>` in the posted blocks -> the S3 key in its `prefix` parameter. */
function linkedKeys(h: Harness, from: number): string[] {
  const posted = JSON.stringify(h.sink.received.slice(from));
  return [...posted.matchAll(/<(https:\/\/[^|>]+)\|Full report>/g)].map((m) => {
    const url = new URL((m[1] ?? '').replace(/\\u0026/g, '&'));
    return url.searchParams.get('prefix') ?? '';
  });
}

describe('the full report stored with the state', () => {
  let h: Harness;
  let driftHtml = '';
  beforeAll(async () => {
    h = await startHarness('detect');
    await h.publish({ 'mesh.yaml': MESH_YAML, 'orders.yaml': nodeYaml('15s') }, 'rev-1');
  });
  afterAll(async () => {
    await h.close();
  });

  it('is stored beside the state for a run that posts, and the Slack message links to it', async () => {
    const before = h.sink.received.length;
    await handleEvent(h.s3Event(), h.deps);
    expect(h.sink.received.length).toBe(before + 1);
    const keys = linkedKeys(h, before);
    expect(keys).toHaveLength(1);
    const key = keys[0] ?? '';
    const statePrefix = h.deps.config.state.prefix;
    expect(key).toMatch(new RegExp(`^${statePrefix}/reports/\\d{8}T\\d{6}Z-[0-9a-f]{8}\\.html$`));
    const html = await text(h, key);
    expect(html).toContain('<!DOCTYPE html>');
    expect(html).toContain(NODE);
    const md = await text(h, key.replace(/\.html$/, '.md'));
    expect(md).toContain(NODE);
  });

  it('stores nothing for a run that posts nothing', async () => {
    const list = async () =>
      (
        await h.deps.clients.s3.send(
          new ListObjectsV2Command({ Bucket: BUCKET, Prefix: `${h.deps.config.state.prefix}/reports/` }),
        )
      ).KeyCount ?? 0;
    const count = await list();
    const before = h.sink.received.length;
    await handleEvent(h.scheduleEvent(), h.deps);
    expect(h.sink.received.length).toBe(before);
    expect(await list()).toBe(count);
  });

  it('a drift report links to a page that names who changed what', async () => {
    // Detect mode never applies: apply once as CI would, so that the next change is drift, not pending.
    const applyDeps = createOperatorDeps(
      loadConfig({
        [ENV.stack]: h.deps.config.stack,
        [ENV.manifests]: `s3://${BUCKET}/${h.prefix}`,
        [ENV.mode]: 'enforce',
        [ENV.ownRoleArn]: h.deps.config.ownRoleArn,
      }),
      {
        aws: {
          endpoint: h.emulator.endpoint,
          region: 'us-east-1',
          credentials: { accessKeyId: 'AKIAMESHWARDOPERATOR', secretAccessKey: 'x' },
        },
        slack: null,
        write: () => undefined,
      },
    );
    await handleEvent(h.s3Event(), applyDeps);
    applyDeps.clients.destroy();
    applyDeps.aws.destroy();
    await handleEvent(h.scheduleEvent(), h.deps);

    await changeByHand(h, 45);
    const before = h.sink.received.length;
    await handleEvent(h.scheduleEvent(), h.deps);
    const keys = linkedKeys(h, before);
    expect(keys).toHaveLength(1);
    driftHtml = await text(h, keys[0] ?? '');
    expect(driftHtml).toContain('<td class="now">45s</td><td class="arrow">-&gt;</td><td class="after">15s</td>');
    expect(driftHtml).toContain(HUMAN_ARN);
  });

  describeWithChromium('in headless Chromium', (chromium) => {
    it('renders, with the drifted resource highlighted in the picture and in the diffs', async () => {
      expect(driftHtml).not.toBe('');
      const page = await checkPage(
        chromium,
        driftHtml,
        `
        const section = document.querySelector('section.resource.drifted');
        const box = document.querySelector('svg.topology .mark-drift');
        return {
          section: section && section.dataset.id,
          border: section && getComputedStyle(section).borderLeftColor,
          box: box && box.getAttribute('data-id'),
          badge: box && box.textContent.includes('DRIFT'),
        };`,
      );
      expect(page.probe).toEqual({ section: NODE, border: 'rgb(198, 40, 40)', box: NODE, badge: true });
      expect(page.screenshot.length).toBeGreaterThan(20_000);
    }, 120_000);
  });
});

describe('report links', () => {
  it('point at the S3 console page of the object (sign-in required, no credential in the link)', () => {
    expect(consoleObjectUrl('my-bucket', 'meshward/_state/prod/reports/x.html', 'eu-west-1')).toBe(
      'https://eu-west-1.console.aws.amazon.com/s3/object/my-bucket?region=eu-west-1&bucketType=general&prefix=meshward%2F_state%2Fprod%2Freports%2Fx.html',
    );
  });

  it('use MESHWARD_REPORT_URL_BASE when set', () => {
    expect(reportUrl('b', 'p/reports/a b.html', 'us-east-1', 'https://reports.example.com/')).toBe(
      'https://reports.example.com/p/reports/a%20b.html',
    );
  });
});
