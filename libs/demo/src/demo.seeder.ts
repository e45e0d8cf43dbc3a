import { AppConfig, AuthService, InjectConfig, Role } from '@lib/core';
import { OrgsService, OrgType, SchoolLevel } from '@lib/orgs';
import { Injectable, Logger } from '@nestjs/common';
import { addDays, CampaignsService, GradeBand, vnToday } from '@lib/campaigns';
import {
  CoverageViewService,
  DeliveryService,
  EnrolmentService,
  ReportsService,
} from '@lib/coverage';
import { ComposeService, ConsentService, ParentAuthService, ParentsService } from '@lib/messaging';

/**
 * A small believable sample after the 2025 reform (two-level local government): a province
 * whose communes run primary and lower-secondary schools, an upper-secondary school directly
 * under the provincial department, and a child-protection facility. All names are invented.
 */
export const DEMO_ORGS = [
  { code: 'MOET', name: 'Bộ Giáo dục và Đào tạo', type: OrgType.MINISTRY },
  { code: 'DEMO-P01', name: 'Tỉnh Sông Xanh (demo)', type: OrgType.PROVINCE, parentCode: 'MOET' },
  { code: 'DEMO-C01', name: 'Xã Tân Lập', type: OrgType.COMMUNE, parentCode: 'DEMO-P01' },
  { code: 'DEMO-C02', name: 'Phường Hòa Bình', type: OrgType.COMMUNE, parentCode: 'DEMO-P01' },
  {
    code: 'DEMO-S01',
    name: 'Trường Tiểu học Tân Lập',
    type: OrgType.SCHOOL,
    parentCode: 'DEMO-C01',
    levels: [SchoolLevel.PRIMARY],
  },
  {
    code: 'DEMO-S02',
    name: 'Trường THCS Tân Lập',
    type: OrgType.SCHOOL,
    parentCode: 'DEMO-C01',
    levels: [SchoolLevel.LOWER_SECONDARY],
  },
  {
    code: 'DEMO-S03',
    name: 'Trường Tiểu học và THCS Hòa Bình',
    type: OrgType.SCHOOL,
    parentCode: 'DEMO-C02',
    levels: [SchoolLevel.PRIMARY, SchoolLevel.LOWER_SECONDARY],
  },
  {
    code: 'DEMO-S04',
    name: 'Trường THPT Sông Xanh',
    type: OrgType.SCHOOL,
    parentCode: 'DEMO-P01',
    levels: [SchoolLevel.UPPER_SECONDARY],
  },
  {
    code: 'DEMO-F01',
    name: 'Trung tâm Bảo trợ trẻ em Hòa Bình',
    type: OrgType.FACILITY,
    parentCode: 'DEMO-C02',
  },
];

/** Published demo sign-ins (refused in production, where DEMO_SEED cannot be on). */
export const DEMO_PASSWORD = 'safenest-demo-2026';
export const DEMO_ACCOUNTS = [
  {
    email: 'ministry@demo.safenest.vn',
    name: 'Cán bộ Bộ (demo)',
    role: Role.OFFICIAL,
    org: 'MOET',
  },
  {
    email: 'province@demo.safenest.vn',
    name: 'Cán bộ Sở (demo)',
    role: Role.OFFICIAL,
    org: 'DEMO-P01',
  },
  {
    email: 'commune@demo.safenest.vn',
    name: 'Cán bộ xã Tân Lập (demo)',
    role: Role.OFFICIAL,
    org: 'DEMO-C01',
  },
  {
    email: 'school@demo.safenest.vn',
    name: 'Quản trị trường Tiểu học Tân Lập (demo)',
    role: Role.SCHOOL_ADMIN,
    org: 'DEMO-S01',
  },
];

/**
 * Safeguarding leads (concern channel): one at the primary school DEMO-S01, and one at the
 * commune DEMO-C01 who receives the school's reports when they are not acknowledged in time.
 */
export const DEMO_SAFEGUARDING_ACCOUNTS = [
  {
    email: 'lead@demo.safenest.vn',
    name: 'Phụ trách bảo vệ học sinh, Tiểu học Tân Lập (demo)',
    role: Role.SAFEGUARDING_LEAD,
    org: 'DEMO-S01',
  },
  {
    email: 'lead-commune@demo.safenest.vn',
    name: 'Phụ trách bảo vệ trẻ em, xã Tân Lập (demo)',
    role: Role.SAFEGUARDING_LEAD,
    org: 'DEMO-C01',
  },
];

/** Demo parents (sign in from /parents/sign-in while the demo runs); pupils are pseudonymous ids. */
export const DEMO_PARENTS = [
  {
    name: 'Nguyễn Thị Mai (demo)',
    kind: 'email' as const,
    contact: 'phuhuynh1@demo.safenest.vn',
    lang: 'vi' as const,
    relation: 'mother' as const,
    studentId: '00000000-0000-4000-8000-00000000d001',
  },
  {
    name: 'Trần Văn Hùng (demo)',
    kind: 'email' as const,
    contact: 'phuhuynh2@demo.safenest.vn',
    lang: 'en' as const,
    relation: 'father' as const,
    studentId: '00000000-0000-4000-8000-00000000d002',
  },
  {
    name: 'Lê Thị Thu (demo)',
    kind: 'phone' as const,
    contact: '0900000003',
    lang: 'vi' as const,
    relation: 'guardian' as const,
    studentId: '00000000-0000-4000-8000-00000000d003',
  },
];

@Injectable()
export class DemoSeeder {
  private readonly logger = new Logger(DemoSeeder.name);

  constructor(
    private readonly orgs: OrgsService,
    private readonly auth: AuthService,
    @InjectConfig() private readonly config: AppConfig,
    private readonly campaigns: CampaignsService,
    private readonly coverage: CoverageViewService,
    private readonly deliveries: DeliveryService,
    private readonly enrolment: EnrolmentService,
    private readonly reports: ReportsService,
    private readonly parents: ParentsService,
    private readonly parentConsent: ConsentService,
    private readonly parentAuth: ParentAuthService,
    private readonly parentMessages: ComposeService,
  ) {}

  /** Idempotent: creates what is missing, leaves the rest. */
  async seed(): Promise<void> {
    for (const org of DEMO_ORGS) {
      await this.orgs.ensure(org);
    }
    for (const a of DEMO_ACCOUNTS) {
      const account =
        (await this.auth.findByEmail(a.email)) ??
        (await this.auth.createAccount({
          email: a.email,
          displayName: a.name,
          password: DEMO_PASSWORD,
        }));
      const org = await this.orgs.findByCode(a.org);
      await this.auth.grant(account.id, a.role, org!.id);
    }
    await this.seedSafeguarding();
    await this.seedCoverage();
    await this.seedParents();
    this.logger.log({
      msg: 'demo data ready',
      orgs: DEMO_ORGS.length,
      accounts: DEMO_ACCOUNTS.length,
    });
  }

  /** Safeguarding leads of the concern channel (idempotent). */
  private async seedSafeguarding(): Promise<void> {
    for (const a of DEMO_SAFEGUARDING_ACCOUNTS) {
      const account =
        (await this.auth.findByEmail(a.email)) ??
        (await this.auth.createAccount({
          email: a.email,
          displayName: a.name,
          password: DEMO_PASSWORD,
        }));
      const org = await this.orgs.findByCode(a.org);
      await this.auth.grant(account.id, a.role, org!.id);
    }
  }

  /**
   * Coverage: the province's campaign for the current semester, declared enrolment, online
   * completions, an offline session at the facility and one submitted report (idempotent:
   * nothing is added once the campaign exists).
   */
  private async seedCoverage(): Promise<void> {
    const province = await this.orgs.findByCode('DEMO-P01');
    const official = await this.auth.findByEmail('province@demo.safenest.vn');
    if (!province || !official) {
      return;
    }
    const today = vnToday();
    const [y, m] = today.split('-').map(Number);
    const first = m >= 8 || m === 1;
    const year = m >= 8 ? y : y - 1;
    const period = first
      ? {
          start: `${year}-09-05`,
          end: `${year + 1}-01-15`,
          name: `Học kỳ I năm học ${year}–${year + 1}`,
        }
      : {
          start: `${year + 1}-01-16`,
          end: `${year + 1}-05-31`,
          name: `Học kỳ II năm học ${year}–${year + 1}`,
        };
    const name = `An toàn trên mạng — ${period.name}`;
    if ((await this.campaigns.forNode(province.path)).some((c) => c.name === name)) {
      return;
    }
    // The seeder acts as the installation (system admin at the province), not as a person.
    const actor = {
      kind: 'account' as const,
      accountId: official.id,
      displayName: 'demo seed',
      bindings: [{ role: Role.SYSTEM_ADMIN, orgNodeId: province.id, orgPath: province.path }],
    };
    const campaign = await this.coverage.launch(actor, {
      name,
      scopeNodeId: province.id,
      periodKind: 'semester',
      periodStart: period.start,
      periodEnd: period.end,
      orgTypes: [OrgType.SCHOOL, OrgType.FACILITY],
      requirements: [
        { band: 'early-primary', minModules: 1, minShare: 0.7 },
        { band: 'upper-primary', minModules: 2, minShare: 0.7 },
        { band: 'lower-secondary', minModules: 2, minShare: 0.6 },
        { band: 'upper-secondary', minModules: 1, minShare: 0.5 },
      ],
      dueDays: 15,
      lockDays: 30,
      reminderDays: [14, 7, 1],
    });
    const enrolled: [string, GradeBand, number][] = [
      ['DEMO-S01', 'early-primary', 120],
      ['DEMO-S01', 'upper-primary', 180],
      ['DEMO-S02', 'lower-secondary', 420],
      ['DEMO-S03', 'early-primary', 60],
      ['DEMO-S03', 'upper-primary', 90],
      ['DEMO-S03', 'lower-secondary', 150],
      ['DEMO-S04', 'upper-secondary', 900],
      ['DEMO-F01', 'early-primary', 12],
      ['DEMO-F01', 'upper-primary', 18],
    ];
    const ids = new Map<string, string>();
    for (const [code, band, learners] of enrolled) {
      const unit = await this.orgs.findByCode(code);
      ids.set(code, unit!.id);
      await this.enrolment.declare(actor, { schoolOrgNodeId: unit!.id, band, learners });
    }
    // Online completions: pseudonymous demo learners, spread over the days since the start.
    const within = today < period.end ? today : period.end;
    const span = Math.max(
      1,
      Math.round((Date.parse(within) - Date.parse(period.start)) / 86_400_000),
    );
    const plan: [string, GradeBand, number, string[]][] = [
      ['DEMO-S01', 'early-primary', 96, ['ep-kind-online']],
      ['DEMO-S01', 'upper-primary', 140, ['up-online-friends', 'up-strong-passwords']],
      ['DEMO-S01', 'upper-primary', 20, ['up-online-friends']],
      ['DEMO-S02', 'lower-secondary', 210, ['ls-digital-footprint']],
      ['DEMO-S04', 'upper-secondary', 310, ['us-ai-and-misinformation']],
    ];
    let n = 0;
    for (const [code, band, learners, modules] of plan) {
      for (let i = 0; i < learners; i++) {
        for (const moduleId of modules) {
          n++;
          const day = addDays(period.start, (i * 7 + moduleId.length) % span);
          await this.deliveries.recordCompletionNow({
            schoolOrgNodeId: ids.get(code)!,
            moduleId,
            band,
            learnerKey: `demo:${code}:${band}:${i}`,
            completedAt: new Date(`${day}T09:30:00+07:00`),
            scorePercent: 60 + ((i * 13) % 41),
          });
        }
      }
    }
    await this.deliveries.recordOfflineSession(actor, {
      schoolOrgNodeId: ids.get('DEMO-F01')!,
      heldOn: addDays(period.start, Math.min(20, span)),
      band: 'early-primary',
      grades: [1, 2],
      topic: 'Không nói chuyện với người lạ trên mạng',
      participants: 12,
      evidenceNote: 'Danh sách tham dự do cán bộ trung tâm lưu; ảnh buổi sinh hoạt.',
    });
    await this.reports.submit(
      actor,
      campaign.id,
      ids.get('DEMO-S01')!,
      'Đã dạy đủ bài cho khối 1–5; 20 em lớp 5 còn thiếu một bài.',
    );
    this.logger.log({ msg: 'demo coverage ready', campaignId: campaign.id, completions: n });
  }

  // ---- parent channel (@lib/messaging) -------------------------------------------------------

  /**
   * Demo parents of pseudonymous demo pupils at the demo primary school, with consent, and a
   * school announcement in their inbox. Their sign-in links are published on /parents/sign-in
   * only while DEMO_SEED is on (never in production, where DEMO_SEED is refused).
   */
  private async seedParents(): Promise<void> {
    const school = await this.orgs.findByCode('DEMO-S01');
    if (!school) {
      return;
    }
    const actor = { type: 'system' as const, id: null };
    for (const [i, d] of DEMO_PARENTS.entries()) {
      const existing = await this.parents.findContact(d.kind, d.contact);
      let parentId = existing?.parentId;
      if (!parentId) {
        parentId = (
          await this.parents.create(
            { name: d.name, lang: d.lang, channel: d.kind === 'email' ? 'email' : 'inbox' },
            actor,
          )
        ).id;
        await this.parents.setContact(parentId, d.kind, d.contact, actor, { verified: true });
        await this.parents.link(
          {
            parentId,
            studentId: d.studentId,
            schoolOrgNodeId: school.id,
            classId: null,
            relation: d.relation,
            source: 'import',
          },
          actor,
        );
        for (const purpose of ['messages', 'progress'] as const) {
          await this.parentConsent.grant(
            {
              parentId,
              studentId: d.studentId,
              purpose,
              via: 'web',
              lang: d.lang,
              recordedBy: parentId,
            },
            actor,
          );
        }
      }
      const contact = await this.parents.findContact(d.kind, d.contact);
      await this.parentAuth.createLink(parentId, contact!.id, {
        demo: true,
        token: this.parentAuth.demoToken(i + 1),
      });
    }
    await this.parentMessages.compose({
      schoolOrgNodeId: school.id,
      kind: 'announcement',
      audience: { type: 'school' },
      subjectVi: 'Chào mừng quý phụ huynh đến với SafeNest',
      bodyVi:
        'Nhà trường sẽ gửi thông báo, lịch học và thư gửi gia đình sau mỗi bài học an toàn trên mạng qua hộp thư này.\n\nQuý phụ huynh có thể chọn nhận tin ngay, nhận bản tóm tắt mỗi ngày, hoặc chỉ xem trên web.',
      subjectEn: 'Welcome to SafeNest, parents',
      bodyEn:
        'The school will send announcements, timetables and a family note after each online-safety lesson to this inbox.\n\nYou can get messages at once, as a daily summary, or only on the web.',
      author: { type: 'account', id: null, name: school.name },
      dedupeKey: 'demo:parents-welcome',
    });
  }

  get enabled(): boolean {
    return this.config.demoSeed;
  }
}
