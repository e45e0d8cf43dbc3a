import { OrgNodeEntity, OrgType } from '@lib/orgs';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, IsNull } from 'typeorm';

export interface SchoolChoice {
  id: string;
  code: string;
  name: string;
  /** The commune or province it sits under, to tell namesakes apart. */
  parentName: string;
}

interface Entry extends SchoolChoice {
  folded: string;
}

const CACHE_MS = 5 * 60_000;

/** Folds Vietnamese for search: no tone marks, đ → d, lower case, single spaces. */
export function foldVietnamese(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Finds the school of a signed-out reporter by code or by name (accents optional). The list of
 * open schools and facilities (≈28,000 names) is cached in memory for five minutes.
 */
@Injectable()
export class SchoolDirectory {
  private cache?: { at: number; entries: Entry[] };

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async byCode(code: string): Promise<SchoolChoice | null> {
    const c = code.trim();
    if (!c || c.length > 64) {
      return null;
    }
    const cached = (await this.entries()).find((e) => e.code.toLowerCase() === c.toLowerCase());
    if (cached) {
      return cached;
    }
    // A school opened since the list was cached must still be reachable by its code.
    const repo = this.dataSource.getRepository(OrgNodeEntity);
    const node = await repo.findOne({
      where: { code: c, type: In([OrgType.SCHOOL, OrgType.FACILITY]), closedOn: IsNull() },
      select: ['id', 'code', 'name', 'parentId'],
    });
    if (!node) {
      return null;
    }
    const parent = node.parentId
      ? await repo.findOne({ where: { id: node.parentId }, select: ['id', 'name'] })
      : null;
    this.cache = undefined;
    return { id: node.id, code: node.code, name: node.name, parentName: parent?.name ?? '' };
  }

  async search(query: string, limit = 20): Promise<SchoolChoice[]> {
    const words = foldVietnamese(query).split(' ').filter(Boolean).slice(0, 8);
    if (words.length === 0) {
      return [];
    }
    return (await this.entries())
      .filter((e) => words.every((w) => e.folded.includes(w)))
      .slice(0, limit)
      .map(({ folded: _folded, ...choice }) => choice);
  }

  private async entries(): Promise<Entry[]> {
    if (this.cache && Date.now() - this.cache.at < CACHE_MS) {
      return this.cache.entries;
    }
    const repo = this.dataSource.getRepository(OrgNodeEntity);
    const schools = await repo.find({
      where: { type: In([OrgType.SCHOOL, OrgType.FACILITY]), closedOn: IsNull() },
      select: ['id', 'code', 'name', 'parentId'],
      order: { name: 'ASC' },
    });
    const parentIds = [...new Set(schools.map((s) => s.parentId).filter((p): p is string => !!p))];
    const parents = new Map<string, string>();
    for (let i = 0; i < parentIds.length; i += 500) {
      for (const p of await repo.find({
        where: { id: In(parentIds.slice(i, i + 500)) },
        select: ['id', 'name'],
      })) {
        parents.set(p.id, p.name);
      }
    }
    const entries = schools.map((s) => {
      const parentName = (s.parentId && parents.get(s.parentId)) || '';
      return {
        id: s.id,
        code: s.code,
        name: s.name,
        parentName,
        folded: foldVietnamese(`${s.name} ${parentName} ${s.code}`),
      };
    });
    this.cache = { at: Date.now(), entries };
    return entries;
  }
}
