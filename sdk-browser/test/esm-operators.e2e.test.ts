import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ruleWith } from '../../core/test/fixtures.js';
import { hasChromium, launchChromium } from './support/browser.js';
import { booleanFlag, snapshot } from './support/flags.js';
import { ProtocolServer } from './support/sse-server.js';

const KEY = 'sy_client_esm';
const dist = (file: string) => readFileSync(fileURLToPath(new URL(`../dist/${file}`, import.meta.url)), 'utf8');

/** `new-app` is on from version 2.0.0: a semver operator, so its module is loaded on demand. */
const semverFlag = booleanFlag('new-app', {
  defaultServe: { variant: 'off' },
  rules: [ruleWith([{ attribute: 'version', operator: 'semver_gte', values: ['2.0.0'] }])],
});

/** A page importing the ESM client from `directory`; it prints what `new-app` evaluates to once ready. */
const modulePage = (directory: string, flagsUrl: string) => `<!doctype html>
<pre id="result"></pre>
<script type="module">
  import { createBrowserClient } from '${directory}/index.js';
  const client = createBrowserClient({ url: '${flagsUrl}', clientKey: '${KEY}', storage: null, context: { version: '2.1.0' } });
  const show = (ready) => (document.getElementById('result').textContent = JSON.stringify({ ready, result: client.evaluate('new-app', 'default') }));
  client.ready().then(() => show(true), () => show(false));
</script>`;

// In CI Chromium is installed by .ci/run, so a missing browser is a failure there, not a skip.
describe.skipIf(!hasChromium && !process.env.CI)('ESM client and its on-demand operators in headless Chromium', () => {
  let rare: ProtocolServer;
  let plain: ProtocolServer;
  let site: ProtocolServer;
  let browser: Awaited<ReturnType<typeof launchChromium>>;

  beforeAll(async () => {
    rare = new ProtocolServer(snapshot(1, [semverFlag]), KEY);
    plain = new ProtocolServer(snapshot(1, [booleanFlag('new-app')]), KEY);
    site = new ProtocolServer(snapshot(0, []), 'unused');
    await Promise.all([rare.start(), plain.start(), site.start()]);
    const client = dist('index.js');
    // Each page its own copy of the client (its own module instance): /full has the operators
    // file next to it, /broken does not (404, as when offline or refused by a CSP).
    for (const directory of ['/full', '/broken', '/plain'])
      site.pages.set(`${directory}/index.js`, ['text/javascript', client]);
    site.pages.set('/full/operators-extra.js', ['text/javascript', dist('operators-extra.js')]);
    site.pages.set('/plain/operators-extra.js', ['text/javascript', dist('operators-extra.js')]);
    site.pages.set('/full.html', ['text/html', modulePage('/full', rare.url)]);
    site.pages.set('/broken.html', ['text/html', modulePage('/broken', rare.url)]);
    site.pages.set('/plain.html', ['text/html', modulePage('/plain', plain.url)]);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.all([rare?.close(), plain?.close(), site?.close()]);
  });

  /** Opens `path`; resolves to what the page printed and the script files it requested. */
  const open = async (path: string) => {
    const page = await browser.context.newPage();
    const pageErrors: Error[] = [];
    page.on('pageerror', (error) => pageErrors.push(error));
    const scripts: string[] = [];
    page.on('request', (request) => {
      if (request.url().endsWith('.js')) scripts.push(new URL(request.url()).pathname);
    });
    await page.goto(site.url + path);
    await page.waitForFunction(() => document.getElementById('result')!.textContent, undefined, { timeout: 5_000 });
    const printed = JSON.parse((await page.textContent('#result'))!) as { ready: boolean; result: unknown };
    await page.close();
    expect(pageErrors).toEqual([]);
    return { ...printed, scripts };
  };

  it('loads the operators file when the snapshot uses a semver operator, and evaluates it after ready()', async () => {
    const { ready, result, scripts } = await open('/full.html');
    expect(ready).toBe(true);
    expect(result).toEqual({ value: true, variant: 'on', reason: 'TARGETING_MATCH', ruleId: 'r1' });
    expect(scripts).toEqual(['/full/index.js', '/full/operators-extra.js']);
  });

  it('does not load it for a snapshot without cidr, date or semver operators', async () => {
    const { ready, result, scripts } = await open('/plain.html');
    expect(ready).toBe(true);
    expect(result).toMatchObject({ value: true, reason: 'STATIC' });
    expect(scripts).toEqual(['/plain/index.js']);
  });

  it('when the file cannot be loaded, ready() settles and the flag gives the default with an error', async () => {
    const { ready, result, scripts } = await open('/broken.html');
    expect(ready).toBe(true);
    expect(result).toEqual({ value: 'default', reason: 'ERROR', errorCode: 'GENERAL', errorMessage: 'new-app' });
    expect(scripts).toEqual(['/broken/index.js', '/broken/operators-extra.js']);
  });
});
