import { useEffect, useState } from 'react';
import { api } from '../../api/client';
import type { Parameters } from '../../api/types';
import { FormError, TextField, useSubmit } from '../../components/forms';
import { TxLink } from '../../components/links';
import type { MessageKey } from '../../i18n/en';
import { useI18n } from '../../i18n/i18n';

const fields: readonly [keyof Parameters, MessageKey][] = [
  ['margin', 'param.margin'],
  ['referencePrice', 'param.referencePrice'],
  ['shortfallFactor', 'param.shortfallFactor'],
  ['surplusFactor', 'param.surplusFactor'],
  ['rewardRate', 'param.rewardRate'],
  ['penaltyRate', 'param.penaltyRate'],
];

/** The market parameters, applied on chain from the block they are set in. */
export function ParametersForm({
  current,
  onSaved,
}: {
  current: Parameters | undefined;
  onSaved: () => void;
}) {
  const { t } = useI18n();
  const [form, setForm] = useState<Parameters | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  // Start from what is in force; keep the operator's edits when the current values reload.
  useEffect(() => {
    if (current !== undefined && form === null) setForm(current);
  }, [current, form]);
  const submit = useSubmit(async () => {
    if (form === null) return;
    const answer = await api.put<{ parameters: Parameters; transactionHash: string }>('/parameters', form);
    setForm(answer.parameters);
    setSaved(answer.transactionHash);
    onSaved();
  });
  if (form === null) return null;
  return (
    <form className="card" data-testid="parameters-form" onSubmit={submit.onSubmit}>
      <h2>{t('operator.parameters')}</h2>
      {fields.map(([name, label]) => (
        <TextField
          key={name}
          label={t(label)}
          name={name}
          error={submit.error}
          testId={`param-${name}`}
          inputMode="decimal"
          value={form[name]}
          onChange={(value) => setForm({ ...form, [name]: value })}
        />
      ))}
      <FormError error={submit.error} fields={fields.map(([name]) => name)} />
      <button type="submit" data-testid="parameters-submit" disabled={submit.pending}>
        {t('operator.saveParameters')}
      </button>
      {saved !== null && (
        <p className="ok" data-testid="parameters-result">
          {t('operator.parametersSaved')} <TxLink hash={saved} />
        </p>
      )}
    </form>
  );
}
