/** Maps each event name to the type of its payload (`void` for none); an interface is fine. */
export type EventMap = object;

/** Arguments of `emit` after the event name: none for `void` events, else the payload. */
export type EventArgs<Events extends EventMap, K extends keyof Events> = [Events[K]] extends [void] ? [] : [Events[K]];

/** A listener of event `K`. */
export type Listener<Events extends EventMap, K extends keyof Events> = (payload: Events[K]) => void;

/**
 * A tiny typed event emitter. A listener that throws does not stop the others nor the emitter's
 * caller: SDK state changes must never be aborted by application code. The error goes to
 * `onListenerError`; SDKs pass one that reports it (core has no console or timers to do so itself).
 */
export class Emitter<Events extends EventMap> {
  #listeners: { [K in keyof Events]?: Set<Listener<Events, K>> } = {};

  readonly #onListenerError: (error: unknown) => void;

  constructor(onListenerError: (error: unknown) => void = () => {}) {
    this.#onListenerError = onListenerError;
  }

  /** Adds `listener` for `event`; returns a function that removes it. */
  on<K extends keyof Events>(event: K, listener: Listener<Events, K>): () => void {
    (this.#listeners[event] ??= new Set()).add(listener);
    return () => this.off(event, listener);
  }

  /** Removes `listener` from `event` (no-op when it is not registered). */
  off<K extends keyof Events>(event: K, listener: Listener<Events, K>): void {
    this.#listeners[event]?.delete(listener);
  }

  /** Calls every listener of `event` with `payload`, in registration order. */
  emit<K extends keyof Events>(event: K, ...[payload]: EventArgs<Events, K>): void {
    for (const listener of [...(this.#listeners[event] ?? [])]) {
      try {
        listener(payload as Events[K]);
      } catch (error) {
        this.#onListenerError(error);
      }
    }
  }

  /** Removes every listener of every event. */
  clear(): void {
    this.#listeners = {};
  }
}
