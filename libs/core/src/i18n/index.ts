import './core.messages';
export * from './i18n';
