export * from './engine';
export * from './compare';
export * from './progress';
export * from './tool';
export * from './rebuild';
