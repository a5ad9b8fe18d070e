/**
 * A full garbage collection at the end of every invocation, before Lambda freezes the container.
 *
 * Why: V8 collects its old generation lazily, when the heap nears its limit or when the process is idle. A Lambda
 * container is frozen between invocations, so it is never idle, and each run's garbage is carried into the next:
 * measured on the 1,000-resource set (bench/README.md, "Peak RSS as shipped"), a warm container's RSS climbed by
 * 10-20 MiB per scheduled run while its live heap stayed flat. One collection when the run is done returns the
 * container to its live set. Its cost did not show in the run time (about 2.2 s per scheduled run, with and
 * without it).
 *
 * The Lambda runtime may or may not start node with --expose-gc (undocumented); without it, the flag is turned on
 * and `gc` is taken from a fresh V8 context, which V8 gives the function once the flag is set.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let collect: (() => void) | undefined;

function collector(): () => void {
  if (!collect) {
    const exposed = (globalThis as { gc?: () => void }).gc;
    if (exposed) collect = exposed;
    else {
      setFlagsFromString('--expose-gc');
      collect = runInNewContext('gc') as () => void;
    }
  }
  return collect;
}

/** Collects garbage now; never throws (a run's result matters more than its memory). */
export function collectGarbage(): void {
  try {
    collector()();
  } catch {
    // No collector in this runtime: the next run starts with this one's garbage, as without this module.
  }
}
