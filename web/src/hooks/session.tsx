import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { api, ApiError, sessionExpiredEvent } from '../api/client';
import type { Kind, Participant, User } from '../api/types';

// Who is logged in. The session itself is the server's HttpOnly cookie; the page only learns the user
// from GET /api/session and never stores a token.

export interface SignUp {
  username: string;
  password: string;
  name: string;
  kind: Kind;
  greenSupply: boolean;
  greenPreference: boolean;
}

interface Session {
  /** undefined while the first GET /api/session is on its way. */
  user: User | null | undefined;
  login: (username: string, password: string) => Promise<User>;
  signUp: (form: SignUp) => Promise<User>;
  logout: () => Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null | undefined>(undefined);

  useEffect(() => {
    api.get<{ user: User }>('/session').then(
      (answer) => setUser(answer.user),
      (cause: unknown) => {
        if (!(cause instanceof ApiError) || cause.status !== 401) console.warn('session:', cause);
        setUser(null);
      },
    );
  }, []);

  useEffect(() => {
    const onExpired = () => setUser(null);
    window.addEventListener(sessionExpiredEvent, onExpired);
    return () => window.removeEventListener(sessionExpiredEvent, onExpired);
  }, []);

  const login = useCallback(async (username: string, password: string) => {
    const answer = await api.post<{ user: User }>('/session', { username, password });
    setUser(answer.user);
    return answer.user;
  }, []);

  const signUp = useCallback(async (form: SignUp) => {
    const answer = await api.post<{ user: User; participant: Participant }>('/participants', form);
    setUser(answer.user);
    return answer.user;
  }, []);

  const logout = useCallback(async () => {
    try {
      await api.delete<unknown>('/session');
    } finally {
      setUser(null);
    }
  }, []);

  return (
    <SessionContext.Provider value={{ user, login, signUp, logout }}>{children}</SessionContext.Provider>
  );
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (session === null) throw new Error('useSession outside SessionProvider');
  return session;
}
