// NestJS 12 ships only ES modules, which jest cannot require() on Node 20 (needed by the NestJS transport test):
// swc turns node_modules ES modules into CommonJS (strictMode off so sloppy CommonJS files stay as they are),
// the same setup as the other projects that load NestJS under jest.
const preset = require('../../jest.preset.js')(__dirname, { displayName: 'dev-broker' });
module.exports = {
  ...preset,
  transform: {
    ...preset.transform,
    '^.+\\.m?js$': ['@swc/jest', { swcrc: false, module: { type: 'commonjs', strictMode: false, importInterop: 'node' }, jsc: { target: 'es2022', parser: { syntax: 'ecmascript' } } }],
  },
  transformIgnorePatterns: [],
};
