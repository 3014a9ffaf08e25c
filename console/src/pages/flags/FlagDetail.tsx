import { useState } from 'preact/hooks';
import { ApiError } from '../../api/client';
import { getConfig, restoreInEnvironment, setEnabled, setRolloutPercent, type VersionedConfig } from '../../api/flags';
import { KillButton } from '../../components/KillButton';
import { ErrorMessage, Loading } from '../../components/Loading';
import { KilledBadge, statusOf } from '../../components/StatusPills';
import { invalidate, setQueryData } from '../../hooks/query';
import { configKey, flagsKey, useFlag, useFlagConfig } from '../../hooks/useFlags';
import { Link, e } from '../../router';
import { describeChanges } from './config-diff';
import { FlagDefinitionBar } from './FlagDefinitionBar';
import { RolloutEditor } from './RolloutEditor';
import type { FullConfig } from '../../api/flag-config';
import { RulesEditor } from './rules/RulesEditor';
import { VariantsEditor } from './VariantsEditor';
import { UsageSection } from './UsageSection';
import { StaleBadge } from '../../components/StaleBadge';
import { useStaleFlags } from '../../hooks/useUsage';
import type { Me } from '../../api/account';
import { hasRole } from '../../api/rights';
import { ReleasePlanSection } from './release-plans/ReleasePlanSection';

/** A change the user asked for; `run` sends it with the ETag it was based on. */
interface Change {
  label: string;
  run: (etag: string | null) => Promise<VersionedConfig>;
}

/** 412: someone else saved first. What they changed, and the user's change, to re-apply or drop. */
interface Conflict {
  change: Change;
  theirs: VersionedConfig;
  changes: string[];
}

/** A flag in one environment (in the URL): status, on/off, kill and restore, rollouts, release plans. */
export function FlagDetail({
  project,
  flag,
  environment,
  me,
}: {
  project: string;
  flag: string;
  environment: string;
  me: Me;
}) {
  const summary = useFlag(project, flag);
  const config = useFlagConfig(project, flag, environment);
  const stale = useStaleFlags(project).data?.get(flag);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [conflict, setConflict] = useState<Conflict | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const accept = (result: VersionedConfig, message: string) => {
    setQueryData(configKey(project, flag, environment), result);
    invalidate(`${flagsKey(project)}flag:`);
    invalidate(`${flagsKey(project)}all:`);
    invalidate('flags:*');
    setNotice(message);
  };

  const apply = async (change: Change, etag: string | null) => {
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      const result = await change.run(etag);
      setConflict(null);
      accept(result, `${change.label}: saved.`);
    } catch (caught) {
      if (caught instanceof ApiError && caught.status === 412 && config.data) {
        const theirs = await getConfig(project, flag, environment);
        setConflict({ change, theirs, changes: describeChanges(config.data.config, theirs.config) });
      } else {
        setError(caught);
      }
    } finally {
      setBusy(false);
    }
  };

  const discardMine = () => {
    if (!conflict) return;
    accept(conflict.theirs, 'Showing the current configuration.');
    setConflict(null);
  };

  const base = `/projects/${e(project)}/flags/${e(flag)}`;
  const current = config.data?.config;
  return (
    <main id="main">
      <p class="breadcrumbs">
        <Link href="/">Home</Link> / <Link href={`/projects/${e(project)}/flags`}>{project}</Link> / {flag}
      </p>
      <h1>
        <span class="flag-key">{flag}</span> {summary.data && <KilledBadge environments={summary.data.environments} />}
      </h1>
      {summary.data && summary.data.name !== flag && <p>{summary.data.name}</p>}
      {stale && (
        <p>
          <StaleBadge stale={stale} /> <a href="#usage-heading">See usage</a>
        </p>
      )}
      {summary.data && <FlagDefinitionBar project={project} flag={summary.data} />}
      {summary.data && (
        <nav aria-label="Environments" class="tabs">
          {summary.data.environments.map((env) => (
            <Link
              key={env.environment}
              href={`${base}/environments/${e(env.environment)}`}
              aria-current={env.environment === environment ? 'page' : undefined}
              class={`tab pill-${statusOf(env)}`}
            >
              {env.environment}: {statusOf(env)}
            </Link>
          ))}
        </nav>
      )}
      {config.error ? (
        <ErrorMessage error={config.error} />
      ) : !current || !config.data ? (
        <Loading what="configuration" />
      ) : (
        <>
          <section aria-labelledby="status-heading" class={`card stack${current.killed ? ' is-killed' : ''}`}>
            <h2 id="status-heading">
              In {environment}: <span class={`pill pill-${statusOf(current)}`}>{statusOf(current)}</span>
            </h2>
            {current.killed && <p>Killed: {current.killReason ?? 'no reason given'}</p>}
            <div class="row">
              {current.killed ? (
                <button
                  type="button"
                  class="primary"
                  disabled={busy}
                  onClick={() =>
                    void apply(
                      { label: 'Restore', run: () => restoreInEnvironment(project, flag, environment) },
                      config.data!.etag,
                    )
                  }
                >
                  Restore configuration from before the kill
                </button>
              ) : (
                <>
                  <button
                    type="button"
                    disabled={busy}
                    aria-pressed={current.enabled}
                    onClick={() => {
                      const enabled = !current.enabled;
                      void apply(
                        {
                          label: `Turn ${enabled ? 'on' : 'off'}`,
                          run: (etag) => setEnabled(project, flag, environment, enabled, etag),
                        },
                        config.data!.etag,
                      );
                    }}
                  >
                    {current.enabled ? `Turn off in ${environment}` : `Turn on in ${environment}`}
                  </button>
                  <KillButton project={project} flag={flag} environment={environment} />
                </>
              )}
            </div>
          </section>
          {notice && (
            <p role="status" class="notice">
              {notice}
            </p>
          )}
          {error !== null && <ErrorMessage error={error} />}
          {conflict && (
            <section role="alert" aria-labelledby="conflict-heading" class="card conflict stack">
              <h2 id="conflict-heading">Someone else changed this flag in {environment}</h2>
              <p>Your change ({conflict.change.label}) was not saved. Since you opened it:</p>
              <ul>
                {conflict.changes.map((line) => (
                  <li key={line}>{line}</li>
                ))}
              </ul>
              <div class="row">
                <button
                  type="button"
                  class="primary"
                  disabled={busy}
                  onClick={() => void apply(conflict.change, conflict.theirs.etag)}
                >
                  Apply my change anyway: {conflict.change.label}
                </button>
                <button type="button" onClick={discardMine}>
                  Keep their version
                </button>
              </div>
            </section>
          )}
          <section aria-labelledby="rollout-heading" class="stack">
            <h2 id="rollout-heading">Rollout</h2>
            {current.rules.filter((rule) => rule.rollout).length === 0 ? (
              <p class="hint">No rule with a rollout in {environment}.</p>
            ) : (
              current.rules
                .filter((rule) => rule.rollout)
                .map((rule) => (
                  <RolloutEditor
                    key={rule.id}
                    rule={rule}
                    busy={busy}
                    onSave={(percent) =>
                      void apply(
                        {
                          label: `Rollout of rule ${rule.id} to ${percent} %`,
                          run: (etag) => setRolloutPercent(project, flag, environment, rule.id, percent, etag),
                        },
                        config.data!.etag,
                      )
                    }
                  />
                ))
            )}
          </section>
          {summary.data && (
            <>
              <RulesEditor
                project={project}
                flag={summary.data}
                environment={environment}
                loaded={config.data as unknown as { config: FullConfig; etag: string | null }}
              />
              <VariantsEditor project={project} flag={summary.data} />
            </>
          )}
          <ReleasePlanSection
            project={project}
            flag={flag}
            environment={environment}
            canWrite={hasRole(me, project, 'editor')}
            rules={current.rules.filter((rule) => rule.rollout).map((rule) => rule.id)}
          />
          <UsageSection project={project} flag={flag} environment={environment} />
        </>
      )}
    </main>
  );
}
