import { Module, type DynamicModule, type ModuleMetadata, type Provider } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AttemptHooks } from './attempts/attempt-hooks';
import { AttemptsService } from './attempts/attempts.service';
import { CatalogService, type CurriculaModuleOptions } from './catalog.service';
import { CURRICULA_OPTIONS } from './curricula.constants';
import { CURRICULA_ENTITIES } from './entities/attempt.entity';
import { PlayerService } from './player/player.service';

export interface CurriculaModuleAsyncOptions {
  imports?: ModuleMetadata['imports'];
  /** Tokens handed to `useFactory`, e.g. `[APP_CONFIG]`. */
  inject?: Array<string | symbol | (abstract new (...args: never[]) => unknown)>;
  useFactory: (...args: never[]) => CurriculaModuleOptions | Promise<CurriculaModuleOptions>;
}

const SERVICES = [CatalogService, AttemptsService, PlayerService, AttemptHooks];

function build(imports: ModuleMetadata['imports'], options: Provider): DynamicModule {
  return {
    module: CurriculaModule,
    // Global: the catalog and attempts are read by the player pages, the LTI picker, messaging
    // and the worker; one instance loads and checks the folder once per process.
    global: true,
    imports: [...(imports ?? []), TypeOrmModule.forFeature(CURRICULA_ENTITIES)],
    providers: [options, ...SERVICES],
    exports: SERVICES,
  };
}

@Module({})
export class CurriculaModule {
  /** Loads and checks `options.dir` once at boot; start-up fails listing every problem. */
  static forRoot(options: CurriculaModuleOptions): DynamicModule {
    return build([], { provide: CURRICULA_OPTIONS, useValue: options });
  }

  /** The same, with options from injected configuration (`dir: config.curriculaDir`). */
  static forRootAsync(options: CurriculaModuleAsyncOptions): DynamicModule {
    return build(options.imports, {
      provide: CURRICULA_OPTIONS,
      inject: options.inject ?? [],
      useFactory: options.useFactory,
    });
  }
}
