import { INestApplicationContext, Logger } from '@nestjs/common';
import { rootLogger } from './logging';

/**
 * Graceful stop on SIGTERM/SIGINT: stop accepting work, let running requests and jobs finish
 * (app.close runs every shutdown hook), flush the logs, exit 0. A second signal, or 25 s
 * without finishing, exits at once with 1 so an orchestrator is never left waiting.
 */
export function installGracefulShutdown(app: INestApplicationContext): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      process.exit(1);
    }
    stopping = true;
    new Logger('Shutdown').log({ msg: 'stopping', signal });
    const force = setTimeout(() => process.exit(1), 25_000);
    force.unref();
    app
      .close()
      .then(() => {
        rootLogger().flush();
        process.exit(0);
      })
      .catch((err: unknown) => {
        new Logger('Shutdown').error({ msg: 'shutdown failed', err });
        rootLogger().flush();
        process.exit(1);
      });
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
