import { PlatformRegistry, SandboxService, type SandboxClass, type SandboxUser } from '@lib/lti';
import { startTool, TestTool } from './test-app';

/** The tool with its sandbox LMS registered (by Dynamic Registration at start-up). */
export async function startLtiTool(
  options: Parameters<typeof startTool>[0] = {},
): Promise<TestTool & { sandbox: SandboxService; platforms: PlatformRegistry }> {
  const tool = await startTool(options);
  const sandbox = tool.get<SandboxService>(SandboxService);
  await sandbox.ready;
  return Object.assign(tool, { sandbox, platforms: tool.get<PlatformRegistry>(PlatformRegistry) });
}

export interface HttpResult {
  status: number;
  /** Where a redirect goes, or the own address of a page answered to a post (Content-Location). */
  location?: string;
  text: string;
  url: string;
}

/** A browser with a cookie jar over real HTTP (so the tool and its sandbox talk for real). */
export class TestBrowser {
  readonly cookies = new Map<string, string>();

  constructor(readonly base: string) {}

  private absolute(url: string): string {
    return url.startsWith('http') ? url : `${this.base}${url}`;
  }

  async request(
    method: 'GET' | 'POST',
    url: string,
    form?: Record<string, string | string[]>,
    headers: Record<string, string> = {},
  ): Promise<HttpResult> {
    const target = this.absolute(url);
    const body = form
      ? new URLSearchParams(
          Object.entries(form).flatMap(([k, v]) =>
            Array.isArray(v) ? v.map((x) => [k, x]) : [[k, v]],
          ),
        ).toString()
      : undefined;
    const res = await fetch(target, {
      method,
      redirect: 'manual',
      headers: {
        Accept: 'text/html',
        ...(body ? { 'Content-Type': 'application/x-www-form-urlencoded' } : {}),
        ...(this.cookies.size
          ? { Cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') }
          : {}),
        ...headers,
      },
      body,
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair, ...attrs] = c.split(';');
      const [name, ...rest] = pair.split('=');
      const expired = attrs.some((a) => /max-age=0|expires=thu, 01 jan 1970/i.test(a.trim()));
      if (expired) {
        this.cookies.delete(name.trim());
      } else {
        this.cookies.set(name.trim(), rest.join('='));
      }
    }
    // A learner's launch post answers with the lesson's page and names its address (ADR 0107).
    const location =
      res.headers.get('location') ?? res.headers.get('content-location') ?? undefined;
    return { status: res.status, location, text: await res.text(), url: target };
  }

  get(url: string): Promise<HttpResult> {
    return this.request('GET', url);
  }

  post(url: string, form: Record<string, string | string[]>): Promise<HttpResult> {
    return this.request('POST', url, form);
  }

  /** Follows redirects and auto-submitting forms (as a browser with JavaScript would). */
  async follow(
    first: HttpResult,
    stopAt: (r: HttpResult) => boolean,
    maxHops = 10,
  ): Promise<HttpResult> {
    let current = first;
    for (let hop = 0; hop < maxHops && !stopAt(current); hop++) {
      if (current.location && current.status >= 300 && current.status < 400) {
        current = await this.get(new URL(current.location, current.url).toString());
        continue;
      }
      const form = autoForm(current.text);
      if (!form) {
        break;
      }
      current = await this.post(new URL(form.action, current.url).toString(), form.fields);
    }
    return current;
  }
}

/** The fields of a page's auto-submitting form (`data-autosubmit`). */
export function autoForm(html: string): { action: string; fields: Record<string, string> } | null {
  const m = /<form[^>]*method=['"]post['"][^>]*action=['"]([^'"]+)['"][^>]*data-autosubmit/i.exec(
    html,
  );
  if (!m) {
    return null;
  }
  const fields: Record<string, string> = {};
  for (const input of html.matchAll(/<input type='hidden' name='([^']+)' value='([^']*)'/g)) {
    fields[input[1]] = decodeHtml(input[2]);
  }
  return { action: decodeHtml(m[1]), fields };
}

export function decodeHtml(s: string): string {
  return s
    .replace(/&amp;/g, '&')
    .replace(/&#x3D;/g, '=')
    .replace(/&#x27;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&#x2F;/g, '/')
    .replace(/&#x60;/g, '`');
}

/** A class in the sandbox for one test, in the given school code (sent as custom school_code). */
export async function sandboxClass(
  tool: { sandbox: SandboxService },
  schoolCode: string,
  students = 4,
): Promise<{
  cls: SandboxClass;
  teacher: SandboxUser;
  admin: SandboxUser;
  students: SandboxUser[];
}> {
  return tool.sandbox.createClass({
    schoolCode,
    label: `T-${schoolCode}`,
    title: `Test class ${schoolCode}`,
    students,
  });
}

/**
 * A whole launch as a browser does it from the sandbox: LMS → /lti/login → sandbox auth →
 * form post to /lti/launch. Returns the launch answer: a learner's lesson page itself (200,
 * `location` its own address), a 303 to the teacher's or admin's page, or a refusal.
 */
export async function launch(
  browser: TestBrowser,
  input: {
    classId: string;
    userId: string;
    linkId?: string;
    deepLinking?: boolean;
    locale?: string;
  },
): Promise<HttpResult> {
  const params = new URLSearchParams({ class: input.classId, user: input.userId });
  if (input.linkId) {
    params.set('link', input.linkId);
  }
  if (input.deepLinking) {
    params.set('dl', '1');
  }
  if (input.locale) {
    params.set('locale', input.locale);
  }
  const start = await browser.get(`/sandbox/launch?${params.toString()}`);
  return browser.follow(
    start,
    (r) => r.url.endsWith('/lti/launch') && (r.status !== 200 || r.location !== undefined),
  );
}

/** The launch token from a redirect location. */
export function ltOf(location: string | undefined): string {
  return new URL(location ?? '', 'http://x').searchParams.get('lt') ?? '';
}

/** The sandbox deployment of this tool app, bound to `orgCode` (e.g. the tenant's province). */
export async function bindSandbox(
  tool: { sandbox: SandboxService; platforms: PlatformRegistry },
  orgCode: string | null,
): Promise<{ platformId: string; deploymentId: string }> {
  const sbTool = (await tool.sandbox.currentTool())!;
  const [platform] = await tool.platforms.byIssuer(tool.sandbox.issuer, sbTool.clientId);
  await tool.platforms.bindDeployment(platform.id, sbTool.deploymentId, orgCode);
  return { platformId: platform.id, deploymentId: sbTool.deploymentId };
}
