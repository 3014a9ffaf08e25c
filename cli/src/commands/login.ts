import { ApiClient } from '../api/client.js';
import { writeStoredConfig } from '../config.js';
import { opt, type Command } from '../context.js';
import { UsageError } from '../exit-codes.js';

/** `switchyard login --url --token`: checks the token against the server, then stores both (0600). */
export const login: Command = {
  summary: 'Sign in: check a server URL and an API token (or personal access token), then store them',
  options: [],
  async run(ctx) {
    const url = opt(ctx, 'url') ?? ctx.env.SWITCHYARD_URL;
    const token = opt(ctx, 'token') ?? ctx.env.SWITCHYARD_TOKEN;
    if (!url || !token) throw new UsageError('login needs --url <server> and --token <token>');
    await new ApiClient(url, token).get('/projects');
    const path = writeStoredConfig(ctx.env, { url, token });
    ctx.out.result({ url, configPath: path }, () => ctx.out.line(`Signed in to ${url} (saved in ${path})`));
  },
};
