/**
 * `--wait` progress: one line per service, redrawn in place on a terminal (a stream with isTTY and columns, as
 * Node's tty.WriteStream has), appended line by line elsewhere (CI logs), never a control sequence there.
 */
import { createProgressDisplay, formatElapsed } from '../../src/cli/progress-display';

function stream(
  isTTY: boolean,
  columns?: number,
): { out: string[]; isTTY: boolean; columns?: number; write(t: string): void } {
  const s = { out: [] as string[], isTTY, write: (t: string) => void s.out.push(t) };
  return columns === undefined ? s : { ...s, columns, write: (t: string) => void s.out.push(t) };
}

/** What a terminal shows after the writes: cursor-up, carriage return, clear-line and clear-below applied. */
function screen(writes: readonly string[]): string[] {
  const rows: string[] = [];
  let row = 0;
  const text = writes.join('');
  // eslint-disable-next-line no-control-regex
  const token = /\x1b\[(\d*)([AJK])|\r|\n|[^\x1b\r\n]+/g;
  for (const m of text.matchAll(token)) {
    const [all, n, code] = m;
    if (code === 'A') row = Math.max(0, row - Number(n || '1'));
    else if (code === 'J') rows.length = row;
    else if (code === 'K') rows[row] = '';
    else if (all === '\r') continue;
    else if (all === '\n') row += 1;
    else rows[row] = (rows[row] ?? '') + all;
  }
  return rows.slice(0, Math.max(row, rows.length)).map((r) => r ?? '');
}

it('formats elapsed time as seconds, then minutes and seconds', () => {
  expect([0, 9_999, 60_000, 125_000].map(formatElapsed)).toEqual(['0s', '9s', '1m00s', '2m05s']);
});

it('on a terminal, redraws one line per service in place, messages above, cut to the width', () => {
  let now = 0;
  const tty = stream(true, 60);
  const d = createProgressDisplay(tty, () => now);
  d.message('update EcsService/shop/web: configured');
  d.item('shop/web', 'IN_PROGRESS SCALE_UP (0/2 running)', false);
  d.item('shop/api', 'IN_PROGRESS PRE_SCALE_UP (0/2 running)', false);
  now = 65_000;
  d.item('shop/web', 'IN_PROGRESS PRODUCTION_TRAFFIC_SHIFT (2/2 running, production 10%)', false);
  d.message('update EcsService/shop/api: configured');
  now = 130_000;
  d.item('shop/web', 'SUCCESSFUL CLEAN_UP (2/2 running, production 100%)', true);
  now = 200_000;
  d.item(
    'shop/api',
    'IN_PROGRESS SCALE_UP (1/2 running); 1 hook awaiting ContinueServiceDeployment (ecs-pause-1)',
    false,
  );
  expect(screen(tty.out)).toEqual([
    '  update EcsService/shop/web: configured',
    '  update EcsService/shop/api: configured',
    '  shop/web: SUCCESSFUL CLEAN_UP (2/2 runnin… · 2m10s · done',
    '  shop/api: IN_PROGRESS SCALE_UP (1/2 running); 1 … · 3m20s',
  ]);
  // Every line fits the width with a column to spare, so the redraw stays in place.
  expect(screen(tty.out).map((l) => l.length <= 59)).toEqual([true, true, true, true]);
  expect(screen(tty.out)[2]).toHaveLength(59);
  expect(tty.out.join('')).toContain('\x1b[2A');
});

it('elsewhere, appends a line per change with the elapsed time and no control sequences', () => {
  let now = 0;
  const plain = stream(false);
  const d = createProgressDisplay(plain, () => now);
  d.item('shop/web', 'IN_PROGRESS SCALE_UP (0/2 running)', false);
  now = 5_000;
  // The same state on the next poll: nothing new to say.
  d.item('shop/web', 'IN_PROGRESS SCALE_UP (0/2 running)', false);
  now = 65_000;
  d.item('shop/web', 'IN_PROGRESS PRODUCTION_TRAFFIC_SHIFT (2/2 running, production 10%)', false);
  d.message('created EcsService/shop/api');
  now = 70_000;
  d.item('shop/web', 'SUCCESSFUL CLEAN_UP (2/2 running, production 100%)', true);
  expect(plain.out.join('')).toBe(
    [
      '  shop/web: IN_PROGRESS SCALE_UP (0/2 running) · 0s',
      '  shop/web: IN_PROGRESS PRODUCTION_TRAFFIC_SHIFT (2/2 running, production 10%) · 1m05s',
      '  created EcsService/shop/api',
      '  shop/web: SUCCESSFUL CLEAN_UP (2/2 running, production 100%) · 1m10s · done',
      '',
    ].join('\n'),
  );
  // eslint-disable-next-line no-control-regex
  expect(plain.out.join('')).not.toMatch(/\x1b/);
});

it('escapes control characters from AWS text instead of writing them', () => {
  const plain = stream(false);
  createProgressDisplay(plain, () => 0).item('shop/web', 'FAILED \x1b[31mred\x1b[0m', true);
  // eslint-disable-next-line no-control-regex
  expect(plain.out.join('')).not.toMatch(/\x1b/);
});
