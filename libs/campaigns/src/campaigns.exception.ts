import { DomainException } from '@lib/core';

export enum CampaignsErrorCode {
  CAMPAIGN_NOT_FOUND = 'CAMPAIGN_NOT_FOUND',
  CAMPAIGN_INVALID = 'CAMPAIGN_INVALID',
  CAMPAIGN_SCOPE_INVALID = 'CAMPAIGN_SCOPE_INVALID',
}

function statusOf(code: CampaignsErrorCode): number {
  switch (code) {
    case CampaignsErrorCode.CAMPAIGN_NOT_FOUND:
      return 404;
    case CampaignsErrorCode.CAMPAIGN_INVALID:
    case CampaignsErrorCode.CAMPAIGN_SCOPE_INVALID:
      return 400;
  }
}

export class CampaignsException extends DomainException {
  constructor(code: CampaignsErrorCode, message: string, details?: Record<string, unknown>) {
    super(code, message, statusOf(code), details);
  }
}
