import { api, query } from '../api/client';
import type { Day, PeriodDetail, PeriodSummary } from '../api/types';
import { Countdown } from '../components/Countdown';
import { ErrorBox } from '../components/forms';
import { phaseLabel, stageLabel } from '../components/labels';
import { SettlementsTable } from '../components/SettlementsTable';
import { useLiveReload } from '../hooks/live';
import { useAsync } from '../hooks/useAsync';
import { useMarket } from '../hooks/useMarket';
import { useParticipants } from '../hooks/useParticipants';
import { useI18n } from '../i18n/i18n';
import { trimZeros } from '../lib/decimal';
import { useRouter } from '../lib/router';
import { chainDate, formatTimeOfDay } from '../lib/time';
import { CurvesChart } from './market/CurvesChart';
import { DayChart } from './market/DayChart';
import { PeriodsTable } from './market/PeriodsTable';
import { RevealedBidsTable } from './market/RevealedBidsTable';
import { TradesTable } from './market/TradesTable';

/** The API serves at most 200 periods per request. */
const periodsShown = 200;

function latestCleared(periods: readonly PeriodSummary[]): number | undefined {
  const cleared = periods.filter((summary) => summary.stage === 'cleared').map((summary) => summary.period);
  return cleared.length > 0 ? Math.max(...cleared) : periods.at(-1)?.period;
}

export function MarketPage() {
  const { t } = useI18n();
  const { location, navigate } = useRouter();
  const market = useMarket();
  const { nameOf } = useParticipants();
  const upTo = market.data?.bidding.period;
  const periods = useAsync(async () => {
    if (upTo === undefined) return [];
    // Periods count from 1.
    const from = Math.max(1, upTo - periodsShown + 1);
    const answer = await api.get<{ periods: PeriodSummary[] }>(`/periods${query({ from, to: upTo })}`);
    return answer.periods;
  }, [upTo]);
  const requested = Number(location.search.get('period'));
  const period =
    location.search.get('period') !== null && Number.isInteger(requested)
      ? requested
      : latestCleared(periods.data ?? []);
  const detail = useAsync(
    () => (period === undefined ? Promise.resolve(undefined) : api.get<PeriodDetail>(`/periods/${period}`)),
    [period],
  );
  const date =
    location.search.get('date') ?? (market.data ? chainDate(market.data.clock.chainTime) : undefined);
  const day = useAsync(
    () => (date === undefined ? Promise.resolve(undefined) : api.get<Day>(`/days/${date}`)),
    [date],
  );
  useLiveReload(['period', 'bids'], () => {
    periods.reload();
    detail.reload();
    day.reload();
  });

  const go = (next: { period?: number; date?: string }) => {
    const params = new URLSearchParams(location.search);
    if (next.period !== undefined) params.set('period', String(next.period));
    if (next.date !== undefined) params.set('date', next.date);
    navigate(`/market?${params.toString()}`, { replace: true });
  };

  const shown = detail.data;
  // The day's periods up to the one being bid for: later ones have nothing to show yet.
  const dayPeriods = (day.data?.periods ?? []).filter(
    (summary) => upTo === undefined || summary.period <= upTo,
  );
  const options = [...(periods.data ?? [])].reverse();
  return (
    <div className="page" data-testid="market-page">
      <h1>{t('market.title')}</h1>
      {market.data && <Countdown market={market.data} receivedAtMs={market.receivedAtMs} />}
      <ErrorBox error={market.error ?? periods.error} />
      <section>
        <div className="toolbar">
          <label className="inline">
            {t('market.period')}
            <select
              data-testid="period-select"
              value={period ?? ''}
              onChange={(event) => go({ period: Number(event.target.value) })}
            >
              {period !== undefined && !options.some((summary) => summary.period === period) && (
                <option value={period}>{period}</option>
              )}
              {options.map((summary) => (
                <option key={summary.period} value={summary.period}>
                  {`${summary.period} · ${formatTimeOfDay(summary.deliveryStarts)} · ${stageLabel(t, summary.stage)}`}
                </option>
              ))}
            </select>
          </label>
        </div>
        <ErrorBox error={detail.error} />
        {shown && (
          <div data-testid="period-detail" data-period={shown.period}>
            <dl className="figures">
              <div>
                <dt>{t('market.phase')}</dt>
                <dd>{phaseLabel(t, shown.phase)}</dd>
              </div>
              <div>
                <dt>{t('market.stage')}</dt>
                <dd data-testid="period-stage">{stageLabel(t, shown.stage)}</dd>
              </div>
              <div>
                <dt>{t('market.commitments')}</dt>
                <dd>{shown.commitments}</dd>
              </div>
              <div>
                <dt>{t('market.averagePrice')}</dt>
                <dd data-testid="average-price">
                  {shown.averagePrice === null ? t('market.noTrade') : trimZeros(shown.averagePrice)}
                </dd>
              </div>
            </dl>
            <h2>{t('market.curves')}</h2>
            <CurvesChart curves={shown.curves} />
            <h2>{t('market.trades')}</h2>
            <TradesTable trades={shown.trades} nameOf={nameOf} />
            <h2>{t('market.revealedBids')}</h2>
            {shown.bids.length === 0 && shown.commitments > 0 && (
              <p className="muted" data-testid="bids-sealed">
                {t('market.bidsSealed', { count: shown.commitments })}
              </p>
            )}
            <RevealedBidsTable bids={shown.bids} nameOf={nameOf} />
            <h2>{t('market.settlements')}</h2>
            <SettlementsTable
              testId="period-settlements-table"
              fileName={`settlements-${shown.period}`}
              settlements={shown.settlements}
              by="participant"
              nameOf={nameOf}
            />
          </div>
        )}
      </section>
      <section>
        <div className="toolbar">
          <h2>{t('market.day')}</h2>
          <input
            type="date"
            data-testid="day-date"
            value={date ?? ''}
            onChange={(event) => event.target.value && go({ date: event.target.value })}
          />
        </div>
        <ErrorBox error={day.error} />
        {day.data && (
          <>
            <p>
              {t('market.dayAverage')}{' '}
              <strong data-testid="day-average-price">
                {day.data.averagePrice === null ? t('market.noTrade') : trimZeros(day.data.averagePrice)}
              </strong>{' '}
              · {t('market.dayEnergy')} <strong>{trimZeros(day.data.tradedEnergy)}</strong>
            </p>
            <DayChart periods={dayPeriods} />
            <PeriodsTable periods={dayPeriods} />
          </>
        )}
      </section>
    </div>
  );
}
