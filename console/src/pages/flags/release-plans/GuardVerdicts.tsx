import type { GuardVerdict } from '../../../api/release-plans';

const STATUS_CLASS: Record<GuardVerdict['status'], string> = {
  pass: 'pill-on',
  fail: 'pill-killed',
  inconclusive: 'pill-off',
};

/**
 * Guard verdicts: per guard its status, message and observed value, and the evidence the server
 * recorded (the URL and JSON path, the PromQL query and its result, the test statistics…) as JSON
 * behind a disclosure, so the list stays short on a phone.
 */
export function GuardVerdicts({ verdicts, label }: { verdicts: GuardVerdict[]; label: string }) {
  if (verdicts.length === 0) return <p class="hint">No guard verdict yet.</p>;
  return (
    <ul class="plain-list stack" aria-label={label}>
      {verdicts.map((verdict) => (
        <li key={`${verdict.guard}-${verdict.at}`} class="verdict">
          <p>
            <span class={`pill ${STATUS_CLASS[verdict.status]}`}>{verdict.status}</span>{' '}
            <strong>
              Guard {verdict.guard} ({verdict.kind})
            </strong>
            : {verdict.message}
          </p>
          <p class="hint">
            Observed: {verdict.observed ?? 'no value'} · checked{' '}
            <time dateTime={verdict.at}>{new Date(verdict.at).toLocaleString('en')}</time>
          </p>
          <details>
            <summary>
              Evidence of guard {verdict.guard} ({verdict.kind})
            </summary>
            <pre class="evidence" tabIndex={0} aria-label={`Evidence of guard ${verdict.guard} as JSON`}>
              {JSON.stringify(verdict.evidence, null, 2)}
            </pre>
          </details>
        </li>
      ))}
    </ul>
  );
}
