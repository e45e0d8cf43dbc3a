export * from './auth.entities';
export * from './auth.service';
export * from './access.service';
export * from './org-directory';
export * from './password';
export * from './csrf';
export * from './session.guard';
export { AuthController } from './auth.controller';
export * from './account-links';
