import { useState } from 'preact/hooks';
import {
  createPersonalToken,
  listPersonalTokens,
  revokePersonalToken,
  type Me,
  type PersonalToken,
} from '../../api/account';
import { ErrorMessage, Loading } from '../../components/Loading';
import { SecretShownOnce } from '../../components/SecretShownOnce';
import { invalidate, useQuery } from '../../hooks/query';
import { useAction } from '../../hooks/useAction';

function TokenRow({ token }: { token: PersonalToken }) {
  const revocation = useAction();
  const revoke = () =>
    revocation.run(async () => {
      await revokePersonalToken(token.id);
      invalidate('me:tokens');
    });
  return (
    <li class="card stack">
      <strong>{token.name}</strong>
      <span class="hint">
        <code>{token.prefix}…</code> · created {new Date(token.createdAt).toLocaleString()} ·{' '}
        {token.lastUsedAt ? `last used ${new Date(token.lastUsedAt).toLocaleString()}` : 'never used'}
      </span>
      <div class="row">
        <button
          type="button"
          class="danger"
          disabled={revocation.busy}
          aria-label={`Revoke ${token.name}`}
          onClick={() => void revoke()}
        >
          Revoke
        </button>
      </div>
      {revocation.error && <ErrorMessage error={revocation.error} />}
    </li>
  );
}

/** `/account/tokens`: the person's own tokens for the CLI and scripts (act as them, with their rights). */
export function PersonalTokens({ me }: { me: Me }) {
  const tokens = useQuery(me.user ? 'me:tokens' : null, listPersonalTokens);
  const [name, setName] = useState('');
  const [created, setCreated] = useState<{ name: string; secret: string } | null>(null);
  const create = useAction();
  if (!me.user)
    return (
      <main id="main">
        <h1>Personal tokens</h1>
        <p>Personal tokens belong to people: sign in with your email to make one.</p>
      </main>
    );
  const submit = async (event: Event) => {
    event.preventDefault();
    await create.run(async () => {
      const token = await createPersonalToken(name.trim());
      invalidate('me:tokens');
      setName('');
      setCreated({ name: token.name, secret: token.secret });
    });
  };
  return (
    <main id="main" class="stack">
      <h1>Personal tokens</h1>
      <p class="hint">
        For the CLI and scripts: <code>Authorization: Bearer sy_pat_…</code> acts as you, with your rights.
      </p>
      {created && <SecretShownOnce {...created} label="Personal token" onDone={() => setCreated(null)} />}
      <form class="card stack" onSubmit={submit} aria-labelledby="create-pat-heading">
        <h2 id="create-pat-heading">Create a personal token</h2>
        <label for="pat-name">Name (where you use it)</label>
        <input id="pat-name" required value={name} onInput={(ev) => setName(ev.currentTarget.value)} />
        {create.error && <ErrorMessage error={create.error} />}
        <div class="row">
          <button type="submit" class="primary" disabled={create.busy || !name.trim()}>
            Create token
          </button>
        </div>
      </form>
      {tokens.error ? <ErrorMessage error={tokens.error} /> : null}
      {tokens.data ? (
        tokens.data.length === 0 ? (
          <p>No personal tokens.</p>
        ) : (
          <ul class="plain-list stack" aria-label="Personal tokens">
            {tokens.data.map((token) => (
              <TokenRow key={token.id} token={token} />
            ))}
          </ul>
        )
      ) : (
        !tokens.error && <Loading what="tokens" />
      )}
    </main>
  );
}
