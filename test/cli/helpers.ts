/** What every CLI test needs: run(argv) with its output captured as a user's terminal (or a CI log) would see it. */
import type { CliIO } from '../../src/cli/output';

export interface CapturedIo {
  io: CliIO;
  out(): string;
  err(): string;
}

/** A CliIO writing into strings; colour off by default, as on a CI log. */
export function captureIo(cwd: string, env: Record<string, string> = { NO_COLOR: '1' }): CapturedIo {
  let out = '';
  let err = '';
  return {
    io: {
      stdout: { write: (t: string) => (out += t), isTTY: false },
      stderr: { write: (t: string) => (err += t), isTTY: false },
      env,
      cwd,
    },
    out: () => out,
    err: () => err,
  };
}
