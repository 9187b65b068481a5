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

// NestJS 12, jose and some of their dependencies ship only ES modules, which jest cannot require() on Node 20: swc
// turns node_modules ES modules into CommonJS (strictMode off so sloppy CommonJS files stay as they are).
const esmDependencies = [
  '@swc/jest',
  { swcrc: false, isModule: 'unknown', module: { type: 'commonjs', strictMode: false, importInterop: 'node' }, jsc: { target: 'es2022', parser: { syntax: 'ecmascript' } } },
];

// One embedded PostgreSQL per jest run, shared through TEST_DATABASE_URL (libs/testing).
const sharedDatabase = {
  globalSetup: join(__dirname, 'libs/testing/src/jest-global-setup.js'),
  globalTeardown: join(__dirname, 'libs/testing/src/jest-global-teardown.js'),
};

/**
 * @param {string} projectRoot absolute path of the Nx project
 * @param {object} overrides jest options; `database: true` adds the shared test PostgreSQL
 */
module.exports = (projectRoot, { database = false, ...overrides } = {}) => ({
  rootDir: projectRoot,
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest', { ...swcrc, swcrc: false }], '^.+\\.m?js$': esmDependencies },
  transformIgnorePatterns: [],
  ...(database ? sharedDatabase : {}),
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: aliases,
  setupFiles: ['reflect-metadata'],
  testMatch: ['<rootDir>/**/*.spec.ts', '<rootDir>/**/*.integration-spec.ts'],
  ...overrides,
});
