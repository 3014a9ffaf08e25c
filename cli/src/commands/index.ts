import type { Command } from '../context.js';
import { apply } from './apply.js';
import { audit } from './audit.js';
import { environmentsCreate } from './environments/create.js';
import { environmentsDelete } from './environments/delete.js';
import { environmentsGet } from './environments/get.js';
import { environmentsList } from './environments/list.js';
import { exportCommand } from './export.js';
import { flagsArchive } from './flags/archive.js';
import { flagsCreate } from './flags/create.js';
import { flagsGet } from './flags/get.js';
import { flagsList } from './flags/list.js';
import { flagsUnarchive } from './flags/unarchive.js';
import { importUnleash } from './import/unleash.js';
import { kill } from './kill.js';
import { login } from './login.js';
import { projectsCreate } from './projects/create.js';
import { projectsDelete } from './projects/delete.js';
import { projectsGet } from './projects/get.js';
import { projectsList } from './projects/list.js';
import { restore } from './restore.js';
import { rollout } from './rollout.js';
import { segmentsCreate } from './segments/create.js';
import { segmentsDelete } from './segments/delete.js';
import { segmentsGet } from './segments/get.js';
import { segmentsList } from './segments/list.js';

/** Every command, by its words on the command line. */
export const COMMANDS: Record<string, Command> = {
  login,
  'projects list': projectsList,
  'projects get': projectsGet,
  'projects create': projectsCreate,
  'projects delete': projectsDelete,
  'environments list': environmentsList,
  'environments get': environmentsGet,
  'environments create': environmentsCreate,
  'environments delete': environmentsDelete,
  'flags list': flagsList,
  'flags get': flagsGet,
  'flags create': flagsCreate,
  'flags archive': flagsArchive,
  'flags unarchive': flagsUnarchive,
  'segments list': segmentsList,
  'segments get': segmentsGet,
  'segments create': segmentsCreate,
  'segments delete': segmentsDelete,
  kill,
  restore,
  rollout,
  audit,
  export: exportCommand,
  apply,
  'import unleash': importUnleash,
};
