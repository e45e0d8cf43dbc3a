/*
 * Stock ltijs as its README sets it up (ltijs-sequelize storage, onConnect page), registered with
 * the benchmark's platform simulator. Run as a child process by run.ts:
 *   node -r @swc-node/register bench/launch/stock-ltijs.ts <port> <sqlite|postgres> <db> <issuer>
 */
/* eslint-disable @typescript-eslint/no-require-imports */
import { createRequire } from 'node:module';
import * as path from 'node:path';

const [port, dialect, db, issuer] = process.argv.slice(2);
// ltijs-sequelize and its SQL drivers live in bench/launch/stock (installed on demand by run.ts).
const stockRequire = createRequire(path.join(__dirname, 'stock', 'package.json'));

async function main(): Promise<void> {
  const lti = require('ltijs').Provider;
  const Database = stockRequire('ltijs-sequelize');
  const database =
    dialect === 'sqlite'
      ? new Database('database', 'user', 'pass', { dialect: 'sqlite', storage: db, logging: false })
      : new Database(db, 'postgres', '', {
          host: '127.0.0.1',
          dialect: 'postgres',
          logging: false,
        });
  lti.setup(
    'LTIKEY',
    { plugin: database },
    {
      appRoute: '/',
      loginRoute: '/login',
      cookies: { secure: false, sameSite: '' },
      devMode: false,
    },
  );
  lti.onConnect((_token: unknown, _req: unknown, res: { send(s: string): void }) =>
    res.send("It's alive!"),
  );
  await lti.deploy({ port: Number(port), silent: true });
  await lti.registerPlatform({
    url: issuer,
    name: 'Bench platform',
    clientId: 'bench-client',
    authenticationEndpoint: `${issuer}/auth`,
    accesstokenEndpoint: `${issuer}/token`,
    authConfig: { method: 'JWK_SET', key: `${issuer}/jwks` },
  });
  process.stdout.write('READY\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`stock ltijs failed: ${String(err)}\n`);
  process.exit(1);
});
