import type { AssessmentItem, Language, ScenarioItem } from '@lib/curricula';
import { PlatformRegistry, SandboxService, SandboxUser } from '@lib/lti';
import { randomBytes } from 'node:crypto';
import type { Tenant } from './fixtures';
import type { TestTool } from './test-app';

export interface PlayerClass {
  classId: string;
  title: string;
  teacher: SandboxUser;
  admin: SandboxUser;
  students: SandboxUser[];
}

/**
 * Waits for the sandbox LMS to register with this tool, and binds its deployment to the
 * tenant's ministry so classes reach their school through the `school_code` they carry
 * (the way a province-wide LMS is set up).
 */
export async function bindSandbox(tool: TestTool, tenant: Tenant): Promise<SandboxService> {
  const sandbox = tool.get<SandboxService>(SandboxService);
  await sandbox.ready;
  const registered = await sandbox.currentTool();
  if (!registered) {
    throw new Error('sandbox not registered');
  }
  const platforms = tool.get<PlatformRegistry>(PlatformRegistry);
  const [platform] = await platforms.byIssuer(sandbox.issuer, registered.clientId);
  await platforms.bindDeployment(platform.id, registered.deploymentId, tenant.ministry.code);
  return sandbox;
}

/** A sandbox class at the tenant's school with a teacher, a school admin and `students` learners. */
export async function createPlayerClass(
  sandbox: SandboxService,
  tenant: Tenant,
  students = 3,
): Promise<PlayerClass> {
  const label = `C${randomBytes(2).toString('hex')}`;
  const made = await sandbox.createClass({
    schoolCode: tenant.school.code,
    label,
    title: `Class ${label}`,
    students,
  });
  return {
    classId: made.cls.id,
    title: made.cls.title,
    teacher: made.teacher,
    admin: made.admin,
    students: made.students,
  };
}

/** A cookie jar good enough for the launch's one state cookie. */
class Jar {
  private readonly cookies = new Map<string, string>();

  take(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair.indexOf('=');
      this.cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
  }

  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

const decode = (s: string): string =>
  s
    .replace(/&#x3D;/g, '=')
    .replace(/&quot;/g, '"')
    .replace(/&#x27;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/**
 * A real LTI 1.3 launch from the sandbox LMS, driven over HTTP the way a browser would go
 * (LMS → login initiation → LMS auth → form post of the id_token → tool), returning where
 * the tool sends the user: `/play/<module>?lt=…` or `/teach/…?lt=…`.
 */
export async function launchFromSandbox(
  tool: TestTool,
  input: { classId: string; userId: string; linkId?: string; locale?: string },
): Promise<{ location: string; lt: string }> {
  const jar = new Jar();
  const params = new URLSearchParams({ class: input.classId, user: input.userId });
  if (input.linkId) {
    params.set('link', input.linkId);
  }
  if (input.locale) {
    params.set('locale', input.locale);
  }
  let res = await fetch(`${tool.url}/sandbox/launch?${params}`, { redirect: 'manual' });
  let next = new URL(res.headers.get('location') ?? '', tool.url).toString();
  res = await fetch(next, { redirect: 'manual' });
  jar.take(res);
  next = new URL(res.headers.get('location') ?? '', tool.url).toString();
  res = await fetch(next, { redirect: 'manual', headers: { cookie: jar.header() } });
  const html = await res.text();
  const action = /action='([^']+)'/.exec(html)?.[1];
  const fields = [...html.matchAll(/name='([^']+)' value='([^']*)'/g)].map((m) => [
    m[1],
    decode(m[2]),
  ]);
  if (!action || fields.length === 0) {
    throw new Error(
      `sandbox auth did not answer with a form (${res.status}): ${html.slice(0, 300)}`,
    );
  }
  res = await fetch(new URL(decode(action), tool.url), {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(Object.fromEntries(fields)).toString(),
  });
  // A learner's launch answers with the lesson's first page and names it (ADR 0107); a
  // teacher's or admin's launch redirects to their page.
  const location =
    res.status === 200 ? res.headers.get('content-location') : res.headers.get('location');
  if ((res.status !== 200 && res.status !== 303) || !location) {
    throw new Error(`launch failed with ${res.status}: ${(await res.text()).slice(0, 500)}`);
  }
  const lt = new URL(location, tool.url).searchParams.get('lt') ?? '';
  return { location, lt };
}

// ---- answering the player's pages over HTTP ---------------------------------------------------

export const decodeHtml = (s: string): string =>
  s
    .replace(/&#x3D;/g, '=')
    .replace(/&quot;/g, '"')
    .replace(/&#x27;/g, "'")
    .replace(/&#x60;/g, '`')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

export type AnswerMode = 'correct' | 'wrong';

/** Ordering rows of a question page: step text → its public token. */
function orderingTokens(html: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of html.matchAll(
    /class="order-text">([^<]*)<\/label>\s*<select name="pos_([^"]+)"/g,
  )) {
    out.set(decodeHtml(m[1]), m[2]);
  }
  return out;
}

/** Matching selects of a question page: left id → (right text → token). */
function matchingTokens(html: string): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  for (const m of html.matchAll(/<select name="match_([^"]+)"[^>]*>([\s\S]*?)<\/select>/g)) {
    const options = new Map<string, string>();
    for (const o of m[2].matchAll(/<option value="([^"]+)"[^>]*>([^<]*)<\/option>/g)) {
      options.set(decodeHtml(o[2]), o[1]);
    }
    out.set(m[1], options);
  }
  return out;
}

/** The form fields a pupil would send for a (non-scenario) question, reading the page like they do. */
export function answerFields(
  item: AssessmentItem,
  html: string,
  lang: Language,
  mode: AnswerMode,
): Record<string, string | string[]> {
  switch (item.type) {
    case 'single': {
      const right = item.options.find((o) => o.correct)!;
      const wrong =
        item.options.find((o) => !o.correct && o.misconception) ??
        item.options.find((o) => !o.correct)!;
      return { answer: (mode === 'correct' ? right : wrong).id };
    }
    case 'multiple': {
      if (mode === 'correct') {
        return { answer: item.options.filter((o) => o.correct).map((o) => o.id) };
      }
      const wrong =
        item.options.find((o) => !o.correct && o.misconception) ??
        item.options.find((o) => !o.correct)!;
      return { answer: [wrong.id] };
    }
    case 'truefalse':
      return { answer: String(mode === 'correct' ? item.answer : !item.answer) };
    case 'ordering': {
      const tokens = orderingTokens(html);
      const steps = mode === 'correct' ? item.steps : [...item.steps].reverse();
      return Object.fromEntries(
        steps.map((s, i) => [`pos_${tokens.get(s.text[lang])}`, String(i + 1)]),
      );
    }
    case 'matching': {
      const selects = matchingTokens(html);
      return Object.fromEntries(
        item.pairs.map((pair, i) => {
          const target = mode === 'correct' ? pair : item.pairs[(i + 1) % item.pairs.length];
          return [`match_${pair.id}`, selects.get(pair.id)?.get(target.right[lang]) ?? ''];
        }),
      );
    }
    case 'scenario':
      return {};
  }
}

/** The choices a pupil takes through a story: always the best (or always the riskiest) one. */
export function scenarioPath(item: ScenarioItem, mode: AnswerMode): string[] {
  const nodes = new Map(item.nodes.map((n) => [n.id, n]));
  const path: string[] = [];
  let node = nodes.get(item.start);
  while (node) {
    const sorted = [...node.choices].sort((a, b) =>
      mode === 'correct' ? b.score - a.score : a.score - b.score,
    );
    const choice = sorted[0];
    path.push(choice.id);
    node = choice.next ? nodes.get(choice.next) : undefined;
  }
  return path;
}

export interface Page {
  status: number;
  text: string;
  location: string | null;
}

/** A pupil (or teacher) in the player, over plain HTTP: no cookies, the launch token in every request. */
export class PlayerClient {
  /** Every HTML page fetched, for checks over all of them. */
  readonly pages: Array<{ url: string; html: string }> = [];

  constructor(
    private readonly tool: TestTool,
    readonly lt: string,
    readonly lang: Language = 'vi',
  ) {}

  get q(): string {
    return `lt=${encodeURIComponent(this.lt)}&lang=${this.lang}`;
  }

  async get(path: string): Promise<Page> {
    const url = path.includes('lt=') ? path : `${path}${path.includes('?') ? '&' : '?'}${this.q}`;
    const res = await this.tool.http.get(url).set('Accept', 'text/html');
    if ((res.headers['content-type'] ?? '').includes('text/html')) {
      this.pages.push({ url, html: res.text });
    }
    return { status: res.status, text: res.text, location: res.headers.location ?? null };
  }

  async post(path: string, fields: Record<string, string | string[]> = {}): Promise<Page> {
    const body = new URLSearchParams();
    body.set('lt', this.lt);
    body.set('lang', this.lang);
    for (const [k, v] of Object.entries(fields)) {
      for (const value of ([] as string[]).concat(v)) {
        body.append(k, value);
      }
    }
    const res = await this.tool.http
      .post(path)
      .set('Accept', 'text/html')
      .type('form')
      .send(body.toString());
    return { status: res.status, text: res.text, location: res.headers.location ?? null };
  }

  /** Starts (or resumes) the module; returns the attempt id and the step it opened at. */
  async start(moduleId: string): Promise<{ attemptId: string; step: number }> {
    const res = await this.post(`/play/${moduleId}/start`);
    const m = /\/play\/attempt\/([0-9a-f-]{36})\/(\d+)/.exec(res.location ?? '');
    if (res.status !== 303 || !m) {
      throw new Error(`start failed: ${res.status} ${res.text.slice(0, 300)}`);
    }
    return { attemptId: m[1], step: Number(m[2]) };
  }

  /**
   * Goes through every step of an attempt (pages, then questions, then the review) answering
   * each question as `mode` says; returns the review page.
   */
  async answerAll(
    attemptId: string,
    items: AssessmentItem[],
    pages: number,
    mode: AnswerMode | ((item: AssessmentItem) => AnswerMode),
  ): Promise<Page> {
    for (let n = 1; n <= pages; n++) {
      const page = await this.get(`/play/attempt/${attemptId}/${n}`);
      expect(page.status).toBe(200);
    }
    for (const [i, item] of items.entries()) {
      const n = pages + i + 1;
      const how = typeof mode === 'function' ? mode(item) : mode;
      const page = await this.get(`/play/attempt/${attemptId}/${n}`);
      expect(page.status).toBe(200);
      if (item.type === 'scenario') {
        for (const choice of scenarioPath(item, how)) {
          const res = await this.post(`/play/attempt/${attemptId}/${n}`, { go: 'choose', choice });
          expect(res.status).toBe(303);
          await this.get(`/play/attempt/${attemptId}/${n}`);
        }
        await this.post(`/play/attempt/${attemptId}/${n}`, { go: 'next' });
        continue;
      }
      const res = await this.post(`/play/attempt/${attemptId}/${n}`, {
        ...answerFields(item, page.text, this.lang, how),
        go: 'next',
      });
      expect(res.status).toBe(303);
      expect(res.location).toContain(`/play/attempt/${attemptId}/${n + 1}?`);
    }
    return this.get(`/play/attempt/${attemptId}/${pages + items.length + 1}`);
  }

  async submit(attemptId: string): Promise<Page> {
    const res = await this.post(`/play/attempt/${attemptId}/submit`);
    expect(res.status).toBe(303);
    return this.get(`/play/attempt/${attemptId}/result`);
  }
}
