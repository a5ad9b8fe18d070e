/** Shared setup of the emulator fidelity tests: a fresh emulator on a free port and SDK clients pointed at it. */
import { AppMeshClient } from '@aws-sdk/client-app-mesh';
import { startEmulator, type Emulator, type EmulatorOptions } from '../../src/emulator/server';

export const ACCOUNT = '111122223333';
export const REGION = 'us-east-1';

export async function startTestEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  return startEmulator({ port: 0, host: '127.0.0.1', region: REGION, accountId: ACCOUNT, ...options });
}

export function appMesh(emulator: Emulator, opts: { maxAttempts?: number; accessKeyId?: string } = {}): AppMeshClient {
  return new AppMeshClient({
    endpoint: emulator.endpoint,
    region: REGION,
    credentials: { accessKeyId: opts.accessKeyId ?? 'AKIDTEST', secretAccessKey: 'secret' },
    maxAttempts: opts.maxAttempts ?? 1,
  });
}

/** The SDK error a promise rejects with (name, HTTP status, message), for compact assertions. */
export async function failure(
  p: Promise<unknown>,
): Promise<{ name: string; status?: number; message: string; retryable: boolean }> {
  try {
    await p;
  } catch (err) {
    const e = err as { name: string; message: string; $metadata?: { httpStatusCode?: number }; $retryable?: unknown };
    return {
      name: e.name,
      status: e.$metadata?.httpStatusCode,
      message: e.message,
      retryable: e.$retryable !== undefined,
    };
  }
  throw new Error('expected the call to fail');
}

export const httpListener = (port = 8080) => ({ portMapping: { port, protocol: 'http' as const } });
