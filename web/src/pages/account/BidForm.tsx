import { useState } from 'react';
import { api } from '../../api/client';
import type { Bid, Kind } from '../../api/types';
import { Countdown } from '../../components/Countdown';
import { FormError, useSubmit } from '../../components/forms';
import { statusLabel } from '../../components/labels';
import type { MarketState } from '../../hooks/useMarket';
import { useI18n } from '../../i18n/i18n';
import { OfferFields, useOfferInputs } from './OfferFields';

interface Props {
  kind: Kind;
  market: MarketState;
  authorised: boolean;
  onPlaced: () => void;
}

export function BidForm({ kind, market, authorised, onPlaced }: Props) {
  const { t } = useI18n();
  const inputs = useOfferInputs(kind);
  const [placed, setPlaced] = useState<Bid | null>(null);
  const period = market.data?.bidding.period;
  const submit = useSubmit(async () => {
    // No `period`: the server takes the next period whose bidding has not closed, which is the one
    // the countdown shows, and so cannot be refused for a window that closed while the form was open.
    const bid = await api.post<Bid>('/bids', {
      side: inputs.side,
      quantity: inputs.quantity.trim(),
      price: inputs.price.trim(),
    });
    setPlaced(bid);
    inputs.clear();
    onPlaced();
  });
  return (
    <form className="card" data-testid="bid-form" onSubmit={submit.onSubmit}>
      <h2>{t('bid.title', { period: period ?? '…' })}</h2>
      {market.data && <Countdown market={market.data} receivedAtMs={market.receivedAtMs} />}
      <OfferFields inputs={inputs} error={submit.error} testId="bid" />
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
