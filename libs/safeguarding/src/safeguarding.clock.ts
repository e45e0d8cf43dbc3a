import { Injectable } from '@nestjs/common';

/** The time the SLA rules see; one place to shift it in tests and demos. */
@Injectable()
export class SafeguardingClock {
  private offsetMs = 0;

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  /** Moves this process's clock (tests only; never called by the app). */
  shift(ms: number): void {
    this.offsetMs += ms;
  }
}
