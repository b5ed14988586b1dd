import type { ReactNode } from 'react';
import { toCsv } from '../lib/csv';
import { downloadCsv } from '../lib/download';
import { useI18n } from '../i18n/i18n';

export interface Column<R> {
  header: string;
  /** The cell as text: what the CSV export writes, and what is shown unless `render` is given. */
  value: (row: R) => string;
  render?: (row: R) => ReactNode;
  numeric?: boolean;
}

interface Props<R> {
  testId: string;
  fileName: string;
  columns: readonly Column<R>[];
  rows: readonly R[];
  rowKey: (row: R, index: number) => string | number;
  caption?: string;
}

/** Every table of the UI: same look, and an export of exactly the rows and columns shown. */
export function DataTable<R>({ testId, fileName, columns, rows, rowKey, caption }: Props<R>) {
  const { t } = useI18n();
  const exportCsv = () =>
    downloadCsv(
      fileName,
      toCsv(
        columns.map((column) => column.header),
        rows.map((row) => columns.map((column) => column.value(row))),
      ),
    );
  return (
    <div className="table-wrap">
      <div className="table-tools">
        {caption !== undefined && <span className="table-caption">{caption}</span>}
        <button type="button" className="link-button" data-testid={`${testId}-csv`} onClick={exportCsv}>
          {t('table.exportCsv')}
        </button>
      </div>
      <table data-testid={testId}>
        <thead>
          <tr>
            {columns.map((column) => (
              <th key={column.header} className={column.numeric ? 'num' : undefined}>
                {column.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 ? (
            <tr>
              <td colSpan={columns.length} className="empty">
                {t('table.empty')}
              </td>
            </tr>
          ) : (
            rows.map((row, index) => (
              <tr key={rowKey(row, index)}>
                {columns.map((column) => (
                  <td key={column.header} className={column.numeric ? 'num' : undefined}>
                    {column.render ? column.render(row) : column.value(row)}
                  </td>
                ))}
              </tr>
            ))
          )}
        </tbody>
      </table>
    </div>
  );
}
