import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', 'data/**', 'public/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  {
    // The core is shared by browser, service worker and server: it may not reach for any platform.
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*', 'fs', 'path', 'crypto', 'os', 'http', 'net'], message: 'src/core is pure: no Node imports.' },
            { group: ['idb', 'mqtt', 'svelte', 'svelte/*', 'workbox-*', 'better-sqlite3', 'pg', 'aedes'], message: 'src/core is pure: adapters live outside core.' },
          ],
        },
      ],
      'no-restricted-globals': ['error', { name: 'window', message: 'src/core is pure.' }, { name: 'document', message: 'src/core is pure.' }],
      'no-restricted-properties': ['error', { object: 'Date', property: 'now', message: 'Pass time in (a `now` or a Clock); core never reads the clock.' }],
    },
  },
);
