// Stands in for @lib/core in unit specs: its index loads TypeORM, Bull and the rest of the
// platform (about 2 s per spec file), while this lib needs only the DomainException base class.
// Use: jest.mock('@lib/core', () => jest.requireActual('../__fixtures__/lib-core-stub'));
export class DomainException extends Error {
  constructor(
    public readonly code: string,
    message: string,
    public readonly status: number,
    public readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}
