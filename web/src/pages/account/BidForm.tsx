import { useState } from 'react';
import { api } from '../../api/client';
import type { Bid, Kind, Side } from '../../api/types';
import { Countdown } from '../../components/Countdown';
import { Field, FormError, TextField, useSubmit } from '../../components/forms';
import { sideLabel, statusLabel } from '../../components/labels';
import type { MarketState } from '../../hooks/useMarket';
import { useI18n } from '../../i18n/i18n';

/** A producer only sells and a consumer only buys; a prosumer bids its net position on either side. */
export function sidesOf(kind: Kind): Side[] {
  if (kind === 'producer') return ['sell'];
  if (kind === 'consumer') return ['buy'];
  return ['sell', 'buy'];
}

interface Props {
  kind: Kind;
  market: MarketState;
  authorised: boolean;
  onPlaced: () => void;
}

export function BidForm({ kind, market, authorised, onPlaced }: Props) {
  const { t } = useI18n();
  const sides = sidesOf(kind);
  const [side, setSide] = useState<Side>(sides[0]!);
  const [quantity, setQuantity] = useState('');
  const [price, setPrice] = useState('');
  const [placed, setPlaced] = useState<Bid | null>(null);
  const period = market.data?.bidding.period;
  const submit = useSubmit(async () => {
    // No `period`: the server takes the next period whose bidding has not closed, which is the one
    // the countdown shows, and so cannot be refused for a window that closed while the form was open.
    const bid = await api.post<Bid>('/bids', { side, quantity: quantity.trim(), price: price.trim() });
    setPlaced(bid);
    setQuantity('');
    setPrice('');
    onPlaced();
  });
  return (
    <form className="card" data-testid="bid-form" onSubmit={submit.onSubmit}>
      <h2>{t('bid.title', { period: period ?? '…' })}</h2>
      {market.data && <Countdown market={market.data} receivedAtMs={market.receivedAtMs} />}
      <Field label={t('field.side')} name="side" error={submit.error}>
        <select data-testid="bid-side" value={side} onChange={(event) => setSide(event.target.value as Side)}>
          {sides.map((option) => (
            <option key={option} value={option}>
              {sideLabel(t, option)}
            </option>
          ))}
        </select>
      </Field>
      <TextField
        label={t('field.quantityKwh')}
        name="quantity"
        error={submit.error}
        testId="bid-quantity"
        inputMode="decimal"
        value={quantity}
        onChange={setQuantity}
      />
      <TextField
        label={t('field.pricePerKwh')}
        name="price"
        error={submit.error}
        testId="bid-price"
        inputMode="decimal"
        value={price}
        onChange={setPrice}
      />
      <FormError error={submit.error} fields={['side', 'quantity', 'price']} />
      <button type="submit" data-testid="bid-submit" disabled={submit.pending || !authorised}>
        {t('bid.submit')}
      </button>
      <p className="muted small">{t('bid.sealedNote')}</p>
      {placed !== null && (
        <p className="ok" data-testid="bid-result">
          {t('bid.placed', { period: placed.period, status: statusLabel(t, placed.status) })}
        </p>
      )}
    </form>
  );
}
