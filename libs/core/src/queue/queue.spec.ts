import { backoffDelay } from './job.types';

describe('backoffDelay', () => {
  it('doubles per attempt within ±20% jitter and caps at one hour', () => {
    const mid = (): number => 0.5;
    expect(backoffDelay(1000, 1, mid)).toBe(1000);
    expect(backoffDelay(1000, 2, mid)).toBe(2000);
    expect(backoffDelay(1000, 5, mid)).toBe(16000);
    expect(backoffDelay(1000, 40, mid)).toBe(3_600_000);
    expect(backoffDelay(1000, 3, () => 0)).toBe(3200);
    expect(backoffDelay(1000, 3, () => 1)).toBe(4800);
  });
});
