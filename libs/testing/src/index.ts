export * from './free-port';
export * from './postgres';
