import { createContext, useContext, useEffect, useRef, type ReactNode } from 'react';
import type { LiveEvents } from '../api/types';

// One EventSource for the whole page (browsers cap connections per host), fanned out to the
// components that listen. EventSource reconnects by itself when the server restarts.

type Kind = keyof LiveEvents;
type Listener = (kind: Kind, data: unknown) => void;

const LiveContext = createContext<Set<Listener> | null>(null);
const kinds: readonly Kind[] = ['clock', 'block', 'period', 'bids', 'book'];

export function LiveProvider({ children }: { children: ReactNode }) {
  const listeners = useRef(new Set<Listener>());
  useEffect(() => {
    if (typeof EventSource === 'undefined') return;
    const source = new EventSource('/api/events');
    for (const kind of kinds) {
      source.addEventListener(kind, (event) => {
        let data: unknown;
        try {
          data = JSON.parse((event as MessageEvent<string>).data);
        } catch {
          return;
        }
        for (const listener of listeners.current) listener(kind, data);
      });
    }
    return () => source.close();
  }, []);
  return <LiveContext.Provider value={listeners.current}>{children}</LiveContext.Provider>;
}

/** Calls `onEvent` for each live event of the given kinds. */
export function useLiveEvent<K extends Kind>(
  which: readonly K[],
  onEvent: (kind: K, data: LiveEvents[K]) => void,
): void {
  const listeners = useContext(LiveContext);
  const latest = useRef(onEvent);
  latest.current = onEvent;
  const key = which.join(',');
  useEffect(() => {
    if (listeners === null) return;
    const listener: Listener = (kind, data) => {
      if ((which as readonly Kind[]).includes(kind)) latest.current(kind as K, data as LiveEvents[K]);
    };
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  }, [listeners, key]);
}

/**
 * Reloads on live events, at most once per `minMs`: in a simulation the chain makes blocks many
 * times a second and the page should not hammer the API for each.
 */
export function useLiveReload(which: readonly Kind[], reload: () => void, minMs = 1000): void {
  const last = useRef(0);
  const pending = useRef<number | null>(null);
  useEffect(
    () => () => {
      if (pending.current !== null) window.clearTimeout(pending.current);
    },
    [],
  );
  useLiveEvent(which, () => {
    if (pending.current !== null) return;
    const wait = Math.max(0, last.current + minMs - Date.now());
    pending.current = window.setTimeout(() => {
      pending.current = null;
      last.current = Date.now();
      reload();
    }, wait);
  });
}
