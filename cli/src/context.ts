import { ApiClient } from './api/client.js';
import { resolveCredentials } from './config.js';
import type { Output } from './output.js';

/** Options every command may read (from the command line or a test). */
export type CommandOptions = Record<string, unknown>;

/** What a command's run() gets: its arguments and options, the output, and the API. */
export interface CommandContext {
  args: string[];
  options: CommandOptions;
  out: Output;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** The API client, built on first use from --url/--token, the environment or the stored login. */
  api(): ApiClient;
}

export function createContext(input: {
  args: string[];
  options: CommandOptions;
  out: Output;
  env: NodeJS.ProcessEnv;
  cwd: string;
  fetchImpl?: typeof fetch;
}): CommandContext {
  let client: ApiClient | undefined;
  return {
    ...input,
    api() {
      if (!client) {
        const { url, token } = resolveCredentials(
          { url: input.options.url as string | undefined, token: input.options.token as string | undefined },
          input.env,
        );
        client = new ApiClient(url, token, input.fetchImpl);
      }
      return client;
    },
  };
}

/** One option of a command, in commander's notation (`--env <env>`, `--force`). */
export interface OptionSpec {
  flags: string;
  description: string;
  required?: boolean;
  default?: string | boolean;
}

/** A command: `switchyard <noun> <verb>` (or a top-level verb), one per file. */
export interface Command {
  summary: string;
  /** Positional arguments in commander's notation: `<flag>`, `[percent]`. */
  args?: string[];
  options?: OptionSpec[];
  /** Exit code; undefined = 0. */
  run(ctx: CommandContext): Promise<number | void>;
}

/** The string value of an option, or undefined. */
export function opt(ctx: CommandContext, name: string): string | undefined {
  const value = ctx.options[name];
  return typeof value === 'string' ? value : undefined;
}
