import { killSwitchCommand } from './kill-switch.js';

/** `switchyard restore <flag> [--env <env>] [--reason <text>]`: undo a kill. */
export const restore = killSwitchCommand({
  verb: 'restore',
  done: 'Restored',
  summary: 'Bring back the configuration from before a kill (one environment, or every killed one)',
  everyEnvironment: 'every killed environment',
  reasonRequired: false,
});
