export * from './cli-command';
export * from './core.commands';
