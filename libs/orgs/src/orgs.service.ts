import { OrgDirectory } from '@lib/core';
import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { Like, Repository } from 'typeorm';
import { OrgNodeEntity, OrgType, SchoolLevel } from './entities/org-node.entity';
import { OrgsErrorCode, OrgsException } from './orgs.exception';

export interface CreateOrgNodeInput {
  code: string;
  name: string;
  type: OrgType;
  parentCode?: string | null;
  levels?: SchoolLevel[];
}

/** Which types may sit under which: upper-secondary schools hang directly under a province. */
const ALLOWED_PARENTS: Record<OrgType, (OrgType | null)[]> = {
  [OrgType.MINISTRY]: [null],
  [OrgType.PROVINCE]: [OrgType.MINISTRY],
  [OrgType.COMMUNE]: [OrgType.PROVINCE],
  [OrgType.SCHOOL]: [OrgType.COMMUNE, OrgType.PROVINCE],
  [OrgType.FACILITY]: [OrgType.COMMUNE, OrgType.PROVINCE],
};

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

  async findByCode(code: string): Promise<OrgNodeEntity | null> {
    return this.nodes.findOne({ where: { code } });
  }

  async getById(id: string): Promise<OrgNodeEntity> {
    const node = await this.nodes.findOne({ where: { id } });
    if (!node) {
      throw new OrgsException(OrgsErrorCode.ORG_NOT_FOUND, 'No such organisation.', { id });
    }
    return node;
  }

  async create(input: CreateOrgNodeInput): Promise<OrgNodeEntity> {
    if (await this.findByCode(input.code)) {
      throw new OrgsException(OrgsErrorCode.ORG_CODE_TAKEN, `Code ${input.code} is taken.`, {
        code: input.code,
      });
    }
    const parent = input.parentCode ? await this.findByCode(input.parentCode) : null;
    if (input.parentCode && !parent) {
      throw new OrgsException(
        OrgsErrorCode.ORG_INVALID_PARENT,
        `Parent ${input.parentCode} does not exist.`,
        {
          parentCode: input.parentCode,
        },
      );
    }
    if (!ALLOWED_PARENTS[input.type].includes(parent?.type ?? null)) {
      throw new OrgsException(
        OrgsErrorCode.ORG_INVALID_PARENT,
        `A ${input.type} cannot sit under ${parent?.type ?? 'nothing'}.`,
        { type: input.type, parentType: parent?.type ?? null },
      );
    }
    const id = randomUUID();
    const node = this.nodes.create({
      id,
      code: input.code,
      name: input.name,
      type: input.type,
      levels: input.levels ?? [],
      parentId: parent?.id ?? null,
      path: `${parent?.path ?? '/'}${id}/`,
      depth: (parent?.depth ?? -1) + 1,
    });
    await this.nodes.insert(node);
    this.logger.log({ msg: 'org node created', orgNodeId: id, type: input.type });
    return node;
  }

  /** Creates the node unless its code exists (seeds, imports re-run). */
  async ensure(input: CreateOrgNodeInput): Promise<OrgNodeEntity> {
    return (await this.findByCode(input.code)) ?? this.create(input);
  }

  async children(parentId: string): Promise<OrgNodeEntity[]> {
    return this.nodes.find({ where: { parentId }, order: { name: 'ASC' } });
  }

  async subtree(nodeId: string, type?: OrgType): Promise<OrgNodeEntity[]> {
    const root = await this.getById(nodeId);
    return this.nodes.find({
      where: { path: Like(`${root.path}%`), ...(type ? { type } : {}) },
      order: { path: 'ASC' },
    });
  }

  async roots(): Promise<OrgNodeEntity[]> {
    return this.nodes.find({ where: { depth: 0 } });
  }

  async count(): Promise<number> {
    return this.nodes.count();
  }
}
