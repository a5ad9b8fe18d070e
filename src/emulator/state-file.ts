/**
 * The emulator's data directory: one JSON file, written atomically (tmp file + rename) before a write is
 * acknowledged, so a clean or unclean stop never loses an acknowledged write. A file that cannot be read is an
 * error for the user to resolve; it is never silently replaced with an empty state. The file holds everything
 * meshward wrote (task definition environments included): it is created 0600, a directory made for it 0700.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MeshwardError } from '../core/errors';
import type { ServedWrite } from './contracts';

export const STATE_FILE_NAME = 'emulator-state.json';

/** Modes of what the emulator persists: readable by its owner only (issue 12: state and emulator files 0600). */
export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIR_MODE = 0o700;

export interface PersistedState {
  formatVersion: 1;
  savedAt: string;
  /** Keyed by service id ('appmesh', 'ecs', ...): each implementation's snapshot(). */
  services: Record<string, unknown>;
  servedWrites: ServedWrite[];
}

export function stateFilePath(dataDir: string): string {
  return join(dataDir, STATE_FILE_NAME);
}

export function loadState(dataDir: string): PersistedState | undefined {
  const file = stateFilePath(dataDir);
  if (!existsSync(file)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (cause) {
    throw new MeshwardError(
      'STATE_CORRUPT',
      `emulator data file ${file} is not valid JSON; move it aside to start empty (it was left untouched)`,
      { cause },
    );
  }
  if (
    typeof parsed !== 'object' ||
    parsed === null ||
    (parsed as { formatVersion?: unknown }).formatVersion !== 1 ||
    typeof (parsed as { services?: unknown }).services !== 'object' ||
    !Array.isArray((parsed as { servedWrites?: unknown }).servedWrites)
  ) {
    throw new MeshwardError(
      'STATE_CORRUPT',
      `emulator data file ${file} is not an emulator state (formatVersion 1); it was left untouched`,
    );
  }
  return parsed as PersistedState;
}

export function saveState(dataDir: string, state: PersistedState): void {
  mkdirSync(dataDir, { recursive: true, mode: PRIVATE_DIR_MODE });
  const file = stateFilePath(dataDir);
  const tmp = `${file}.${process.pid}.tmp`;
  // `mode` applies only when the file is created; a tmp file left by a crashed older build keeps its mode, hence
  // the chmod. The rename carries the mode over to the state file.
  writeFileSync(tmp, JSON.stringify(state), { mode: PRIVATE_FILE_MODE });
  chmodSync(tmp, PRIVATE_FILE_MODE);
  renameSync(tmp, file);
}
