import 'reflect-metadata';
export * from './env';
export * from './logging';
export * from './request-logging';
export * from './observability';
export * from './app';
export * from './database';
export * from './rebuild-marker';
export * from './heap';
