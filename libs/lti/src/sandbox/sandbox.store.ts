import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { SandboxRecordEntity } from './sandbox-record.entity';

export type SandboxKind =
  'key' | 'tool' | 'regtoken' | 'class' | 'user' | 'member' | 'link' | 'lineitem' | 'score';

/** Typed JSON records of the sandbox LMS. */
@Injectable()
export class SandboxStore {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private get repo() {
    return this.dataSource.getRepository(SandboxRecordEntity);
  }

  async get<T>(kind: SandboxKind, id: string): Promise<T | null> {
    const row = await this.repo.findOne({ where: { kind, id } });
    return row ? (row.data as T) : null;
  }

  async put(
    kind: SandboxKind,
    id: string,
    data: object,
    parent: string | null = null,
  ): Promise<void> {
    const existing = await this.repo.findOne({ where: { kind, id }, select: ['kind', 'id'] });
    if (existing) {
      await this.repo.update({ kind, id }, { data: data, parent });
    } else {
      await this.repo.insert({ kind, id, data: data as never, parent });
    }
  }

  async list<T>(
    kind: SandboxKind,
    parent?: string,
  ): Promise<(T & { id: string; createdAt: Date })[]> {
    const rows = await this.repo.find({
      where: parent === undefined ? { kind } : { kind, parent },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
    return rows.map((r) => ({ ...(r.data as T), id: r.id, createdAt: r.createdAt }));
  }

  async delete(kind: SandboxKind, id: string): Promise<void> {
    await this.repo.delete({ kind, id });
  }
}
