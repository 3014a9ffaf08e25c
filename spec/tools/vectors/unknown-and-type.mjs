import { flag, snapshot } from './helpers.mjs';

const flags = [
  flag('bool-flag', { defaultServe: { variant: 'on' } }),
  flag('string-flag', {
    type: 'string',
    variants: [
      { key: 'empty', value: '' },
      { key: 'hello', value: 'hello' },
    ],
    offVariant: 'empty',
    defaultServe: { variant: 'hello' },
  }),
  flag('number-flag', {
    type: 'number',
    variants: [
      { key: 'zero', value: 0 },
      { key: 'pi', value: 3.14159 },
    ],
    offVariant: 'zero',
    defaultServe: { variant: 'pi' },
  }),
  flag('number-flag-zero', {
    type: 'number',
    variants: [
      { key: 'zero', value: 0 },
      { key: 'neg', value: -12.5 },
    ],
    offVariant: 'neg',
    defaultServe: { variant: 'zero' },
  }),
  flag('json-flag', {
    type: 'json',
    variants: [
      { key: 'config', value: { limits: { rps: 100, burst: [1, 2, 3] }, label: 'ключ', enabled: true, extra: null } },
      { key: 'list', value: ['a', 1, false, null] },
      { key: 'nothing', value: null },
      { key: 'scalar', value: 'just a string' },
    ],
    offVariant: 'nothing',
    defaultServe: { variant: 'config' },
  }),
  flag('json-null', {
    type: 'json',
    variants: [
      { key: 'nothing', value: null },
      { key: 'list', value: ['a'] },
    ],
    offVariant: 'list',
    defaultServe: { variant: 'nothing' },
  }),
  flag('json-scalar', {
    type: 'json',
    variants: [
      { key: 'scalar', value: 'just a string' },
      { key: 'list', value: ['a'] },
    ],
    offVariant: 'list',
    defaultServe: { variant: 'scalar' },
  }),
];

const notFound = (value) => ({ value, reason: 'ERROR', errorCode: 'FLAG_NOT_FOUND' });
const mismatch = (value) => ({ value, reason: 'ERROR', errorCode: 'TYPE_MISMATCH' });
const BOOL_ON = { value: true, variant: 'on', reason: 'STATIC' };
const HELLO = { value: 'hello', variant: 'hello', reason: 'STATIC' };
const PI = { value: 3.14159, variant: 'pi', reason: 'STATIC' };
const CONFIG = {
  value: { limits: { rps: 100, burst: [1, 2, 3] }, label: 'ключ', enabled: true, extra: null },
  variant: 'config',
  reason: 'STATIC',
};

const c = (description, flagKey, extra, expected) => ({ description, flag: flagKey, context: {}, ...extra, expected });

const cases = [
  c('unknown flag, no default: the default is null', 'no-such-flag', {}, notFound(null)),
  c('unknown flag returns the caller default (string)', 'no-such-flag', { default: 'fallback' }, notFound('fallback')),
  c('unknown flag returns the caller default (false)', 'no-such-flag', { default: false }, notFound(false)),
  c('unknown flag returns the caller default (0)', 'no-such-flag', { default: 0 }, notFound(0)),
  c(
    'unknown flag returns the caller default (object, as is)',
    'no-such-flag',
    { default: { a: [1, 2] } },
    notFound({ a: [1, 2] }),
  ),
  c('flag keys are case-sensitive', 'Bool-Flag', { default: false }, notFound(false)),
  c('the empty key is unknown', '', { default: 'x' }, notFound('x')),
  c('a key named like an Object.prototype member is unknown: toString', 'toString', { default: 1 }, notFound(1)),
  c('a key named like an Object.prototype member is unknown: __proto__', '__proto__', { default: 1 }, notFound(1)),
  c('a key named like an Object.prototype member is unknown: constructor', 'constructor', {}, notFound(null)),
  c(
    'unknown flag with an expected type: not found wins over type mismatch (step 1 before 2)',
    'no-such-flag',
    { default: true, expectedType: 'boolean' },
    notFound(true),
  ),
  c('boolean flag, expected boolean', 'bool-flag', { default: false, expectedType: 'boolean' }, BOOL_ON),
  c('boolean flag, no expected type', 'bool-flag', { default: false }, BOOL_ON),
  c(
    'boolean flag, no expected type: a default of another type does not matter',
    'bool-flag',
    { default: 'x' },
    BOOL_ON,
  ),
  c('boolean flag asked as string', 'bool-flag', { default: 'x', expectedType: 'string' }, mismatch('x')),
  c('boolean flag asked as number', 'bool-flag', { default: 7, expectedType: 'number' }, mismatch(7)),
  c('boolean flag asked as json', 'bool-flag', { default: { a: 1 }, expectedType: 'json' }, mismatch({ a: 1 })),
  c('boolean flag asked as string, no default', 'bool-flag', { expectedType: 'string' }, mismatch(null)),
  c('string flag, expected string', 'string-flag', { default: 'x', expectedType: 'string' }, HELLO),
  c('string flag asked as boolean', 'string-flag', { default: false, expectedType: 'boolean' }, mismatch(false)),
  c('string flag asked as json: json is a type of its own', 'string-flag', { expectedType: 'json' }, mismatch(null)),
  c('number flag, expected number', 'number-flag', { default: 1, expectedType: 'number' }, PI),
  c('number flag asked as string', 'number-flag', { default: '1', expectedType: 'string' }, mismatch('1')),
  c(
    'number flag serving 0 (a falsy value is still served)',
    'number-flag-zero',
    { default: 5, expectedType: 'number' },
    { value: 0, variant: 'zero', reason: 'STATIC' },
  ),
  c('json flag, expected json: nested object served as is', 'json-flag', { expectedType: 'json' }, CONFIG),
  c('json flag, no expected type', 'json-flag', { default: null }, CONFIG),
  c('json flag asked as boolean', 'json-flag', { default: true, expectedType: 'boolean' }, mismatch(true)),
  c(
    'json flag serving null (a variant value of null is served, not the default)',
    'json-null',
    { default: 'd', expectedType: 'json' },
    { value: null, variant: 'nothing', reason: 'STATIC' },
  ),
  c(
    'json flag serving a string: the flag type is json, so string is a mismatch',
    'json-scalar',
    { default: 'd', expectedType: 'string' },
    mismatch('d'),
  ),
  c(
    'json flag serving a string, expected json',
    'json-scalar',
    { expectedType: 'json' },
    { value: 'just a string', variant: 'scalar', reason: 'STATIC' },
  ),
];

export default {
  description:
    'Unknown flags (FLAG_NOT_FOUND) and the type check (TYPE_MISMATCH): both return the caller default with no variant; a flag with no rules serves defaultServe with reason STATIC.',
  snapshot: snapshot(flags),
  cases,
};
