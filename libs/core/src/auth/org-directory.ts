/**
 * What access control needs to know about the org tree, implemented by @lib/orgs. Kept as a
 * port so core does not depend on a domain lib.
 */
export abstract class OrgDirectory {
  /** Materialised path of the node (`/<root id>/…/<node id>/`), or null if unknown. */
  abstract pathOf(nodeId: string): Promise<string | null>;
  /** The id of the node with this official code, or null. */
  abstract idOfCode(code: string): Promise<string | null>;
  /** Display names of the nodes that exist among `ids`. */
  abstract namesOf(ids: string[]): Promise<Map<string, string>>;
}
