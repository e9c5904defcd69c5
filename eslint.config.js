import js from '@eslint/js'
import importX, { createNodeResolver } from 'eslint-plugin-import-x'
import tseslint from 'typescript-eslint'

/**
 * The layers of src/, bottom first (docs/architecture.md): a folder may import only from the folders before it and
 * from itself. The action and the CLI are two front-ends and never import each other; nothing imports an entry.
 */
const LAYERS = [['lib'], ['http'], ['vault'], ['core'], ['config', 'token-sources'], ['platforms'], ['action', 'cli']]
const layerZones = LAYERS.flatMap((layer, i) => {
  const below = LAYERS.slice(0, i).flat()
  return layer.map((folder) => ({
    target: `./src/${folder}`,
    from: './src',
    except: [...below, folder].map((f) => `./${f}`),
    message: `src/${folder} may import only from ${[...below, folder].map((f) => `src/${f}`).join(', ')} (see docs/architecture.md)`,
  }))
})

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', '.tmp/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-console': ['error', { allow: ['error'] }],
    },
  },
  // one direction of imports between the layers, and no cycles at all (type-only imports included)
  {
    files: ['src/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [createNodeResolver({ extensionAlias: { '.js': ['.ts', '.js'] } })],
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-restricted-paths': [
        'error',
        { zones: [...layerZones, { target: './src', from: './src/entry-*.ts', message: 'an entry point is imported by nobody' }] },
      ],
    },
  },
  { files: ['scripts/**', '__tests__/**', '__fixtures__/**'], rules: { 'no-console': 'off' } },
  // CommonJS preloads (NODE_OPTIONS=--require) for test children
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
)
