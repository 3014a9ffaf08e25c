export {
  ChangeNotifier,
  type ChangeEntries,
  type ChangeEvent,
  type ChangeListener,
  type RecordedListener,
  type EnvironmentRevision,
} from './notifier.js';
export {
  recordChange,
  type ChangeAffects,
  type ChangeInput,
  type RecordedChange,
  type RecordedSummary,
} from './record-change.js';
export {
  recordChangeCtes,
  type GuardedChangeInput,
  type RecordChangeColumns,
  type RecordChangeCtes,
} from './record-change-ctes.js';
export { announceRecorded, inChangeTransaction, type ChangeDeps, type RecordFn } from './change-transaction.js';
