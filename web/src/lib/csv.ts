// CSV as RFC 4180 has it: every field that holds a comma, a quote or a line break is quoted, quotes
// doubled, lines ended with CRLF. Pure, so the Node-side unit test checks it.

export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function toCsv(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return [header, ...rows].map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
}
