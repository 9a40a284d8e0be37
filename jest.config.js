// Tests are compiled by `tsc` with the rest of the project and jest runs the emitted ESM directly:
// no transform, so worker threads, import.meta.url and ESM-only packages behave as in production.
export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/dist/test'],
  testMatch: ['**/*.test.js'],
  transform: {},
  testTimeout: 30000,
  maxWorkers: 2,
};
