import { useState } from 'react';
import { api } from '../../api/client';
import type { MoneyMoved } from '../../api/types';
import { FormError, TextField, useSubmit } from '../../components/forms';
import { TxLink } from '../../components/links';
import { useI18n } from '../../i18n/i18n';
import { trimZeros } from '../../lib/decimal';

interface Props {
  participantId: number;
  /** Deposits and withdrawals take the same body and answer the same way. */
  kind: 'deposit' | 'withdrawal';
  onDone: () => void;
}

export function MoneyForm({ participantId, kind, onDone }: Props) {
  const { t } = useI18n();
  const [amount, setAmount] = useState('');
  const [reference, setReference] = useState('');
  const [result, setResult] = useState<MoneyMoved | null>(null);
  const path = kind === 'deposit' ? 'deposits' : 'withdrawals';
  const submit = useSubmit(async () => {
    const answer = await api.post<MoneyMoved>(`/participants/${participantId}/${path}`, {
      amount: amount.trim(),
      reference: reference.trim(),
    });
    setResult(answer);
    setAmount('');
    setReference('');
    onDone();
  });
  return (
    <form className="card" data-testid={`${kind}-form`} onSubmit={submit.onSubmit}>
      <h2>{t(kind === 'deposit' ? 'money.depositTitle' : 'money.withdrawalTitle')}</h2>
      <TextField
        label={t('field.amount')}
        name="amount"
        error={submit.error}
        testId={`${kind}-amount`}
        inputMode="decimal"
        value={amount}
        onChange={setAmount}
      />
      <TextField
        label={t('field.fiatReference')}
        name="reference"
        error={submit.error}
        testId={`${kind}-reference`}
        value={reference}
        onChange={setReference}
      />
      <FormError error={submit.error} fields={['amount', 'reference']} />
      <button type="submit" data-testid={`${kind}-submit`} disabled={submit.pending}>
        {t(kind === 'deposit' ? 'money.deposit' : 'money.withdraw')}
      </button>
      {result !== null && (
        <p className="ok" data-testid={`${kind}-result`}>
          {t('money.done', { balance: trimZeros(result.balance) })} <TxLink hash={result.transactionHash} />
        </p>
      )}
    </form>
  );
}
