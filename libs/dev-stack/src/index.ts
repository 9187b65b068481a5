// The dev launcher's parts, for tests and tools. The entry point is src/cli/start.ts (`npm start`).
export * from './env';
export * from './banner';
export * from './log-format';
export * from './seed/demo-data';
export * from './seed/seed';
