// Two projects: "unit" (specs beside the code, no I/O beyond what they create) and
// "integration" (test/ folders: real Redis, real child processes, real engines; run in band).
const swc = ['@swc/jest', { swcrc: false, sourceMaps: 'inline', jsc: { parser: { syntax: 'typescript', decorators: true }, transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false }, target: 'es2022', keepClassNames: true } }];
const moduleNameMapper = { '^@nitro/(contracts|transport|config|observability|media-store|testing|service-kit)$': '<rootDir>/libs/$1/src/index.ts' };
const common = { rootDir: __dirname, testEnvironment: 'node', transform: { '^.+\\.ts$': swc }, moduleNameMapper, moduleFileExtensions: ['ts', 'js', 'json'], setupFiles: ['reflect-metadata'] };
module.exports = {
  reporters: ['default', '<rootDir>/tools/jest-summary-reporter.js'],
  // Per-project testTimeout is ignored by jest: integration suites start processes and need the long one.
  testTimeout: 120000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/apps/*/src/**/*.spec.ts', '<rootDir>/libs/*/src/**/*.spec.ts', '<rootDir>/tools/**/*.spec.ts'] },
    { ...common, displayName: 'integration', testMatch: ['<rootDir>/apps/*/test/**/*.int-spec.ts', '<rootDir>/libs/*/test/**/*.int-spec.ts', '<rootDir>/test/**/*.int-spec.ts'], testTimeout: 120000 },
  ],
};
