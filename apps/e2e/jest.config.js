// End-to-end tests: the services as separate processes from dist/ (run `npm run build` first; tools/test.sh does),
// one PostgreSQL for the run (the shared global setup, or TEST_DATABASE_URL), suites one at a time (2-core machines).
const { join } = require('node:path');
const preset = require('../../jest.preset.js')(__dirname, { displayName: 'e2e' });
module.exports = {
  ...preset,
  testMatch: ['<rootDir>/**/*.e2e-spec.ts'],
  globalSetup: join(__dirname, '../../libs/testing/src/jest-global-setup.js'),
  globalTeardown: join(__dirname, '../../libs/testing/src/jest-global-teardown.js'),
  testTimeout: 180_000,
  maxWorkers: 1,
};
