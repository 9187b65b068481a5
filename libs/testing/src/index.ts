export * from './free-port';
export * from './postgres';
export * from './broker';
