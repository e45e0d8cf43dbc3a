/** The outcome of one request to an SMS or Zalo gateway, in the terms delivery needs. */
export type GatewayResult =
  | { ok: true; providerId: string }
  | {
      ok: false;
      /** invalid: the number cannot be reached (mark the contact); temporary: retry later. */
      kind: 'invalid' | 'temporary' | 'permanent';
      error: string;
      retryAfterMs?: number;
    };

export async function postJson(
  url: string,
  headers: Record<string, string>,
  body: unknown,
  timeoutMs = 10_000,
): Promise<
  { status: number; json: Record<string, unknown>; retryAfterMs?: number } | { error: string }
> {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    let json: Record<string, unknown> = {};
    try {
      json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      json = { raw: text.slice(0, 200) };
    }
    const ra = Number(res.headers.get('retry-after'));
    return {
      status: res.status,
      json,
      retryAfterMs: Number.isFinite(ra) && ra > 0 ? ra * 1000 : undefined,
    };
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}

/** SMS text without Vietnamese diacritics: brandname SMS are sent as plain GSM text in Vietnam. */
export function plainSmsText(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .replace(/[“”]/g, '"')
    .replace(/[‘’]/g, "'")
    .replace(/[–—]/g, '-');
}

/** A JSON field as text (numbers too); anything else is ''. */
export function text(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';
}
