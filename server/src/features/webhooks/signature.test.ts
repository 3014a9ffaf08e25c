import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { signatureHeader, verifySignature } from './signature.js';

const specPath = fileURLToPath(new URL('../../../../spec/webhook-signature.json', import.meta.url));
const generator = fileURLToPath(new URL('../../../../spec/tools/webhook-signature.mjs', import.meta.url));

interface SignatureCase {
  name: string;
  secret: string;
  timestamp?: number;
  body: string;
  now: number;
  header: string;
  expect: 'ok' | 'expired' | 'mismatch' | 'malformed';
}
const spec = JSON.parse(readFileSync(specPath, 'utf8')) as { toleranceSeconds: number; cases: SignatureCase[] };

describe('webhook signature vectors (spec/webhook-signature.json)', () => {
  it('are up to date with their generator and keep their case count', () => {
    execFileSync(process.execPath, [generator, '--check'], { stdio: 'pipe' });
    expect(spec.cases.length).toBeGreaterThanOrEqual(18);
    expect(new Set(spec.cases.map((entry) => entry.expect))).toEqual(
      new Set(['ok', 'expired', 'mismatch', 'malformed']),
    );
  });

  it.each(spec.cases.map((entry) => [entry.name, entry] as const))('%s', (_name, entry) => {
    const result = verifySignature(entry.header, entry.body, entry.secret, entry.now, spec.toleranceSeconds);
    expect(result.ok ? 'ok' : result.reason).toBe(entry.expect);
    // What the server sends for a valid case is exactly the vector's header.
    // (Only the valid single-signature cases carry the `timestamp` they were signed at.)
    if (entry.expect === 'ok' && entry.timestamp !== undefined) {
      expect(signatureHeader(entry.secret, entry.timestamp, entry.body)).toBe(entry.header);
    }
  });
});
