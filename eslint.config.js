// ESLint flat config. Fast, type-unaware rules (typescript-eslint "recommended"), plus the
// layering rules of docs/development.md (style.md convention 13), written as
// no-restricted-imports regexes over the import specifier as written.
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

const bareBuiltins = builtinModules.filter((name) => !name.startsWith('_')).join('|');

/** Frameworks of the window and the desktop shell: never in the engine. */
const uiAndElectron = {
  regex: '^(electron|react|react-dom|@xyflow/react|zustand)(/.*)?$',
  message: 'engine/ is UI- and Electron-free: it runs in its own process. Move this to renderer/ or electron/.',
};
const rendererOrElectronFolders = {
  regex: '(^|/)(renderer|electron)(/|$)',
  message: 'engine/ must not import from renderer/ or electron/; they depend on the engine, not the reverse.',
};

/** Native code: never in the window's code or the preload. */
const nativeCode = [
  { regex: '(^|/)native(/|$)', message: 'never import native code here; ask the engine over the API.' },
  { regex: '\\.node$', message: 'never load native addons here.' },
  { regex: '^node-addon-api(/.*)?$', message: 'never import native code here.' },
  { regex: '(^|/)engine/backend(/|$)', message: 'engine/backend talks to the native addon; only the engine imports it.' },
];

/** Node built-ins: the page runs sandboxed, without Node. */
const nodeBuiltins = [
  { regex: '^node:', message: 'renderer/ runs in a sandboxed page: no Node built-ins.' },
  { regex: `^(${bareBuiltins})(/.*)?$`, message: 'renderer/ runs in a sandboxed page: no Node built-ins.' },
];

/**
 * renderer/ may import only the engine's pure modules. For now that allowlist is
 * engine/protocol/** and the layer spec files engine/nn/layers/**\/*spec* (descriptors the palette
 * and inspector read). Any other path into engine/ (including the engine/ index) is refused.
 */
const impureEngine = {
  regex: '(^|/)engine(/(?!protocol/|nn/layers/(?:[^/]+/)*[^/]*spec[^/]*$)|$)',
  message: 'renderer/ may import only engine/protocol/** and engine/nn/layers/**/*spec* (pure modules); use the API client for the rest.',
};

export default defineConfig(
  globalIgnores(['**/node_modules/**', '**/dist/**', 'native/build/**', 'test-results/**', '.bench/**', 'coverage/**']),
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2022, sourceType: 'module', globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
  },
  {
    files: ['engine/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [uiAndElectron, rendererOrElectronFolders] }],
    },
  },
  {
    files: ['renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...nativeCode,
            ...nodeBuiltins,
            impureEngine,
            { regex: '^electron(/.*)?$', message: 'the page reaches the desktop shell only through window.api.' },
          ],
        },
      ],
    },
  },
  {
    files: ['electron/preload/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [{ regex: '(^|/)engine(/|$)', message: 'the preload exposes window.api only; it imports nothing from the engine.' }, ...nativeCode],
        },
      ],
    },
  },
);
