// End-to-end tests: the services as separate processes from dist/ (run `npm run build` first; tools/test.sh does),
// one PostgreSQL for the run, suites one at a time (2-core machines).
module.exports = require('../../jest.preset.js')(__dirname, {
  displayName: 'e2e',
  database: true,
  testMatch: ['<rootDir>/**/*.e2e-spec.ts'],
  testTimeout: 180_000,
  maxWorkers: 1,
  // A suite that failed half-way can leave a socket or timer of a client open; jest would then wait for ever after the
  // summary (it did once in CI, after a failed test). The stacks themselves are stopped in each suite's afterAll.
  forceExit: true,
});
