import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'build/', 'imports/', 'coverage/', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'eqeqeq': ['error', 'always'],
      'no-console': 'off',
    },
  },
  {
    files: ['**/*.mjs', '**/*.js', '**/*.cjs'],
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', require: 'readonly', module: 'writable', __dirname: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', Buffer: 'readonly', AbortController: 'readonly', fetch: 'readonly', setInterval: 'readonly', clearInterval: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  // Layering of lib/ (architecture.md): internal/ imports no area; core/ only internal/; network/ neither workload/,
  // security/, config/ nor storage/; security/ not workload/, config/, storage/; storage/ and config/ not workload/;
  // deploy/ only core/ and internal/.
  // No file of lib/ imports the reference app or lib/index.ts. Import cycles are checked by dpdm (`npm run cycles`).
  ...[
    ['lib/**/*.ts', []],
    ['lib/internal/**', ['core', 'workload', 'network', 'config', 'security', 'storage']],
    ['lib/core/**', ['workload', 'network', 'config', 'security', 'storage']],
    ['lib/network/**', ['workload', 'config', 'security', 'storage']],
    ['lib/security/**', ['workload', 'config', 'storage']],
    ['lib/storage/**', ['workload', 'config']],
    ['lib/config/**', ['workload', 'security', 'storage']],
    ['lib/deploy/**', ['workload', 'network', 'config', 'security', 'storage']],
  ].map(([files, areas]) => ({
    files: [files],
    ignores: ['lib/index.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: ['..', '../index', './index', '../..'].map((name) => ({ name, message: 'lib/ never imports its own index' })),
        patterns: [
          { group: ['**/reference-app', '**/reference-app/**'], message: 'the library never imports the reference app' },
          ...(areas.length ? [{ group: areas.map((a) => `../${a}/*`), message: 'lib/ layering: this folder must not import that area (eslint.config.mjs)' }] : []),
        ],
      }],
    },
  })),
);
