import type { Market, OwnReputation } from '../../api/types';
import { useI18n } from '../../i18n/i18n';
import { Figures } from '../../components/Figures';
import { trimZeros } from '../../lib/decimal';

/** The participant's delivery reputation and the margin its next bid holds. */
export function ReputationCard({
  reputation,
  token,
}: {
  reputation: OwnReputation;
  token: Market['token'] | undefined;
}) {
  const { t } = useI18n();
  const rows: [string, string, string][] = [
    [
      'score',
      t('reputation.score'),
      `${trimZeros(reputation.score)}${reputation.newcomer ? ` · ${t('reputation.newcomer')}` : ''}`,
    ],
    ['scored-periods', t('reputation.scoredPeriods'), String(reputation.scoredPeriods)],
    ['missed-readings', t('reputation.missedReadings'), String(reputation.missedReadings)],
    [
      'last-period',
      t('reputation.lastPeriod'),
      reputation.lastPeriod === null ? '—' : String(reputation.lastPeriod),
    ],
    ['margin', t('reputation.margin'), `${trimZeros(reputation.margin)} ${token?.symbol ?? ''}`],
  ];
  return (
    <section className="card" data-testid="reputation">
      <h2>{t('reputation.title')}</h2>
      <Figures testId="reputation" rows={rows} />
      <p className="muted small">
        {reputation.on
          ? t('reputation.explain', { weight: trimZeros(reputation.weight) })
          : t('reputation.off')}
      </p>
    </section>
  );
}
