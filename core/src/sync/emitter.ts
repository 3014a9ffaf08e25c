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
 * Create one with {@link createEmitter}; its members work detached (`const { on } = emitter`).
 */
export interface Emitter<Events extends EventMap> {
  /** Adds `listener` for `event`; returns a function that removes it. */
  on<K extends keyof Events>(event: K, listener: Listener<Events, K>): () => void;
  /** Removes `listener` from `event` (no-op when it is not registered). */
  off<K extends keyof Events>(event: K, listener: Listener<Events, K>): void;
  /** Calls every listener of `event` with `payload`, in registration order. */
  emit<K extends keyof Events>(event: K, ...[payload]: EventArgs<Events, K>): void;
  /** Removes every listener of every event. */
  clear(): void;
}

/** Creates an {@link Emitter}. (Closures, not a class: they minify smaller in the browser bundle.) */
export function createEmitter<Events extends EventMap>(onListenerError?: (error: unknown) => void): Emitter<Events> {
  let listeners: { [K in keyof Events]?: Set<Listener<Events, K>> } = {};
  const off: Emitter<Events>['off'] = (event, listener) => listeners[event]?.delete(listener);
  return {
    on(event, listener) {
      (listeners[event] ??= new Set()).add(listener);
      return () => off(event, listener);
    },
    off,
    // The payload as a plain parameter (the interface types it): a rest pattern costs bytes.
    emit(event: keyof Events, payload?: unknown) {
      // A copy: listeners may remove themselves (or others) while they are called.
      for (const listener of [...(listeners[event] ?? [])]) {
        try {
          (listener as Listener<Events, typeof event>)(payload as Events[typeof event]);
        } catch (error) {
          onListenerError?.(error);
        }
      }
    },
    clear() {
      listeners = {};
    },
  };
}
