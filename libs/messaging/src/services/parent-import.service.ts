import { FieldEncryptionService, JobHandler, JobRunner, QueueService } from '@lib/core';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ParentImportEntity, ParentImportProblem } from '../entities/import.entity';
import {
  InviteCodeEntity,
  LinkRelation,
  ParentChannel,
  StudentLinkEntity,
} from '../entities/parent.entities';
import { MESSAGING_JOBS } from '../messaging.constants';
import { MessagingErrorCode, MessagingException } from '../messaging.exception';
import { normalizeEmail, normalizePhone } from '../util/contact.util';
import { normalizeInviteCode } from '../util/invite-code.util';
import { UUID } from '../util/sql.util';
import { ConsentService } from './consent.service';
import { InvitesService } from './invites.service';
import { ParentsService } from './parents.service';

/** Columns of the parents file (header names, English or Vietnamese without accents). */
export const PARENT_IMPORT_COLUMNS = [
  'student',
  'parent_name',
  'email',
  'phone',
  'zalo',
  'relation',
  'language',
  'channel',
  'consent_messages',
  'consent_progress',
  'consent_date',
] as const;
type Column = (typeof PARENT_IMPORT_COLUMNS)[number];

const ALIASES: Record<string, Column> = {
  student: 'student',
  student_id: 'student',
  invite_code: 'student',
  ma_moi: 'student',
  hoc_sinh: 'student',
  parent_name: 'parent_name',
  ho_ten: 'parent_name',
  ho_ten_phu_huynh: 'parent_name',
  email: 'email',
  phone: 'phone',
  so_dien_thoai: 'phone',
  dien_thoai: 'phone',
  zalo: 'zalo',
  relation: 'relation',
  quan_he: 'relation',
  language: 'language',
  ngon_ngu: 'language',
  channel: 'channel',
  kenh: 'channel',
  consent_messages: 'consent_messages',
  dong_y_nhan_tin: 'consent_messages',
  consent_progress: 'consent_progress',
  dong_y_ban_tin: 'consent_progress',
  consent_date: 'consent_date',
  ngay_dong_y: 'consent_date',
};

const RELATIONS: Record<string, LinkRelation> = {
  mother: 'mother',
  me: 'mother',
  father: 'father',
  bo: 'father',
  cha: 'father',
  guardian: 'guardian',
  nguoi_giam_ho: 'guardian',
  other: 'other',
  khac: 'other',
};

const fold = (s: string): string =>
  s
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/đ/gi, 'd')
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');

const YES = new Set(['yes', 'y', 'true', '1', 'co', 'x']);
const NO = new Set(['no', 'n', 'false', '0', 'khong', '']);

interface PlannedRow {
  line: number;
  studentId: string;
  classId: string;
  name: string;
  email?: string;
  phone?: string;
  zalo?: string;
  relation: LinkRelation;
  lang: 'vi' | 'en';
  channel: ParentChannel;
  consentMessages: boolean;
  consentProgress: boolean;
  consentDate: Date;
}

/**
 * Imports a school's parents: every row is checked first (problems by line and column); only
 * a clean file is applied, in one transaction. Contacts from the school count as verified
 * (the school collected them), and consent columns record the paper forms the school holds.
 */
@Injectable()
export class ParentImportService {
  private readonly logger = new Logger(ParentImportService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly queue: QueueService,
    private readonly crypto: FieldEncryptionService,
    private readonly parents: ParentsService,
    private readonly consent: ConsentService,
    private readonly invites: InvitesService,
  ) {}

  async start(input: {
    schoolOrgNodeId: string;
    fileName: string;
    content: Buffer;
    dryRun: boolean;
    createdBy: string;
  }): Promise<ParentImportEntity> {
    if (input.content.length === 0) {
      throw new MessagingException(MessagingErrorCode.IMPORT_BAD_FILE, 'Empty file.');
    }
    const id = randomUUID();
    const xlsx = input.content[0] === 0x50 && input.content[1] === 0x4b;
    const row = this.dataSource.getRepository(ParentImportEntity).create({
      id,
      schoolOrgNodeId: input.schoolOrgNodeId,
      status: 'queued',
      dryRun: input.dryRun,
      format: xlsx ? 'xlsx' : 'csv',
      fileName: input.fileName.replace(/[^\p{L}\p{N} ._()-]/gu, '_').slice(0, 200) || 'upload',
      contentEncrypted: this.crypto.encrypt(input.content.toString('base64'), id),
      createdBy: input.createdBy,
      errors: [],
      finishedAt: null,
    });
    await this.queue.transaction(async (m) => {
      await m.getRepository(ParentImportEntity).insert(row);
      await this.queue.enqueue(
        MESSAGING_JOBS.import,
        { importId: id },
        { manager: m, maxAttempts: 2 },
      );
    });
    return row;
  }

  async get(importId: string, schoolOrgNodeId?: string): Promise<ParentImportEntity> {
    const row = await this.dataSource
      .getRepository(ParentImportEntity)
      .findOne({ where: { id: importId, ...(schoolOrgNodeId ? { schoolOrgNodeId } : {}) } });
    if (!row) {
      throw new MessagingException(MessagingErrorCode.IMPORT_NOT_FOUND, 'No such import.');
    }
    return row;
  }

  async confirm(importId: string, schoolOrgNodeId: string): Promise<ParentImportEntity> {
    const row = await this.get(importId, schoolOrgNodeId);
    if (!row.dryRun || row.status !== 'valid') {
      throw new MessagingException(MessagingErrorCode.IMPORT_NOT_READY, 'Not a clean dry run.');
    }
    await this.queue.transaction(async (m) => {
      await m
        .getRepository(ParentImportEntity)
        .update({ id: importId }, { dryRun: false, status: 'queued' });
      await this.queue.enqueue(
        MESSAGING_JOBS.import,
        { importId },
        { manager: m, maxAttempts: 2, dedupeKey: `msg-import-confirm:${importId}` },
      );
    });
    return this.get(importId);
  }

  /** Validates, then (unless a dry run) applies. A finished import is left as it is. */
  async run(importId: string): Promise<ParentImportEntity> {
    const row = await this.get(importId);
    if (['invalid', 'valid', 'done'].includes(row.status)) {
      return row;
    }
    await this.dataSource
      .getRepository(ParentImportEntity)
      .update({ id: importId }, { status: 'running' });
    const content = Buffer.from(this.crypto.decrypt(row.contentEncrypted, row.id), 'base64');
    let table: string[][];
    try {
      table = await readTable(content, row.format);
    } catch {
      return this.finish(row, 'invalid', [{ line: 1, column: '', reason: 'UNREADABLE' }], {});
    }
    const [header = [], ...lines] = table;
    const index: Partial<Record<Column, number>> = {};
    const problems: ParentImportProblem[] = [];
    header.forEach((h, i) => {
      const col = ALIASES[fold(String(h))];
      if (col) {
        index[col] = i;
      } else if (String(h).trim()) {
        problems.push({ line: 1, column: String(h), reason: 'UNKNOWN_COLUMN' });
      }
    });
    if (index.student === undefined) {
      problems.push({ line: 1, column: 'student', reason: 'MISSING_COLUMN' });
    }
    if (problems.length) {
      return this.finish(row, 'invalid', problems, { total: lines.length });
    }
    const planned = await this.plan(row.schoolOrgNodeId, header, index, lines, problems);
    if (problems.length || planned.length === 0) {
      if (!problems.length) {
        problems.push({ line: 2, column: '', reason: 'NO_ROWS' });
      }
      return this.finish(row, 'invalid', problems, { total: lines.length });
    }
    if (row.dryRun) {
      return this.finish(row, 'valid', [], { total: planned.length });
    }
    const counts = await this.apply(row, planned);
    return this.finish(row, 'done', [], { total: planned.length, ...counts }, true);
  }

  private async plan(
    schoolOrgNodeId: string,
    header: string[],
    index: Partial<Record<Column, number>>,
    lines: string[][],
    problems: ParentImportProblem[],
  ): Promise<PlannedRow[]> {
    const cell = (r: string[], c: Column): string =>
      index[c] === undefined ? '' : String(r[index[c]] ?? '').trim();
    const label = (c: Column): string => (index[c] === undefined ? c : header[index[c]]);
    const out: PlannedRow[] = [];
    const seen = new Set<string>();
    for (let i = 0; i < lines.length; i++) {
      const r = lines[i];
      const line = i + 2;
      if (r.every((v) => !String(v ?? '').trim())) {
        continue;
      }
      const bad = (c: Column, reason: string): void => {
        problems.push({ line, column: label(c), reason });
      };
      const student = await this.resolveStudent(schoolOrgNodeId, cell(r, 'student'));
      if (!cell(r, 'student')) {
        bad('student', 'REQUIRED');
      } else if (!student) {
        bad('student', 'STUDENT_UNKNOWN');
      }
      const emailRaw = cell(r, 'email');
      const phoneRaw = cell(r, 'phone');
      const zaloRaw = cell(r, 'zalo');
      const email = emailRaw ? normalizeEmail(emailRaw) : undefined;
      const phone = phoneRaw ? normalizePhone(phoneRaw) : undefined;
      const zalo = zaloRaw ? normalizePhone(zaloRaw) : undefined;
      if (emailRaw && !email) {
        bad('email', 'EMAIL_INVALID');
      }
      if (phoneRaw && !phone) {
        bad('phone', 'PHONE_INVALID');
      }
      if (zaloRaw && !zalo) {
        bad('zalo', 'PHONE_INVALID');
      }
      if (!emailRaw && !phoneRaw) {
        bad('email', 'CONTACT_REQUIRED');
      }
      const relation = RELATIONS[fold(cell(r, 'relation') || 'guardian')];
      if (!relation) {
        bad('relation', 'RELATION_INVALID');
      }
      const langRaw = fold(cell(r, 'language') || 'vi');
      const lang = langRaw === 'vi' || langRaw === 'en' ? langRaw : undefined;
      if (!lang) {
        bad('language', 'LANGUAGE_INVALID');
      }
      const channelRaw = fold(cell(r, 'channel') || (email ? 'email' : 'sms'));
      const channel = (['email', 'sms', 'zalo', 'inbox'] as const).find((c) => c === channelRaw);
      if (!channel) {
        bad('channel', 'CHANNEL_INVALID');
      }
      const yesNo = (c: Column): boolean | undefined => {
        const v = fold(cell(r, c));
        return YES.has(v) ? true : NO.has(v) ? false : undefined;
      };
      const consentMessages = yesNo('consent_messages');
      const consentProgress = yesNo('consent_progress');
      if (consentMessages === undefined) {
        bad('consent_messages', 'YES_NO');
      }
      if (consentProgress === undefined) {
        bad('consent_progress', 'YES_NO');
      }
      const dateRaw = cell(r, 'consent_date');
      const consentDate = dateRaw ? new Date(`${dateRaw}T00:00:00+07:00`) : new Date();
      if (
        dateRaw &&
        (!/^\d{4}-\d{2}-\d{2}$/.test(dateRaw) ||
          Number.isNaN(consentDate.getTime()) ||
          consentDate.getTime() > Date.now())
      ) {
        bad('consent_date', 'DATE_INVALID');
      }
      if ((consentMessages || consentProgress) && !dateRaw) {
        bad('consent_date', 'REQUIRED'); // a paper consent has a date
      }
      const holders = new Set<string>();
      for (const [kind, v] of [
        ['email', email],
        ['phone', phone],
      ] as const) {
        const c = v ? await this.parents.findContact(kind, v) : null;
        if (c) {
          holders.add(c.parentId);
        }
      }
      if (holders.size > 1) {
        bad('email', 'CONTACTS_OF_DIFFERENT_PARENTS');
      }
      const key = `${student?.studentId}|${email ?? phone}`;
      if (seen.has(key)) {
        problems.push({ line, column: '', reason: 'DUPLICATE_ROW' });
      }
      seen.add(key);
      if (
        student &&
        relation &&
        lang &&
        channel &&
        consentMessages !== undefined &&
        consentProgress !== undefined
      ) {
        out.push({
          line,
          studentId: student.studentId,
          classId: student.classId,
          name: cell(r, 'parent_name').slice(0, 200),
          email,
          phone,
          zalo,
          relation,
          lang,
          channel,
          consentMessages,
          consentProgress,
          consentDate,
        });
      }
    }
    return out;
  }

  /** A student of this school: by SafeNest id or by invite code (both known from the class page). */
  private async resolveStudent(
    schoolOrgNodeId: string,
    value: string,
  ): Promise<{ studentId: string; classId: string } | undefined> {
    const repo = this.dataSource.getRepository(InviteCodeEntity);
    if (UUID.test(value)) {
      const row = await repo.findOne({
        where: { studentId: value.toLowerCase(), schoolOrgNodeId },
        order: { createdAt: 'DESC' },
      });
      return row ? { studentId: row.studentId, classId: row.classId } : undefined;
    }
    if (normalizeInviteCode(value)) {
      try {
        const invite = await this.invites.find(value);
        return invite.schoolOrgNodeId === schoolOrgNodeId
          ? { studentId: invite.studentId, classId: invite.classId }
          : undefined;
      } catch {
        return undefined;
      }
    }
    return undefined;
  }

  private async apply(
    imp: ParentImportEntity,
    rows: PlannedRow[],
  ): Promise<{ parentsCreated: number; linksCreated: number }> {
    let parentsCreated = 0;
    let linksCreated = 0;
    const actor = { type: 'account' as const, id: imp.createdBy };
    await this.dataSource.transaction(async (m) => {
      for (const r of rows) {
        let parentId: string | undefined;
        for (const [kind, v] of [
          ['email', r.email],
          ['phone', r.phone],
        ] as const) {
          const c = v ? await this.parents.findContact(kind, v, m) : null;
          parentId ??= c?.parentId;
        }
        if (!parentId) {
          parentId = (
            await this.parents.create({ name: r.name, lang: r.lang, channel: r.channel }, actor, m)
          ).id;
          parentsCreated++;
        }
        for (const [kind, v] of [
          ['email', r.email],
          ['phone', r.phone],
          ['zalo', r.zalo],
        ] as const) {
          if (v) {
            await this.parents.setContact(parentId, kind, v, actor, { verified: true, manager: m });
          }
        }
        const before = await m
          .getRepository(StudentLinkEntity)
          .count({ where: { parentId, studentId: r.studentId } });
        await this.parents.link(
          {
            parentId,
            studentId: r.studentId,
            schoolOrgNodeId: imp.schoolOrgNodeId,
            classId: r.classId,
            relation: r.relation,
            source: 'import',
          },
          actor,
          m,
        );
        if (before === 0) {
          linksCreated++;
        }
        for (const [purpose, given] of [
          ['messages', r.consentMessages],
          ['progress', r.consentProgress],
        ] as const) {
          if (given) {
            await this.consent.grant(
              {
                parentId,
                studentId: r.studentId,
                purpose,
                via: 'school_import',
                lang: r.lang,
                recordedBy: imp.createdBy,
                at: r.consentDate,
              },
              actor,
              m,
            );
          }
        }
      }
    });
    this.logger.log({ msg: 'parents imported', importId: imp.id, parentsCreated, linksCreated });
    return { parentsCreated, linksCreated };
  }

  private async finish(
    row: ParentImportEntity,
    status: ParentImportEntity['status'],
    problems: ParentImportProblem[],
    counts: Partial<Pick<ParentImportEntity, 'total' | 'parentsCreated' | 'linksCreated'>>,
    dropFile = status === 'invalid',
  ): Promise<ParentImportEntity> {
    await this.dataSource.getRepository(ParentImportEntity).update(
      { id: row.id },
      {
        status,
        errors: problems.slice(0, 1000),
        errorCount: problems.length,
        finishedAt: new Date(),
        ...counts,
        ...(dropFile ? { contentEncrypted: '' } : {}),
      },
    );
    return this.get(row.id);
  }
}

async function readTable(content: Buffer, format: 'csv' | 'xlsx'): Promise<string[][]> {
  if (format === 'xlsx') {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(content);
    const sheet = wb.worksheets[0];
    const table: string[][] = [];
    sheet?.eachRow({ includeEmpty: true }, (row, n) => {
      const values: string[] = [];
      for (let c = 1; c <= sheet.columnCount; c++) {
        values.push(row.getCell(c).text ?? '');
      }
      table[n - 1] = values;
    });
    for (let i = 0; i < table.length; i++) {
      table[i] ??= [];
    }
    return table;
  }
  const text = content.toString('utf8');
  const first = text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
  const delimiter = (first.match(/;/g)?.length ?? 0) > (first.match(/,/g)?.length ?? 0) ? ';' : ',';
  return parse(text, {
    bom: true,
    delimiter,
    relax_column_count: true,
    skip_empty_lines: false,
    trim: true,
  });
}

@Injectable()
@JobHandler(MESSAGING_JOBS.import, { maxAttempts: 2, timeoutMs: 10 * 60_000 })
export class ParentImportJob implements JobRunner<{ importId: string }> {
  constructor(private readonly imports: ParentImportService) {}

  async run(payload: { importId: string }): Promise<void> {
    await this.imports.run(payload.importId);
  }
}
