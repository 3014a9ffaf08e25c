#!/usr/bin/env node
/**
 * Regenerates spec/webhook-signature.json: test vectors for outgoing webhook signatures
 * (`Switchyard-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`).
 * Computed here with node:crypto, independently of the server's code, which the server's
 * signature test checks against these vectors.
 *
 *   node spec/tools/webhook-signature.mjs           # write the file
 *   node spec/tools/webhook-signature.mjs --check   # exit 1 if it is out of date
 */
import { createHmac } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';

const path = join(dirname(dirname(fileURLToPath(import.meta.url))), 'webhook-signature.json');
const sign = (secret, t, body) => createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');

const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const other = 'whsec_0123456789abcdefghijklmnopqrstuv';
const t = 1796212800; // 2026-12-03T12:00:00Z
const body = '{"id":"42","type":"flag_config.killed","project":"shop","environment":"production"}';
const unicode = '{"reason":"café ☕ — rollback","type":"flag_config.killed"}';
const good = (s, ts, b) => `t=${ts},v1=${sign(s, ts, b)}`;

/** Valid: the header a sender produces; a receiver accepts it at `now`. */
const valid = [
  { name: 'basic', secret, timestamp: t, body, now: t },
  { name: 'empty body', secret, timestamp: t, body: '', now: t },
  { name: 'UTF-8 body (bytes, not UTF-16 units, are signed)', secret, timestamp: t, body: unicode, now: t },
  { name: 'received 299 s later (within the 300 s tolerance)', secret, timestamp: t, body, now: t + 299 },
  { name: 'receiver clock 300 s behind', secret, timestamp: t, body, now: t - 300 },
].map((v) => ({ ...v, header: good(v.secret, v.timestamp, v.body), expect: 'ok' }));

/** Headers a receiver must refuse, and why. */
const invalid = [
  { name: 'replayed: 301 s after signing', header: good(secret, t, body), now: t + 301, expect: 'expired' },
  { name: 'replayed: a day later', header: good(secret, t, body), now: t + 86_400, expect: 'expired' },
  { name: 'signed with another secret (forged)', header: good(other, t, body), now: t, expect: 'mismatch' },
  {
    name: 'timestamp changed after signing',
    header: `t=${t + 1},v1=${sign(secret, t, body)}`,
    now: t,
    expect: 'mismatch',
  },
  { name: 'body changed after signing', header: good(secret, t, `${body} `), now: t, expect: 'mismatch' },
  {
    name: 'signature of the body alone (no timestamp)',
    header: `t=${t},v1=${createHmac('sha256', secret).update(body).digest('hex')}`,
    now: t,
    expect: 'mismatch',
  },
  { name: 'uppercase hex', header: `t=${t},v1=${sign(secret, t, body).toUpperCase()}`, now: t, expect: 'malformed' },
  { name: 'no timestamp', header: `v1=${sign(secret, t, body)}`, now: t, expect: 'malformed' },
  { name: 'no signature', header: `t=${t}`, now: t, expect: 'malformed' },
  {
    name: 'truncated signature',
    header: `t=${t},v1=${sign(secret, t, body).slice(0, 63)}`,
    now: t,
    expect: 'malformed',
  },
  { name: 'empty header', header: '', now: t, expect: 'malformed' },
  { name: 'two timestamps', header: `t=${t},t=${t},v1=${sign(secret, t, body)}`, now: t, expect: 'malformed' },
].map((v) => ({ secret, body, ...v }));

/** Several v1 entries (e.g. during a secret rotation): one match is enough. */
const rotation = [
  {
    name: 'second v1 matches',
    secret,
    body,
    now: t,
    header: `t=${t},v1=${sign(other, t, body)},v1=${sign(secret, t, body)}`,
    expect: 'ok',
  },
];

const data = {
  description:
    'Outgoing webhook signatures. Header `Switchyard-Signature: t=<unix seconds>,v1=<64 lowercase hex>`, the ' +
    'HMAC-SHA256 keyed by the UTF-8 bytes of the secret (whsec_ prefix included) over the UTF-8 bytes of ' +
    '"<t>.<raw body>". Receivers accept when some v1 equals the expected value (compare in constant time) and ' +
    '|now - t| <= toleranceSeconds; expect is ok, expired, mismatch or malformed (checked in that order: malformed, ' +
    'expired, mismatch).',
  toleranceSeconds: 300,
  cases: [...valid, ...invalid, ...rotation],
};

const options = (await prettier.resolveConfig(path)) ?? {};
const text = await prettier.format(JSON.stringify(data), { ...options, filepath: path });
const current = await readFile(path, 'utf8').catch(() => null);
if (current !== text) {
  if (process.argv.includes('--check')) {
    console.log('out of date: spec/webhook-signature.json (run node spec/tools/webhook-signature.mjs)');
    process.exit(1);
  }
  await writeFile(path, text);
  console.log('wrote spec/webhook-signature.json');
}
