import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { createHash, randomBytes } from 'node:crypto';
import { LessThan, Repository } from 'typeorm';
import { AppConfig, InjectConfig } from '../config';
import { FieldEncryptionService } from '../crypto';
import { RequestContexts } from '../logging/request-context';
import { CoreErrorCode, CoreException } from '../errors';
import { AccountEntity, Role, RoleBindingEntity, SessionEntity } from './auth.entities';
import { OrgDirectory } from './org-directory';
import { hashPassword, passwordProblem, verifyPassword } from './password';

export interface Binding {
  role: Role;
  orgNodeId: string;
  orgPath: string;
}

/** Who is making a request, with the roles they hold and where. */
export interface Principal {
  kind: 'account';
  accountId: string;
  displayName: string;
  bindings: Binding[];
}

const LOCK_AFTER_FAILURES = 10;
const LOCK_MINUTES = 15;

@Injectable()
export class AuthService {
  private readonly logger = new Logger(AuthService.name);

  constructor(
    @InjectRepository(AccountEntity) private readonly accounts: Repository<AccountEntity>,
    @InjectRepository(SessionEntity) private readonly sessions: Repository<SessionEntity>,
    @InjectRepository(RoleBindingEntity) private readonly bindings: Repository<RoleBindingEntity>,
    private readonly crypto: FieldEncryptionService,
    private readonly orgs: OrgDirectory,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  async createAccount(input: {
    email: string;
    displayName: string;
    password: string;
  }): Promise<AccountEntity> {
    const problem = passwordProblem(input.password);
    if (problem) {
      throw new CoreException(CoreErrorCode.BAD_INPUT, problem, { field: 'password' });
    }
    const email = input.email.trim().toLowerCase();
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
      throw new CoreException(CoreErrorCode.BAD_INPUT, 'Not an e-mail address.', {
        field: 'email',
      });
    }
    const emailIndex = this.crypto.blindIndex('account-email', email);
    if (await this.accounts.exist({ where: { emailIndex } })) {
      throw new CoreException(
        CoreErrorCode.CONFLICT,
        'An account with this e-mail already exists.',
        { field: 'email' },
      );
    }
    const account = this.accounts.create({
      emailIndex,
      emailEncrypted: this.crypto.encrypt(email, 'account-email'),
      displayName: input.displayName.trim().slice(0, 200),
      passwordHash: await hashPassword(input.password),
      status: 'active',
      failedLogins: 0,
      lockedUntil: null,
      lastLoginAt: null,
    });
    await this.accounts.insert(account);
    this.logger.log({ msg: 'account created', accountId: account.id });
    return account;
  }

  async findByEmail(email: string): Promise<AccountEntity | null> {
    return this.accounts.findOne({
      where: { emailIndex: this.crypto.blindIndex('account-email', email) },
    });
  }

  async grant(accountId: string, role: Role, orgNodeId: string): Promise<void> {
    const exists = await this.bindings.exist({ where: { accountId, role, orgNodeId } });
    if (!exists) {
      await this.bindings.insert(this.bindings.create({ accountId, role, orgNodeId }));
      this.logger.log({ msg: 'role granted', accountId, role, orgNodeId });
    }
  }

  /** Checks the password and opens a session; returns the cookie token. */
  async login(email: string, password: string): Promise<{ token: string; account: AccountEntity }> {
    const account = await this.findByEmail(email);
    if (!account || account.status !== 'active') {
      await verifyPassword(
        password,
        'scrypt$15$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=',
      ); // same timing
      throw new CoreException(CoreErrorCode.INVALID_CREDENTIALS, 'Wrong e-mail or password.');
    }
    if (account.lockedUntil && account.lockedUntil > new Date()) {
      throw new CoreException(CoreErrorCode.ACCOUNT_LOCKED, 'Account temporarily locked.');
    }
    if (!(await verifyPassword(password, account.passwordHash))) {
      const failures = account.failedLogins + 1;
      await this.accounts.update(account.id, {
        failedLogins: failures,
        lockedUntil:
          failures >= LOCK_AFTER_FAILURES ? new Date(Date.now() + LOCK_MINUTES * 60_000) : null,
      });
      this.logger.warn({ msg: 'login failed', accountId: account.id, failures });
      throw new CoreException(CoreErrorCode.INVALID_CREDENTIALS, 'Wrong e-mail or password.');
    }
    await this.accounts.update(account.id, {
      failedLogins: 0,
      lockedUntil: null,
      lastLoginAt: new Date(),
    });
    const token = randomBytes(32).toString('base64url');
    await this.sessions.insert({
      tokenHash: sha256(token),
      accountId: account.id,
      expiresAt: new Date(Date.now() + this.config.sessionTtlHours * 3_600_000),
    });
    this.logger.log({ msg: 'login', accountId: account.id });
    return { token, account };
  }

  async logout(token: string): Promise<void> {
    await this.sessions.delete({ tokenHash: sha256(token) });
  }

  /** The principal behind a session cookie, or null when absent/expired. */
  async principalFor(token: string | undefined): Promise<Principal | null> {
    if (!token || token.length > 100) {
      return null;
    }
    const session = await this.sessions.findOne({ where: { tokenHash: sha256(token) } });
    if (!session || session.expiresAt < new Date()) {
      return null;
    }
    const account = await this.accounts.findOne({ where: { id: session.accountId } });
    if (!account || account.status !== 'active') {
      return null;
    }
    const request = RequestContexts.current();
    if (request) {
      // This request's pages then link back to the account (the signed-in home) in their header.
      request.signedIn = true;
    }
    return this.principalOf(account);
  }

  async principalOf(account: AccountEntity): Promise<Principal> {
    const rows = await this.bindings.find({ where: { accountId: account.id } });
    const bindings: Binding[] = [];
    for (const row of rows) {
      const orgPath = await this.orgs.pathOf(row.orgNodeId);
      if (orgPath) {
        bindings.push({ role: row.role, orgNodeId: row.orgNodeId, orgPath });
      }
    }
    return { kind: 'account', accountId: account.id, displayName: account.displayName, bindings };
  }

  async purgeExpiredSessions(): Promise<number> {
    const res = await this.sessions.delete({ expiresAt: LessThan(new Date()) });
    return res.affected ?? 0;
  }
}

function sha256(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
