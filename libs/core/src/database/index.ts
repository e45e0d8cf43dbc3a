export * from './columns';
export * from './data-source';
export * from './database.module';
export * from './fast-sql';
export * from './snake-naming.strategy';
