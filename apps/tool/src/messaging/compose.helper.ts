import { Lang } from '@lib/core';
import {
  ComposeInput,
  ComposeService,
  MessageEntity,
  MessageRendererService,
} from '@lib/messaging';
import { checked, str } from './messaging-web.util';

type Form = Record<string, string | undefined>;

/** An announcement from the compose form (both languages optional, one needed). */
export function buildAnnouncement(
  body: Form,
  base: Pick<ComposeInput, 'schoolOrgNodeId' | 'audience' | 'author'>,
): ComposeInput {
  const when = str(body.scheduled_at).trim();
  // The form's datetime-local is Vietnam time.
  const scheduledAt = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(when)
    ? new Date(`${when}:00+07:00`)
    : null;
  return {
    ...base,
    kind: 'announcement',
    subjectVi: str(body.subject_vi),
    bodyVi: str(body.body_vi),
    subjectEn: str(body.subject_en),
    bodyEn: str(body.body_en),
    urgent: checked(body.urgent),
    scheduledAt,
  };
}

export interface Preview {
  recipients: number;
  urgent: boolean;
  scheduledAt: string | null;
  languages: { lang: Lang; label: string; subject: string; html: string; sms: string }[];
}

/** What parents would get, per language, and how many parents the audience reaches now. */
export async function previewOf(
  input: ComposeInput,
  compose: ComposeService,
  renderer: MessageRendererService,
): Promise<Preview> {
  const draft = {
    id: '00000000-0000-4000-8000-000000000000',
    schoolOrgNodeId: input.schoolOrgNodeId,
    kind: input.kind,
    audienceType: input.audience.type,
    audienceGrade: input.audience.grade ?? null,
    audienceClassId: input.audience.classId ?? null,
    threadId: null,
    studentId: null,
    audienceParentId: null,
    subjectVi: input.subjectVi ?? null,
    bodyVi: input.bodyVi ?? null,
    subjectEn: input.subjectEn ?? null,
    bodyEn: input.bodyEn ?? null,
    data: null,
    urgent: Boolean(input.urgent),
    scheduledAt: input.scheduledAt ?? null,
    status: 'scheduled',
    authorType: input.author.type,
    authorId: input.author.id,
    authorName: input.author.name,
    recipientCount: 0,
    dedupeKey: null,
    createdAt: new Date(),
    sentAt: null,
  } as MessageEntity;
  const prepared = await renderer.prepare(draft, false);
  const langs: Lang[] = [];
  if (input.subjectVi && input.bodyVi) {
    langs.push('vi');
  }
  if (input.subjectEn && input.bodyEn) {
    langs.push('en');
  }
  return {
    recipients: await compose.countAudience(input),
    urgent: Boolean(input.urgent),
    scheduledAt: input.scheduledAt
      ? new Intl.DateTimeFormat('vi-VN', {
          timeZone: 'Asia/Ho_Chi_Minh',
          dateStyle: 'medium',
          timeStyle: 'short',
        }).format(input.scheduledAt)
      : null,
    languages: langs.map((lang) => {
      const c = prepared.content(lang);
      return {
        lang,
        label: lang === 'vi' ? 'Tiếng Việt' : 'English',
        subject: c.mail.subject,
        html: c.mail.contentHtml,
        sms: c.sms,
      };
    }),
  };
}
