import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { PeriodDetail } from '../../api/types';
import { chartHeight, colours } from '../../components/chartTheme';
import { useI18n } from '../../i18n/i18n';
import { stepVertices } from './curves';

/** The period's supply (asks ascending) and demand (bids descending) as step curves. */
export function CurvesChart({ curves }: { curves: PeriodDetail['curves'] }) {
  const { t } = useI18n();
  const supply = stepVertices(curves.supply);
  const demand = stepVertices(curves.demand);
  const series = [
    { name: t('chart.supply'), data: supply, colour: colours.supply },
    { name: t('chart.demand'), data: demand, colour: colours.demand },
  ];
  if (supply.length === 0 && demand.length === 0) return <p className="muted">{t('market.noCurves')}</p>;
  return (
    <div className="chart" data-testid="curves-chart">
      <ResponsiveContainer width="100%" height={chartHeight}>
        <LineChart margin={{ top: 10, right: 20, bottom: 20, left: 10 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis
            type="number"
            dataKey="quantity"
            domain={[0, 'dataMax']}
            label={{ value: t('chart.quantityKwh'), position: 'insideBottom', offset: -10 }}
          />
          <YAxis
            type="number"
            dataKey="price"
            domain={['auto', 'auto']}
            label={{ value: t('chart.price'), angle: -90, position: 'insideLeft' }}
          />
          <Tooltip />
          <Legend verticalAlign="top" />
          {series.map((curve) => (
            <Line
              key={curve.name}
              data={curve.data}
              dataKey="price"
              name={curve.name}
              stroke={curve.colour}
              dot={false}
              isAnimationActive={false}
            />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
