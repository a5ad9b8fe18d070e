'use strict';
// `node bench/lambda-invoke.js BUNDLE N TIMEOUT_MS`: one warm Lambda container, as the runtime drives it. Loads the
// bundled handler once, then sends it N scheduled events one after another (EventBridge's schedule shape), each
// with a remaining-time clock from TIMEOUT_MS. After each invocation prints `INVOKE {...}` on stdout: its wall
// time, status and the container's RSS high-water mark so far (bench/shipped.ts reads these lines).
const handlerModule = require(process.argv[2]);
const invocations = Number(process.argv[3] || 5);
const timeoutMs = Number(process.argv[4] || 300000);

async function main() {
  for (let i = 0; i < invocations; i += 1) {
    const started = Date.now();
    const deadline = started + timeoutMs;
    const result = await handlerModule.handler(
      {
        version: '0',
        id: `bench-schedule-${i}`,
        'detail-type': 'Scheduled Event',
        source: 'aws.events',
        account: '111122223333',
        time: new Date(started).toISOString(),
        region: process.env.AWS_REGION || 'us-east-1',
        resources: [],
        detail: {},
      },
      { getRemainingTimeInMillis: () => deadline - Date.now() },
    );
    const line = {
      invocation: i,
      wallMs: Date.now() - started,
      status: result && typeof result === 'object' ? result.status : undefined,
      exitCode: result && typeof result === 'object' ? result.exitCode : undefined,
      peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    };
    process.stdout.write(`\nINVOKE ${JSON.stringify(line)}\n`);
  }
}

main().catch((err) => {
  process.stderr.write(`${(err && err.stack) || String(err)}\n`);
  process.exit(1);
});
