export { ChangeNotifier, type ChangeEvent, type ChangeListener, type EnvironmentRevision } from './notifier.js';
export { recordChange, type ChangeAffects, type ChangeInput, type RecordedChange } from './record-change.js';
export { inChangeTransaction, type ChangeDeps, type RecordFn } from './change-transaction.js';
