// Preloaded (--require) into review workers only when the agents service runs from its TypeScript
// sources (jest, bench via @swc): worker threads load files with Node's own loader, which cannot
// read .ts on Node 20. Compiles each .ts file with @swc/core (a dev dependency) the way .swcrc does.
// dist/ runs the compiled review.worker.js and never loads this file.
const { readFileSync } = require('node:fs');
const { transformSync } = require('@swc/core');

require.extensions['.ts'] = (module, filename) => {
  const { code } = transformSync(readFileSync(filename, 'utf8'), {
    filename,
    swcrc: false,
    sourceMaps: 'inline',
    module: { type: 'commonjs', strictMode: true, ignoreDynamic: true },
    jsc: { target: 'es2022', parser: { syntax: 'typescript', decorators: true }, transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false }, keepClassNames: true },
  });
  module._compile(code, filename);
};
