import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { api, query } from '../api/client';
import type { EnergyPoint } from '../api/types';
import { chartHeight, colours } from '../components/chartTheme';
import { DataTable, type Column } from '../components/DataTable';
import { ErrorBox } from '../components/forms';
import { sideLabel } from '../components/labels';
import { useSession } from '../hooks/session';
import { useLiveReload } from '../hooks/live';
import { useAsync } from '../hooks/useAsync';
import { useMarket } from '../hooks/useMarket';
import { useParticipants } from '../hooks/useParticipants';
import { useI18n } from '../i18n/i18n';
import { chartNumber, trimZeros } from '../lib/decimal';
import { useRouter } from '../lib/router';
import { chainDate } from '../lib/time';

const energyKinds = ['declared', 'awarded', 'actual'] as const;

/** Declared vs awarded vs actual energy per period of a chain day, for one participant. */
export function ChartsPage() {
  const { t } = useI18n();
  const { user } = useSession();
  const { location, navigate } = useRouter();
  const market = useMarket();
  const participants = useParticipants();
  const isOperator = user?.role === 'operator';
  // A participant sees its own records only; the operator picks anyone.
  const requested = Number(location.search.get('participant'));
  const participantId = isOperator
    ? Number.isInteger(requested) && requested > 0
      ? requested
      : participants.list[0]?.id
    : (user?.participantId ?? undefined);
  const date =
    location.search.get('date') ?? (market.data ? chainDate(market.data.clock.chainTime) : undefined);
  const energy = useAsync(async () => {
    if (participantId === undefined || date === undefined) return [];
    const answer = await api.get<{ series: EnergyPoint[] }>(
      `/participants/${participantId}/energy${query({ date })}`,
    );
    return answer.series;
  }, [participantId, date]);
  useLiveReload(['period'], energy.reload);

  const go = (next: { participant?: number; date?: string }) => {
    const params = new URLSearchParams(location.search);
    if (next.participant !== undefined) params.set('participant', String(next.participant));
    if (next.date !== undefined) params.set('date', next.date);
    navigate(`/charts?${params.toString()}`, { replace: true });
  };

  const series = energy.data ?? [];
  const data = series.map((point) => ({
    period: point.period,
    declared: chartNumber(point.declared),
    awarded: chartNumber(point.awarded),
    actual: chartNumber(point.actual),
  }));
  const columns: Column<EnergyPoint>[] = [
    { header: t('col.period'), value: (point) => String(point.period) },
    { header: t('col.side'), value: (point) => sideLabel(t, point.side) },
    { header: t('col.declared'), value: (point) => trimZeros(point.declared), numeric: true },
    { header: t('col.awarded'), value: (point) => trimZeros(point.awarded), numeric: true },
    {
      header: t('col.actual'),
      value: (point) => (point.actual === null ? '' : trimZeros(point.actual)),
      numeric: true,
    },
  ];
  return (
    <div className="page" data-testid="charts-page">
      <h1>{t('charts.title')}</h1>
      <div className="toolbar">
        {isOperator && (
          <label className="inline">
            {t('col.participant')}
            <select
              data-testid="charts-participant"
              value={participantId ?? ''}
              onChange={(event) => go({ participant: Number(event.target.value) })}
            >
              {participants.list.map((participant) => (
                <option key={participant.id} value={participant.id}>
                  {participants.nameOf(participant.id)}
                </option>
              ))}
            </select>
          </label>
        )}
        <label className="inline">
          {t('charts.date')}
          <input
            type="date"
            data-testid="charts-date"
            value={date ?? ''}
            onChange={(event) => event.target.value && go({ date: event.target.value })}
          />
        </label>
      </div>
      <ErrorBox error={energy.error} />
      {data.length === 0 ? (
        <p className="muted">{t('charts.noData')}</p>
      ) : (
        <div className="chart" data-testid="energy-chart">
          <ResponsiveContainer width="100%" height={chartHeight}>
            <BarChart data={data} margin={{ top: 10, right: 20, bottom: 20, left: 10 }}>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis dataKey="period" />
              <YAxis label={{ value: t('chart.energyKwh'), angle: -90, position: 'insideLeft' }} />
              <Tooltip />
              <Legend verticalAlign="top" />
              {energyKinds.map((kind) => (
                <Bar
                  key={kind}
                  dataKey={kind}
                  name={t(`col.${kind}`)}
                  fill={colours[kind]}
                  isAnimationActive={false}
                />
              ))}
            </BarChart>
          </ResponsiveContainer>
        </div>
      )}
      <DataTable
        testId="energy-table"
        fileName={`energy-${participantId ?? ''}-${date ?? ''}`}
        columns={columns}
        rows={series}
        rowKey={(point) => point.period}
      />
    </div>
  );
}
