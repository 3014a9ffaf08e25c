import { describe, expect, it } from 'vitest';
import { HttpError } from '../../http/errors.js';
import { isPrivateAddress, parseWebhookUrl } from './url-policy.js';

describe('isPrivateAddress', () => {
  it.each([
    ['127.0.0.1', true],
    ['10.20.30.40', true],
    ['172.16.0.1', true],
    ['172.31.255.255', true],
    ['172.32.0.1', false],
    ['192.168.1.1', true],
    ['169.254.169.254', true],
    ['100.64.0.1', true],
    ['0.0.0.0', true],
    ['224.0.0.1', true],
    ['8.8.8.8', false],
    ['93.184.216.34', false],
    ['::1', true],
    ['::', true],
    ['fd00::1', true],
    ['fe80::1', true],
    ['::ffff:127.0.0.1', true],
    ['::ffff:8.8.8.8', false],
    ['::ffff:7f00:1', true],
    ['::ffff:808:808', false],
    ['64:ff9b::a00:1', true],
    ['2606:4700:4700::1111', false],
    ['not-an-address', true],
  ])('%s → %s', (address, expected) => {
    expect(isPrivateAddress(address)).toBe(expected);
  });
});

describe('parseWebhookUrl', () => {
  const refused = (raw: string, denyPrivate: boolean) => {
    try {
      parseWebhookUrl(raw, denyPrivate);
      return null;
    } catch (error) {
      expect(error).toBeInstanceOf(HttpError);
      return (error as HttpError).statusCode;
    }
  };

  it.each([
    ['https://hooks.example.com/x', false, null],
    ['http://10.0.0.5:8080/x', false, null],
    ['http://localhost/x', false, null],
    ['http://10.0.0.5:8080/x', true, 400],
    ['http://localhost/x', true, 400],
    ['http://api.localhost/x', true, 400],
    ['http://[::1]/x', true, 400],
    ['http://[fd00::1]/x', true, 400],
    ['http://[::ffff:7f00:1]/x', true, 400],
    ['http://[::ffff:127.0.0.1]/x', true, 400],
    ['http://2130706433/x', true, 400],
    ['http://0x7f.1/x', true, 400],
    ['https://hooks.example.com/x', true, null],
    ['ftp://example.com/x', false, 400],
    ['file:///etc/passwd', false, 400],
    ['gopher://example.com/', false, 400],
    ['data:text/plain,hi', false, 400],
    ['//example.com/x', false, 400],
    ['example.com/x', false, 400],
  ])('%s (deny private: %s) → %s', (raw, denyPrivate, status) => {
    expect(refused(raw, denyPrivate)).toBe(status);
  });
});
