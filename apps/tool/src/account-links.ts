import { AccountLinks, I18n, Role } from '@lib/core';

/*
 * Where each role goes from its account page after signing in (core's /account lists these).
 * Teachers and pupils come in from the LMS; these are the pages of the people who sign in here.
 */
I18n.register({
  vi: {
    'account.coverage': 'Độ phủ chương trình',
    'account.coverage.hint':
      'Các đợt tuyên truyền, yêu cầu theo lứa tuổi và độ phủ của từng trường, xã, tỉnh; báo cáo gửi cấp trên.',
    'account.messaging': 'Kênh nhà trường – phụ huynh',
    'account.messaging.hint': 'Thông báo, trao đổi với phụ huynh, danh sách phụ huynh và đồng ý.',
    'account.concerns': 'Báo cáo lo ngại',
    'account.concerns.hint': 'Hàng đợi báo cáo của trường: khẩn cấp trước, hạn xử lý, chuyển tiếp.',
    'account.indicators': 'Chỉ số kênh báo cáo lo ngại',
    'account.indicators.hint': 'Số báo cáo và tỷ lệ xử lý đúng hạn, không có nội dung báo cáo.',
    'account.import': 'Nhập danh sách đơn vị',
    'account.import.hint': 'Nhập trường, xã, tỉnh từ tệp CSV, có báo lỗi theo dòng và cột.',
  },
  en: {
    'account.coverage': 'Programme coverage',
    'account.coverage.hint':
      'Campaigns, requirements per age band and the coverage of each school, commune and province; reports to the level above.',
    'account.messaging': 'School–parent channel',
    'account.messaging.hint': 'Announcements, threads with parents, the parent list and consent.',
    'account.concerns': 'Concern reports',
    'account.concerns.hint': "The school's queue: urgent first, deadlines, escalation.",
    'account.indicators': 'Concern channel indicators',
    'account.indicators.hint': 'Report counts and the share handled in time, never their content.',
    'account.import': 'Import organisations',
    'account.import.hint':
      'Schools, communes and provinces from a CSV file, errors by line and column.',
  },
});

AccountLinks.register(
  {
    roles: [Role.OFFICIAL, Role.SCHOOL_ADMIN, Role.SYSTEM_ADMIN],
    href: '/coverage',
    label: 'account.coverage',
    hint: 'account.coverage.hint',
  },
  {
    roles: [Role.SCHOOL_ADMIN, Role.SYSTEM_ADMIN],
    href: '/messaging/admin',
    label: 'account.messaging',
    hint: 'account.messaging.hint',
  },
  {
    roles: [Role.SAFEGUARDING_LEAD],
    href: '/safeguarding',
    label: 'account.concerns',
    hint: 'account.concerns.hint',
  },
  {
    roles: [Role.OFFICIAL, Role.SCHOOL_ADMIN, Role.SYSTEM_ADMIN],
    href: '/safeguarding/indicators',
    label: 'account.indicators',
    hint: 'account.indicators.hint',
  },
  {
    roles: [Role.OFFICIAL, Role.SYSTEM_ADMIN],
    href: '/coverage/orgs/import',
    label: 'account.import',
    hint: 'account.import.hint',
  },
);
