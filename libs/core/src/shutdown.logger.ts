import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';

/** The last line of a graceful stop: connections closed and queue drained before this. */
@Injectable()
export class ShutdownLogger implements OnApplicationShutdown {
  private readonly logger = new Logger('Shutdown');

  onApplicationShutdown(signal?: string): void {
    this.logger.log({ msg: 'shut down cleanly', signal: signal ?? null });
  }
}
