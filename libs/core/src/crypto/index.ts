export * from './field-encryption.service';
