import { useEffect, useState } from 'react';
import { api } from '../../api/client';
import type { Parameters, PricingRule } from '../../api/types';
import { Field, FormError, TextField, useSubmit } from '../../components/forms';
import { TxLink } from '../../components/links';
import type { MessageKey } from '../../i18n/en';
import { useI18n } from '../../i18n/i18n';

/**
 * The form edits every limit as text; 0 stands for "none" (the API shows none as null). The
 * mechanism and the continuous market's settings are fixed at deployment, not edited here.
 */
type ParametersDraft = Omit<
  Parameters,
  'priceFloor' | 'priceCap' | 'sellerShareCap' | 'reputationWeight' | 'mechanism' | 'continuous'
> & {
  priceFloor: string;
  priceCap: string;
  sellerShareCap: string;
  reputationWeight: string;
};

const fields: readonly [Exclude<keyof ParametersDraft, 'pricing'>, MessageKey][] = [
  ['margin', 'param.margin'],
  ['referencePrice', 'param.referencePrice'],
  ['shortfallFactor', 'param.shortfallFactor'],
  ['surplusFactor', 'param.surplusFactor'],
  ['rewardRate', 'param.rewardRate'],
  ['penaltyRate', 'param.penaltyRate'],
  ['priceFloor', 'param.priceFloor'],
  ['priceCap', 'param.priceCap'],
  ['sellerShareCap', 'param.sellerShareCap'],
  ['reputationWeight', 'param.reputationWeight'],
];

const PRICING: readonly [PricingRule, MessageKey][] = [
  ['mid', 'param.pricing.mid'],
  ['uniform', 'param.pricing.uniform'],
];

const draftOf = ({ mechanism: _m, continuous: _c, ...p }: Parameters): ParametersDraft => ({
  ...p,
  priceFloor: p.priceFloor ?? '0',
  priceCap: p.priceCap ?? '0',
  sellerShareCap: p.sellerShareCap ?? '0',
  reputationWeight: p.reputationWeight ?? '0',
});

/** The market parameters, applied on chain from the block they are set in. */
export function ParametersForm({
  current,
  onSaved,
}: {
  current: Parameters | undefined;
  onSaved: () => void;
}) {
  const { t } = useI18n();
  const [form, setForm] = useState<ParametersDraft | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  // Start from what is in force; keep the operator's edits when the current values reload.
  useEffect(() => {
    if (current !== undefined && form === null) setForm(draftOf(current));
  }, [current, form]);
  const submit = useSubmit(async () => {
    if (form === null) return;
    const answer = await api.put<{ parameters: Parameters; transactionHash: string }>('/parameters', form);
    setForm(draftOf(answer.parameters));
    setSaved(answer.transactionHash);
    onSaved();
  });
  if (form === null) return null;
  return (
    <form className="card" data-testid="parameters-form" onSubmit={submit.onSubmit}>
      <h2>{t('operator.parameters')}</h2>
      <Field label={t('param.pricing')} name="pricing" error={submit.error}>
        <select
          data-testid="param-pricing"
          value={form.pricing}
          onChange={(event) => setForm({ ...form, pricing: event.target.value as PricingRule })}
        >
          {PRICING.map(([rule, label]) => (
            <option key={rule} value={rule}>
              {t(label)}
            </option>
          ))}
        </select>
      </Field>
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
      <FormError error={submit.error} fields={['pricing', ...fields.map(([name]) => name)]} />
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
