import { useState } from 'preact/hooks';
import { createToken, listTokens, revokeToken, type CreatedToken, type Token, type TokenKind } from '../../api/tokens';
import { Dialog, DialogActions } from '../../components/Dialog';
import { ErrorMessage, Loading } from '../../components/Loading';
import { SecretShownOnce } from '../../components/SecretShownOnce';
import { invalidate, useQuery } from '../../hooks/query';
import { useAction } from '../../hooks/useAction';
import { useProjectDetails } from '../../hooks/useProjects';

const KIND_HINT: Record<TokenKind, string> = {
  admin: 'the management API (this console, the CLI)',
  server: 'server SDKs of one environment',
  client: 'browser SDKs of one environment (client-side flags only)',
};

function CreateToken({ onCreated }: { onCreated: (token: CreatedToken) => void }) {
  const projects = useProjectDetails();
  const [name, setName] = useState('');
  const [kind, setKind] = useState<TokenKind>('server');
  const [project, setProject] = useState('');
  const [environment, setEnvironment] = useState('');
  const create = useAction();
  const scoped = kind !== 'admin';
  const environments = projects.data?.find((p) => p.key === project)?.environments ?? [];

  const submit = async (event: Event) => {
    event.preventDefault();
    await create.run(async () => {
      const created = await createToken(
        scoped ? { name: name.trim(), kind, project, environment } : { name: name.trim(), kind },
      );
      invalidate('tokens');
      setName('');
      onCreated(created);
    });
  };

  return (
    <form class="card stack" onSubmit={submit} aria-labelledby="create-token-heading">
      <h2 id="create-token-heading">Create a token</h2>
      <label for="token-name">Name (who or what uses it)</label>
      <input
        id="token-name"
        required
        maxLength={200}
        value={name}
        onInput={(event) => setName(event.currentTarget.value)}
      />
      <label for="token-kind">Kind</label>
      <select
        id="token-kind"
        value={kind}
        aria-describedby="token-kind-hint"
        onChange={(event) => setKind(event.currentTarget.value as TokenKind)}
      >
        <option value="server">Server SDK</option>
        <option value="client">Client (browser) SDK</option>
        <option value="admin">Admin</option>
      </select>
      <p id="token-kind-hint" class="hint">
        For {KIND_HINT[kind]}.
      </p>
      {scoped && (
        <div class="filters">
          <div class="stack">
            <label for="token-project">Project</label>
            <select
              id="token-project"
              required
              value={project}
              onChange={(event) => {
                setProject(event.currentTarget.value);
                setEnvironment('');
              }}
            >
              <option value="">Choose…</option>
              {(projects.data ?? []).map((p) => (
                <option key={p.key} value={p.key}>
                  {p.name}
                </option>
              ))}
            </select>
          </div>
          <div class="stack">
            <label for="token-environment">Environment</label>
            <select
              id="token-environment"
              required
              value={environment}
              onChange={(event) => setEnvironment(event.currentTarget.value)}
            >
              <option value="">Choose…</option>
              {environments.map((env) => (
                <option key={env.key} value={env.key}>
                  {env.name}
                </option>
              ))}
            </select>
          </div>
        </div>
      )}
      {create.error && <ErrorMessage error={create.error} />}
      <div class="row">
        <button
          type="submit"
          class="primary"
          disabled={create.busy || !name.trim() || (scoped && (!project || !environment))}
        >
          {create.busy ? 'Creating…' : 'Create token'}
        </button>
      </div>
    </form>
  );
}

function RevokeButton({ token }: { token: Token }) {
  const [open, setOpen] = useState(false);
  const revocation = useAction();
  const revoke = () =>
    revocation.run(async () => {
      await revokeToken(token.id);
      setOpen(false);
      invalidate('tokens');
    });
  return (
    <>
      <button type="button" class="danger" aria-label={`Revoke ${token.name}`} onClick={() => setOpen(true)}>
        Revoke
      </button>
      <Dialog title={`Revoke ${token.name}?`} open={open} onClose={() => setOpen(false)}>
        <div class="stack">
          <p>Every request with it fails from now on, and its open SDK streams end. This cannot be undone.</p>
          {revocation.error && <ErrorMessage error={revocation.error} />}
          <DialogActions
            confirm="Confirm revoke"
            busy={revocation.busy}
            tone="danger"
            onConfirm={() => void revoke()}
            onCancel={() => setOpen(false)}
          />
        </div>
      </Dialog>
    </>
  );
}

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : 'never');

/** API tokens: create (the secret shown once), list, revoke. */
export function Tokens() {
  const [includeRevoked, setIncludeRevoked] = useState(false);
  const tokens = useQuery(`tokens:${includeRevoked}`, () => listTokens(includeRevoked));
  const [created, setCreated] = useState<CreatedToken | null>(null);
  return (
    <main id="main">
      <h1>API tokens</h1>
      {created ? (
        <SecretShownOnce name={created.name} secret={created.secret} label="Token" onDone={() => setCreated(null)} />
      ) : (
        <CreateToken onCreated={setCreated} />
      )}
      <section aria-labelledby="token-list-heading">
        <div class="row spread">
          <h2 id="token-list-heading">Tokens</h2>
          <label>
            <input
              type="checkbox"
              checked={includeRevoked}
              onChange={(event) => setIncludeRevoked(event.currentTarget.checked)}
            />{' '}
            Show revoked
          </label>
        </div>
        {tokens.error ? (
          <ErrorMessage error={tokens.error} />
        ) : !tokens.data ? (
          <Loading what="tokens" />
        ) : (
          <ul class="plain-list" aria-label="Tokens">
            {tokens.data.map((token) => (
              <li key={token.id} class="card token-row">
                <div class="stack">
                  <strong>{token.name}</strong>
                  <span>
                    {token.kind}
                    {token.project && (
                      <>
                        {' '}
                        · {token.project} / {token.environment}
                      </>
                    )}{' '}
                    · <code>{token.prefix}…</code>
                  </span>
                  <span class="hint">
                    Created {when(token.createdAt)} · last used {when(token.lastUsedAt)}
                    {token.revokedAt && <> · revoked {when(token.revokedAt)}</>}
                  </span>
                </div>
                {!token.revokedAt && <RevokeButton token={token} />}
              </li>
            ))}
          </ul>
        )}
      </section>
    </main>
  );
}
