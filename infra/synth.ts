/**
 * `npx tsx infra/synth.ts [outdir]`: synthesizes the stack to cdk.out/ without AWS credentials or the cdk CLI.
 * Needs the bundled handler first (`npx tsx lambda/build.ts`).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildApp } from './app';
import { DEFAULT_CODE_DIR } from './meshward-stack';

function main(): void {
  if (!fs.existsSync(path.join(DEFAULT_CODE_DIR, 'handler.js'))) {
    console.error(`missing ${DEFAULT_CODE_DIR}/handler.js: run "npx tsx lambda/build.ts" first`);
    process.exit(1);
  }
  const outdir = process.argv[2] ?? path.join(__dirname, '..', 'cdk.out');
  const { app, stack } = buildApp({ outdir });
  // The nag pack also runs as a validation plugin during synth; checking here gives a readable list and exit code.
  const report = new AwsSolutionsChecks().validateScope(stack);
  const assembly = app.synth();
  for (const artifact of assembly.stacks)
    console.log(`synthesized ${artifact.stackName} -> ${artifact.templateFullPath}`);
  if (!report.success) {
    for (const violation of report.violations) console.error(`${violation.ruleName}: ${violation.description}`);
    process.exit(1);
  }
}

main();
