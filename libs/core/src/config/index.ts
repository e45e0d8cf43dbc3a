export * from './app-config';
export * from './config.module';
export * from './config.docs';
export { VARIABLES } from './config.definition';
export { findAppRoot } from './app-root';
