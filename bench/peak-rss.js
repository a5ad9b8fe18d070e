'use strict';
// Preloaded with `node --require` into a process the benchmark measures as it ships (bench/shipped.ts): prints
// the process's RSS high-water mark on stderr as it exits, whatever the exit code.
process.on('exit', () => {
  const peak = Math.round(process.resourceUsage().maxRSS / 1024);
  require('node:fs').writeSync(2, `\nMESHWARD_BENCH_PEAK_RSS_MIB ${peak}\n`);
});
