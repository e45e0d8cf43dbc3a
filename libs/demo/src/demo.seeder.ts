import { AppConfig, AuthService, InjectConfig, Role } from '@lib/core';
import { OrgsService, OrgType, SchoolLevel } from '@lib/orgs';
import { Injectable, Logger } from '@nestjs/common';

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

@Injectable()
export class DemoSeeder {
  private readonly logger = new Logger(DemoSeeder.name);

  constructor(
    private readonly orgs: OrgsService,
    private readonly auth: AuthService,
    @InjectConfig() private readonly config: AppConfig,
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
    this.logger.log({
      msg: 'demo data ready',
      orgs: DEMO_ORGS.length,
      accounts: DEMO_ACCOUNTS.length,
    });
  }

  get enabled(): boolean {
    return this.config.demoSeed;
  }
}
