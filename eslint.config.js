// ESLint: type-aware promise rules, and the folder rules of docs/ARCHITECTURE.md as
// no-restricted-imports, so a layering mistake fails `npm run lint`.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const layer = (files, patterns) => ({
  files,
  rules: { 'no-restricted-imports': ['error', { patterns }] },
});
// Type imports count too: a type that points up the layers is still a dependency up the layers.
const deny = (group, message) => ({ group, message });

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      '.data/**',
      'coverage/**',
      'test/bench/results/**',
      'ops/**/*.json',
      'ops/**/*.ndjson',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['eslint.config.js', 'bin/pongctl'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-restricted-syntax': [
        'error',
        {
          selector: 'TSEnumDeclaration',
          message: 'enums are not erasable syntax; use a const object',
        },
      ],
    },
  },
  layer(
    ['api/contract/**/*.ts'],
    [{ regex: '^(?!zod$|\\.\\/)', message: 'api/contract may import zod and its own files only' }],
  ),
  layer(
    ['api/core/**/*.ts'],
    [
      deny(
        [
          '**/domain/**',
          '**/http/**',
          '**/realtime/**',
          '**/game/**',
          '**/server.ts',
          '**/compose/**',
          '**/cli/**',
          '**/ops/**',
        ],
        'api/core may import api/contract only',
      ),
    ],
  ),
  layer(
    ['api/domain/**/*.ts'],
    [
      deny(
        ['**/http/**', '**/realtime/**', '**/server.ts', '**/compose/**', '**/cli/**', '**/ops/**'],
        'api/domain may import game, core, contract and other domains',
      ),
    ],
  ),
  layer(
    ['api/game/**/*.ts'],
    [
      deny(
        [
          '**/domain/**',
          '**/http/**',
          '**/realtime/**',
          '**/server.ts',
          '**/compose/**',
          '**/cli/**',
          '**/ops/**',
        ],
        'api/game may import core and contract only',
      ),
    ],
  ),
  layer(
    ['api/http/**/*.ts'],
    [
      deny(
        ['**/realtime/**', '**/server.ts', '**/compose/**', '**/cli/**', '**/ops/**'],
        'api/http may import domain, core and contract',
      ),
    ],
  ),
  layer(
    ['api/realtime/**/*.ts'],
    [
      deny(
        ['**/http/**', '**/server.ts', '**/compose/**', '**/cli/**', '**/ops/**'],
        'api/realtime may import domain, game, core and contract',
      ),
    ],
  ),
  layer(
    ['cli/**/*.ts'],
    [
      deny(
        [
          '**/api/core/**',
          '**/api/domain/**',
          '**/api/http/**',
          '**/api/realtime/**',
          '**/api/game/**',
          '**/api/server.ts',
          '**/api/compose/**',
          '**/migrations/**',
        ],
        'cli may import api/contract only (serve and db load the server with a dynamic import)',
      ),
    ],
  ),
  layer(
    ['ops/**/*.ts'],
    [
      deny(
        [
          '**/api/core/**',
          '**/api/domain/**',
          '**/api/http/**',
          '**/api/realtime/**',
          '**/api/game/**',
          '**/api/server.ts',
          '**/api/compose/**',
          '**/cli/**',
        ],
        'ops may import api/contract only',
      ),
    ],
  ),
  layer(
    ['migrations/**/*.ts'],
    [{ regex: '^(?!knex$)', message: 'migrations may import knex only' }],
  ),
  {
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
