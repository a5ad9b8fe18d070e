/** The one I/O step of a migration: rendered files into the output directory (the command and the demo use it). */
import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { RenderedFile } from './render';

export async function writeRendered(dir: string, files: readonly RenderedFile[]): Promise<string[]> {
  const written: string[] = [];
  for (const file of files) {
    const full = path.join(dir, file.name);
    await mkdir(path.dirname(full), { recursive: true });
    await writeFile(full, file.text);
    written.push(full);
  }
  return written;
}
