import { describe, expect, it } from 'vitest';
import { parseRevocationMessage } from './revocation-message.js';

describe('parseRevocationMessage', () => {
  it('reads what a server publishes, with either list missing', () => {
    expect(parseRevocationMessage('{"tokenIds":["t1"],"environmentIds":["e1","e2"]}')).toEqual({
      tokenIds: ['t1'],
      environmentIds: ['e1', 'e2'],
    });
    expect(parseRevocationMessage('{"environmentIds":["e1"]}')).toEqual({ tokenIds: [], environmentIds: ['e1'] });
  });

  it.each(['', 'not json', 'null', '42', '"x"', '{"tokenIds":"t1"}', '{"tokenIds":[1]}', '{"environmentIds":[null]}'])(
    'ignores %j',
    (text) => {
      expect(parseRevocationMessage(text)).toBeNull();
    },
  );
});
