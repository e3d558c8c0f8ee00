import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import prettier from 'eslint-config-prettier';

const electronOnly = {
  name: 'electron',
  message: "Only src/main/electron/**, src/main/index.ts and src/preload/** may import 'electron' (DESIGN.md §1).",
};
const csvWriterOnly = {
  selector: "MemberExpression[property.name='unparse']",
  message: 'Write CSV with src/shared/csv.ts (toCsv/csvRow): it makes every cell spreadsheet-safe.',
};
/**
 * Per-store state belongs to what opens the store (`createApp`'s `Deps`, the connection's own
 * `sqlite.state`, the cloud's deps), never to a module: a map or set at the top of a module keyed
 * by a connection, a database or deps outlives a restore and mixes two stores in one process.
 */
const handleKeyed = '/^(Sqlite|Database|Db|Deps|CloudDeps|CloudDb|Store)$/';
const moduleMap = '/^(Weak)?(Map|Set)$/';
const stateByHandle = [
  `Program > VariableDeclaration > VariableDeclarator > NewExpression[callee.name=${moduleMap}] > TSTypeParameterInstantiation > TSTypeReference:first-child[typeName.name=${handleKeyed}]`,
  `Program > ExportNamedDeclaration > VariableDeclaration > VariableDeclarator > NewExpression[callee.name=${moduleMap}] > TSTypeParameterInstantiation > TSTypeReference:first-child[typeName.name=${handleKeyed}]`,
  `Program > VariableDeclaration > VariableDeclarator > Identifier > TSTypeAnnotation > TSTypeReference[typeName.name=${moduleMap}] > TSTypeParameterInstantiation > TSTypeReference:first-child[typeName.name=${handleKeyed}]`,
].map((selector) => ({
  selector,
  message: 'No module-level state keyed by a connection, database or deps: keep it on the connection (connectionSlot) or on Deps.',
}));
const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'crypto', 'net', 'child_process', 'url', 'util', 'stream', 'buffer'];
/**
 * An import of another process's folder, however deep the importing file: a path that climbs and
 * then names it (`../cloud`, `../../../../cloud/server`, the folder's own index included), or one
 * that names `src/<folder>`. No folder under src/ shares a process's name; a module that does
 * (`sync/cloud.ts`) is imported as `./cloud` or `../sync/cloud`, which this leaves alone.
 */
const into = (...folders) => {
  const f = `(${folders.join('|')})`;
  return `^(\\.\\./)+${f}(/|$)|(^|/)src/${f}(/|$)`;
};

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', 'src/main/db/migrations/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', { paths: [electronOnly] }],
      'no-restricted-syntax': ['error', csvWriterOnly],
    },
  },
  {
    files: ['src/main/electron/**', 'src/main/index.ts', 'src/preload/**', 'test/e2e-electron/**'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    // Preload runs in the window: it may import electron and main's IPC protocol, never the cloud.
    files: ['src/preload/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ regex: into('cloud'), message: 'preload never imports the cloud.' }] }],
    },
  },
  {
    files: ['src/main/**', 'src/cloud/**'],
    rules: { 'no-restricted-syntax': ['error', csvWriterOnly, ...stateByHandle] },
  },
  {
    files: ['src/shared/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electronOnly],
          patterns: [
            { group: nodeBuiltins, message: 'src/shared is pure TypeScript: no Node built-ins.' },
            {
              regex: into('main', 'renderer', 'preload', 'cloud'),
              message: 'src/shared imports nothing from main, renderer, preload or the cloud.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        'error',
        {
          paths: [electronOnly],
          patterns: [
            { group: nodeBuiltins, message: 'The renderer is untrusted: no Node built-ins.' },
            { regex: into('main', 'preload'), message: 'The renderer talks to main only through api.ts.' },
            { regex: into('cloud'), message: 'The renderer never imports the cloud.' },
          ],
        },
      ],
    },
  },
  {
    // The cloud is its own process: it shares the contract (src/shared) and the Node libraries that
    // both ends need to agree on (PIN hashing, the providers' notice verification), nothing else of main.
    files: ['src/cloud/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electronOnly],
          patterns: [
            {
              // main's index (`../main`) too; of main, only these modules themselves, not their insides.
              regex: '(^|/)main($|/(?!(staff/pin|payments/(gateway|alipay|wechat|stripe))$))',
              message: 'src/cloud imports src/shared, not main (only the PIN hash and the payment providers it shares with the till).',
            },
            { regex: into('renderer', 'preload'), message: 'src/cloud imports nothing from the renderer or preload.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/main/**'],
    ignores: ['src/main/electron/**', 'src/main/index.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electronOnly],
          patterns: [{ regex: into('cloud'), message: 'main never imports the cloud: they talk over HTTP.' }],
        },
      ],
    },
  },
  prettier,
);
