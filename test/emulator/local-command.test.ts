/** `meshward local`: starts the emulator, prints the environment to export, stops cleanly, keeps its data. */
import * as am from '@aws-sdk/client-app-mesh';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/cli/commands/local';
import type { CliIO } from '../../src/cli/output';
import { stateFilePath } from '../../src/emulator/state-file';

function captureIO(): { io: CliIO; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    io: {
      stdout: { write: (t: string) => (out += t) },
      stderr: { write: (t: string) => (err += t) },
      env: {},
      cwd: process.cwd(),
    },
    out: () => out,
    err: () => err,
  };
}

async function waitFor(predicate: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !predicate(); i += 1) await new Promise((r) => setTimeout(r, 10));
  if (!predicate()) throw new Error('timed out');
}

it('prints the endpoint and env, serves the SDK, and stops on request with state saved', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'meshward-local-'));
  const { io, out } = captureIO();
  const stop = new AbortController();
  const exit = run(['--port', '0', '--data', dir], io, stop.signal);
  try {
    await waitFor(() => out().includes('AWS_ENDPOINT_URL='));
    const endpoint = /AWS_ENDPOINT_URL=(\S+)/.exec(out())?.[1] ?? '';
    expect(out()).toContain('export AWS_REGION=us-east-1');
    expect(out()).toContain('export AWS_ACCESS_KEY_ID=');
    const client = new am.AppMeshClient({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    });
    await client.send(new am.CreateMeshCommand({ meshName: 'm' }));
  } finally {
    stop.abort();
  }
  expect(await exit).toBe(0);
  expect(out()).toContain('stopped');
  expect(existsSync(stateFilePath(dir))).toBe(true);
  rmSync(dir, { recursive: true, force: true });
});

it('rejects a bad port as a usage error (exit 1)', async () => {
  const { io, err } = captureIO();
  expect(await run(['--port', 'x'], io)).toBe(1);
  expect(err()).toContain('--port');
});
