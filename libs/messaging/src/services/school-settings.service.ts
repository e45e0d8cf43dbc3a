import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { SchoolSettingsEntity } from '../entities/thread.entities';
import { PARENT_TIMEZONE } from '../messaging.constants';
import { MessagingErrorCode, MessagingException } from '../messaging.exception';
import { parseHhMm } from '../util/time.util';

export type SchoolSettings = Pick<SchoolSettingsEntity, 'timezone' | 'quietStart' | 'quietEnd'>;

export const DEFAULT_SCHOOL_SETTINGS: SchoolSettings = {
  timezone: PARENT_TIMEZONE,
  quietStart: '21:00',
  quietEnd: '06:30',
};

/** Quiet hours per school (no notifications then, except urgent ones). */
@Injectable()
export class SchoolSettingsService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async get(schoolOrgNodeId: string): Promise<SchoolSettings> {
    const row = await this.dataSource
      .getRepository(SchoolSettingsEntity)
      .findOne({ where: { schoolOrgNodeId } });
    return row ?? DEFAULT_SCHOOL_SETTINGS;
  }

  async update(schoolOrgNodeId: string, input: Partial<SchoolSettings>): Promise<SchoolSettings> {
    const current = await this.get(schoolOrgNodeId);
    const next = { ...current, ...input };
    if (parseHhMm(next.quietStart) === undefined || parseHhMm(next.quietEnd) === undefined) {
      throw new MessagingException(MessagingErrorCode.SETTINGS_INVALID, 'Quiet hours HH:MM.');
    }
    try {
      new Intl.DateTimeFormat('en', { timeZone: next.timezone });
    } catch {
      throw new MessagingException(MessagingErrorCode.SETTINGS_INVALID, 'Unknown time zone.');
    }
    await this.dataSource
      .getRepository(SchoolSettingsEntity)
      .upsert({ schoolOrgNodeId, ...next }, ['schoolOrgNodeId']);
    return next;
  }
}
