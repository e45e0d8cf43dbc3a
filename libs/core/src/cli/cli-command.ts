import { SetMetadata } from '@nestjs/common';

export const CLI_COMMAND = Symbol('CLI_COMMAND');

export interface CliCommandMeta {
  name: string;
  description: string;
  /** e.g. `--email <e-mail> --name <name> [--role <role> --org <code>]` */
  usage?: string;
}

export interface CliArgs {
  positional: string[];
  flags: Record<string, string | true>;
}

/** An operator command run by `npm run cli -- <name> …`; returns the exit code. */
export interface CliRunner {
  run(args: CliArgs, out: (line: string) => void): Promise<number>;
}

/** Registers a provider as a CLI command; any lib can contribute commands. */
export const CliCommand = (meta: CliCommandMeta): ClassDecorator => SetMetadata(CLI_COMMAND, meta);

/** `a b --flag value --bool` → positional [a, b], flags { flag: 'value', bool: true }. */
export function parseCliArgs(argv: string[]): CliArgs {
  const positional: string[] = [];
  const flags: Record<string, string | true> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg.startsWith('--')) {
      const [key, inline] = arg.slice(2).split(/=(.*)/s, 2);
      if (inline !== undefined) {
        flags[key] = inline;
      } else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) {
        flags[key] = argv[++i];
      } else {
        flags[key] = true;
      }
    } else {
      positional.push(arg);
    }
  }
  return { positional, flags };
}

export function requireFlag(args: CliArgs, name: string): string {
  const value = args.flags[name];
  if (typeof value !== 'string' || value === '') {
    throw new Error(`Missing --${name}`);
  }
  return value;
}
