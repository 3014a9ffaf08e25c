import { DockerfileParser, type Instruction } from 'dockerfile-ast';
import {
  DEFAULT_PORT,
  IMAGE_WORKDIR,
  MIGRATE_COMMAND,
  MIGRATIONS_DIR,
  PATHS,
  RUNTIME_UID,
  START_COMMAND,
} from '../server-contract.js';
import { imageTagProblem } from './images.js';

/** One build stage: its FROM line's image (ARG defaults resolved), its alias and its instructions. */
export interface Stage {
  image: string;
  alias: string | null;
  instructions: Instruction[];
}

/** Splits a Dockerfile into stages, resolving `FROM ${ARG}` from the ARG defaults declared before the first FROM. */
export function parseStages(text: string): Stage[] {
  const dockerfile = DockerfileParser.parse(text);
  const args = new Map<string, string>();
  for (const arg of dockerfile.getInitialARGs()) {
    const property = arg.getProperty();
    if (property) args.set(property.getName(), property.getValue() ?? '');
  }
  const stages: Stage[] = [];
  for (const instruction of dockerfile.getInstructions()) {
    if (instruction.getKeyword() === 'FROM') {
      const [image = '', , alias = null] = instruction.getArguments().map((a) => a.getValue());
      const resolved = image.replace(/\$\{?(\w+)\}?/g, (_m, name: string) => args.get(name) ?? `\${${name}}`);
      stages.push({ image: resolved, alias, instructions: [] });
    } else if (stages.length > 0) stages.at(-1)!.instructions.push(instruction);
  }
  return stages;
}

const ofKind = (stage: Stage, keyword: string) => stage.instructions.filter((i) => i.getKeyword() === keyword);
const argsOf = (i: Instruction) => i.getArguments().map((a) => a.getValue());
/** Shell text of a RUN (line continuations joined) for substring checks. */
const runText = (stage: Stage) =>
  ofKind(stage, 'RUN')
    .map((i) => (i.getArgumentsContent() ?? '').replace(/\\\r?\n/g, ' '))
    .join('\n');
/** The exec-form array of a CMD/HEALTHCHECK CMD, parsed as JSON. */
function execForm(text: string | null): string[] | null {
  const start = text?.indexOf('[') ?? -1;
  if (!text || start === -1) return null;
  try {
    return JSON.parse(text.slice(start)) as string[];
  } catch {
    return null;
  }
}

/** ENV name=value pairs of a stage (a later ENV wins). */
function envOf(stage: Stage): Map<string, string> {
  const env = new Map<string, string>();
  for (const instruction of ofKind(stage, 'ENV')) {
    for (const p of (
      instruction as unknown as { getProperties(): { getName(): string; getValue(): string | null }[] }
    ).getProperties())
      env.set(p.getName(), p.getValue() ?? '');
  }
  return env;
}

/**
 * Multi-stage build with npm ci / build / prune, and a runtime stage that is production-only,
 * non-root, health-checked on /healthz, and starts (and can migrate) the way the server expects.
 */
export function checkDockerfile(text: string, workspaces: readonly string[]): string[] {
  const problems: string[] = [];
  const stages = parseStages(text);
  if (stages.length < 2) return [`not multi-stage: ${stages.length} stage(s)`];
  const aliases = new Set(stages.map((s) => s.alias).filter(Boolean));
  for (const stage of stages) {
    if (aliases.has(stage.image)) continue; // FROM an earlier stage
    const problem = imageTagProblem(stage.image);
    if (problem) problems.push(`stage ${stage.alias ?? '?'}: base ${problem}`);
  }
  const allRuns = stages.map(runText).join('\n');
  if (!/\bnpm ci\b/.test(allRuns)) problems.push('dependencies are not installed with `npm ci`');
  if (!/npm ci\b[^\n]*--ignore-scripts/.test(allRuns))
    problems.push('`npm ci` runs install scripts the project does not allow');
  if (!/\bnpm run build\b/.test(allRuns)) problems.push('no `npm run build` (prisma generate + tsc)');
  if (!/\bnpm prune\b[^\n]*--omit=dev|npm ci\b[^\n]*--omit=dev/.test(allRuns))
    problems.push('dev dependencies are not pruned');

  const copiedManifests = stages.flatMap((s) => ofKind(s, 'COPY')).map((c) => argsOf(c)[0] ?? '');
  for (const workspace of workspaces) {
    if (!copiedManifests.includes(`${workspace}/package.json`))
      problems.push(`workspace ${workspace}'s package.json is not copied before npm ci`);
  }

  const runtime = stages.at(-1)!;
  const where = `runtime stage${runtime.alias ? ` ${runtime.alias}` : ''}`;
  if (aliases.has(runtime.image))
    problems.push(`${where}: built FROM ${runtime.image}, which carries build tools and sources`);
  if (/\bnpm (ci|install|i)\b/.test(runText(runtime))) problems.push(`${where}: installs packages itself`);
  const env = envOf(runtime);
  if (env.get('NODE_ENV') !== 'production') problems.push(`${where}: NODE_ENV is not production`);
  if (env.has('PORT') && Number(env.get('PORT')) !== DEFAULT_PORT)
    problems.push(`${where}: PORT is not ${DEFAULT_PORT}`);

  const users = ofKind(runtime, 'USER');
  const user = users.length > 0 ? argsOf(users.at(-1)!)[0] : undefined;
  if (!user) problems.push(`${where}: no USER, runs as root`);
  else {
    const [uid] = user.split(':');
    if (uid === 'root' || uid === '0') problems.push(`${where}: USER ${user} is root`);
    else if (Number(uid) !== RUNTIME_UID)
      problems.push(`${where}: USER ${user} is not the numeric uid ${RUNTIME_UID} the manifests expect`);
  }

  const workdir = ofKind(runtime, 'WORKDIR')
    .map((w) => argsOf(w)[0])
    .at(-1);
  if (workdir !== IMAGE_WORKDIR) problems.push(`${where}: WORKDIR ${workdir} is not ${IMAGE_WORKDIR}`);
  if (!ofKind(runtime, 'EXPOSE').some((e) => argsOf(e).includes(String(DEFAULT_PORT))))
    problems.push(`${where}: does not EXPOSE ${DEFAULT_PORT}`);

  const healthchecks = ofKind(runtime, 'HEALTHCHECK');
  const health = healthchecks.at(-1)?.getArgumentsContent() ?? '';
  if (!health) problems.push(`${where}: no HEALTHCHECK`);
  else if (/^\s*NONE\b/i.test(health)) problems.push(`${where}: HEALTHCHECK NONE`);
  else if (!health.includes(PATHS.health)) problems.push(`${where}: HEALTHCHECK does not probe ${PATHS.health}`);

  const cmd = execForm(ofKind(runtime, 'CMD').at(-1)?.getArgumentsContent() ?? null);
  if (JSON.stringify(cmd) !== JSON.stringify(START_COMMAND))
    problems.push(`${where}: CMD ${JSON.stringify(cmd)} is not ${JSON.stringify(START_COMMAND)}`);
  if (ofKind(runtime, 'ENTRYPOINT').length > 0) problems.push(`${where}: ENTRYPOINT would wrap the migrate command`);

  const copiedTargets = ofKind(runtime, 'COPY').map((c) => {
    const a = argsOf(c).filter((x) => !x.startsWith('--'));
    return { from: argsOf(c).some((x) => x.startsWith('--from=')), source: a[0] ?? '', target: a.at(-1) ?? '' };
  });
  const inImage = (path: string) =>
    copiedTargets.some(({ source, target }) => {
      const t = target.replace(/^\.\//, '').replace(/\/$/, '');
      const s = source.replace(/^\/app\//, '').replace(/\/$/, '');
      return path === t || path.startsWith(`${t}/`) || path === s || path.startsWith(`${s}/`);
    });
  const migrateScript = MIGRATE_COMMAND[1];
  const startScript = START_COMMAND[1];
  for (const path of [startScript, migrateScript, `${MIGRATIONS_DIR}/x`, 'node_modules/x']) {
    if (!inImage(path)) problems.push(`${where}: ${path.replace(/\/x$/, '')} is not copied into the image`);
  }
  const healthScript = execForm(health.replace(/^.*?\bCMD\b/s, ''))?.find(
    (a) => a.endsWith('.mjs') || a.endsWith('.js'),
  );
  if (healthScript && !inImage(healthScript))
    problems.push(`${where}: health check script ${healthScript} is not copied`);
  return problems;
}
