import { useEffect, useState } from 'preact/hooks';

/**
 * A search input whose value is committed (to the URL, by the caller) shortly after typing stops,
 * so each keystroke does not fetch.
 */
export function SearchBox(props: {
  id: string;
  label: string;
  value: string;
  onSearch: (q: string) => void;
  placeholder?: string;
}) {
  const [text, setText] = useState(props.value);
  useEffect(() => setText(props.value), [props.value]);
  useEffect(() => {
    if (text.trim() === props.value) return;
    const timer = setTimeout(() => props.onSearch(text.trim()), 250);
    return () => clearTimeout(timer);
    // Only the typed text restarts the timer.
  }, [text]);
  return (
    <form
      role="search"
      class="stack"
      onSubmit={(event) => {
        event.preventDefault();
        props.onSearch(text.trim());
      }}
    >
      <label for={props.id}>{props.label}</label>
      <input
        id={props.id}
        type="search"
        value={text}
        placeholder={props.placeholder}
        autoComplete="off"
        onInput={(event) => setText(event.currentTarget.value)}
      />
    </form>
  );
}
