/**
 * docs/migrating.md shows a real run of `meshward migrate` on the reference topology: its generated blocks must
 * equal a fresh generation (run `npx tsx scripts/gen-migrating-doc.ts` after changing the rules).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fill, generatedBlocks, MIGRATING_DOC } from '../../scripts/gen-migrating-doc';
import { repoRoot } from '../../scripts/gen-schemas';

describe('docs/migrating.md', () => {
  it('its worked example is the output of the current migrate', async () => {
    const committed = readFileSync(join(repoRoot(), MIGRATING_DOC), 'utf8');
    expect(committed).toBe(fill(committed, await generatedBlocks()));
    expect(committed).toContain('#### Migration sequence');
    expect(committed).toMatch(/migrate to vpc-lattice: \d+ fields classified/);
  });
});
