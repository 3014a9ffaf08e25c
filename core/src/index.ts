export * from './model/flag.js';
export type * from './model/result.js';
