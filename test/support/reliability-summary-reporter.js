'use strict';
/**
 * Closes the test output with (1) the counts the reliability suites log (cases tried, faults injected, crashes
 * simulated), gathered from wherever they ran, and (2) one plain line "jest: N passed, N failed, N skipped" that
 * tools reading a run's last line understand. Writes to stderr, where jest's own summary goes, to keep the order.
 */
const path = require('node:path');

class ReliabilitySummaryReporter {
  constructor() {
    this.lines = [];
  }

  onTestResult(_test, result) {
    if (!result.testFilePath.includes(`${path.sep}test${path.sep}reliability${path.sep}`)) return;
    for (const entry of result.console ?? []) {
      if (entry.type === 'log') this.lines.push(String(entry.message));
    }
  }

  onRunComplete(_contexts, results) {
    if (this.lines.length > 0) {
      process.stderr.write(`\nReliability suite counts:\n${this.lines.map((l) => `  ${l}`).join('\n')}\n`);
    }
    const skipped = results.numPendingTests + results.numTodoTests;
    process.stderr.write(
      `\njest: ${results.numPassedTests} passed, ${results.numFailedTests} failed, ${skipped} skipped\n`,
    );
  }
}

module.exports = ReliabilitySummaryReporter;
