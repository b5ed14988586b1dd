import { useState } from 'react';
import type { ApiError } from '../../api/client';
import type { Kind, Side } from '../../api/types';
import { Field, TextField } from '../../components/forms';
import { sideLabel } from '../../components/labels';
import { useI18n } from '../../i18n/i18n';

/** A producer only sells and a consumer only buys; a prosumer trades its net position on either side. */
export function sidesOf(kind: Kind): Side[] {
  if (kind === 'producer') return ['sell'];
  if (kind === 'consumer') return ['buy'];
  return ['sell', 'buy'];
}

/** What a participant types to offer energy, a sealed bid or a continuous order alike. */
export function useOfferInputs(kind: Kind) {
  const sides = sidesOf(kind);
  const [side, setSide] = useState<Side>(sides[0]!);
  const [quantity, setQuantity] = useState('');
  const [price, setPrice] = useState('');
  return {
    sides,
    side,
    setSide,
    quantity,
    setQuantity,
    price,
    setPrice,
    clear: () => {
      setQuantity('');
      setPrice('');
    },
  };
}

/** The side, quantity and price fields; `testId` prefixes their test ids (`bid`, `order`). */
export function OfferFields({
  inputs,
  error,
  testId,
}: {
  inputs: ReturnType<typeof useOfferInputs>;
  error: ApiError | null;
  testId: string;
}) {
  const { t } = useI18n();
  return (
    <>
      <Field label={t('field.side')} name="side" error={error}>
        <select
          data-testid={`${testId}-side`}
          value={inputs.side}
          onChange={(event) => inputs.setSide(event.target.value as Side)}
        >
          {inputs.sides.map((option) => (
            <option key={option} value={option}>
              {sideLabel(t, option)}
            </option>
          ))}
        </select>
      </Field>
      <TextField
        label={t('field.quantityKwh')}
        name="quantity"
        error={error}
        testId={`${testId}-quantity`}
        inputMode="decimal"
        value={inputs.quantity}
        onChange={inputs.setQuantity}
      />
      <TextField
        label={t('field.pricePerKwh')}
        name="price"
        error={error}
        testId={`${testId}-price`}
        inputMode="decimal"
        value={inputs.price}
        onChange={inputs.setPrice}
      />
    </>
  );
}
