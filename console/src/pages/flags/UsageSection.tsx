import { useState } from 'preact/hooks';
import { ErrorMessage, Loading } from '../../components/Loading';
import { StaleBadge } from '../../components/StaleBadge';
import { UsageChart } from '../../components/UsageChart';
import { useStaleFlags, useUsage } from '../../hooks/useUsage';

/** When the flag was last evaluated, in words and as a machine-readable time. */
function LastEvaluated({ at }: { at: string | null }) {
  if (!at) return <p>Last evaluated: never (no SDK has reported it).</p>;
  return (
    <p>
      Last evaluated: <time dateTime={at}>{new Date(at).toLocaleString('en')}</time>
    </p>
  );
}

/**
 * The flag's usage on its detail screen: evaluations per variant over the last 30 days or 24
 * hours, in this environment or all of them, from the counts SDKs report (`POST /sdk/metrics`);
 * and why it is a cleanup candidate, when it is one.
 */
export function UsageSection({ project, flag, environment }: { project: string; flag: string; environment: string }) {
  const [scope, setScope] = useState<'environment' | 'all'>('environment');
  const [bucket, setBucket] = useState<'day' | 'hour'>('day');
  const usage = useUsage(project, flag, scope === 'all' ? null : environment, bucket);
  const stale = useStaleFlags(project).data?.get(flag);
  const where = scope === 'all' ? 'all environments' : environment;
  const range = bucket === 'day' ? 'the last 30 days' : 'the last 24 hours';
  return (
    <section aria-labelledby="usage-heading" class="card stack">
      <h2 id="usage-heading">Usage</h2>
      {stale && (
        <p>
          A cleanup candidate: <StaleBadge stale={stale} />
        </p>
      )}
      <div class="filters">
        <div class="stack">
          <label for="usage-scope">Usage in</label>
          <select
            id="usage-scope"
            value={scope}
            onChange={(event) => setScope(event.currentTarget.value as 'environment' | 'all')}
          >
            <option value="environment">{environment}</option>
            <option value="all">All environments</option>
          </select>
        </div>
        <div class="stack">
          <label for="usage-range">Time range</label>
          <select
            id="usage-range"
            value={bucket}
            onChange={(event) => setBucket(event.currentTarget.value as 'day' | 'hour')}
          >
            <option value="day">The last 30 days, per day</option>
            <option value="hour">The last 24 hours, per hour</option>
          </select>
        </div>
      </div>
      {usage.error ? (
        <ErrorMessage error={usage.error} />
      ) : !usage.data ? (
        <Loading what="usage" />
      ) : (
        <>
          <LastEvaluated at={usage.data.lastEvaluatedAt} />
          <UsageChart
            buckets={usage.data.buckets}
            bucketSize={usage.data.bucket}
            label={`Evaluations of ${flag} in ${where} over ${range}`}
          />
        </>
      )}
    </section>
  );
}
