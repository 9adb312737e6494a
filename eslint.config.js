// Layer rules (STYLE.md "Boundaries you can see"): where code may run is checked here.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

const nodeBuiltins = [
  'fs', 'path', 'os', 'crypto', 'child_process', 'worker_threads', 'http', 'https', 'net', 'tls',
  'zlib', 'stream', 'url', 'util', 'events', 'readline', 'buffer', 'assert', 'dns', 'module',
];
const nodeBuiltinPatterns = ['node:*', ...nodeBuiltins, ...nodeBuiltins.map((m) => `${m}/*`)];

export default tseslint.config(
  {
    ignores: [
      'node_modules/**', 'renderer/dist/**', 'electron/dist/**', 'dist/**', '.native/**',
      'bench/work/**', 'test-results/**', '.cache/**', 'docs/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['**/*.mjs', '**/*.js', '**/*.cjs'],
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly', Buffer: 'readonly' },
    },
  },
  {
    // electron-builder hooks and config are CommonJS scripts run by Node.
    files: ['build/**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', module: 'writable', __dirname: 'readonly', process: 'readonly', console: 'readonly', Buffer: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // The engine never imports Electron or the renderer.
    files: ['main/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        patterns: [
          { group: ['electron', 'electron/*'], message: 'main/ is plain Node: Electron belongs in electron/.' },
          { group: ['**/renderer/**'], message: 'main/ never depends on the renderer.' },
        ],
      }],
    },
  },
  {
    // Readers and de-identification know nothing of the store; a pipeline composes them.
    files: ['main/ingest/**/*.ts', 'main/deid/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        patterns: [
          { group: ['electron', 'electron/*'], message: 'main/ is plain Node: Electron belongs in electron/.' },
          { group: ['**/renderer/**'], message: 'main/ never depends on the renderer.' },
          { group: ['**/store/**', '**/store'], message: 'ingest/ and deid/ know nothing of the store (ARCHITECTURE.md).' },
        ],
      }],
    },
  },
  {
    // The renderer talks to the engine only through the api contract, and only its types.
    files: ['renderer/src/**/*.ts', 'renderer/src/**/*.tsx'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      '@typescript-eslint/no-restricted-imports': ['error', {
        patterns: [
          { group: nodeBuiltinPatterns, message: 'The renderer is sandboxed: no Node builtins.' },
          { group: ['electron', 'electron/*'], message: 'The renderer never imports Electron.' },
          { group: ['**/main/**', '!**/main/api', '!**/main/api/*'], message: 'Only the api contract of main/ is visible to the renderer.' },
          { group: ['**/main/api', '**/main/api/*'], allowTypeImports: true, message: 'Import only types from main/api.' },
        ],
      }],
    },
  },
);
