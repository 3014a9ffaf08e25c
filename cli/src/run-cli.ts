import type { Writable } from 'node:stream';
import { Command as Commander, CommanderError, Option } from 'commander';
import { ApiError } from './api/errors.js';
import { COMMANDS } from './commands/index.js';
import { createContext, type Command } from './context.js';
import { AuthError, ExitCode, UsageError } from './exit-codes.js';
import { Output } from './output.js';

const NOUNS: Record<string, string> = {
  projects: 'Projects',
  environments: "A project's environments",
  flags: "A project's flags",
  segments: "A project's segments",
  import: 'Import flags from another system',
};

export interface RunOptions {
  env: NodeJS.ProcessEnv;
  cwd: string;
  stdout: Writable;
  stderr: Writable;
  /** stderr is a terminal (progress bars). */
  interactive?: boolean;
  version?: string;
}

/** The exit code of an error thrown by a command, after printing it on stderr. */
export function reportError(out: Output, error: unknown): number {
  if (error instanceof UsageError) {
    out.error(error.message);
    return ExitCode.usage;
  }
  if (error instanceof AuthError) {
    out.error(error.message);
    return ExitCode.auth;
  }
  if (error instanceof ApiError) {
    out.error(error.message);
    if (error.status === 401) out.stderr.write('The token was refused: run `switchyard login` again.\n');
    return error.status === 401 || error.status === 403 ? ExitCode.auth : ExitCode.requestFailed;
  }
  out.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  return ExitCode.requestFailed;
}

/** Parses `argv` (without node and the script), runs the command, returns the exit code. */
export async function runCli(argv: string[], options: RunOptions): Promise<number> {
  let exitCode: number = ExitCode.ok;
  const write = (stream: Writable) => (text: string) => void stream.write(text);
  const program = new Commander('switchyard')
    .description('Switchyard feature flags from the command line')
    .version(options.version ?? '0.0.0')
    .addOption(new Option('--url <url>', 'server URL (default: $SWITCHYARD_URL, then the stored login)'))
    .addOption(new Option('--token <token>', 'API token (default: $SWITCHYARD_TOKEN, then the stored login)'))
    .option('--json', 'machine-readable output on stdout')
    .configureOutput({ writeOut: write(options.stdout), writeErr: write(options.stderr) })
    .exitOverride()
    .showHelpAfterError();
  const nouns = new Map<string, Commander>();

  for (const [words, command] of Object.entries(COMMANDS)) {
    const [first, second] = words.split(' ') as [string, string | undefined];
    let parent = program;
    let name = first;
    if (second) {
      let noun = nouns.get(first);
      if (!noun) {
        noun = program.command(first).description(NOUNS[first] ?? first);
        noun.configureOutput({ writeOut: write(options.stdout), writeErr: write(options.stderr) }).exitOverride();
        nouns.set(first, noun);
      }
      parent = noun;
      name = second;
    }
    addCommand(parent, name, command, options, (code) => (exitCode = code));
  }

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version exit 0; every parse error is a usage error.
      return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    }
    throw error;
  }
  return exitCode;
}

function addCommand(
  parent: Commander,
  name: string,
  command: Command,
  options: RunOptions,
  setExit: (code: number) => void,
) {
  const sub = parent.command(name).description(command.summary);
  for (const a of command.args ?? []) sub.argument(a);
  for (const o of command.options ?? []) {
    const option = new Option(o.flags, o.description);
    if (o.default !== undefined) option.default(o.default);
    sub.addOption(option);
  }
  sub.exitOverride().configureOutput({
    writeOut: (t) => void options.stdout.write(t),
    writeErr: (t) => void options.stderr.write(t),
  });
  sub.action(async (...params: unknown[]) => {
    const self = params.at(-1) as Commander;
    const values = { ...self.optsWithGlobals() };
    const args = self.args.slice(0, command.args?.length ?? 0);
    const out = new Output(options.stdout, options.stderr, Boolean(values.json), options.interactive ?? false);
    for (const o of command.options ?? []) {
      const long = /--([a-z-]+)/.exec(o.flags)?.[1];
      const key = long?.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
      if (o.required && key && values[key] === undefined) {
        setExit(reportError(out, new UsageError(`option --${long} is required`)));
        return;
      }
    }
    const ctx = createContext({ args, options: values, out, env: options.env, cwd: options.cwd });
    try {
      setExit((await command.run(ctx)) ?? ExitCode.ok);
    } catch (error) {
      setExit(reportError(out, error));
    }
  });
}
