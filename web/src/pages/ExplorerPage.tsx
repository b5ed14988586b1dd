import { useState, type FormEvent } from 'react';
import { api, query } from '../api/client';
import type { Block, BlockSummary, Transaction, TransactionSummary } from '../api/types';
import { DataTable, type Column } from '../components/DataTable';
import { ErrorBox } from '../components/forms';
import { Address, BlockLink, TxLink } from '../components/links';
import { useLiveReload } from '../hooks/live';
import { useAsync } from '../hooks/useAsync';
import { useI18n } from '../i18n/i18n';
import { Link, matchPath, useRouter } from '../lib/router';
import { formatChainTime } from '../lib/time';

const pageSize = 20;

/** Blocks, a block's transactions and a transaction's decoded events, from the indexer. */
export function ExplorerPage() {
  const { location } = useRouter();
  const block = matchPath('/explorer/block/:number', location.path);
  const tx = matchPath('/explorer/tx/:hash', location.path);
  return (
    <div className="page" data-testid="explorer-page">
      <ExplorerSearch />
      {tx ? (
        <TransactionView hash={tx.hash!} />
      ) : block ? (
        <BlockView number={Number(block.number)} />
      ) : (
        <BlocksView />
      )}
    </div>
  );
}

function ExplorerSearch() {
  const { t } = useI18n();
  const { navigate } = useRouter();
  const [text, setText] = useState('');
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const value = text.trim();
    if (/^0x[0-9a-fA-F]{64}$/.test(value)) navigate(`/explorer/tx/${value}`);
    else if (/^\d+$/.test(value)) navigate(`/explorer/block/${value}`);
  };
  return (
    <form className="toolbar" data-testid="explorer-search" onSubmit={onSubmit}>
      <h1>{t('explorer.title')}</h1>
      <input
        data-testid="explorer-query"
        placeholder={t('explorer.searchHint')}
        value={text}
        onChange={(event) => setText(event.target.value)}
      />
      <button type="submit">{t('explorer.search')}</button>
    </form>
  );
}

function BlocksView() {
  const { t } = useI18n();
  const { location } = useRouter();
  const before = location.search.get('before') ?? undefined;
  const blocks = useAsync(
    () =>
      api
        .get<{ blocks: BlockSummary[] }>(`/blocks${query({ before, limit: pageSize })}`)
        .then((a) => a.blocks),
    [before],
  );
  // Follow the head only on the first page; an older page stays still while the reader looks at it.
  useLiveReload(before === undefined ? ['block'] : [], blocks.reload, 2000);
  const columns: Column<BlockSummary>[] = [
    {
      header: t('col.block'),
      value: (row) => String(row.number),
      render: (row) => <BlockLink number={row.number} />,
    },
    { header: t('col.time'), value: (row) => formatChainTime(row.timestamp) },
    { header: t('col.transactions'), value: (row) => String(row.transactionCount), numeric: true },
    { header: t('col.gasUsed'), value: (row) => String(row.gasUsed), numeric: true },
    {
      header: t('col.hash'),
      value: (row) => row.hash,
      render: (row) => <span className="hash">{row.hash}</span>,
    },
  ];
  const rows = blocks.data ?? [];
  const oldest = rows.at(-1)?.number;
  return (
    <section>
      <h2>{t('explorer.latestBlocks')}</h2>
      <ErrorBox error={blocks.error} />
      <DataTable
        testId="blocks-table"
        fileName="blocks"
        columns={columns}
        rows={rows}
        rowKey={(row) => row.number}
      />
      <div className="toolbar">
        {before !== undefined && <Link to="/explorer">{t('explorer.newest')}</Link>}
        {oldest !== undefined && oldest > 0 && rows.length === pageSize && (
          <Link to={`/explorer?before=${oldest}`} testId="blocks-older">
            {t('explorer.older')}
          </Link>
        )}
      </div>
    </section>
  );
}

function BlockView({ number }: { number: number }) {
  const { t } = useI18n();
  const block = useAsync(() => api.get<Block>(`/blocks/${number}`), [number]);
  const columns: Column<TransactionSummary>[] = [
    { header: t('col.transaction'), value: (row) => row.hash, render: (row) => <TxLink hash={row.hash} /> },
    { header: t('col.function'), value: (row) => row.functionName ?? '' },
    {
      header: t('col.from'),
      value: (row) => row.from,
      render: (row) => <Address address={row.from} />,
    },
    {
      header: t('col.to'),
      value: (row) => row.to ?? '',
      render: (row) => <Address address={row.to} />,
    },
    { header: t('col.gasUsed'), value: (row) => String(row.gasUsed), numeric: true },
    { header: t('col.status'), value: (row) => row.status },
  ];
  const data = block.data;
  return (
    <section data-testid="block-view">
      <h2>{t('explorer.block', { number })}</h2>
      <ErrorBox error={block.error} />
      {data && (
        <>
          <dl className="details">
            <dt>{t('col.hash')}</dt>
            <dd className="hash">{data.hash}</dd>
            <dt>{t('col.time')}</dt>
            <dd>{formatChainTime(data.timestamp)}</dd>
            <dt>{t('col.gasUsed')}</dt>
            <dd>{String(data.gasUsed)}</dd>
          </dl>
          <div className="toolbar">
            {number > 0 && <BlockLink number={number - 1} />}
            <span className="muted">←→</span>
            <BlockLink number={number + 1} />
          </div>
          <DataTable
            testId="block-transactions-table"
            fileName={`block-${number}`}
            columns={columns}
            rows={data.transactions}
            rowKey={(row) => row.hash}
          />
        </>
      )}
    </section>
  );
}

function TransactionView({ hash }: { hash: string }) {
  const { t } = useI18n();
  const tx = useAsync(() => api.get<Transaction>(`/transactions/${hash}`), [hash]);
  const data = tx.data;
  return (
    <section data-testid="transaction-view">
      <h2>{t('explorer.transaction')}</h2>
      <p className="hash hash-full">{hash}</p>
      <ErrorBox error={tx.error} />
      {data && (
        <>
          <dl className="details">
            <dt>{t('col.block')}</dt>
            <dd>
              <BlockLink number={data.blockNumber} />
            </dd>
            <dt>{t('col.function')}</dt>
            <dd>{data.functionName ?? '—'}</dd>
            <dt>{t('col.from')}</dt>
            <dd className="hash">{data.from}</dd>
            <dt>{t('col.to')}</dt>
            <dd className="hash">{data.to ?? '—'}</dd>
            <dt>{t('col.gasUsed')}</dt>
            <dd>{String(data.gasUsed)}</dd>
            <dt>{t('col.status')}</dt>
            <dd data-testid="transaction-status">{data.status}</dd>
          </dl>
          <h3>{t('explorer.events')}</h3>
          <EventsTable events={data.events} hash={hash} />
        </>
      )}
    </section>
  );
}

function EventsTable({ events, hash }: { events: Transaction['events']; hash: string }) {
  const { t } = useI18n();
  const columns: Column<Transaction['events'][number]>[] = [
    { header: t('col.logIndex'), value: (row) => String(row.logIndex), numeric: true },
    { header: t('col.contract'), value: (row) => row.contract },
    { header: t('col.event'), value: (row) => row.name },
    {
      header: t('col.args'),
      value: (row) => JSON.stringify(row.args),
      render: (row) => <ArgsList args={row.args} />,
    },
  ];
  return (
    <DataTable
      testId="events-table"
      fileName={`events-${hash.slice(0, 10)}`}
      columns={columns}
      rows={events}
      rowKey={(row) => row.logIndex}
    />
  );
}

/** Decoded event arguments; a 32-byte value that is a transaction or commitment stays a plain hash. */
function ArgsList({ args }: { args: Record<string, unknown> }) {
  return (
    <dl className="args">
      {Object.entries(args).map(([name, value]) => (
        <div key={name}>
          <dt>{name}</dt>
          <dd className="hash">{typeof value === 'string' ? value : JSON.stringify(value)}</dd>
        </div>
      ))}
    </dl>
  );
}
