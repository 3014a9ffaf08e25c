import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { apply } from '../src/commands/apply.js';
import { exportCommand } from '../src/commands/export.js';
import { ExitCode } from '../src/exit-codes.js';
import { startCliHarness, type CliHarness } from './support/cli.js';

let h: CliHarness;

const FILE = `# flags for the shop
version: 1
project: shop
segments:
  - key: beta
    name: Beta testers
    conditions:
      - { attribute: plan, operator: in, values: [beta] }
flags:
  - key: new-checkout
    name: New checkout
    type: boolean
    tags: [checkout]
    environments:
      prod:
        enabled: true
        offVariant: "off"
        defaultServe: { variant: "off" }
        rules:
          - id: beta-first
            segments: [beta]
            serve: { variant: "on" }
          - id: ramp
            rollout: { percent: 10 }
            serve: { variant: "on" }
  - key: button-color
    name: Button color
    type: string
    variants:
      - { key: blue, value: "#00f" }
      - { key: green, value: "#0f0" }
    environments:
      prod:
        enabled: true
        offVariant: blue
        defaultServe:
          split:
            - { variant: blue, percent: 66.67 }
            - { variant: green, percent: 33.33 }
          stickiness: accountId
        prerequisites:
          - { flagKey: new-checkout, variants: ["on"] }
`;

function write(name: string, text: string) {
  writeFileSync(join(h.cwd, name), text);
  return name;
}

const liveFlags = async () =>
  (await h.server.api.request<{ items: { key: string }[] }>('GET', '/projects/shop/flags')).items.map((f) => f.key);

beforeAll(async () => {
  h = await startCliHarness();
  await h.server.api.createProject('shop');
  await h.server.api.createEnvironment('shop', 'prod');
});
afterAll(() => h.close());

describe('apply', () => {
  it('--dry-run shows the diff, writes nothing and exits 4', async () => {
    const r = await h.run(apply, [], { file: write('flags.yaml', FILE), dryRun: true });
    expect(r.code).toBe(ExitCode.differences);
    expect(r.stdout).toContain('+ create segment beta');
    expect(r.stdout).toContain('+ create flag new-checkout');
    expect(r.stdout).toContain('~ configure flag button-color@prod');
    expect(await liveFlags()).toEqual([]);
  });

  it('applies the file: flags, variants, rules with percent rollouts, splits, prerequisites', async () => {
    const r = await h.run(apply, [], { file: 'flags.yaml' });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(await liveFlags()).toEqual(['button-color', 'new-checkout']);
    const config = await h.server.api.request<{ rules: unknown[]; defaultServe: unknown; prerequisites: unknown[] }>(
      'GET',
      '/projects/shop/flags/button-color/environments/prod',
    );
    expect(config.defaultServe).toEqual({
      split: [
        { variant: 'blue', percent: 66.67 },
        { variant: 'green', percent: 33.33 },
      ],
      stickiness: 'accountId',
    });
    expect(config.prerequisites).toEqual([{ flagKey: 'new-checkout', variants: ['on'] }]);
  });

  it('is idempotent: a second apply changes nothing, and a dry run then exits 0', async () => {
    const again = await h.run(apply, [], { file: 'flags.yaml', json: true });
    expect(again.code).toBe(0);
    expect(again.json()).toMatchObject({ changes: [], applied: 0 });
    expect((await h.run(apply, [], { file: 'flags.yaml', dryRun: true })).code).toBe(0);
  });

  it('export is the format apply reads: its YAML and JSON round-trip with no differences', async () => {
    const yaml = await h.run(exportCommand, [], { project: 'shop' });
    expect(yaml.code).toBe(0);
    write('exported.yaml', yaml.stdout);
    expect((await h.run(apply, [], { file: 'exported.yaml', dryRun: true })).code).toBe(0);
    const json = await h.run(exportCommand, [], { project: 'shop', format: 'json' });
    expect(json.json()).toEqual(parse(yaml.stdout));
    write('exported.json', json.stdout);
    expect((await h.run(apply, [], { file: 'exported.json', dryRun: true })).code).toBe(0);
    // And what it says is what the file said.
    const exported = parse(yaml.stdout) as { flags: { key: string; environments: { prod: { rules: unknown[] } } }[] };
    const checkout = exported.flags.find((f) => f.key === 'new-checkout')!;
    expect(checkout.environments.prod.rules[1]).toEqual({
      id: 'ramp',
      conditions: [],
      segments: [],
      rollout: { percent: 10 },
      serve: { variant: 'on' },
    });
  });

  it('a changed rollout shows before and after, then applies', async () => {
    write('flags.yaml', FILE.replace('percent: 10 }', 'percent: 25.5 }'));
    const dry = await h.run(apply, [], { file: 'flags.yaml', dryRun: true, json: true });
    expect(dry.code).toBe(ExitCode.differences);
    const { changes } = dry.json<{ changes: { action: string; target: string; fields: { field: string }[] }[] }>();
    expect(changes).toEqual([
      expect.objectContaining({
        action: 'config.replace',
        target: 'flag new-checkout@prod',
        fields: [expect.objectContaining({ field: 'rules' })],
      }),
    ]);
    const human = await h.run(apply, [], { file: 'flags.yaml', dryRun: true });
    expect(human.stdout).toMatch(/- rules: .*"percent":10}/);
    expect(human.stdout).toMatch(/\+ rules: .*"percent":25.5}/);
    expect((await h.run(apply, [], { file: 'flags.yaml' })).code).toBe(0);
  });

  it('never overwrites a concurrent change: a configuration changed after the plan is refused (412), exit 1', async () => {
    write('flags.yaml', FILE.replace('percent: 10 }', 'percent: 30 }'));
    let raced = false;
    const racingFetch: typeof fetch = async (input, init) => {
      if (init?.method === 'PUT' && !raced) {
        raced = true; // someone turns the flag off between our read and our write
        await h.server.api.toggle('shop', 'new-checkout', 'prod', false);
      }
      return fetch(input, init);
    };
    const r = await h.run(apply, [], { file: 'flags.yaml' }, racingFetch);
    expect(r.code).toBe(ExitCode.requestFailed);
    expect(r.stderr).toMatch(
      /flag new-checkout@prod changed on the server after the plan was read; it was not overwritten/,
    );
    const config = await h.server.api.request<{ enabled: boolean }>(
      'GET',
      '/projects/shop/flags/new-checkout/environments/prod',
    );
    expect(config.enabled).toBe(false);
    // Run again: the diff now includes turning it back on, and it applies.
    const again = await h.run(apply, [], { file: 'flags.yaml' });
    expect(again.stdout).toMatch(/- enabled: false/);
    expect(again.code).toBe(0);
  });

  it('--prune archives flags and deletes segments the file no longer has', async () => {
    const withoutButton = FILE.slice(0, FILE.indexOf('  - key: button-color'))
      .replace('          - id: beta-first\n            segments: [beta]\n            serve: { variant: "on" }\n', '')
      .replace(/segments:\n {2}- key: beta\n {4}name: Beta testers\n {4}conditions:\n.*\n/, 'segments: []\n');
    write('pruned.yaml', withoutButton);
    const dry = await h.run(apply, [], { file: 'pruned.yaml', prune: true, dryRun: true });
    expect(dry.stdout).toContain('- archive flag button-color');
    expect(dry.stdout).toContain('- delete segment beta');
    const r = await h.run(apply, [], { file: 'pruned.yaml', prune: true });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(await liveFlags()).toEqual(['new-checkout']);
    // Without --prune, what is on the server and not in the file is left alone.
    expect((await h.run(apply, [], { file: 'pruned.yaml', dryRun: true })).code).toBe(0);
  });
});

describe('apply refuses a bad file whole, with file, line and field', () => {
  const before = async () => JSON.stringify(await h.server.api.request('GET', '/projects/shop/flags?archived=true'));

  it('YAML syntax errors', async () => {
    const r = await h.run(apply, [], {
      file: write('broken.yaml', 'version: 1\nproject: shop\nflags:\n  - key: [unclosed\n'),
    });
    expect(r.code).toBe(ExitCode.usage);
    expect(r.stderr).toMatch(/^error: broken\.yaml:\d+:\d+: /m);
    expect(r.stderr).toContain('Nothing was applied.');
  });

  it('an unknown field and a bad percent, each at its line; nothing applied even for the valid new flag', async () => {
    const state = await before();
    const text = [
      'version: 1',
      'project: shop',
      'flags:',
      '  - key: fine-new-flag',
      '    name: Fine',
      '    type: boolean',
      '  - key: new-checkout',
      '    name: New checkout',
      '    type: boolean',
      '    colour: red',
      '    environments:',
      '      prod:',
      '        enabled: true',
      '        offVariant: "off"',
      '        defaultServe: { variant: "off" }',
      '        rules:',
      '          - id: ramp',
      '            rollout: { percent: 10.555 }',
      '            serve: { variant: "on" }',
      '',
    ].join('\n');
    const r = await h.run(apply, [], { file: write('bad.yaml', text) });
    expect(r.code).toBe(ExitCode.usage);
    expect(r.stderr).toContain('error: bad.yaml:10:5: flags[1].colour: unknown field "colour"');
    expect(r.stderr).toMatch(
      /error: bad\.yaml:18:\d+: flags\[1\]\.environments\.prod\.rules\[0\]\.rollout\.percent: must be a percent/,
    );
    expect(await before()).toBe(state);
  });

  it('references the server cannot satisfy (environment, segment, variant) are found before any write', async () => {
    const state = await before();
    const text = FILE.replace(
      '      prod:\n        enabled: true\n        offVariant: blue',
      '      staging:\n        enabled: true\n        offVariant: purple',
    ).replace('segments: [beta]', 'segments: [gamma]');
    const r = await h.run(apply, [], { file: write('refs.yaml', text), json: true });
    expect(r.code).toBe(ExitCode.usage);
    const { problems } = r.json<{ problems: { field: string; message: string; line: number }[] }>();
    expect(problems.map((x) => x.field)).toEqual([
      'flags[0].environments.prod.rules[0].segments[0]',
      'flags[1].key', // button-color was archived by the prune above
      'flags[1].environments.staging',
      'flags[1].environments.staging.offVariant',
    ]);
    expect(problems[1]!.message).toMatch(/archived on the server/);
    expect(problems.every((x) => x.line > 0)).toBe(true);
    expect(await before()).toBe(state);
  });

  it('a flag whose key differs from one on the server only in case is refused before any write', async () => {
    const state = await before();
    const r = await h.run(apply, [], {
      file: write('twin.yaml', FILE.replace('key: new-checkout', 'key: New-Checkout')),
    });
    expect(r.code).toBe(ExitCode.usage);
    expect(r.stderr).toMatch(
      /twin\.yaml:10:\d+: flags\[0\]\.key: differs from flag "new-checkout" on the server only in case/,
    );
    expect(await before()).toBe(state);
  });

  it('a file for another project than --project is a usage error', async () => {
    const r = await h.run(apply, [], { file: 'flags.yaml', project: 'other' });
    expect(r.code).toBe(ExitCode.usage);
  });
});

describe('files', () => {
  it('export -o writes the file', async () => {
    const r = await h.run(exportCommand, [], { project: 'shop', output: 'out.yaml' });
    expect(r.code).toBe(0);
    expect(readFileSync(join(h.cwd, 'out.yaml'), 'utf8')).toMatch(/^# Switchyard flags-as-code/);
  });
});
