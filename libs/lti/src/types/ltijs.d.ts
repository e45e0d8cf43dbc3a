/* Minimal typings of the parts of ltijs 5.9 that SafeNest uses (ltijs ships none). */
declare module 'ltijs' {
  import type { Request, Response, NextFunction } from 'express';

  export interface LtijsPlatform {
    platformUrl(): Promise<string>;
    platformClientId(): Promise<string>;
    platformName(name?: string): Promise<string>;
    platformId(): Promise<string>;
    platformKid(): Promise<string>;
    platformActive(active?: boolean): Promise<boolean>;
    platformPublicKey(): Promise<string>;
    platformPrivateKey(): Promise<string>;
    platformAuthConfig(): Promise<{ method: string; key: string }>;
    platformAccessToken(
      scopes: string,
    ): Promise<{ access_token: string; token_type: string; expires_in: number }>;
    delete(): Promise<boolean>;
  }

  export interface LtijsRegisterInput {
    url: string;
    name: string;
    clientId: string;
    authenticationEndpoint: string;
    accesstokenEndpoint: string;
    authorizationServer?: string;
    authConfig: { method: 'JWK_SET' | 'JWK_KEY' | 'RSA_KEY'; key: string };
  }

  export interface LtijsProvider {
    app: ((req: Request, res: Response, next: NextFunction) => void) & {
      _router?: { stack: { name?: string; handle?: { name?: string } }[] };
    };
    Database: unknown;
    DeepLinking: {
      createDeepLinkingMessage(
        idtoken: Record<string, unknown>,
        items: Record<string, unknown>[],
        options?: Record<string, unknown>,
      ): Promise<string>;
    };
    setup(key: string, database: { plugin: unknown }, options: Record<string, unknown>): this;
    deploy(options: { serverless: boolean; silent?: boolean }): Promise<boolean>;
    close(options?: { silent?: boolean }): Promise<boolean>;
    onConnect(cb: (...args: unknown[]) => unknown): boolean;
    onDeepLinking(cb: (...args: unknown[]) => unknown): boolean;
    onDynamicRegistration(
      cb: (req: Request, res: Response, next: NextFunction) => unknown,
    ): boolean;
    registerPlatform(platform: LtijsRegisterInput): Promise<LtijsPlatform>;
    getPlatform(url: string, clientId: string): Promise<LtijsPlatform | false>;
    getPlatform(url: string): Promise<LtijsPlatform[] | false>;
    getPlatformById(id: string): Promise<LtijsPlatform | false>;
    getAllPlatforms(): Promise<LtijsPlatform[]>;
    keysetRoute(): string;
  }

  export const Provider: LtijsProvider;
}
