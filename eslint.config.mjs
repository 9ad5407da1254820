// Flat config. The module-boundary rule is what keeps the service graph honest:
// apps never import each other, libs never import apps, the contracts lib imports nothing with I/O.
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

export default [
  { ignores: ['**/dist/**', '**/node_modules/**', 'apps/web/dist/**', 'tmp/**', '.nx/**', 'coverage/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.mjs', '**/*.js'],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-require-imports': 'off',
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:feature', 'type:data-access', 'type:util', 'type:contracts'] },
            { sourceTag: 'type:feature', onlyDependOnLibsWithTags: ['type:data-access', 'type:util', 'type:contracts'] },
            { sourceTag: 'type:data-access', onlyDependOnLibsWithTags: ['type:data-access', 'type:util', 'type:contracts'] },
            { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util', 'type:contracts'] },
            {
              // The wire and nothing that does I/O: no Redis, queues, S3, HTTP server or transport in contracts.
              sourceTag: 'type:contracts',
              onlyDependOnLibsWithTags: ['type:contracts'],
              bannedExternalImports: [
                'ioredis',
                'bullmq',
                '@aws-sdk/*',
                'fastify',
                '@fastify/*',
                '@nestjs/microservices',
                'node-llama-cpp',
              ],
            },
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
            // The gateway enqueues image jobs, follows them and streams the gallery itself (ADR 0003), so it
            // may use the media data-access lib (libs/media-store); no other service may.
            { sourceTag: 'scope:gateway', onlyDependOnLibsWithTags: ['scope:gateway', 'scope:media', 'scope:shared'] },
            { sourceTag: 'scope:ai-router', onlyDependOnLibsWithTags: ['scope:ai-router', 'scope:shared'] },
            { sourceTag: 'scope:media', onlyDependOnLibsWithTags: ['scope:media', 'scope:shared'] },
            { sourceTag: 'scope:voice', onlyDependOnLibsWithTags: ['scope:voice', 'scope:shared'] },
            { sourceTag: 'scope:search', onlyDependOnLibsWithTags: ['scope:search', 'scope:shared'] },
            { sourceTag: 'scope:agents', onlyDependOnLibsWithTags: ['scope:agents', 'scope:shared'] },
            { sourceTag: 'scope:web', onlyDependOnLibsWithTags: ['scope:web', 'scope:shared'] },
          ],
        },
      ],
    },
  },
  {
    // Small, well-named modules: a production file past ~300 lines is a smell to split (CONTRIBUTING.md).
    files: ['apps/*/src/**/*.ts', 'libs/*/src/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: { 'max-lines': ['error', { max: 300, skipBlankLines: true, skipComments: true }] },
  },
  {
    // Test helpers (real redis-server, child processes) never ship: production code may not import them.
    files: ['apps/*/src/**/*.ts', 'libs/*/src/**/*.ts'],
    ignores: ['**/*.spec.ts', 'libs/testing/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: '@nitro/testing', message: '@nitro/testing is for specs and test/ only' }], patterns: ['**/libs/testing/**'] },
      ],
    },
  },
  {
    files: ['apps/web/**/*.ts', 'apps/web/**/*.js'],
    languageOptions: { globals: { window: 'readonly', document: 'readonly', navigator: 'readonly', self: 'readonly' } },
  },
];
