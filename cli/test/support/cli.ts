import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { startListeningApp, type ListeningApp } from '../../../server/test/propagation/support/listening-app.js';
import { createContext, type Command, type CommandOptions } from '../../src/context.js';
import { Output } from '../../src/output.js';
import { runCli } from '../../src/run-cli.js';

/** A stream that keeps what is written to it. */
export function captured() {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { stream, text: () => text };
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON (for --json runs). */
  json<T = unknown>(): T;
}

/**
 * A real server (from its sources, on its own database) and a way to run CLI commands against it:
 * `run(command, args, options)` calls the command's run(ctx) directly; `cli(argv)` goes through
 * the argument parser like the installed bin (same process).
 */
export interface CliHarness {
  server: ListeningApp;
  env: NodeJS.ProcessEnv;
  cwd: string;
  run(command: Command, args?: string[], options?: CommandOptions, fetchImpl?: typeof fetch): Promise<RunResult>;
  cli(argv: string[]): Promise<RunResult>;
  close(): Promise<void>;
}

const result = (code: number, stdout: string, stderr: string): RunResult => ({
  code,
  stdout,
  stderr,
  json: <T>() => JSON.parse(stdout) as T,
});

export async function startCliHarness(): Promise<CliHarness> {
  const server = await startListeningApp();
  const cwd = mkdtempSync(join(tmpdir(), 'switchyard-cli-'));
  const env: NodeJS.ProcessEnv = {
    SWITCHYARD_URL: server.baseUrl,
    // The listening app keeps its admin token private to its client; the CLI needs the secret itself.
    SWITCHYARD_TOKEN: (server.api as unknown as { adminToken: string }).adminToken,
    XDG_CONFIG_HOME: join(cwd, 'config'),
  };
  return {
    server,
    env,
    cwd,
    async run(command, args = [], options = {}, fetchImpl) {
      const out = captured();
      const err = captured();
      const ctx = createContext({
        args,
        options,
        out: new Output(out.stream, err.stream, Boolean(options.json)),
        env,
        cwd,
        ...(fetchImpl ? { fetchImpl } : {}),
      });
      const { reportError } = await import('../../src/run-cli.js');
      let code: number;
      try {
        code = (await command.run(ctx)) ?? 0;
      } catch (error) {
        code = reportError(ctx.out, error);
      }
      return result(code, out.text(), err.text());
    },
    async cli(argv) {
      const out = captured();
      const err = captured();
      const code = await runCli(argv, { env, cwd, stdout: out.stream, stderr: err.stream });
      return result(code, out.text(), err.text());
    },
    close: () => server.close(),
  };
}
