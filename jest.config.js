/** Jest runs the TypeScript sources as native ESM (see package.json "test"). */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true }] },
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testMatch: ['<rootDir>/__tests__/**/*.test.ts'],
  testTimeout: 30000,
  // in CI a stray handle must never turn a finished run into a hang until the job's time limit
  forceExit: process.env.CI === 'true',
  globalSetup: '<rootDir>/__fixtures__/global-setup.ts',
  collectCoverageFrom: ['src/**/*.ts', '!src/entry-*.ts'],
}
