import type { StaleFlag, StaleReason } from '../api/usage';

/** What each reason of `GET /projects/:p/usage/stale` means, in words (`days`: the report's N). */
export function staleReasonText(reason: StaleReason, days: number): string {
  switch (reason) {
    case 'never-evaluated':
      return 'never evaluated';
    case 'not-evaluated-recently':
      return `not evaluated in ${days} days`;
    case 'killed-everywhere':
      return `killed everywhere for ${days} days`;
    case 'fully-rolled-out':
      return `fully rolled out for ${days} days`;
  }
}

/** A cleanup candidate's badge, e.g. "Stale: never evaluated" (text, not colour, says why). */
export function StaleBadge({ stale, days = 30 }: { stale: StaleFlag | undefined; days?: number }) {
  if (!stale) return null;
  return (
    <span class="badge-stale">Stale: {stale.reasons.map((reason) => staleReasonText(reason, days)).join(', ')}</span>
  );
}
