/*
 * A minimal LTI 1.3 platform for the launch benchmark: JWKS and an OIDC auth endpoint that
 * answers with the auto-submitting form carrying a signed id_token (Moodle 4.5 claims). Both
 * SafeNest and stock ltijs are launched through this same simulator. run.ts starts it as its own
 * process (`node -r @swc-node/register bench/launch/platform-sim.ts <moduleId>` prints one JSON
 * line with issuer, client and deployment), so its RSA signing never stalls the load generator.
 */
import { createPublicKey, generateKeyPairSync, KeyObject, sign } from 'node:crypto';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Simulator {
  issuer: string;
  clientId: string;
  deploymentId: string;
  server: Server;
  close(): Promise<void>;
}

const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');

function jwt(payload: Record<string, unknown>, key: KeyObject, kid: string): string {
  const input = `${b64({ alg: 'RS256', typ: 'JWT', kid })}.${b64(payload)}`;
  return `${input}.${sign('RSA-SHA256', Buffer.from(input), key).toString('base64url')}`;
}

export async function startSimulator(moduleId: string): Promise<Simulator> {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = 'sim-1';
  const jwk = {
    ...createPublicKey(privateKey).export({ format: 'jwk' }),
    kid,
    alg: 'RS256',
    use: 'sig',
  };
  const clientId = 'bench-client';
  const deploymentId = '1';
  let issuer = '';
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', issuer);
    if (url.pathname === '/jwks') {
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({ keys: [jwk] }));
      return;
    }
    if (url.pathname === '/auth') {
      const q = url.searchParams;
      const now = Math.floor(Date.now() / 1000);
      const user = q.get('login_hint') ?? 'u1';
      const token = jwt(
        {
          nonce: q.get('nonce'),
          iat: now,
          exp: now + 60,
          iss: issuer,
          aud: clientId,
          sub: user,
          'https://purl.imsglobal.org/spec/lti/claim/deployment_id': deploymentId,
          'https://purl.imsglobal.org/spec/lti/claim/target_link_uri': q.get('redirect_uri'),
          'https://purl.imsglobal.org/spec/lti/claim/roles': [
            'http://purl.imsglobal.org/vocab/lis/v2/membership#Learner',
          ],
          'https://purl.imsglobal.org/spec/lti/claim/context': {
            id: `course-${Number(user.replace(/\D/g, '') || 0) % 20}`,
            label: 'B101',
            title: 'Bench course',
            type: ['CourseSection'],
          },
          'https://purl.imsglobal.org/spec/lti/claim/message_type': 'LtiResourceLinkRequest',
          'https://purl.imsglobal.org/spec/lti/claim/resource_link': {
            id: 'rl-1',
            title: 'Lesson',
          },
          'https://purl.imsglobal.org/spec/lti/claim/version': '1.3.0',
          'https://purl.imsglobal.org/spec/lti/claim/custom': { module_id: moduleId },
          'https://purl.imsglobal.org/spec/lti/claim/launch_presentation': { locale: 'en' },
          name: `Learner ${user}`,
        },
        privateKey,
        kid,
      );
      res.setHeader('Content-Type', 'text/html');
      res.end(
        `<form method="post" action="${q.get('redirect_uri')}"><input type="hidden" name="id_token" value="${token}"><input type="hidden" name="state" value="${q.get('state')}"></form>`,
      );
      return;
    }
    res.statusCode = 404;
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    issuer,
    clientId,
    deploymentId,
    server,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

if (require.main === module) {
  startSimulator(process.argv[2] ?? 'module')
    .then((sim) => {
      process.stdout.write(
        `${JSON.stringify({ issuer: sim.issuer, clientId: sim.clientId, deploymentId: sim.deploymentId })}\n`,
      );
      process.once('SIGTERM', () => void sim.close().then(() => process.exit(0)));
    })
    .catch((err: unknown) => {
      process.stderr.write(`simulator failed: ${String(err)}\n`);
      process.exit(1);
    });
}
