'use strict';
// Preloaded into a service under test (NODE_OPTIONS=--require <this file>, LOADED_MODULES_FILE=<path>):
// on SIGWINCH it writes the paths of every module the process has loaded (Object.keys(require.cache)),
// one per line, to LOADED_MODULES_FILE (via a rename, so a reader never sees half a list). Test-only:
// test/e2e/gateway-lazy-modules.int-spec.ts proves what the gateway has not loaded. Not SIGUSR2: Nest's
// enableShutdownHooks() shuts the app down on it. SIGWINCH is ignored by default, so a process without
// this preload just does not answer.
const { renameSync, writeFileSync } = require('node:fs');

const file = process.env.LOADED_MODULES_FILE;
if (file) {
  process.on('SIGWINCH', () => {
    writeFileSync(`${file}.tmp`, Object.keys(require.cache).join('\n'));
    renameSync(`${file}.tmp`, file);
  });
}
