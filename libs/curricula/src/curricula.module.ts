import { Module, type DynamicModule, type ModuleMetadata } from '@nestjs/common';
import { CatalogService, type CurriculaModuleOptions } from './catalog.service';
import { CURRICULA_OPTIONS } from './curricula.constants';

export interface CurriculaModuleAsyncOptions {
  imports?: ModuleMetadata['imports'];
  /** Tokens handed to `useFactory`, e.g. `[APP_CONFIG]`. */
  inject?: Array<string | symbol | (abstract new (...args: never[]) => unknown)>;
  useFactory: (...args: never[]) => CurriculaModuleOptions | Promise<CurriculaModuleOptions>;
}

@Module({})
export class CurriculaModule {
  /** Loads and checks `options.dir` once at boot; start-up fails listing every problem. */
  static forRoot(options: CurriculaModuleOptions): DynamicModule {
    return {
      module: CurriculaModule,
      providers: [{ provide: CURRICULA_OPTIONS, useValue: options }, CatalogService],
      exports: [CatalogService],
    };
  }

  /** The same, with options from injected configuration (`dir: config.curriculaDir`). */
  static forRootAsync(options: CurriculaModuleAsyncOptions): DynamicModule {
    return {
      module: CurriculaModule,
      imports: options.imports ?? [],
      providers: [
        {
          provide: CURRICULA_OPTIONS,
          inject: options.inject ?? [],
          useFactory: options.useFactory,
        },
        CatalogService,
      ],
      exports: [CatalogService],
    };
  }
}
