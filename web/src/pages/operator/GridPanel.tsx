import { useState } from 'react';
import { api } from '../../api/client';
import type { GridTariff, Participant, VoltageLevel } from '../../api/types';
import { DataTable, type Column } from '../../components/DataTable';
import { FormError, TextField, useSubmit } from '../../components/forms';
import { TxLink } from '../../components/links';
import { useI18n } from '../../i18n/i18n';
import { trimZeros } from '../../lib/decimal';

const LEVEL_IDS = [1, 2, 3, 4, 5, 6, 7, 8];

/** The grid company's tariff: voltage levels with their T&D price and same-level fee, the levy, connections. */
export function GridPanel({
  grid,
  participants,
  onChanged,
}: {
  grid: GridTariff;
  participants: readonly Participant[];
  onChanged: () => void;
}) {
  const { t } = useI18n();
  const [done, setDone] = useState<string | null>(null);
  const saved = (answer: { transactionHash: string }) => {
    setDone(answer.transactionHash);
    onChanged();
  };
  const [level, setLevel] = useState({ level: '1', nominalVolts: '', transmission: '', sameLevelFee: '' });
  const saveLevel = useSubmit(async () =>
    saved(
      await api.put<{ transactionHash: string }>(`/grid/levels/${level.level}`, {
        nominalVolts: Number(level.nominalVolts),
        transmission: level.transmission.trim(),
        sameLevelFee: level.sameLevelFee.trim(),
      }),
    ),
  );
  const [levy, setLevy] = useState('');
  const saveLevy = useSubmit(async () =>
    saved(await api.put<{ transactionHash: string }>('/grid/levy', { levy: levy.trim() })),
  );
  const [connection, setConnection] = useState({ participantId: '', level: '1', feeder: '0' });
  const connect = useSubmit(async () =>
    saved(
      await api.put<{ transactionHash: string }>(`/grid/connections/${connection.participantId}`, {
        level: Number(connection.level),
        feeder: Number(connection.feeder),
      }),
    ),
  );
  const nameOf = (id: number) => participants.find((p) => p.id === id)?.name ?? `#${id}`;
  const rate = (header: string, pick: (l: VoltageLevel) => string): Column<VoltageLevel> => ({
    header,
    value: (l) => trimZeros(pick(l)),
    numeric: true,
  });
  const levelColumns: Column<VoltageLevel>[] = [
    { header: t('col.level'), value: (l) => String(l.level), numeric: true },
    { header: t('col.nominalVolts'), value: (l) => String(l.nominalVolts), numeric: true },
    rate(t('col.transmission'), (l) => l.transmission),
    rate(t('col.sameLevelFee'), (l) => l.sameLevelFee),
    rate(t('col.maxWheeling'), (l) => l.maxWheeling),
  ];
  type Connection = GridTariff['connections'][number];
  const connectionColumns: Column<Connection>[] = [
    { header: t('col.participant'), value: (c) => nameOf(c.participantId) },
    { header: t('col.level'), value: (c) => String(c.level), numeric: true },
    { header: t('col.feeder'), value: (c) => String(c.feeder), numeric: true },
  ];
  const levelSelect = (value: string, onChange: (value: string) => void, testId: string) => (
    <label>
      {t('col.level')}
      <select name="level" data-testid={testId} value={value} onChange={(e) => onChange(e.target.value)}>
        {LEVEL_IDS.map((id) => (
          <option key={id} value={id}>
            {id}
          </option>
        ))}
      </select>
    </label>
  );
  return (
    <section data-testid="grid-panel">
      <h2>{t('grid.title')}</h2>
      <p className="muted small">{t('grid.explain')}</p>
      <p data-testid="grid-status">
        {t(grid.feesActive ? 'grid.active' : 'grid.inactive')} {t('col.levy')}: {trimZeros(grid.levy)}
      </p>
      <div className="columns">
        <form className="card" data-testid="grid-level-form" onSubmit={saveLevel.onSubmit}>
          {levelSelect(level.level, (value) => setLevel({ ...level, level: value }), 'grid-level')}
          {(['nominalVolts', 'transmission', 'sameLevelFee'] as const).map((name) => (
            <TextField
              key={name}
              label={t(`col.${name}`)}
              name={name}
              error={saveLevel.error}
              testId={`grid-${name}`}
              inputMode={name === 'nominalVolts' ? 'numeric' : 'decimal'}
              value={level[name]}
              onChange={(value) => setLevel({ ...level, [name]: value })}
            />
          ))}
          <FormError
            error={saveLevel.error}
            fields={['level', 'nominalVolts', 'transmission', 'sameLevelFee']}
          />
          <button type="submit" data-testid="grid-level-submit" disabled={saveLevel.pending}>
            {t('grid.setLevel')}
          </button>
        </form>
        <form className="card" data-testid="grid-levy-form" onSubmit={saveLevy.onSubmit}>
          <TextField
            label={t('col.levy')}
            name="levy"
            error={saveLevy.error}
            testId="grid-levy"
            inputMode="decimal"
            value={levy}
            onChange={setLevy}
          />
          <FormError error={saveLevy.error} fields={['levy']} />
          <button type="submit" data-testid="grid-levy-submit" disabled={saveLevy.pending}>
            {t('grid.setLevy')}
          </button>
        </form>
        <form className="card" data-testid="grid-connection-form" onSubmit={connect.onSubmit}>
          <label>
            {t('col.participant')}
            <select
              name="participantId"
              data-testid="grid-participant"
              value={connection.participantId}
              onChange={(e) => setConnection({ ...connection, participantId: e.target.value })}
            >
              <option value="">—</option>
              {participants.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
          </label>
          {levelSelect(
            connection.level,
            (value) => setConnection({ ...connection, level: value }),
            'grid-connection-level',
          )}
          <TextField
            label={t('col.feeder')}
            name="feeder"
            error={connect.error}
            testId="grid-feeder"
            inputMode="numeric"
            value={connection.feeder}
            onChange={(value) => setConnection({ ...connection, feeder: value })}
          />
          <FormError error={connect.error} fields={['participantId', 'level', 'feeder']} />
          <button type="submit" data-testid="grid-connection-submit" disabled={connect.pending}>
            {t('grid.connect')}
          </button>
        </form>
      </div>
      {done !== null && (
        <p className="ok" data-testid="grid-result">
          {t('subsidy.done')} <TxLink hash={done} />
        </p>
      )}
      <h3>{t('grid.levels')}</h3>
      <DataTable
        testId="grid-levels-table"
        fileName="voltage-levels"
        columns={levelColumns}
        rows={grid.levels}
        rowKey={(l) => l.level}
      />
      <h3>{t('grid.connections')}</h3>
      <DataTable
        testId="grid-connections-table"
        fileName="grid-connections"
        columns={connectionColumns}
        rows={grid.connections}
        rowKey={(c) => c.participantId}
      />
    </section>
  );
}
