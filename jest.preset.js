// Shared jest settings: swc (fast, keeps decorator metadata) with the same path aliases as tsconfig.
const { readFileSync } = require('node:fs');
const { join } = require('node:path');

const swcrc = JSON.parse(readFileSync(join(__dirname, '.swcrc'), 'utf8'));
delete swcrc.$schema;
swcrc.jsc.baseUrl = __dirname;
swcrc.sourceMaps = 'inline';

const aliases = Object.fromEntries(
  Object.entries(swcrc.jsc.paths).map(([alias, [target]]) => [`^${alias}$`, join(__dirname, target)]),
);

/** @param {string} projectRoot absolute path of the Nx project */
module.exports = (projectRoot, overrides = {}) => ({
  rootDir: projectRoot,
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest', { ...swcrc, swcrc: false }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: aliases,
  setupFiles: ['reflect-metadata'],
  testMatch: ['<rootDir>/**/*.spec.ts', '<rootDir>/**/*.integration-spec.ts'],
  ...overrides,
});
