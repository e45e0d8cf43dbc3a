import { I18n, Lang } from '@lib/core';
import {
  ConcernCategory,
  ContactMethod,
  FieldProblem,
  FormTone,
  ReporterRelation,
} from '@lib/safeguarding';

/** A text in the tone of the form: `key.<tone>` when it exists, else `key`. */
export function tonedText(
  lang: Lang,
  tone: FormTone,
  key: string,
  params?: Record<string, string | number>,
): string {
  const toned = `${key}.${tone}`;
  return I18n.t(lang, I18n.has(lang, toned) || I18n.has('en', toned) ? toned : key, params);
}

const WHENS = ['today', 'yesterday', 'this_week', 'earlier', 'ongoing'];

export interface Option {
  value: string;
  label: string;
  checked: boolean;
  id: string;
}

/** Everything the help form template shows, resolved for the language and the tone. */
export function helpFormModel(
  lang: Lang,
  tone: FormTone,
  opts: {
    fromPlayer: boolean;
    values: Record<string, unknown>;
    problems: FieldProblem[];
    launchName?: string;
    maxDescription: number;
  },
): Record<string, unknown> {
  const t = (key: string, params?: Record<string, string | number>): string =>
    tonedText(lang, tone, key, params);
  const v = (k: string): string => (typeof opts.values[k] === 'string' ? opts.values[k] : '');
  const option = (name: string, value: string, label: string, fallback = false): Option => ({
    value,
    label,
    id: `${name}-${value}`,
    checked: v(name) ? v(name) === value : fallback,
  });
  const relations = opts.fromPlayer
    ? [ReporterRelation.SELF, ReporterRelation.FRIEND, ReporterRelation.OTHER]
    : [
        ReporterRelation.PARENT,
        ReporterRelation.RELATIVE,
        ReporterRelation.TEACHER,
        ReporterRelation.FRIEND,
        ReporterRelation.SELF,
        ReporterRelation.OTHER,
      ];
  const contacts = opts.fromPlayer
    ? [ContactMethod.NONE, ContactMethod.AT_SCHOOL, ContactMethod.EMAIL, ContactMethod.PHONE]
    : [ContactMethod.NONE, ContactMethod.EMAIL, ContactMethod.PHONE];
  const errors: Record<string, string> = {};
  for (const p of opts.problems) {
    errors[p.field] ??= I18n.t(lang, `sgp.problem.${p.reason}`, { max: p.max ?? 0 });
  }
  return {
    tone,
    fromPlayer: opts.fromPlayer,
    txt: Object.fromEntries(
      [
        'title',
        'intro',
        'who',
        'danger.legend',
        'danger.yes',
        'danger.no',
        'danger.hint',
        'what.legend',
        'relation.legend',
        'description.label',
        'platform.label',
        'url.label',
        'noImages.title',
        'noImages',
        'when.label',
        'when.unset',
        'involved.label',
        'contact.legend',
        'contact.name',
        'contact.email.label',
        'contact.phone.label',
        'contact.note.label',
        'contact.privacy',
        'submit',
        'back',
        'errors.title',
      ].map((k) => [k.replace(/\./g, '_'), t(`sgp.${k}`)]),
    ),
    descriptionHint: t('sgp.description.hint', { max: opts.maxDescription }),
    nameHint: opts.launchName
      ? I18n.t(lang, 'sgp.contact.nameHint', { name: opts.launchName })
      : '',
    danger: {
      yes: ['yes', 'true', 'on'].includes(v('imminentDanger')),
      no: v('imminentDanger') === 'no',
    },
    categories: Object.values(ConcernCategory).map((c) =>
      option('category', c, t(`sgp.what.${c}`)),
    ),
    relations: relations.map((r, i) =>
      option('relation', r, t(`sgp.relation.${r}`), opts.fromPlayer && i === 0),
    ),
    whens: WHENS.map((w) => ({
      value: w,
      label: I18n.t(lang, `sgp.when.${w}`),
      selected: v('when') === w,
    })),
    contacts: contacts.map((c, i) => option('contactMethod', c, t(`sgp.contact.${c}`), i === 0)),
    values: opts.values,
    errors,
    errorList: opts.problems
      .filter((p, i, all) => all.findIndex((x) => x.field === p.field) === i)
      .map((p) => ({
        field: p.field,
        label: I18n.t(lang, `sgp.field.${p.field}`),
        message: errors[p.field],
      })),
    maxDescription: opts.maxDescription,
  };
}

/** "3 h 15 min" in the page language. */
export function durationText(lang: Lang, minutes: number): string {
  const abs = Math.abs(minutes);
  const d = Math.floor(abs / 1440);
  const h = Math.floor((abs % 1440) / 60);
  const m = abs % 60;
  if (d > 0) {
    return I18n.t(lang, 'sgp.duration.dhm', { d, h });
  }
  if (h > 0) {
    return I18n.t(lang, 'sgp.duration.hm', { h, m });
  }
  return I18n.t(lang, 'sgp.duration.m', { m });
}
