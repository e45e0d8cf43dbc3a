import { Role } from './auth.entities';

/** A place an account can go from its account page, offered to holders of some roles. */
export interface AccountLink {
  /** Shown when the account holds one of these roles, at any node. */
  roles: Role[];
  /** Same-site path (the page adds `?lang=`). */
  href: string;
  /** i18n keys of the link text and of the line under it. */
  label: string;
  hint: string;
}

const links: AccountLink[] = [];

/**
 * The signed-in home's list of places, filled by the apps and libs that own the pages (core
 * knows none of them), the way texts are registered with I18n. Order of registration is the
 * order shown.
 */
export const AccountLinks = {
  register(...add: AccountLink[]): void {
    for (const link of add) {
      if (!links.some((l) => l.href === link.href)) {
        links.push(link);
      }
    }
  },
  /** The links for an account holding `roles`, in registration order. */
  for(roles: Iterable<Role>): AccountLink[] {
    const held = new Set(roles);
    return links.filter((l) => l.roles.some((r) => held.has(r)));
  },
};
