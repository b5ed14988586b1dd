import { Link } from '../lib/router';

// Every transaction hash and block number in the UI opens in the explorer.

export function shortHash(hash: string): string {
  return hash.length > 14 ? `${hash.slice(0, 8)}…${hash.slice(-6)}` : hash;
}

export function TxLink({ hash }: { hash: string | null | undefined }) {
  if (!hash) return <span className="muted">—</span>;
  return (
    <Link to={`/explorer/tx/${hash}`} className="hash" title={hash} testId="tx-link">
      {shortHash(hash)}
    </Link>
  );
}

export function BlockLink({ number }: { number: number | null | undefined }) {
  if (number === null || number === undefined) return <span className="muted">—</span>;
  return (
    <Link to={`/explorer/block/${number}`} testId="block-link">
      {number}
    </Link>
  );
}

/** An account address, short with the whole address on hover. */
export function Address({ address }: { address: string | null | undefined }) {
  if (!address) return <span className="muted">—</span>;
  return (
    <span className="hash" title={address}>
      {shortHash(address)}
    </span>
  );
}
