// Browser tests: the web terminal in Debian's Chromium (playwright-core, headless), against a stack of service
// processes from dist/ (run `npm run build` first; tools/test.sh runs them in their own `browser` step, once).
module.exports = require('../../jest.preset.js')(__dirname, {
  displayName: 'browser',
  database: true,
  testMatch: ['<rootDir>/**/*.browser-spec.ts'],
  testTimeout: 180_000,
  maxWorkers: 1,
  // A suite that failed half-way can leave a socket or timer of a client open; jest would then wait for ever after the
  // summary (it did once in CI, after a failed test). The stacks themselves are stopped in each suite's afterAll.
  forceExit: true,
});
