import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'bench/results/**', 'test-results/**', 'panel/dist/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    // The architecture's one rule: only services (and the wiring) touch storage; its port and its query vocabulary
    // (port.js, webhook-port.js, search-query.js, filter-node.js) are types everyone may name.
    files: ['src/**/*.ts'],
    ignores: ['src/storage/**', 'src/**/*.service.ts', 'src/app.ts', 'src/content-types/type-registry.ts', 'src/content/hydrate.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/storage/*', '**/storage/**', '!**/storage/port.js', '!**/storage/webhook-port.js', '!**/storage/search-query.js', '!**/storage/filter-node.js'],
              message: 'Only services touch storage (see ARCHITECTURE.md).',
            },
          ],
        },
      ],
    },
  },
);
