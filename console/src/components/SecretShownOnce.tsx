import { useId, useState } from 'preact/hooks';

/**
 * A secret just created (an API token, a personal token): shown this once, with a copy button,
 * since the server keeps only its hash. `label` names the input (its accessible name, e.g.
 * "Token"); the heading names what was created.
 */
export function SecretShownOnce({
  name,
  secret,
  label,
  onDone,
}: {
  name: string;
  secret: string;
  label: string;
  onDone: () => void;
}) {
  const id = useId();
  const [copied, setCopied] = useState<string | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied('Copied to the clipboard.');
    } catch {
      setCopied('The browser refused the clipboard: select the token and copy it.');
    }
  };
  return (
    <section class="card stack notice-card" role="alert" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>Token “{name}” created</h2>
      <p>Copy it now: it is shown only once (the server keeps only its hash).</p>
      <label for={`${id}-secret`}>{label}</label>
      <input id={`${id}-secret`} readOnly value={secret} onFocus={(event) => event.currentTarget.select()} />
      <div class="row">
        <button type="button" class="primary" onClick={() => void copy()}>
          Copy token
        </button>
        <button type="button" onClick={onDone}>
          Done
        </button>
      </div>
      {copied && <p role="status">{copied}</p>}
    </section>
  );
}
