import { Lang } from '@lib/core';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ContactKind, LinkRelation, ParentChannel } from '../entities/parent.entities';
import { MessagingErrorCode, MessagingException } from '../messaging.exception';
import { normalizeEmail, normalizePhone } from '../util/contact.util';
import { ConsentService } from './consent.service';
import { InvitesService } from './invites.service';
import { ParentAuthService } from './parent-auth.service';
import { ParentsService } from './parents.service';

export interface JoinInput {
  code: string;
  name?: string;
  email?: string;
  phone?: string;
  zalo?: string;
  relation?: LinkRelation;
  lang: Lang;
  channel?: ParentChannel;
  consentMessages: boolean;
  consentProgress: boolean;
}

export interface JoinResult {
  parentId: string;
  /** A new parent is signed in at once (they hold the code); their contact still needs verifying. */
  sessionToken?: string;
  verifyKind?: ContactKind;
}

/**
 * A parent types the code a teacher gave them. New parents give a contact, which gets a
 * sign-in link to verify it (messages only go to verified contacts); parents already signed in
 * just add the child. Consent is what they ticked: unticked is no consent.
 */
@Injectable()
export class JoinService {
  private readonly logger = new Logger(JoinService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly invites: InvitesService,
    private readonly parents: ParentsService,
    private readonly consent: ConsentService,
    private readonly auth: ParentAuthService,
  ) {}

  async join(input: JoinInput, signedInParentId?: string): Promise<JoinResult> {
    const invite = await this.invites.find(input.code);
    const email = input.email?.trim() ? normalizeEmail(input.email) : undefined;
    const phone = input.phone?.trim() ? normalizePhone(input.phone) : undefined;
    const zalo = input.zalo?.trim() ? normalizePhone(input.zalo) : undefined;
    if (
      (input.email?.trim() && !email) ||
      (input.phone?.trim() && !phone) ||
      (input.zalo?.trim() && !zalo)
    ) {
      throw new MessagingException(MessagingErrorCode.CONTACT_INVALID, 'Invalid contact.');
    }
    if (!signedInParentId && !email && !phone) {
      throw new MessagingException(MessagingErrorCode.CONTACT_INVALID, 'E-mail or phone needed.');
    }
    for (const [kind, value] of [
      ['email', email],
      ['phone', phone],
      ['zalo', zalo],
    ] as const) {
      if (value) {
        const holder = await this.parents.findContact(kind, value);
        if (holder && holder.parentId !== signedInParentId) {
          // Signing in proves it is theirs; linking a child to someone else's contact must not.
          throw new MessagingException(MessagingErrorCode.CONTACT_TAKEN, 'Sign in first.', {
            kind,
          });
        }
      }
    }
    const result = await this.dataSource.transaction(async (m) => {
      const parentId =
        signedInParentId ??
        (
          await this.parents.create(
            {
              name: input.name,
              lang: input.lang,
              channel: input.channel ?? (email ? 'email' : phone ? 'sms' : 'inbox'),
            },
            { type: 'parent', id: null },
            m,
          )
        ).id;
      const actor = { type: 'parent' as const, id: parentId };
      const contacts: { kind: ContactKind; id: string; value: string }[] = [];
      for (const [kind, value] of [
        ['email', email],
        ['phone', phone],
        ['zalo', zalo],
      ] as const) {
        if (value) {
          const c = await this.parents.setContact(parentId, kind, value, actor, { manager: m });
          contacts.push({ kind, id: c.id, value });
        }
      }
      await this.invites.consume(m, invite.id);
      await this.parents.link(
        {
          parentId,
          studentId: invite.studentId,
          schoolOrgNodeId: invite.schoolOrgNodeId,
          classId: invite.classId,
          relation: input.relation ?? 'guardian',
          source: 'invite',
        },
        actor,
        m,
      );
      for (const [purpose, given] of [
        ['messages', input.consentMessages],
        ['progress', input.consentProgress],
      ] as const) {
        if (given) {
          await this.consent.grant(
            {
              parentId,
              studentId: invite.studentId,
              purpose,
              via: 'web',
              lang: input.lang,
              recordedBy: parentId,
            },
            actor,
            m,
          );
        }
      }
      return { parentId, contacts };
    });
    const out: JoinResult = { parentId: result.parentId };
    // Verify what was newly given: one link to the first contact (e-mail preferred).
    const toVerify = result.contacts.find((c) => c.kind === 'email') ?? result.contacts[0];
    if (toVerify) {
      const contact = (await this.parents.contacts(result.parentId)).find(
        (c) => c.id === toVerify.id,
      );
      if (contact && !contact.verified) {
        try {
          await this.auth.sendVerification(
            result.parentId,
            toVerify.id,
            toVerify.value,
            input.lang,
          );
          out.verifyKind = toVerify.kind;
        } catch (err) {
          this.logger.warn({
            msg: 'verification link not sent',
            parentId: result.parentId,
            err: String(err),
          });
        }
      }
    }
    if (!signedInParentId) {
      out.sessionToken = await this.auth.openSession(result.parentId);
    }
    this.logger.log({
      msg: 'parent joined by invite code',
      parentId: result.parentId,
      inviteId: invite.id,
    });
    return out;
  }
}
