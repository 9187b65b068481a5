// NestJS 12 and some of its dependencies ship only ES modules, which jest cannot require() on Node 20: swc turns
// node_modules ES modules into CommonJS (strictMode off so sloppy CommonJS files stay as they are).
const preset = require('../../jest.preset.js')(__dirname, {
  displayName: 'ordering',
  globalSetup: '<rootDir>/../../libs/testing/src/jest-global-setup.js',
  globalTeardown: '<rootDir>/../../libs/testing/src/jest-global-teardown.js',
});
module.exports = {
  ...preset,
  transform: {
    ...preset.transform,
    '^.+\\.m?js$': ['@swc/jest', { swcrc: false, module: { type: 'commonjs', strictMode: false, importInterop: 'node' }, jsc: { target: 'es2022', parser: { syntax: 'ecmascript' } } }],
  },
  transformIgnorePatterns: [],
};
