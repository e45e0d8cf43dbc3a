import 'reflect-metadata';
import {
  AppLogger,
  CLI_COMMAND,
  CliCommandMeta,
  CliRunner,
  ConfigValidationError,
  loadConfig,
  parseCliArgs,
  renderConfigTable,
  renderEnvExample,
} from '@lib/core';
import { DiscoveryService, NestFactory } from '@nestjs/core';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CliModule } from './cli.module';

const out = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  // Commands that need no database.
  if (name === 'config:docs') {
    const config = loadConfig();
    fs.writeFileSync(path.join(config.appRoot, '.env.example'), `${renderEnvExample()}\n`);
    const readme = path.join(config.appRoot, 'README.md');
    const text = fs.readFileSync(readme, 'utf8');
    fs.writeFileSync(
      readme,
      text.replace(
        /(<!-- config:start -->)[\s\S]*(<!-- config:end -->)/,
        `$1\n${renderConfigTable()}\n$2`,
      ),
    );
    out('Wrote .env.example and the configuration table in README.md.');
    return 0;
  }
  if (name === 'config:check') {
    loadConfig();
    out('Configuration is valid.');
    return 0;
  }
  const config = loadConfig();
  const app = await NestFactory.createApplicationContext(CliModule.forRoot(config), {
    logger: new AppLogger(config.logLevel === 'info' ? 'warn' : config.logLevel, 'cli'),
  });
  try {
    const commands = new Map<string, { meta: CliCommandMeta; runner: CliRunner }>();
    for (const wrapper of app.get(DiscoveryService).getProviders()) {
      const meta = wrapper.metatype
        ? (Reflect.getMetadata(CLI_COMMAND, wrapper.metatype) as CliCommandMeta | undefined)
        : undefined;
      if (meta && wrapper.instance) {
        commands.set(meta.name, { meta, runner: wrapper.instance as CliRunner });
      }
    }
    const command = name ? commands.get(name) : undefined;
    if (!command) {
      out(name && name !== 'help' ? `Unknown command: ${name}\n` : '');
      out('Usage: npm run cli -- <command> [options]\n');
      out(`  ${'config:docs'.padEnd(18)} Write .env.example and print the configuration table.`);
      out(`  ${'config:check'.padEnd(18)} Validate the configuration and exit.`);
      for (const { meta } of [...commands.values()].sort((a, b) =>
        a.meta.name.localeCompare(b.meta.name),
      )) {
        out(
          `  ${meta.name.padEnd(18)} ${meta.description}${meta.usage ? `\n  ${''.padEnd(18)} ${meta.usage}` : ''}`,
        );
      }
      return name && name !== 'help' ? 2 : 0;
    }
    return await command.runner.run(parseCliArgs(rest), out);
  } finally {
    await app.close();
  }
}

main(process.argv.slice(2))
  .then((code) => process.exit(code))
  .catch((err: unknown) => {
    if (err instanceof ConfigValidationError) {
      for (const problem of err.problems) {
        process.stderr.write(`Configuration error: ${problem}\n`);
      }
    } else {
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    }
    process.exit(1);
  });
