/**
 * Jest runs the TypeScript sources as native ESM (see package.json "test"), in three projects:
 * - fast: unit, action, CLI, leak, property and fault tests against loopback fakes; no server, no Go
 *   (`npm run test:fast`);
 * - openbao and vault: the real-server tier. Every file under __tests__/integration/ (and every *real-server*.test.ts)
 *   runs once per server; each project's global setup finds or builds its server (`npm run test:servers`).
 * `npm test` runs all three. TEST_PROJECTS (comma-separated names) keeps only some, and unlike --selectProjects it
 * leaves the command line free for paths: `TEST_PROJECTS=openbao npm test -- __tests__/integration/kv.test.ts`.
 */
const common = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true }] },
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
}

const REAL_SERVER_TESTS = ['<rootDir>/__tests__/integration/**/*.test.ts', '<rootDir>/__tests__/**/*real-server*.test.ts']

/** @param {'openbao' | 'vault'} kind @param {string} color */
const serverProject = (kind, color) => ({
  ...common,
  displayName: { name: kind, color },
  testMatch: REAL_SERVER_TESTS,
  globals: { VAULT_TEST_SERVER: kind },
  globalSetup: `<rootDir>/__fixtures__/global-setup-${kind}.mjs`,
  setupFilesAfterEnv: ['<rootDir>/__fixtures__/server-project.ts'],
})

const projects = [
  {
    ...common,
    displayName: { name: 'fast', color: 'green' },
    testMatch: ['<rootDir>/__tests__/**/*.test.ts'],
    testPathIgnorePatterns: ['/node_modules/', '/__tests__/integration/', 'real-server[^/]*\\.test\\.ts$'],
    globalSetup: '<rootDir>/__fixtures__/global-setup.mjs',
  },
  serverProject('openbao', 'cyan'),
  serverProject('vault', 'yellow'),
]

const wanted = (process.env.TEST_PROJECTS ?? '')
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean)
const unknown = wanted.filter((name) => !projects.some((p) => p.displayName.name === name))
if (unknown.length > 0)
  throw new Error(`TEST_PROJECTS names ${unknown.join(', ')}; the projects are ${projects.map((p) => p.displayName.name).join(', ')}`)

export default {
  testTimeout: 30000,
  // in CI a stray handle must never turn a finished run into a hang until the job's time limit
  forceExit: process.env.CI === 'true',
  collectCoverageFrom: ['src/**/*.ts', '!src/entry-*.ts'],
  projects: wanted.length === 0 ? projects : projects.filter((p) => wanted.includes(p.displayName.name)),
}
