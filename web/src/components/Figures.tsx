import type { ReactNode } from 'react';

/** A card's labelled figures; each value is marked `${testId}-${key}` for the browser tests. */
export function Figures({ testId, rows }: { testId: string; rows: readonly [string, string, ReactNode][] }) {
  return (
    <dl className="figures">
      {rows.map(([key, label, value]) => (
        <div key={key}>
          <dt>{label}</dt>
          <dd data-testid={`${testId}-${key}`}>{value}</dd>
        </div>
      ))}
    </dl>
  );
}
