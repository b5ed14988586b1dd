import { useEffect, useState } from 'react';
import type { Market } from '../api/types';
import { useI18n } from '../i18n/i18n';
import { chainNow, phaseAt, wallSecondsUntil } from '../lib/phase';
import { formatDuration } from '../lib/time';
import { phaseLabel } from './labels';

interface Props {
  market: Market;
  receivedAtMs: number;
}

/** The bidding period's phase and the wall-clock time left in it. */
export function Countdown({ market, receivedAtMs }: Props) {
  const { t } = useI18n();
  const [nowMs, setNowMs] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNowMs(Date.now()), 250);
    return () => window.clearInterval(timer);
  }, []);
  const { chainTime, speed } = market.clock;
  const now = chainNow(chainTime, speed, receivedAtMs, nowMs);
  const { phase, endsAt } = phaseAt(market.bidding.windows, now);
  const remaining = endsAt === null ? null : wallSecondsUntil(endsAt, now, speed);
  return (
    <div className={`countdown phase-${phase}`} data-testid="countdown" data-phase={phase}>
      <span className="countdown-period">{t('countdown.period', { period: market.bidding.period })}</span>
      <span className="countdown-phase" data-testid="countdown-phase">
        {phaseLabel(t, phase)}
      </span>
      {remaining !== null && (
        <span className="countdown-time" data-testid="countdown-time">
          {t('countdown.endsIn', { time: formatDuration(remaining) })}
        </span>
      )}
      {speed !== 1 && <span className="muted">{t('countdown.speed', { speed })}</span>}
    </div>
  );
}
