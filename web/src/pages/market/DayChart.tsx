import {
  Bar,
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { PeriodSummary } from '../../api/types';
import { chartHeight, colours } from '../../components/chartTheme';
import { useI18n } from '../../i18n/i18n';
import { chartNumber } from '../../lib/decimal';
import { formatTimeOfDay } from '../../lib/time';

/** The day's average price (bars) and traded energy (line) per period. */
export function DayChart({ periods }: { periods: readonly PeriodSummary[] }) {
  const { t } = useI18n();
  const data = periods.map((summary) => ({
    time: formatTimeOfDay(summary.deliveryStarts),
    period: summary.period,
    averagePrice: chartNumber(summary.averagePrice),
    tradedEnergy: chartNumber(summary.tradedEnergy),
  }));
  if (data.length === 0) return <p className="muted">{t('market.noPeriods')}</p>;
  return (
    <div className="chart" data-testid="day-chart">
      <ResponsiveContainer width="100%" height={chartHeight}>
        <ComposedChart data={data} margin={{ top: 10, right: 20, bottom: 20, left: 10 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="time" />
          <YAxis yAxisId="price" label={{ value: t('chart.price'), angle: -90, position: 'insideLeft' }} />
          <YAxis yAxisId="energy" orientation="right" />
          <Tooltip />
          <Legend verticalAlign="top" />
          <Bar
            yAxisId="price"
            dataKey="averagePrice"
            name={t('chart.averagePrice')}
            fill={colours.price}
            isAnimationActive={false}
          />
          <Line
            yAxisId="energy"
            dataKey="tradedEnergy"
            name={t('chart.tradedEnergy')}
            stroke={colours.energy}
            dot={false}
            isAnimationActive={false}
          />
        </ComposedChart>
      </ResponsiveContainer>
    </div>
  );
}
