// Amounts arrive as decimal strings and are shown as they come: no float ever touches money. The only
// change is cosmetic, dropping trailing zeros of the fraction ("12.500" → "12.5").

export function trimZeros(value: string): string {
  if (!value.includes('.')) return value;
  return value.replace(/0+$/, '').replace(/\.$/, '');
}

/** An unsigned decimal string as the API accepts it (the server checks the number of decimals). */
export function isDecimal(value: string): boolean {
  return /^\d+(\.\d+)?$/.test(value.trim());
}

/** For chart coordinates only: a float is fine for a pixel, never for a payment. */
export function chartNumber(value: string | null | undefined): number | null {
  if (value === null || value === undefined || value === '') return null;
  const number = Number(value);
  return Number.isFinite(number) ? number : null;
}
