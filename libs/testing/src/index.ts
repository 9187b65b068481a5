export * from './free-port';
export * from './postgres';
export * from './broker';
export * from './service-process';
export * from './stack';
export * from './topics';
export * from './rate-limits';
export * from './sql-columns';
