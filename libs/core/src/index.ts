/**
 * @lib/core — configuration, database, queue port, field encryption, logging, HTTP
 * plumbing, local accounts and access control. Every other lib builds on it.
 */
export * from './config';
export * from './database';
export * from './queue';
export * from './crypto';
export * from './mail';
export * from './logging';
export * from './errors';
export * from './http';
export * from './auth';
export * from './i18n';
export * from './views';
export * from './metrics';
export * from './core.module';
export * from './shutdown';
export * from './cli';
