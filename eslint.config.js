import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules', 'data', 'dist', 'src/chain/generated', 'web/dist', 'bench/results', 'out'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        URL: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      // With noUncheckedIndexedAccess, `xs[i]!` inside a bounds-checked loop is the honest idiom.
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' },
      ],
    },
  },
  {
    // The market core is pure: no I/O, no clock, nothing from the outer rings.
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*', 'fs', 'path', 'http', 'net', 'child_process'],
              message: 'The market core does no I/O.',
            },
            {
              group: ['../chain/*', '../cli/*', '../meter/*', '../server/*', '../app/*', 'viem', 'viem/*'],
              message: 'The market core depends on nothing outside it.',
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'Date', message: 'The market core has no clock.' },
        { name: 'Math', message: 'No floating point in the market core.' },
        { name: 'parseFloat', message: 'No floating point in the market core.' },
        { name: 'Number', message: 'Use bigint in the market core.' },
      ],
    },
  },
  {
    // The web UI runs in the browser: its globals, and the React components in .tsx files.
    files: ['web/src/**/*.{ts,tsx}'],
    languageOptions: {
      globals: {
        window: 'readonly',
        document: 'readonly',
        navigator: 'readonly',
        localStorage: 'readonly',
        fetch: 'readonly',
        EventSource: 'readonly',
        Blob: 'readonly',
        URLSearchParams: 'readonly',
        console: 'readonly',
      },
    },
  },
  {
    files: ['eslint.config.js', '*.config.ts', 'web/*.config.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
);
