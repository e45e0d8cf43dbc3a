import { AppConfig, InjectConfig } from '@lib/core';
import { Injectable, OnApplicationBootstrap, Optional } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { AddressInfo, Server } from 'node:net';

/**
 * The tool's public base URL, from PUBLIC_URL. Outside production, when PUBLIC_URL is a loopback
 * address and the server actually listens on another port (tests listen on a random one), the
 * listening address wins, so the sandbox LMS and the tool can reach each other.
 */
@Injectable()
export class LtiUrls implements OnApplicationBootstrap {
  private base: string;
  private resolveListening!: () => void;
  /** Resolves once the HTTP server listens (never in processes without one). */
  readonly listening = new Promise<void>((resolve) => (this.resolveListening = resolve));

  constructor(
    @InjectConfig() private readonly config: AppConfig,
    @Optional() private readonly adapterHost?: HttpAdapterHost,
  ) {
    this.base = config.publicUrl;
  }

  onApplicationBootstrap(): void {
    const server = this.adapterHost?.httpAdapter?.getHttpServer() as Server | undefined;
    if (!server || typeof server.once !== 'function') {
      return;
    }
    const apply = (): void => {
      const address = server.address() as AddressInfo | null;
      const url = new URL(this.config.publicUrl);
      const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
      if (address && loopback && !this.config.isProduction && String(address.port) !== url.port) {
        this.base = `${url.protocol}//127.0.0.1:${address.port}${url.pathname.replace(/\/$/, '')}`;
      }
      this.resolveListening();
    };
    if (server.listening) {
      apply();
    } else {
      server.once('listening', apply);
    }
  }

  /** e.g. `https://safenest.example.edu.vn` (no trailing slash). */
  get publicBase(): string {
    return this.base;
  }

  url(path: string): string {
    return `${this.base}${path}`;
  }
}
