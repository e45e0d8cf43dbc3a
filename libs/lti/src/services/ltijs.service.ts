import { AppConfig, FieldEncryptionService, InjectConfig } from '@lib/core';
import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { NextFunction, Request, Response } from 'express';
import * as ltijs from 'ltijs';
import type { LtijsProvider } from 'ltijs';
import { generateKeyPair, hkdfSync, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { DataSource } from 'typeorm';
import { LtijsTypeOrmStore } from '../store/ltijs-typeorm.store';

const generateKeyPairAsync = promisify(generateKeyPair);

interface LtijsDatabase {
  Get(key: string | false, collection: string, query?: Record<string, unknown>): Promise<unknown>;
  Replace(
    key: string | false,
    collection: string,
    query: Record<string, unknown>,
    item: Record<string, unknown>,
    index?: Record<string, unknown>,
  ): Promise<boolean>;
}

let authPatched = false;

/**
 * ltijs's `registerPlatform` makes a 4096-bit RSA key with generateKeyPairSync, which blocks the
 * event loop for seconds. Replace it (once per process; ltijs's Auth is a module singleton) with
 * the same storage calls around an asynchronous 2048-bit generation.
 */
function patchKeyGeneration(): void {
  if (authPatched) {
    return;
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Auth = require('ltijs/dist/Utils/Auth') as {
    generatePlatformKeyPair: (...args: unknown[]) => Promise<string>;
  };
  Auth.generatePlatformKeyPair = async (
    ENCRYPTIONKEY: unknown,
    Database: unknown,
    platformUrl: unknown,
    clientId: unknown,
  ): Promise<string> => {
    const db = Database as LtijsDatabase;
    const key = ENCRYPTIONKEY as string;
    let kid = randomBytes(16).toString('hex');
    while (await db.Get(false, 'publickey', { kid })) {
      kid = randomBytes(16).toString('hex');
    }
    const { publicKey, privateKey } = await generateKeyPairAsync('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    });
    const index = { kid, platformUrl, clientId };
    const query = { platformUrl, clientId };
    await db.Replace(key, 'publickey', query, { key: publicKey, kid }, index);
    await db.Replace(key, 'privatekey', query, { key: privateKey, kid }, index);
    return kid;
  };
  authPatched = true;
}

/**
 * Owns this app's ltijs Provider. ltijs exports a singleton; each Nest app (tests boot several
 * per process) gets its own instance of the same class. Its state lives in our database through
 * {@link LtijsTypeOrmStore}; deploy() runs serverless with its process.exit()/SIGINT habits
 * neutralised; its helmet and CORS are removed (ours apply to every route).
 */
@Injectable()
export class LtijsService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(LtijsService.name);
  readonly store: LtijsTypeOrmStore;
  readonly provider: LtijsProvider;
  /** Key ltijs uses for its own signing (never for our data: the store encrypts with ours). */
  readonly encryptionKey: string;
  private dynamicRegistration?: (req: Request, res: Response, next: NextFunction) => unknown;

  constructor(
    @InjectDataSource() dataSource: DataSource,
    crypto: FieldEncryptionService,
    @InjectConfig() private readonly config: AppConfig,
  ) {
    patchKeyGeneration();
    this.store = new LtijsTypeOrmStore(dataSource, crypto);
    const ProviderClass = (ltijs.Provider as unknown as { constructor: new () => LtijsProvider })
      .constructor;
    this.provider = new ProviderClass();
    this.encryptionKey = Buffer.from(
      hkdfSync('sha256', config.appSecret, 'safenest', 'ltijs-v1', 32),
    ).toString('hex');
  }

  async onModuleInit(): Promise<void> {
    this.provider.setup(
      this.encryptionKey,
      { plugin: this.store },
      {
        appRoute: '/launch',
        loginRoute: '/login',
        keysetRoute: '/keys',
        dynRegRoute: '/register',
        cors: false,
        devMode: false,
        tokenMaxAge: 60,
        cookies: {
          secure: this.config.secureCookies,
          sameSite: this.config.secureCookies ? 'None' : 'Lax',
        },
        dynReg: {
          url: `${this.config.publicUrl}/lti`,
          name: 'SafeNest',
          autoActivate: this.config.lti.dynregAutoActivate,
        },
      },
    );
    // Our helmet (configureHttp) already covers every route; ltijs's would loosen nothing but
    // would overwrite our CSP-less defaults on its routes.
    const stack = this.provider.app._router?.stack;
    if (stack) {
      const kept = stack.filter(
        (layer) => !['helmetMiddleware', 'corsMiddleware'].includes(layer.handle?.name ?? ''),
      );
      stack.splice(0, stack.length, ...kept);
    }
    this.provider.onDynamicRegistration((req, res, next) =>
      this.dynamicRegistration ? this.dynamicRegistration(req, res, next) : next(),
    );
    await this.deploy();
  }

  /** deploy() without its process.exit() on failure and its exiting SIGINT handler. */
  private async deploy(): Promise<void> {
    const sigint = new Set(process.listeners('SIGINT'));
    const realExit = process.exit.bind(process);
    let exitCalled = false;
    process.exit = ((): void => {
      exitCalled = true;
    }) as typeof process.exit;
    try {
      await this.provider.deploy({ serverless: true, silent: true });
    } finally {
      process.exit = realExit;
      for (const listener of process.listeners('SIGINT')) {
        if (!sigint.has(listener)) {
          process.removeListener('SIGINT', listener);
        }
      }
    }
    if (exitCalled) {
      throw new Error(
        `LTI (ltijs) could not start: its database check failed: ${this.store.setupError?.message ?? 'unknown cause'}. Are the migrations applied?`,
      );
    }
    this.logger.log({ msg: 'ltijs ready', mode: 'serverless' });
  }

  /** The handler of `/lti/register` (our Dynamic Registration flow). */
  setDynamicRegistrationHandler(
    handler: (req: Request, res: Response, next: NextFunction) => unknown,
  ): void {
    this.dynamicRegistration = handler;
  }

  /** Serves a request under `/lti` with ltijs's own app (its keyset and registration routes). */
  handle(req: Request, res: Response, next: NextFunction): void {
    const url = req.url;
    const reqProto = Object.getPrototypeOf(req) as object;
    const resProto = Object.getPrototypeOf(res) as object;
    req.url = url.replace(/^\/lti(?=\/|$)/, '') || '/';
    // Our parsers already read the body; ltijs's own body-parser must not read it again.
    (req as Request & { _body?: boolean })._body = true;
    this.provider.app(req, res, (err?: unknown) => {
      req.url = url;
      Object.setPrototypeOf(req, reqProto);
      Object.setPrototypeOf(res, resProto);
      next(err);
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.provider.close({ silent: true }).catch(() => undefined);
  }
}
