import { OrgDirectory } from '@lib/core';
import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { EntityManager, In, IsNull, Like, Repository } from 'typeorm';
import {
  OrgNodeEntity,
  OrgNodeVersionEntity,
  OrgType,
  SchoolLevel,
} from './entities/org-node.entity';
import { OrgsErrorCode, OrgsException } from './orgs.exception';

export interface CreateOrgNodeInput {
  code: string;
  name: string;
  type: OrgType;
  parentCode?: string | null;
  levels?: SchoolLevel[];
  /** First day the node exists (ISO date); default today. */
  validFrom?: string;
}

/** What may change about a node; the type never does (a school stays a school). */
export interface ChangeOrgNodeInput {
  code?: string;
  name?: string;
  parentCode?: string;
  levels?: SchoolLevel[];
}

/** Which types may sit under which: upper-secondary schools hang directly under a province. */
export const ALLOWED_PARENTS: Record<OrgType, (OrgType | null)[]> = {
  [OrgType.MINISTRY]: [null],
  [OrgType.PROVINCE]: [OrgType.MINISTRY],
  [OrgType.COMMUNE]: [OrgType.PROVINCE],
  [OrgType.SCHOOL]: [OrgType.COMMUNE, OrgType.PROVINCE],
  [OrgType.FACILITY]: [OrgType.COMMUNE, OrgType.PROVINCE],
};

export const isIsoDate = (v: string): boolean =>
  /^\d{4}-\d{2}-\d{2}$/.test(v) &&
  !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) &&
  new Date(`${v}T00:00:00Z`).toISOString().slice(0, 10) === v;

export const today = (): string => new Date().toISOString().slice(0, 10);

/** Ids of a materialised path, root first (`/a/b/c/` → [a, b, c]). */
export const idsOfPath = (path: string): string[] => path.split('/').filter(Boolean);

@Injectable()
export class OrgsService extends OrgDirectory {
  private readonly logger = new Logger(OrgsService.name);

  constructor(@InjectRepository(OrgNodeEntity) private readonly nodes: Repository<OrgNodeEntity>) {
    super();
  }

  async pathOf(nodeId: string): Promise<string | null> {
    const node = await this.nodes.findOne({ where: { id: nodeId }, select: ['id', 'path'] });
    return node?.path ?? null;
  }

  async idOfCode(code: string): Promise<string | null> {
    return (await this.nodes.findOne({ where: { code }, select: ['id'] }))?.id ?? null;
  }

  async namesOf(ids: string[]): Promise<Map<string, string>> {
    if (ids.length === 0) {
      return new Map();
    }
    const rows = await this.nodes.find({ where: { id: In(ids) }, select: ['id', 'name'] });
    return new Map(rows.map((r) => [r.id, r.name]));
  }

  async findByCode(code: string, manager?: EntityManager): Promise<OrgNodeEntity | null> {
    return this.repo(manager).findOne({ where: { code } });
  }

  async getById(id: string, manager?: EntityManager): Promise<OrgNodeEntity> {
    const node = await this.repo(manager).findOne({ where: { id } });
    if (!node) {
      throw new OrgsException(OrgsErrorCode.ORG_NOT_FOUND, 'No such organisation.', { id });
    }
    return node;
  }

  async getMany(ids: string[]): Promise<OrgNodeEntity[]> {
    return ids.length ? this.nodes.find({ where: { id: In(ids) } }) : [];
  }

  async create(input: CreateOrgNodeInput, manager?: EntityManager): Promise<OrgNodeEntity> {
    const repo = this.repo(manager);
    if (await this.findByCode(input.code, manager)) {
      throw new OrgsException(OrgsErrorCode.ORG_CODE_TAKEN, `Code ${input.code} is taken.`, {
        code: input.code,
      });
    }
    const parent = input.parentCode ? await this.findByCode(input.parentCode, manager) : null;
    if (input.parentCode && !parent) {
      throw new OrgsException(
        OrgsErrorCode.ORG_INVALID_PARENT,
        `Parent ${input.parentCode} does not exist.`,
        { parentCode: input.parentCode },
      );
    }
    this.assertParentAllowed(input.type, parent);
    const validFrom = input.validFrom ?? today();
    if (!isIsoDate(validFrom)) {
      throw new OrgsException(OrgsErrorCode.ORG_INVALID_DATE, 'Not a date (YYYY-MM-DD).', {
        validFrom,
      });
    }
    const id = randomUUID();
    const node = repo.create({
      id,
      code: input.code,
      name: input.name,
      type: input.type,
      levels: input.levels ?? [],
      parentId: parent?.id ?? null,
      path: `${parent?.path ?? '/'}${id}/`,
      depth: (parent?.depth ?? -1) + 1,
      validFrom,
      closedOn: null,
    });
    await repo.insert(node);
    await this.versionRepo(manager).insert(
      this.versionRepo(manager).create({
        nodeId: id,
        code: node.code,
        name: node.name,
        type: node.type,
        levels: node.levels,
        parentId: node.parentId,
        validFrom,
        validTo: null,
        reason: 'created',
      }),
    );
    this.logger.log({ msg: 'org node created', orgNodeId: id, type: input.type });
    return node;
  }

  /** Creates the node unless its code exists (seeds, imports re-run). */
  async ensure(input: CreateOrgNodeInput): Promise<OrgNodeEntity> {
    return (await this.findByCode(input.code)) ?? this.create(input);
  }

  /**
   * Renames, recodes, moves or re-levels a node from `effectiveOn`: the current version is
   * closed the day before and a new one opened, so the node's past stays readable. A move
   * carries the whole subtree (paths are rewritten in one statement).
   */
  async change(
    nodeId: string,
    patch: ChangeOrgNodeInput,
    effectiveOn: string,
    manager?: EntityManager,
  ): Promise<OrgNodeEntity> {
    if (!isIsoDate(effectiveOn)) {
      throw new OrgsException(OrgsErrorCode.ORG_INVALID_DATE, 'Not a date (YYYY-MM-DD).', {
        effectiveOn,
      });
    }
    const repo = this.repo(manager);
    const node = await this.getById(nodeId, manager);
    if (node.closedOn) {
      throw new OrgsException(OrgsErrorCode.ORG_CLOSED, 'This organisation is closed.', {
        id: nodeId,
      });
    }
    const reasons: string[] = [];
    if (patch.code !== undefined && patch.code !== node.code) {
      const other = await this.findByCode(patch.code, manager);
      if (other && other.id !== node.id) {
        throw new OrgsException(OrgsErrorCode.ORG_CODE_TAKEN, `Code ${patch.code} is taken.`, {
          code: patch.code,
        });
      }
      node.code = patch.code;
      reasons.push('recoded');
    }
    if (patch.name !== undefined && patch.name !== node.name) {
      node.name = patch.name;
      reasons.push('renamed');
    }
    if (
      patch.levels !== undefined &&
      [...patch.levels].sort().join() !== [...node.levels].sort().join()
    ) {
      node.levels = patch.levels;
      reasons.push('relevelled');
    }
    let oldPath: string | undefined;
    if (patch.parentCode !== undefined) {
      const parent = await this.findByCode(patch.parentCode, manager);
      if (!parent || parent.closedOn) {
        throw new OrgsException(
          OrgsErrorCode.ORG_INVALID_PARENT,
          `Parent ${patch.parentCode} does not exist.`,
          { parentCode: patch.parentCode },
        );
      }
      if (parent.id !== node.parentId) {
        if (parent.path.startsWith(node.path)) {
          throw new OrgsException(
            OrgsErrorCode.ORG_INVALID_PARENT,
            'A node cannot move under itself.',
            { id: node.id },
          );
        }
        this.assertParentAllowed(node.type, parent);
        oldPath = node.path;
        node.parentId = parent.id;
        node.path = `${parent.path}${node.id}/`;
        reasons.push('moved');
      }
    }
    if (reasons.length === 0) {
      return node;
    }
    const depthDelta = oldPath ? idsOfPath(node.path).length - idsOfPath(oldPath).length : 0;
    // A change cannot take effect before the current version began (history stays in order).
    const current = await this.versionRepo(manager).findOne({
      where: { nodeId: node.id, validTo: IsNull() },
    });
    if (current && effectiveOn < current.validFrom) {
      effectiveOn = current.validFrom;
    }
    await this.closeVersion(node.id, effectiveOn, manager);
    await this.versionRepo(manager).insert(
      this.versionRepo(manager).create({
        nodeId: node.id,
        code: node.code,
        name: node.name,
        type: node.type,
        levels: node.levels,
        parentId: node.parentId,
        validFrom: effectiveOn,
        validTo: null,
        reason: reasons.join(','),
      }),
    );
    await repo.update(
      { id: node.id },
      { code: node.code, name: node.name, levels: node.levels, parentId: node.parentId },
    );
    if (oldPath) {
      await repo
        .createQueryBuilder()
        .update(OrgNodeEntity)
        .set({
          path: () => `:newPath || substr(path, :oldLen)`,
          depth: () => `depth + :delta`,
        })
        .where('path LIKE :prefix', { prefix: `${oldPath}%` })
        .setParameters({ newPath: node.path, oldLen: oldPath.length + 1, delta: depthDelta })
        .execute();
      node.depth += depthDelta;
    }
    this.logger.log({ msg: 'org node changed', orgNodeId: node.id, reasons, effectiveOn });
    return node;
  }

  /** Closes a node (merged or shut) from `effectiveOn`; it must have no open children. */
  async close(nodeId: string, effectiveOn: string, manager?: EntityManager): Promise<void> {
    const node = await this.getById(nodeId, manager);
    const open = await this.repo(manager).count({
      where: { parentId: nodeId, closedOn: IsNull() },
    });
    if (open > 0) {
      throw new OrgsException(
        OrgsErrorCode.ORG_HAS_CHILDREN,
        'Move or close the organisations below it first.',
        { id: nodeId, openChildren: open },
      );
    }
    if (node.closedOn) {
      return;
    }
    await this.closeVersion(nodeId, effectiveOn, manager);
    await this.repo(manager).update({ id: nodeId }, { closedOn: effectiveOn });
    this.logger.log({ msg: 'org node closed', orgNodeId: nodeId, effectiveOn });
  }

  /** Every version of a node, oldest first. */
  async versions(nodeId: string): Promise<OrgNodeVersionEntity[]> {
    return this.versionRepo().find({
      where: { nodeId },
      order: { validFrom: 'ASC', createdAt: 'ASC' },
    });
  }

  /** The node's version in force on `date` (ISO), or null if it did not exist then. */
  async versionAt(nodeId: string, date: string): Promise<OrgNodeVersionEntity | null> {
    const all = await this.versions(nodeId);
    return all.find((v) => v.validFrom <= date && (v.validTo === null || v.validTo > date)) ?? null;
  }

  /** The chain of ancestors' ids on `date`, root first, ending with the node itself. */
  async lineageAt(nodeId: string, date: string): Promise<string[]> {
    const chain: string[] = [];
    let current: string | null = nodeId;
    while (current && chain.length < 32) {
      chain.unshift(current);
      const version: OrgNodeVersionEntity | null = await this.versionAt(current, date);
      current = version?.parentId ?? null;
    }
    return chain;
  }

  async children(parentId: string, includeClosed = false): Promise<OrgNodeEntity[]> {
    return this.nodes.find({
      where: { parentId, ...(includeClosed ? {} : { closedOn: IsNull() }) },
      order: { name: 'ASC' },
    });
  }

  async subtree(nodeId: string, type?: OrgType, includeClosed = false): Promise<OrgNodeEntity[]> {
    const root = await this.getById(nodeId);
    return this.nodes.find({
      where: {
        path: Like(`${root.path}%`),
        ...(type ? { type } : {}),
        ...(includeClosed ? {} : { closedOn: IsNull() }),
      },
      order: { path: 'ASC' },
    });
  }

  async roots(): Promise<OrgNodeEntity[]> {
    return this.nodes.find({ where: { depth: 0 } });
  }

  async count(): Promise<number> {
    return this.nodes.count();
  }

  assertParentAllowed(type: OrgType, parent: OrgNodeEntity | null): void {
    if (!ALLOWED_PARENTS[type].includes(parent?.type ?? null)) {
      throw new OrgsException(
        OrgsErrorCode.ORG_INVALID_PARENT,
        `A ${type} cannot sit under ${parent?.type ?? 'nothing'}.`,
        { type, parentType: parent?.type ?? null },
      );
    }
  }

  private async closeVersion(nodeId: string, on: string, manager?: EntityManager): Promise<void> {
    await this.versionRepo(manager).update({ nodeId, validTo: IsNull() }, { validTo: on });
  }

  private repo(manager?: EntityManager): Repository<OrgNodeEntity> {
    return manager ? manager.getRepository(OrgNodeEntity) : this.nodes;
  }

  private versionRepo(manager?: EntityManager): Repository<OrgNodeVersionEntity> {
    return (manager ?? this.nodes.manager).getRepository(OrgNodeVersionEntity);
  }
}
