/**
 * `meshward graph` on the VPC Lattice example (issue 10): network -> services -> listeners -> rules with their
 * matches -> weighted target groups -> the ECS services attached to them, in Lattice's own words.
 */
import { resolve } from 'node:path';
import * as graph from '../../src/cli/commands/graph';
import { captureIo } from './helpers';

const ROOT = resolve(__dirname, '../..');

async function draw(format: 'mermaid' | 'dot'): Promise<string> {
  const c = captureIo(ROOT);
  expect(await graph.run(['examples/vpc-lattice/', '-o', format], c.io)).toBe(0);
  return c.out();
}

/** Mermaid `n3 -->|"10"| n5` lines as label pairs, with node ids resolved to their first label line. */
function edges(mermaid: string): string[] {
  const label = new Map<string, string>();
  for (const m of mermaid.matchAll(/^\s+(n\d+)[^\s\w]+"([^"<]+)/gm)) label.set(m[1] ?? '', m[2] ?? '');
  return [...mermaid.matchAll(/^\s+(n\d+) (-->|==>|-\.->)(?:\|"([^"]*)"\|)? (n\d+)$/gm)].map(
    (m) => `${label.get(m[1] ?? '')} ${m[2]}${m[3] ? ` ${m[3]}` : ''} ${label.get(m[4] ?? '')}`,
  );
}

describe('graph of a VPC Lattice set', () => {
  it('draws network -> service -> listener -> rule -> weighted target groups -> ECS services', async () => {
    const drawn = edges(await draw('mermaid'));
    expect(drawn).toEqual(
      expect.arrayContaining([
        // The service network association is the arrow, not a box.
        'service network: shop --> service: service-b',
        'service: service-b --> listener: http',
        'listener: http --> rule: canary-header',
        // The listener's default forward: the 90/10 canary, weights as written.
        'listener: http --> 90 target group: service-b-v1',
        'listener: http --> 10 target group: service-b-v2',
        // A lone forward target's weight is Lattice's default, 100.
        'rule: canary-header --> 100 target group: service-b-v2',
        'target group: service-b-v1 ==> ECS service: service-b-v1',
        'target group: service-b-v2 ==> ECS service: service-b-v2',
      ]),
    );
  });

  it("labels boxes and the legend in Lattice's words, with the match, the priority and the default port", async () => {
    const text = await draw('mermaid');
    expect(text).toContain('"listener: http<br/>HTTP :80"');
    expect(text).toMatch(/"rule: canary-header<br\/>x-canary exact true<br\/>priority \d+"/);
    expect(text).not.toMatch(/"(router|node|gateway): /);
    const legend = text.slice(text.indexOf('subgraph legend'));
    for (const word of ['service network', 'service', 'listener', 'rule', 'target group', 'ECS service']) {
      expect(legend).toContain(`"${word}"`);
    }
    expect(legend).not.toContain('"router"');
  });

  it('draws the same picture in DOT', async () => {
    const dot = await draw('dot');
    expect(dot).toContain('"LatticeServiceNetwork/shop" -> "LatticeService/service-b";');
    expect(dot).toMatch(/"LatticeListener\/service-b\/http" -> "LatticeTargetGroup\/service-b-v1" \[label="90"\];/);
    expect(dot).toContain('[label="target group", shape=box]');
  });
});
