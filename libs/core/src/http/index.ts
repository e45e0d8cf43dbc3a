export * from './http-setup';
export * from './rate-limit';
export * from './exception.filter';
export * from './health.controller';
