import { useState } from 'react';
import { api } from '../../api/client';
import type { Participant } from '../../api/types';
import { Field, FormError, TextField, useSubmit } from '../../components/forms';
import { TxLink } from '../../components/links';
import { useI18n } from '../../i18n/i18n';

interface Bound {
  meter: { address: string; number: string };
  transactionHash: string;
}

/** Binds a 12-digit DL/T 645 meter number to a participant; the gateway makes the meter's key. */
export function MeterForm({
  participants,
  onBound,
}: {
  participants: readonly Participant[];
  onBound: () => void;
}) {
  const { t } = useI18n();
  const [participantId, setParticipantId] = useState('');
  const [meterNumber, setMeterNumber] = useState('');
  const [bound, setBound] = useState<Bound | null>(null);
  const chosen = participantId || String(participants[0]?.id ?? '');
  const submit = useSubmit(async () => {
    setBound(await api.post<Bound>(`/participants/${chosen}/meter`, { meterNumber: meterNumber.trim() }));
    setMeterNumber('');
    onBound();
  });
  return (
    <form className="card" data-testid="meter-form" onSubmit={submit.onSubmit}>
      <h2>{t('operator.bindMeter')}</h2>
      <Field label={t('col.participant')} name="participant" error={submit.error}>
        <select
          data-testid="meter-participant"
          value={chosen}
          onChange={(event) => setParticipantId(event.target.value)}
        >
          {participants.map((participant) => (
            <option key={participant.id} value={participant.id}>
              {`${participant.name} (#${participant.id})`}
            </option>
          ))}
        </select>
      </Field>
      <TextField
        label={t('field.meterNumber')}
        name="meterNumber"
        error={submit.error}
        testId="meter-number"
        inputMode="numeric"
        pattern="\d{12}"
        maxLength={12}
        title={t('field.meterNumberHint')}
        value={meterNumber}
        onChange={setMeterNumber}
      />
      <FormError error={submit.error} fields={['participant', 'meterNumber']} />
      <button type="submit" data-testid="meter-submit" disabled={submit.pending || chosen === ''}>
        {t('operator.bind')}
      </button>
      {bound !== null && (
        <p className="ok" data-testid="meter-result">
          {t('operator.bound', { number: bound.meter.number })} <TxLink hash={bound.transactionHash} />
        </p>
      )}
    </form>
  );
}
