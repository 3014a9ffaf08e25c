import type { Prerequisite } from '@switchyard/core';
import type { PercentRule as Rule } from '@switchyard/core/schema';
import { useState } from 'preact/hooks';
import { ApiError } from '../../../api/client';
import { getFullConfig, listSegments, putConfig, type ConfigBody, type FullConfig } from '../../../api/flag-config';
import type { FlagDetail } from '../../../api/flags';
import { ErrorMessage } from '../../../components/Loading';
import { invalidate, setQueryData, useQuery } from '../../../hooks/query';
import { configKey, flagsKey, useAllFlags } from '../../../hooks/useFlags';
import { PrerequisitesEditor } from './PrerequisitesEditor';
import { describeConfigChanges } from './review-diff';
import { RuleCard } from './RuleCard';
import { draftOf, emptyCondition, prerequisiteProblem, ruleOf, type RuleDraft } from './rule-draft';

interface Loaded {
  config: FullConfig;
  etag: string | null;
}

/** 412 on save: what the other person changed, and the body to re-apply on top of their version. */
interface Conflict {
  theirs: Loaded;
  changes: string[];
}

const bodyOf = (config: FullConfig, rules: Rule[], prerequisites: Prerequisite[]): ConfigBody => ({
  enabled: config.enabled,
  offVariant: config.offVariant,
  defaultServe: config.defaultServe,
  rules,
  prerequisites,
});

/**
 * Rules and prerequisites of a flag in one environment: edit (conditions with every operator,
 * typed and checked with core's schemas; segments; served variant; prerequisites), review the
 * differences ("production: rule 2 (beta) added"), then save the whole configuration with If-Match.
 * On a 412 it shows what changed meanwhile and can re-apply the edit on top of it.
 */
export function RulesEditor(props: { project: string; flag: FlagDetail; environment: string; loaded: Loaded }) {
  const { project, flag, environment } = props;
  // The version the edit started from: saved against its ETag, so a change made meanwhile (even a
  // rollout on this page) is a 412 to resolve, never silently overwritten.
  const [base, setBase] = useState<Loaded | null>(null);
  const loaded = base ?? props.loaded;
  const variants = ((flag as FlagDetail & { variants?: { key: string }[] }).variants ?? []).map((v) => v.key);
  const segments = useQuery(`flags:${project}:segments`, () => listSegments(project));
  const flags = useAllFlags(project, false);
  const [rules, setRules] = useState<RuleDraft[] | null>(null);
  const [prerequisites, setPrerequisites] = useState<Prerequisite[]>([]);
  const [review, setReview] = useState<{ body: ConfigBody; lines: string[] } | null>(null);
  const [conflict, setConflict] = useState<Conflict | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const startEditing = () => {
    setBase(props.loaded);
    setRules(props.loaded.config.rules.map(draftOf));
    setPrerequisites(props.loaded.config.prerequisites.map((p) => ({ ...p, variants: [...p.variants] })));
    setNotice(null);
    setConflict(null);
  };
  const stop = () => {
    setBase(null);
    setRules(null);
    setReview(null);
    setProblem(null);
    setError(null);
  };

  /** The edited rules and prerequisites, or the first problem found. */
  const build = (): { rules: Rule[]; prerequisites: Prerequisite[] } | string => {
    const built: Rule[] = [];
    for (const draft of rules ?? []) {
      const result = ruleOf(draft, variants);
      if ('problem' in result) return result.problem;
      built.push(result.rule);
    }
    const ids = new Set(built.map((rule) => rule.id));
    if (ids.size !== built.length) return 'Two rules have the same id.';
    for (const prerequisite of prerequisites) {
      const found = prerequisiteProblem(prerequisite);
      if (found) return found;
    }
    return { rules: built, prerequisites };
  };

  const openReview = () => {
    const result = build();
    if (typeof result === 'string') {
      setProblem(result);
      return;
    }
    setProblem(null);
    const lines = describeConfigChanges(environment, loaded.config, result);
    setReview({ body: bodyOf(loaded.config, result.rules, result.prerequisites), lines });
  };

  const save = async (body: ConfigBody, etag: string | null) => {
    setBusy(true);
    setError(null);
    try {
      const saved = await putConfig(project, flag.key, environment, body, etag);
      setQueryData(configKey(project, flag.key, environment), saved);
      invalidate(`${flagsKey(project)}flag:`);
      invalidate(`${flagsKey(project)}all:`);
      setConflict(null);
      setNotice(`Rules in ${environment}: saved (version ${saved.config.version}).`);
      stop();
    } catch (caught) {
      if (caught instanceof ApiError && caught.status === 412) {
        const theirs = await getFullConfig(project, flag.key, environment);
        setConflict({ theirs, changes: describeConfigChanges(environment, loaded.config, theirs.config) });
        setReview(null);
      } else {
        setError(caught);
      }
    } finally {
      setBusy(false);
    }
  };

  const reapply = () => {
    if (!conflict) return;
    const result = build();
    if (typeof result === 'string') {
      setProblem(result);
      return;
    }
    // This editor does not edit rollouts: a rule they also have keeps their rollout.
    const theirRollouts = new Map(conflict.theirs.config.rules.map((rule) => [rule.id, rule.rollout]));
    const rules = result.rules.map((rule) => {
      if (!theirRollouts.has(rule.id)) return rule;
      const { rollout: _mine, ...rest } = rule;
      const theirs = theirRollouts.get(rule.id);
      return theirs ? { ...rest, rollout: theirs } : rest;
    });
    void save(bodyOf(conflict.theirs.config, rules, result.prerequisites), conflict.theirs.etag);
  };

  const move = (at: number, by: -1 | 1) => {
    if (!rules) return;
    const next = [...rules];
    const [rule] = next.splice(at, 1);
    next.splice(at + by, 0, rule!);
    setRules(next);
  };

  return (
    <section aria-labelledby="rules-heading" class="stack">
      <h2 id="rules-heading">Rules and prerequisites</h2>
      {notice && (
        <p role="status" class="notice">
          {notice}
        </p>
      )}
      {rules === null ? (
        <>
          {loaded.config.rules.length === 0 ? (
            <p class="hint">No rules in {environment}: everyone gets the default.</p>
          ) : (
            <ol>
              {loaded.config.rules.map((rule) => (
                <li key={rule.id}>
                  <strong>{rule.id}</strong>: {rule.conditions.length} condition(s)
                  {rule.segments.length > 0 && <>, segments {rule.segments.join(', ')}</>}, serves{' '}
                  {'variant' in rule.serve ? rule.serve.variant : 'a split'}
                </li>
              ))}
            </ol>
          )}
          {loaded.config.prerequisites.length > 0 && (
            <p>
              Prerequisites:{' '}
              {loaded.config.prerequisites.map((p) => `${p.flagKey} (${p.variants.join(', ')})`).join('; ')}
            </p>
          )}
          <div class="row">
            <button type="button" onClick={startEditing}>
              Edit rules in {environment}
            </button>
          </div>
        </>
      ) : (
        <form
          class="stack"
          onSubmit={(event) => {
            event.preventDefault();
            openReview();
          }}
        >
          {rules.map((rule, at) => (
            <RuleCard
              key={at}
              index={at}
              count={rules.length}
              rule={rule}
              variants={variants}
              segments={segments.data ?? []}
              onChange={(next) => setRules(rules.map((r, i) => (i === at ? next : r)))}
              onMove={(by) => move(at, by)}
              onRemove={() => setRules(rules.filter((_, i) => i !== at))}
            />
          ))}
          <div class="row">
            <button
              type="button"
              onClick={() =>
                setRules([
                  ...rules,
                  {
                    id: `rule-${rules.length + 1}`,
                    description: '',
                    conditions: [emptyCondition()],
                    segments: [],
                    variant: variants[0] ?? '',
                    base: null,
                  },
                ])
              }
            >
              Add a rule
            </button>
          </div>
          <PrerequisitesEditor
            flag={flag.key}
            prerequisites={prerequisites}
            flags={flags.data ?? []}
            onChange={setPrerequisites}
          />
          {problem && <ErrorMessage error={problem} />}
          <div class="row">
            <button type="submit" class="primary">
              Review changes
            </button>
            <button type="button" onClick={stop}>
              Cancel editing
            </button>
          </div>
        </form>
      )}
      {review && (
        <section class="card stack" aria-labelledby="review-heading">
          <h3 id="review-heading">Review before saving</h3>
          {review.lines.length === 0 ? (
            <p>Nothing changed.</p>
          ) : (
            <ul>
              {review.lines.map((line) => (
                <li key={line}>{line}</li>
              ))}
            </ul>
          )}
          <div class="row">
            <button
              type="button"
              class="primary"
              disabled={busy || review.lines.length === 0}
              onClick={() => void save(review.body, loaded.etag)}
            >
              Save changes in {environment}
            </button>
            <button type="button" onClick={() => setReview(null)}>
              Back to editing
            </button>
          </div>
        </section>
      )}
      {error !== null && <ErrorMessage error={error} />}
      {conflict && (
        <section role="alert" class="card conflict stack" aria-labelledby="rules-conflict-heading">
          <h3 id="rules-conflict-heading">Someone else changed the rules in {environment}</h3>
          <p>Your edit was not saved. Since you opened it:</p>
          <ul>
            {(conflict.changes.length ? conflict.changes : [`${environment}: other settings changed`]).map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
          <div class="row">
            <button type="button" class="primary" disabled={busy} onClick={reapply}>
              Re-apply my edit on top of theirs
            </button>
            <button
              type="button"
              onClick={() => {
                setQueryData(configKey(project, flag.key, environment), conflict.theirs);
                setConflict(null);
                stop();
              }}
            >
              Discard my edit
            </button>
          </div>
        </section>
      )}
    </section>
  );
}
