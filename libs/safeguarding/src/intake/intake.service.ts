import { OrgsService } from '@lib/orgs';
import { Injectable } from '@nestjs/common';
import { canonicalJson } from '../audit/audit-chain.util';
import { ConcernReportsService } from '../concern-reports.service';
import {
  INTAKE_LIMIT,
  INTAKE_REPORTS_PER_MINUTE,
  ReportFloodLimiter,
} from '../report-flood.limiter';
import { isHttpUrl, looksLikeImageData } from '../report-input.util';
import { ConcernSource, ContactMethod, ReporterRelation } from '../safeguarding.constants';
import { SafeguardingErrorCode, SafeguardingException } from '../safeguarding.exception';
import { IntakeKeysService } from './intake-keys.service';
import { IntakeReportBody, SchemaProblem, validateIntakeBody } from './intake-schema';

export { INTAKE_REPORTS_PER_MINUTE };

export interface IntakeResult {
  status: 201 | 200;
  body: { id: string; status: 'received'; duplicate: boolean; receivedAt: string };
}

/** The intake API: authenticate the key, limit it, validate, check scope, file the report. */
@Injectable()
export class IntakeService {
  constructor(
    private readonly keys: IntakeKeysService,
    private readonly reports: ConcernReportsService,
    private readonly orgs: OrgsService,
    private readonly flood: ReportFloodLimiter,
  ) {}

  async file(authorization: string | undefined, body: unknown): Promise<IntakeResult> {
    const key = await this.keys.authenticate(authorization);
    const wait = await this.flood.consume(INTAKE_LIMIT, key.id);
    if (wait !== null) {
      throw new SafeguardingException(
        SafeguardingErrorCode.SG_API_RATE_LIMITED,
        `At most ${INTAKE_REPORTS_PER_MINUTE} reports per minute per key.`,
        { retryAfterSeconds: wait },
      );
    }
    const problems = validateIntakeBody(body);
    const b = body as IntakeReportBody;
    if (problems.length === 0) {
      problems.push(...extraChecks(b));
    }
    if (problems.length > 0) {
      throw new SafeguardingException(
        SafeguardingErrorCode.SG_INVALID_REPORT,
        'The report does not match the schema.',
        { problems },
      );
    }
    const school = await this.reports.schoolFor({ code: b.schoolCode });
    const scopePath = await this.orgs.pathOf(key.scopeOrgNodeId);
    if (!scopePath || !school.path.startsWith(scopePath)) {
      throw new SafeguardingException(
        SafeguardingErrorCode.SG_API_SCOPE,
        'This key may not file reports for that school.',
        { schoolCode: b.schoolCode },
      );
    }
    const created = await this.reports.create({
      source: ConcernSource.SERVICE,
      schoolOrgNodeId: school.id,
      lang: b.language ?? 'vi',
      idempotencyKey: `api:${key.id}:${b.reportId}`,
      requestBody: canonicalJson(b),
      intakeKey: { id: key.id, name: key.name, pupilReference: b.pupilReference?.trim() },
      input: {
        category: b.category,
        imminentDanger: b.imminentDanger ?? false,
        description: (b.description ?? '').trim(),
        platform: (b.platform ?? '').trim(),
        url: (b.contentUrl ?? '').trim(),
        when: b.occurredAt ?? '',
        involved: (b.involved ?? '').trim(),
        relation: ReporterRelation.SERVICE,
        contactMethod: b.contact ? ContactMethod.EMAIL : ContactMethod.NONE,
        email: b.contact?.email.toLowerCase() ?? '',
        phone: '',
        contactNote: '',
        reporterName: '',
      },
    });
    return {
      status: created.duplicate ? 200 : 201,
      body: {
        id: created.report.id,
        status: 'received',
        duplicate: created.duplicate,
        receivedAt: created.report.receivedAt.toISOString(),
      },
    };
  }
}

function extraChecks(b: IntakeReportBody): SchemaProblem[] {
  const out: SchemaProblem[] = [];
  if (b.contentUrl && !isHttpUrl(b.contentUrl)) {
    out.push({
      path: '/contentUrl',
      message: looksLikeImageData(b.contentUrl)
        ? 'must be a link, not image data: SafeNest never accepts images'
        : 'must be an http(s) URL',
    });
  }
  for (const field of ['description', 'involved', 'platform'] as const) {
    if (b[field] && looksLikeImageData(b[field])) {
      out.push({ path: `/${field}`, message: 'must not contain image data: send a link only' });
    }
  }
  return out;
}
