export * from './cluster';
export * from './classpath';
export * from './requirements';
