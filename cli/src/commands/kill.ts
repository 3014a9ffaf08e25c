import { killSwitchCommand } from './kill-switch.js';

/** `switchyard kill <flag> --env <env> --reason <text>` (no --env: every environment, in one transaction). */
export const kill = killSwitchCommand({
  verb: 'kill',
  done: 'Killed',
  summary: 'Kill switch: turn a flag off now (one environment, or all without --env)',
  everyEnvironment: 'every environment',
  reasonRequired: true,
});
