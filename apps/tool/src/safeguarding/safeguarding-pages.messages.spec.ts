import { I18n } from '@lib/core';
import {
  AuditAction,
  AuditActorKind,
  ConcernCategory,
  ConcernSource,
  ConcernState,
  ContactMethod,
  ReferralTarget,
  ReporterRelation,
  SafeguardingErrorCode,
} from '@lib/safeguarding';
import * as fs from 'node:fs';
import * as path from 'node:path';
import './safeguarding-pages.messages';

const ours = (lang: 'vi' | 'en') =>
  I18n.keys(lang).filter((k) => /^(sg|sgp)\./.test(k) || k.startsWith('errors.SG_'));
const params = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('concern channel texts (vi + en)', () => {
  it('has every key in both languages, with the same placeholders', () => {
    const vi = ours('vi');
    const en = ours('en');
    expect(vi.filter((k) => !en.includes(k))).toEqual([]);
    expect(en.filter((k) => !vi.includes(k))).toEqual([]);
    const mismatched = vi.filter(
      (k) => params(I18n.t('vi', k)).join() !== params(I18n.t('en', k)).join(),
    );
    expect(mismatched).toEqual([]);
  });

  it('labels every state, category, referral, relation, contact, source, audit action and error', () => {
    const needed = [
      ...Object.values(ConcernState).map((v) => `sg.state.${v}`),
      ...Object.values(ConcernState).map((v) => `sgp.status.${v}`),
      ...Object.values(ConcernCategory).map((v) => `sg.category.${v}`),
      ...Object.values(ReferralTarget).map((v) => `sg.referral.${v}`),
      ...Object.values(ReporterRelation).map((v) => `sg.relation.${v}`),
      ...Object.values(ContactMethod).map((v) => `sg.contact.${v}`),
      ...Object.values(ConcernSource).map((v) => `sg.source.${v}`),
      ...Object.values(AuditAction).map((v) => `sg.audit.${v}`),
      ...Object.values(AuditActorKind).map((v) => `sgp.actor.${v}`),
      ...Object.values(SafeguardingErrorCode).map((v) => `errors.${v}`),
    ];
    for (const lang of ['vi', 'en'] as const) {
      expect(needed.filter((k) => !I18n.has(lang, k))).toEqual([]);
    }
  });

  it('has every text the templates ask for, in both languages', () => {
    const dir = path.join(__dirname, 'templates');
    const files = [
      ...fs.readdirSync(dir).filter((f) => f.endsWith('.hbs')),
      ...fs.readdirSync(path.join(dir, 'partials')).map((f) => `partials/${f}`),
    ];
    const keys = new Set<string>();
    for (const f of files) {
      for (const m of fs.readFileSync(path.join(dir, f), 'utf8').matchAll(/\{\{t "([^"]+)"/g)) {
        keys.add(m[1]);
      }
    }
    expect(keys.size).toBeGreaterThan(50);
    for (const lang of ['vi', 'en'] as const) {
      expect([...keys].filter((k) => !I18n.has(lang, k))).toEqual([]);
    }
  });
});
