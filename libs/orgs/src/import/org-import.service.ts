import { JobHandler, JobRunner, QueueService } from '@lib/core';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager, In, Repository } from 'typeorm';
import { OrgImportEntity, OrgImportProblem } from '../entities/org-import.entity';
import { OrgNodeEntity, OrgNodeVersionEntity } from '../entities/org-node.entity';
import { OrgsErrorCode, OrgsException } from '../orgs.exception';
import { OrgsService, today } from '../orgs.service';
import {
  KnownNode,
  mapHeader,
  OrgFileColumn,
  planOrgImport,
  readOrgFile,
  toRows,
} from './org-file.util';

export const ORG_IMPORT_JOB = 'orgs.import';
const MAX_PROBLEMS_KEPT = 1000;
const CHUNK = 500;

export interface StartOrgImportInput {
  rootNodeId: string;
  fileName: string;
  content: Buffer;
  dryRun: boolean;
  /** Date changes take effect when a row has no effective_from (default today). */
  effectiveOn?: string;
  createdBy?: string | null;
}

/** Detects XLSX by its zip signature, otherwise CSV. */
export function detectFormat(fileName: string, content: Buffer): 'csv' | 'xlsx' {
  if (content.length > 3 && content[0] === 0x50 && content[1] === 0x4b) {
    return 'xlsx';
  }
  return /\.xlsx$/i.test(fileName) ? 'xlsx' : 'csv';
}

/**
 * Imports an org list in two steps: every row is checked first (line, column, reason) and
 * nothing is written unless the whole file is clean; then all rows are applied in one
 * transaction, shallow rows first, in batches. Progress is written to the import row so a
 * page can show a progress bar. The bench and the job both call {@link run}.
 */
@Injectable()
export class OrgImportService {
  private readonly logger = new Logger(OrgImportService.name);

  constructor(
    @InjectRepository(OrgImportEntity) private readonly imports: Repository<OrgImportEntity>,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly orgs: OrgsService,
    private readonly queue: QueueService,
  ) {}

  /** Stores the file and enqueues its processing; returns the import row to follow. */
  async start(input: StartOrgImportInput): Promise<OrgImportEntity> {
    await this.orgs.getById(input.rootNodeId);
    if (input.content.length === 0) {
      throw new OrgsException(OrgsErrorCode.ORG_IMPORT_BAD_FILE, 'The file is empty.');
    }
    const format = detectFormat(input.fileName, input.content);
    const row = this.imports.create({
      id: randomUUID(),
      status: 'queued',
      dryRun: input.dryRun,
      format,
      fileName: input.fileName.replace(/[^\p{L}\p{N} ._()-]/gu, '_').slice(0, 200) || 'upload',
      content:
        format === 'xlsx' ? input.content.toString('base64') : input.content.toString('utf8'),
      rootNodeId: input.rootNodeId,
      createdBy: input.createdBy ?? null,
      effectiveOn: input.effectiveOn ?? today(),
      errors: [],
      finishedAt: null,
    });
    await this.queue.transaction(async (manager) => {
      await manager.getRepository(OrgImportEntity).insert(row);
      await this.queue.enqueue(ORG_IMPORT_JOB, { importId: row.id }, { manager, maxAttempts: 2 });
    });
    this.logger.log({ msg: 'org import queued', importId: row.id, dryRun: row.dryRun, format });
    return row;
  }

  /** Turns a clean dry run into the real import of the same file. */
  async confirm(importId: string): Promise<OrgImportEntity> {
    const row = await this.get(importId);
    if (!row.dryRun || row.status !== 'valid') {
      throw new OrgsException(
        OrgsErrorCode.ORG_IMPORT_NOT_READY,
        'Only a clean dry run can be confirmed.',
        { importId },
      );
    }
    await this.queue.transaction(async (manager) => {
      await manager
        .getRepository(OrgImportEntity)
        .update({ id: importId }, { dryRun: false, status: 'queued', processed: 0 });
      await this.queue.enqueue(
        ORG_IMPORT_JOB,
        { importId },
        { manager, maxAttempts: 2, dedupeKey: `org-import-confirm:${importId}` },
      );
    });
    return this.get(importId);
  }

  async get(importId: string): Promise<OrgImportEntity> {
    const row = await this.imports.findOne({ where: { id: importId } });
    if (!row) {
      throw new OrgsException(OrgsErrorCode.ORG_IMPORT_NOT_FOUND, 'No such import.', { importId });
    }
    return row;
  }

  /** Validates, then (unless a dry run) applies. Safe to run twice: applied rows come back unchanged. */
  async run(importId: string): Promise<OrgImportEntity> {
    const row = await this.get(importId);
    if (['invalid', 'done', 'valid'].includes(row.status)) {
      return row;
    }
    const content =
      row.format === 'xlsx' ? Buffer.from(row.content, 'base64') : Buffer.from(row.content, 'utf8');
    await this.imports.update({ id: importId }, { status: 'validating', processed: 0 });
    let table: { header: string[]; rows: string[][] };
    try {
      table = await readOrgFile(content, row.format);
    } catch {
      return this.finish(importId, 'invalid', {
        errors: [{ line: 1, column: '', reason: 'UNREADABLE' }],
        errorCount: 1,
      });
    }
    const header = mapHeader(table.header);
    const rows = toRows(table.rows, header.index);
    await this.imports.update({ id: importId }, { total: rows.length });
    if (header.problems.length > 0 || rows.length === 0) {
      const problems = header.problems.length
        ? header.problems
        : [{ line: 2, column: '', reason: 'NO_ROWS' }];
      return this.finish(importId, 'invalid', {
        errors: problems.slice(0, MAX_PROBLEMS_KEPT),
        errorCount: problems.length,
      });
    }
    const root = await this.orgs.getById(row.rootNodeId);
    const codes = new Set<string>();
    for (const r of rows) {
      if (r.code) {
        codes.add(r.code);
      }
      if (r.parentCode) {
        codes.add(r.parentCode);
      }
    }
    const known = new Map<string, KnownNode>();
    const list = [...codes];
    for (let i = 0; i < list.length; i += CHUNK) {
      const found = await this.dataSource.getRepository(OrgNodeEntity).find({
        where: { code: In(list.slice(i, i + CHUNK)) },
        select: ['id', 'code', 'type', 'name', 'levels', 'parentId', 'path', 'closedOn'],
      });
      for (const n of found) {
        known.set(n.code, n);
      }
      await this.imports.update({ id: importId }, { processed: Math.min(rows.length, i + CHUNK) });
    }
    const labels: Partial<Record<OrgFileColumn, string>> = {};
    for (const [col, idx] of Object.entries(header.index)) {
      labels[col as OrgFileColumn] = table.header[idx];
    }
    const plan = planOrgImport(rows, known, root, row.effectiveOn, labels);
    const counts = {
      created: plan.planned.filter((p) => p.action === 'create').length,
      updated: plan.planned.filter((p) => p.action === 'update').length,
      unchanged: plan.planned.filter((p) => p.action === 'unchanged').length,
    };
    if (plan.problems.length > 0) {
      return this.finish(importId, 'invalid', {
        errors: plan.problems.slice(0, MAX_PROBLEMS_KEPT),
        errorCount: plan.problems.length,
        processed: rows.length,
        ...counts,
      });
    }
    if (row.dryRun) {
      return this.finish(importId, 'valid', { processed: rows.length, errorCount: 0, ...counts });
    }
    await this.imports.update({ id: importId }, { status: 'importing', processed: 0 });
    try {
      await this.dataSource.transaction(async (manager) => {
        await this.apply(importId, manager, plan.planned, known);
      });
    } catch (err) {
      this.logger.error({ msg: 'org import failed', importId, err: String(err) });
      await this.finish(importId, 'failed', {
        errors: [{ line: 0, column: '', reason: 'APPLY_FAILED' }],
        errorCount: 1,
      });
      throw err;
    }
    this.logger.log({ msg: 'org import done', importId, ...counts });
    return this.finish(importId, 'done', {
      processed: rows.length,
      errorCount: 0,
      content: '',
      ...counts,
    });
  }

  private async apply(
    importId: string,
    manager: EntityManager,
    planned: ReturnType<typeof planOrgImport>['planned'],
    known: Map<string, KnownNode>,
  ): Promise<void> {
    const creates = planned.filter((p) => p.action === 'create').sort((a, b) => a.order - b.order);
    const paths = new Map<string, { id: string; path: string }>();
    for (const [code, n] of known) {
      paths.set(code, { id: n.id, path: n.path });
    }
    let done = 0;
    for (let i = 0; i < creates.length; i += CHUNK) {
      const nodes: Partial<OrgNodeEntity>[] = [];
      const versions: Partial<OrgNodeVersionEntity>[] = [];
      for (const p of creates.slice(i, i + CHUNK)) {
        const parent = paths.get(p.row.parentCode)!;
        const id = randomUUID();
        const path = `${parent.path}${id}/`;
        paths.set(p.row.code, { id, path });
        nodes.push({
          id,
          code: p.row.code,
          name: p.row.name,
          type: p.type,
          levels: p.levels,
          parentId: parent.id,
          path,
          depth: path.split('/').filter(Boolean).length - 1,
          validFrom: p.effectiveOn,
          closedOn: null,
        });
        versions.push({
          id: randomUUID(),
          nodeId: id,
          code: p.row.code,
          name: p.row.name,
          type: p.type,
          levels: p.levels,
          parentId: parent.id,
          validFrom: p.effectiveOn,
          validTo: null,
          reason: 'imported',
        });
      }
      await manager.createQueryBuilder().insert().into(OrgNodeEntity).values(nodes).execute();
      await manager
        .createQueryBuilder()
        .insert()
        .into(OrgNodeVersionEntity)
        .values(versions)
        .execute();
      done += nodes.length;
      await this.progress(importId, done);
    }
    for (const p of planned.filter((x) => x.action === 'update')) {
      const node = known.get(p.row.code)!;
      await this.orgs.change(
        node.id,
        {
          name: p.row.name,
          levels: p.levels,
          ...(p.row.parentCode ? { parentCode: p.row.parentCode } : {}),
        },
        p.effectiveOn,
        manager,
      );
      done++;
      if (done % CHUNK === 0) {
        await this.progress(importId, done);
      }
    }
  }

  /** Progress goes through the pool, outside the import's transaction, so pages see it move. */
  private async progress(importId: string, processed: number): Promise<void> {
    if (this.dataSource.options.type === 'postgres') {
      await this.imports.update({ id: importId }, { processed });
    }
  }

  private async finish(
    importId: string,
    status: OrgImportEntity['status'],
    patch: Partial<Omit<OrgImportEntity, 'errors'>> & { errors?: OrgImportProblem[] },
  ): Promise<OrgImportEntity> {
    await this.imports.update(
      { id: importId },
      {
        ...patch,
        status,
        finishedAt: new Date(),
      },
    );
    return this.get(importId);
  }
}

@Injectable()
@JobHandler(ORG_IMPORT_JOB, { maxAttempts: 2, timeoutMs: 30 * 60_000 })
export class OrgImportJob implements JobRunner<{ importId: string }> {
  constructor(private readonly imports: OrgImportService) {}

  async run(payload: { importId: string }): Promise<void> {
    await this.imports.run(payload.importId);
  }
}
