import { useCallback } from 'react';
import { api } from '../api/client';
import type { Participant } from '../api/types';
import { useAsync } from './useAsync';

/** The public participant list, and a name for an id or an account (neither means much to a reader). */
export function useParticipants() {
  const participants = useAsync(
    () => api.get<{ participants: Participant[] }>('/participants').then((answer) => answer.participants),
    [],
  );
  const list = participants.data;
  const nameOf = useCallback(
    (id: number | string | null | undefined): string => {
      if (id === null || id === undefined) return '—';
      const found = list?.find((participant) => participant.id === id);
      return found ? `${found.name} (#${found.id})` : `#${id}`;
    },
    [list],
  );
  const nameOfAccount = useCallback(
    (value: string | null | undefined): string => {
      // String(): an answer of another shape must not take the page down with it.
      const account = value === null || value === undefined ? '' : String(value);
      // The zero address is the other side of a mint or burn (deposit, withdrawal): nobody.
      if (account === '' || /^0x0{40}$/.test(account)) return '';
      const found = list?.find((participant) => participant.account.toLowerCase() === account.toLowerCase());
      return found ? `${found.name} (#${found.id})` : account;
    },
    [list],
  );
  return { ...participants, list: list ?? [], nameOf, nameOfAccount };
}
