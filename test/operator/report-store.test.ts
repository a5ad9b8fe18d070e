/** Where the full report of a run is kept: keys and file paths derived from the state's location. */
import { statSync, readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildReport } from '../../src/core/report';
import { reportKeys, reportName, writeFullReportFiles } from '../../src/operator/report-store';
import { referenceTopology } from '../core/fixtures/resources';

const report = buildReport({ stack: 'prod', generatedAt: '2026-11-25T12:00:00.123Z', changes: [] });

it('names a run by its time, with a suffix that tells two runs in the same second apart', () => {
  expect(reportName(report, 'event-1')).toMatch(/^20261125T120000Z-[0-9a-f]{8}$/);
  expect(reportName(report, 'event-2')).not.toBe(reportName(report, 'event-1'));
  expect(reportName(report, 'event-1')).toBe(reportName(report, 'event-1'));
});

it('keeps the pages under the state prefix (or the bucket root)', () => {
  expect(reportKeys({ bucket: 'b', prefix: 'meshward/_state/prod' }, 'n')).toEqual({
    html: 'meshward/_state/prod/reports/n.html',
    markdown: 'meshward/_state/prod/reports/n.md',
  });
  expect(reportKeys({ bucket: 'b', prefix: '' }, 'n').html).toBe('reports/n.html');
});

it('a file state keeps them beside the state file, readable by its owner only', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'meshward-reports-'));
  try {
    const written = await writeFullReportFiles(join(dir, 'state.json'), report, referenceTopology(), 'run-1');
    expect(written.html.startsWith(join(dir, 'reports', '20261125T120000Z-'))).toBe(true);
    expect(readFileSync(written.html, 'utf8')).toContain('<svg');
    expect(readFileSync(written.markdown, 'utf8')).toContain('### meshward report: stack `prod`');
    expect(statSync(written.html).mode & 0o777).toBe(0o600);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
