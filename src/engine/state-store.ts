/**
 * Where a stack's state lives. The file backend is here; other backends (S3) register a scheme in
 * `STATE_STORE_SCHEMES` so that `--state s3://bucket/key` needs no change in the engine.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { MeshwardError } from '../core/errors';
import type { StackState, StateStore } from '../core/model';
import { FileLocker, type LockingStateStore, MemoryLocker, type StackLocker } from './lock';

export const DEFAULT_STATE_PATH = '.meshward/state.json';
/** History entries kept per stack: enough to see trends, small enough to keep the file cheap to rewrite. */
export const MAX_HISTORY = 50;

export function emptyState(stack: string): StackState {
  return { formatVersion: 1, stack, applied: {}, versionCache: {}, reportedDrift: {}, history: [] };
}

function isStackState(value: unknown): value is StackState {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    v['formatVersion'] === 1 &&
    typeof v['stack'] === 'string' &&
    typeof v['applied'] === 'object' &&
    typeof v['versionCache'] === 'object' &&
    typeof v['reportedDrift'] === 'object' &&
    Array.isArray(v['history'])
  );
}

/** One JSON file per state path, holding every stack that uses it. */
interface StateFile {
  formatVersion: 1;
  stacks: Record<string, StackState>;
}

type HistoryEntry = StackState['history'][number];

const historyKey = (h: HistoryEntry): string => JSON.stringify([h.at, h.revision ?? null, h.ok, h.summary]);

export class FileStateStore implements StateStore, LockingStateStore {
  readonly path: string;
  /** Per stack, the history as this store last loaded or saved it: what another writer added since is theirs. */
  private readonly seenHistory = new Map<string, Set<string>>();

  constructor(path: string = DEFAULT_STATE_PATH, cwd: string = process.cwd()) {
    this.path = resolve(cwd, path);
  }

  describe(): string {
    return this.path;
  }

  /** One lock per state file: save() rewrites the whole file, every stack in it. */
  locker(): StackLocker {
    return new FileLocker(this.path);
  }

  private async readFileState(): Promise<StateFile> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { formatVersion: 1, stacks: {} };
      throw new MeshwardError('STATE_CORRUPT', `cannot read state ${this.path}`, { cause: err });
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      // Never silently start over: an empty state would turn every managed resource into a "new" one.
      throw new MeshwardError('STATE_CORRUPT', `state ${this.path} is not valid JSON`, { cause: err });
    }
    const file = parsed as Partial<StateFile>;
    if (file.formatVersion !== 1 || typeof file.stacks !== 'object' || file.stacks === null) {
      throw new MeshwardError('STATE_CORRUPT', `state ${this.path} has an unknown format`);
    }
    return { formatVersion: 1, stacks: file.stacks };
  }

  async load(stack: string): Promise<StackState> {
    const file = await this.readFileState();
    const state = file.stacks[stack];
    if (state === undefined) {
      this.seenHistory.set(stack, new Set());
      return emptyState(stack);
    }
    if (!isStackState(state))
      throw new MeshwardError('STATE_CORRUPT', `state of stack "${stack}" in ${this.path} is malformed`);
    this.seenHistory.set(stack, new Set(state.history.map(historyKey)));
    return state;
  }

  async save(state: StackState): Promise<void> {
    const file = await this.readFileState();
    // Writers hold the stack lock (apply); one that does not (an older meshward, a script) must still not erase the
    // records another run saved since this one loaded: those are kept, in time order.
    const seen = this.seenHistory.get(state.stack);
    const onDisk = file.stacks[state.stack];
    let history = state.history;
    if (seen && onDisk && Array.isArray(onDisk.history)) {
      const ours = new Set(history.map(historyKey));
      const theirs = onDisk.history.filter((h) => !seen.has(historyKey(h)) && !ours.has(historyKey(h)));
      if (theirs.length > 0) history = [...history, ...theirs].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
    }
    const trimmed: StackState = { ...state, history: history.slice(-MAX_HISTORY) };
    file.stacks[state.stack] = trimmed;
    await mkdir(dirname(this.path), { recursive: true });
    // Write beside, then rename: a crash leaves the old file or the new one, never half of one.
    // Unique per save: two saves in one process within a millisecond must not share (and rename away) one file.
    const tmp = `${this.path}.${process.pid}.${randomUUID()}.tmp`;
    // 0600: the state names every resource and its ARN; it is nobody else's to read.
    await writeFile(tmp, `${JSON.stringify(file, null, 2)}\n`, { encoding: 'utf8', mode: 0o600 });
    await rename(tmp, this.path);
    this.seenHistory.set(state.stack, new Set(trimmed.history.map(historyKey)));
  }
}

/** In memory: tests and the demo's throwaway runs. */
export class MemoryStateStore implements StateStore, LockingStateStore {
  private readonly stacks = new Map<string, StackState>();
  private readonly memoryLocker = new MemoryLocker();

  locker(): StackLocker {
    return this.memoryLocker;
  }

  describe(): string {
    return 'memory';
  }

  async load(stack: string): Promise<StackState> {
    const s = this.stacks.get(stack);
    return s ? (JSON.parse(JSON.stringify(s)) as StackState) : emptyState(stack);
  }

  async save(state: StackState): Promise<void> {
    this.stacks.set(state.stack, JSON.parse(JSON.stringify(state)) as StackState);
  }
}

export type StateStoreFactory = (uri: string) => StateStore;

/** URI scheme -> backend. The S3 backend adds `s3` here (see src/operator). */
export const STATE_STORE_SCHEMES: Record<string, StateStoreFactory> = {};

export function registerStateStore(scheme: string, factory: StateStoreFactory): void {
  STATE_STORE_SCHEMES[scheme] = factory;
}

export function openStateStore(uri: string = DEFAULT_STATE_PATH, cwd: string = process.cwd()): StateStore {
  const m = /^([a-z][a-z0-9+.-]*):\/\//.exec(uri);
  if (m) {
    const factory = STATE_STORE_SCHEMES[m[1] ?? ''];
    if (!factory) throw new MeshwardError('CONFIG', `no state store for "${m[1] ?? ''}://" (state ${uri})`);
    return factory(uri);
  }
  return new FileStateStore(uri, cwd);
}
