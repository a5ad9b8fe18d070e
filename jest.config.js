// The SDK warns once per process that releases after January 2027 need Node.js 22 (aws-sdk-js-v3#7983). It is
// true and the README says so; in test output it is only noise, repeated by every worker.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
// Tests talk only to 127.0.0.1: a client that ever fell back to the SDK's default credential chain must not reach
// for the EC2 instance metadata address.
process.env.AWS_EC2_METADATA_DISABLED = 'true';

const shared = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
};

/** @type {import('jest').Config} */
module.exports = {
  // Two projects in one run (npm test runs both; CI runs npm test): "package" packs and installs the tarball
  // (~1 min, mostly npm), "unit" is everything else. `npx jest --selectProjects unit` skips the slow one.
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: ['**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/package/'],
    },
    { ...shared, displayName: 'package', testMatch: ['<rootDir>/test/package/**/*.test.ts'] },
  ],
  // Integration tests start HTTP servers; two workers match the 2-core CI machine.
  maxWorkers: 2,
  testTimeout: 30000,
  // No forceExit: a test that leaves a server or socket open must show as jest not exiting, not be hidden. (The
  // restart loop's last point was past the apply's end and left its emulator listening; fixed, and the whole unit
  // project then exited by itself in band.)
  reporters: ['default', '<rootDir>/test/support/reliability-summary-reporter.js'],
};
