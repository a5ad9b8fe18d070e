/**
 * Headless Chromium from the machine (Debian's `chromium` package; .ci/run installs it), driven through its
 * command line: no npm package, no browser download. `--dump-dom` prints the DOM after the page ran, so a probe
 * script appended to a copy of the page can report computed styles; `--screenshot` writes a PNG.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

export function findChromium(): string | undefined {
  const fromEnv = process.env['CHROMIUM_PATH'];
  if (fromEnv && existsSync(fromEnv)) return fromEnv;
  return CANDIDATES.find((p) => existsSync(p));
}

function run(binary: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(binary, args, { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`chromium failed: ${err.message}\n${stderr.slice(0, 2000)}`));
      else resolve(stdout);
    });
  });
}

function baseArgs(profile: string, width: number, height: number): string[] {
  return [
    '--headless',
    // Root in CI containers: Chromium refuses to start its sandbox as root.
    '--no-sandbox',
    '--disable-gpu',
    '--disable-dev-shm-usage',
    '--no-first-run',
    '--hide-scrollbars',
    `--user-data-dir=${profile}`,
    `--window-size=${width},${height}`,
  ];
}

export interface PageCheck {
  /** The DOM after the probe ran. */
  dom: string;
  /** What the probe wrote into `<pre id="probe">`, parsed as JSON. */
  probe: unknown;
  screenshot: Buffer;
}

/**
 * Loads `html` in headless Chromium with `probe` (a script body that returns a JSON-serializable value) appended,
 * and takes a screenshot of the page as it is (without the probe). The page's own Content-Security-Policy would
 * block the probe, so only the probe copy has it removed.
 */
export async function checkPage(
  binary: string,
  html: string,
  probe: string,
  size: { width: number; height: number } = { width: 1280, height: 1600 },
): Promise<PageCheck> {
  const dir = mkdtempSync(join(tmpdir(), 'meshward-chromium-'));
  try {
    const page = join(dir, 'page.html');
    const probed = join(dir, 'probed.html');
    const png = join(dir, 'page.png');
    writeFileSync(page, html);
    const script = `<pre id="probe"></pre><script>document.getElementById('probe').textContent = JSON.stringify((function () { ${probe} })());</script>`;
    writeFileSync(
      probed,
      html.replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/, '').replace('</body>', `${script}</body>`),
    );
    const dom = await run(
      binary,
      [...baseArgs(join(dir, 'profile-dom'), size.width, size.height), '--dump-dom', `file://${probed}`],
      60_000,
    );
    await run(
      binary,
      [...baseArgs(join(dir, 'profile-shot'), size.width, size.height), `--screenshot=${png}`, `file://${page}`],
      60_000,
    );
    const match = /<pre id="probe">([\s\S]*?)<\/pre>/.exec(dom);
    const text = (match?.[1] ?? '')
      .replace(/&quot;/g, '"')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&');
    return { dom, probe: text === '' ? undefined : (JSON.parse(text) as unknown), screenshot: readFileSync(png) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Width and height from a PNG's IHDR chunk. */
export function pngSize(png: Buffer): { width: number; height: number } {
  if (png.subarray(1, 4).toString('latin1') !== 'PNG') throw new Error('not a PNG');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

/** `describe` when Chromium is installed; otherwise a loud skip (CI installs it, so there it always runs). */
export function describeWithChromium(name: string, body: (binary: string) => void): void {
  const binary = findChromium();
  if (binary === undefined) {
    console.warn(
      `\n!!! SKIPPED "${name}": no Chromium binary (install Debian's "chromium" package or set CHROMIUM_PATH) !!!\n`,
    );
    describe.skip(name, () => body(''));
    return;
  }
  describe(name, () => body(binary));
}
