// Preloaded (--require) into file-parse workers only when the agents service runs from its TypeScript
// sources (jest): the review workers' .ts hook, plus @nitro/* resolved to the libs' sources the way
// .swcrc's paths do (the parsers import ServiceError and file-type's loader from @nitro/service-kit).
// dist/ runs the compiled worker, whose imports swc already rewrote, and never loads this file.
require('../../code-assistant/review/ts-worker-hook.js');
const Module = require('node:module');
const { join } = require('node:path');

const ROOT = join(__dirname, '..', '..', '..', '..', '..');
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  const lib = /^@nitro\/([a-z-]+)$/.exec(request);
  return resolve.call(this, lib ? join(ROOT, 'libs', lib[1], 'src', 'index.ts') : request, ...rest);
};
