import { useState } from 'react';
import { api, asApiError, type ApiError } from '../../api/client';
import type { Participant } from '../../api/types';
import { DataTable, type Column } from '../../components/DataTable';
import { ErrorBox } from '../../components/forms';
import { kindLabel, yesNo } from '../../components/labels';
import { Address, TxLink } from '../../components/links';
import { useI18n } from '../../i18n/i18n';
import { Link } from '../../lib/router';

interface Props {
  participants: readonly Participant[];
  onChanged: () => void;
}

/** Every participant, with the operator's authorise and revoke buttons. */
export function ParticipantsTable({ participants, onChanged }: Props) {
  const { t } = useI18n();
  const [busy, setBusy] = useState<number | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const setAuthorised = (participant: Participant, authorise: boolean) => {
    setBusy(participant.id);
    setError(null);
    const path = `/participants/${participant.id}/authorisation`;
    (authorise ? api.post<Participant>(path) : api.delete<Participant>(path)).then(
      () => {
        setBusy(null);
        onChanged();
      },
      (cause: unknown) => {
        setBusy(null);
        setError(asApiError(cause));
      },
    );
  };
  const columns: Column<Participant>[] = [
    { header: t('col.id'), value: (row) => String(row.id), numeric: true },
    {
      header: t('col.name'),
      value: (row) => row.name,
      render: (row) => <Link to={`/participants/${row.id}`}>{row.name}</Link>,
    },
    { header: t('col.kind'), value: (row) => kindLabel(t, row.kind) },
    { header: t('col.greenSupply'), value: (row) => yesNo(t, row.greenSupply) },
    { header: t('col.greenPreference'), value: (row) => yesNo(t, row.greenPreference) },
    { header: t('col.meter'), value: (row) => row.meter?.number ?? '' },
    {
      header: t('col.account'),
      value: (row) => row.account,
      render: (row) => <Address address={row.account} />,
    },
    {
      header: t('col.transaction'),
      value: (row) => row.transactionHash,
      render: (row) => <TxLink hash={row.transactionHash} />,
    },
    {
      header: t('col.authorised'),
      value: (row) => yesNo(t, row.authorised),
      render: (row) => (
        <span className="row-actions" data-testid={`participant-${row.id}`} data-authorised={row.authorised}>
          <span className={row.authorised ? 'badge ok' : 'badge warn'}>{yesNo(t, row.authorised)}</span>
          {row.authorised ? (
            <button
              type="button"
              data-testid={`revoke-${row.id}`}
              disabled={busy === row.id}
              onClick={() => setAuthorised(row, false)}
            >
              {t('operator.revoke')}
            </button>
          ) : (
            <button
              type="button"
              data-testid={`authorise-${row.id}`}
              disabled={busy === row.id}
              onClick={() => setAuthorised(row, true)}
            >
              {t('operator.authorise')}
            </button>
          )}
        </span>
      ),
    },
  ];
  return (
    <>
      <ErrorBox error={error} />
      <DataTable
        testId="participants-table"
        fileName="participants"
        columns={columns}
        rows={participants}
        rowKey={(row) => row.id}
      />
    </>
  );
}
