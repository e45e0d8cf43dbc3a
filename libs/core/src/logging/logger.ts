import { LoggerService } from '@nestjs/common';
import pino, { Logger as PinoLogger } from 'pino';
import { LogLevel } from '../config';
import { RequestContexts } from './request-context';

let root: PinoLogger | undefined;

/** The process-wide JSON logger; each line carries the correlation id of its request or job. */
export function rootLogger(level: LogLevel = 'info'): PinoLogger {
  root ??= pino({
    level,
    base: { service: 'safenest' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    mixin: () => {
      const ctx = RequestContexts.current();
      return ctx
        ? { correlationId: ctx.correlationId, ...(ctx.scope ? { scope: ctx.scope } : {}) }
        : {};
    },
    redact: {
      paths: [
        '*.password',
        '*.token',
        '*.email',
        '*.phone',
        'req.headers.cookie',
        'req.headers.authorization',
      ],
      censor: '***',
    },
  });
  if (root.level !== level) {
    root.level = level;
  }
  return root;
}

/** Nest's logger interface over pino, so framework messages are JSON too. */
export class AppLogger implements LoggerService {
  private readonly logger: PinoLogger;

  constructor(level: LogLevel = 'info', service?: string) {
    this.logger = rootLogger(level).child(service ? { app: service } : {});
  }

  log(message: unknown, context?: string): void {
    this.write('info', message, context);
  }
  error(message: unknown, trace?: string, context?: string): void {
    this.write('error', message, context, trace);
  }
  warn(message: unknown, context?: string): void {
    this.write('warn', message, context);
  }
  debug(message: unknown, context?: string): void {
    this.write('debug', message, context);
  }
  verbose(message: unknown, context?: string): void {
    this.write('trace', message, context);
  }
  fatal(message: unknown, context?: string): void {
    this.write('fatal', message, context);
  }

  private write(
    level: 'info' | 'error' | 'warn' | 'debug' | 'trace' | 'fatal',
    message: unknown,
    context?: string,
    trace?: string,
  ): void {
    // Nest's Logger calls every level: skip building a line pino would drop.
    if (!this.logger.isLevelEnabled(level)) {
      return;
    }
    const fields: Record<string, unknown> = context ? { context } : {};
    if (trace) {
      fields.stack = trace;
    }
    if (message instanceof Error) {
      this.logger[level]({ ...fields, err: message }, message.message);
    } else if (typeof message === 'object' && message !== null) {
      const { msg, ...rest } = message as Record<string, unknown>;
      this.logger[level]({ ...fields, ...rest }, typeof msg === 'string' ? msg : '');
    } else {
      this.logger[level](fields, String(message));
    }
  }
}
