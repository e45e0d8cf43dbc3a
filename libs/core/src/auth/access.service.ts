import { Injectable } from '@nestjs/common';
import { CoreErrorCode, CoreException } from '../errors';
import { Role } from './auth.entities';
import type { Principal } from './auth.service';
import { OrgDirectory } from './org-directory';

/**
 * Subtree access: a role held at a node reaches that node and everything below it, never
 * siblings or parents. Every domain check goes through here.
 */
@Injectable()
export class AccessService {
  constructor(private readonly orgs: OrgDirectory) {}

  async canAccess(
    principal: Principal | null | undefined,
    orgNodeId: string,
    roles?: Role[],
  ): Promise<boolean> {
    if (!principal) {
      return false;
    }
    const path = await this.orgs.pathOf(orgNodeId);
    if (!path) {
      return false;
    }
    return principal.bindings.some(
      (b) =>
        (b.role === Role.SYSTEM_ADMIN || !roles || roles.includes(b.role)) &&
        path.startsWith(b.orgPath),
    );
  }

  async assertAccess(
    principal: Principal | null | undefined,
    orgNodeId: string,
    roles?: Role[],
  ): Promise<void> {
    if (!principal) {
      throw new CoreException(CoreErrorCode.UNAUTHENTICATED, 'Sign in first.');
    }
    if (!(await this.canAccess(principal, orgNodeId, roles))) {
      throw new CoreException(CoreErrorCode.FORBIDDEN, 'No access to this organisation.', {
        orgNodeId,
      });
    }
  }

  /** The highest nodes the principal reaches with one of `roles` (its dashboard roots). */
  roots(principal: Principal, roles?: Role[]): string[] {
    const held = principal.bindings.filter(
      (b) => b.role === Role.SYSTEM_ADMIN || !roles || roles.includes(b.role),
    );
    return held
      .filter(
        (b) =>
          !held.some((o) => o !== b && b.orgPath.startsWith(o.orgPath) && o.orgPath !== b.orgPath),
      )
      .map((b) => b.orgNodeId);
  }
}
