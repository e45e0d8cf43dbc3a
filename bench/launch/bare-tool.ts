/*
 * The least a tool can do for a launch, to measure what this machine and this harness allow at
 * all: bare `node:http`, no framework, no database, no page. Login → 302 to the platform with a
 * state cookie and a nonce derived from the state; launch → RS256 check of the id_token against
 * the simulator's JWKS (fetched once), state cookie and nonce compared → 303; first page → a few
 * bytes. Nothing is recorded, so a replayed token would pass: this is a yardstick, not a tool.
 *
 * Run as a child process by run.ts (`--bare`):
 *   node -r @swc-node/register bench/launch/bare-tool.ts <port> <issuer> <clientId>
 */
import { createHmac, createPublicKey, KeyObject, randomBytes, verify } from 'node:crypto';
import { createServer, IncomingMessage } from 'node:http';

const [port, issuer, clientId] = process.argv.slice(2);
const secret = randomBytes(32);
const base = `http://127.0.0.1:${port}`;
let key: KeyObject | undefined;

const nonceOf = (state: string): string =>
  createHmac('sha256', secret).update(state).digest('base64url');

function body(req: IncomingMessage): Promise<URLSearchParams> {
  return new Promise((resolve, reject) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (text += c));
    req.on('end', () => resolve(new URLSearchParams(text)));
    req.on('error', reject);
  });
}

function launchError(idToken: string, state: string, cookie: string): string | undefined {
  const [h, p, s] = idToken.split('.');
  if (
    !key ||
    !s ||
    !verify('RSA-SHA256', Buffer.from(`${h}.${p}`), key, Buffer.from(s, 'base64url'))
  ) {
    return 'bad signature';
  }
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
  if (claims.iss !== issuer || claims.aud !== clientId) {
    return 'wrong iss/aud';
  }
  if (!cookie.includes(`state=${state}`) || claims.nonce !== nonceOf(state)) {
    return 'state or nonce mismatch';
  }
  return undefined;
}

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', base);
  if (url.pathname === '/login') {
    const state = randomBytes(16).toString('base64url');
    const q = new URLSearchParams({
      scope: 'openid',
      response_type: 'id_token',
      response_mode: 'form_post',
      prompt: 'none',
      client_id: clientId,
      redirect_uri: url.searchParams.get('target_link_uri') ?? `${base}/launch`,
      login_hint: url.searchParams.get('login_hint') ?? '',
      state,
      nonce: nonceOf(state),
    });
    res.writeHead(302, {
      Location: `${issuer}/auth?${q.toString()}`,
      'Set-Cookie': `state=${state}; HttpOnly; Path=/`,
      'Content-Length': '0',
    });
    res.end();
    return;
  }
  if (url.pathname === '/launch' && req.method === 'POST') {
    void body(req).then((form) => {
      const error = launchError(
        form.get('id_token') ?? '',
        form.get('state') ?? '',
        req.headers.cookie ?? '',
      );
      if (error) {
        res.writeHead(401, { 'Content-Type': 'text/plain' });
        res.end(error);
        return;
      }
      res.writeHead(303, { Location: '/page', 'Content-Length': '0' });
      res.end();
    });
    return;
  }
  if (url.pathname === '/page') {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><title>Lesson</title><p>bare tool</p>');
    return;
  }
  res.writeHead(404);
  res.end();
});

async function main(): Promise<void> {
  const jwks = (await (await fetch(`${issuer}/jwks`)).json()) as {
    keys: Array<Record<string, string>>;
  };
  key = createPublicKey({ key: jwks.keys[0], format: 'jwk' });
  server.listen(Number(port), '127.0.0.1', () => process.stdout.write('READY\n'));
}

main().catch((err: unknown) => {
  process.stderr.write(`bare tool failed: ${String(err)}\n`);
  process.exit(1);
});
