/**
 * Progress of long waits (`apply --wait` following ECS deployments): one line per item (a service), with its stage,
 * traffic weights, hooks awaiting action and the time since it was first seen. On a terminal the lines are redrawn
 * in place under whatever else was printed; anywhere else (CI logs) each change is one more line, never a control
 * sequence. No timers: the display moves when the wait polls, so it leaves nothing running behind it.
 */
import type { OutputStream } from './output';
import { printable } from '../core/format-value';

export interface ProgressStream extends OutputStream {
  /** Terminal width (Node's tty.WriteStream has it); lines are cut to it so that redrawing stays in place. */
  columns?: number;
}

export interface ProgressDisplay {
  /** A free-standing message (`created EcsService/shop/web`). */
  message(text: string): void;
  /** The state of one item (`shop/web`): replaces its previous line; `done` items stop counting time. */
  item(key: string, line: string, done: boolean): void;
}

interface Item {
  line: string;
  since: number;
  done: boolean;
  at: number;
  /** What the plain display printed last (without the elapsed time). */
  printed?: string;
}

export function formatElapsed(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const m = Math.floor(s / 60);
  return m > 0 ? `${m}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

const CLEAR_LINE = '\x1b[2K';
const up = (n: number): string => `\x1b[${n}A`;

/** A display on `stream`: redrawing when it is a terminal, append-only otherwise. `now` is the clock (tests). */
export function createProgressDisplay(stream: ProgressStream, now: () => number = Date.now): ProgressDisplay {
  const items = new Map<string, Item>();
  const tty = stream.isTTY === true;
  /** Lines of the item block currently on screen (terminal only). */
  let drawn = 0;

  const suffix = (item: Item): string =>
    ` · ${formatElapsed((item.done ? item.at : now()) - item.since)}${item.done ? ' · done' : ''}`;
  const text = (key: string, item: Item): string => `  ${key}: ${item.line}${suffix(item)}`;
  /** Cut to the terminal's width, keeping `keep` (the elapsed time) whole at the end. */
  const fit = (line: string, keep = ''): string => {
    const width = stream.columns;
    const safe = printable(line);
    // One column spare: a line that fills the width exactly makes some terminals wrap, and the redraw drifts.
    const room = width !== undefined && width > 1 ? width - 1 - keep.length : Infinity;
    return safe.length > room ? `${safe.slice(0, Math.max(0, room - 1))}…${keep}` : `${safe}${keep}`;
  };
  const redraw = (): void => {
    let out = drawn > 0 ? up(drawn) : '';
    for (const [key, item] of items) out += `\r${CLEAR_LINE}${fit(`  ${key}: ${item.line}`, suffix(item))}\n`;
    drawn = items.size;
    stream.write(out);
  };

  return {
    message(message) {
      if (!tty) {
        stream.write(`${printable(`  ${message}`)}\n`);
        return;
      }
      // Above the block: clear the block, print, draw the block again below.
      let out = '';
      if (drawn > 0) out += `${up(drawn)}\r\x1b[J`;
      drawn = 0;
      stream.write(`${out}${fit(`  ${message}`)}\n`);
      if (items.size > 0) redraw();
    },
    item(key, line, done) {
      const at = now();
      const found = items.get(key);
      const item: Item = found ?? { line, since: at, done, at };
      item.line = line;
      item.done = done;
      item.at = at;
      items.set(key, item);
      if (tty) {
        redraw();
        return;
      }
      if (item.printed === line && !done) return;
      item.printed = line;
      stream.write(`${printable(text(key, item))}\n`);
    },
  };
}
