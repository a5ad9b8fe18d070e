#!/usr/bin/env node
'use strict';
// The installed package runs the compiled CLI in dist/. A development checkout (src/ present, tsx installed) runs
// the TypeScript sources instead, so a dist/ left over from `npm pack` never shadows the code being edited.
const path = require('node:path');
const fs = require('node:fs');

// The AWS SDK prints a 9-line warning on Node.js < 22 from its first client on. It would break reconcile's
// JSON-lines stderr, and the supported minimum is documented (README, engines): set before any SDK module loads.
// An explicit value from the user is kept.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const root = path.join(__dirname, '..');
const source = path.join(root, 'src', 'cli', 'main.ts');
let tsx;
if (fs.existsSync(source)) {
  try {
    tsx = require.resolve('tsx/cjs', { paths: [root] });
  } catch {
    tsx = undefined;
  }
}
if (tsx) {
  require(tsx);
  require(source);
} else {
  require(path.join(root, 'dist', 'src', 'cli', 'main.js'));
}
