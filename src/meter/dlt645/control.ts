/**
 * The control code byte: D7 direction (1 = from the meter), D6 abnormal reply, D5 follow-up frames
 * to come, D4–D0 the function.
 */
export const FUNCTION = {
  broadcastTimeSync: 0x08,
  readData: 0x11,
  readFollowUp: 0x12,
  readAddress: 0x13,
  writeData: 0x14,
  writeAddress: 0x15,
  freeze: 0x16,
  changeBaudRate: 0x17,
  changePassword: 0x18,
  resetDemand: 0x19,
  clearMeter: 0x1a,
  clearEvents: 0x1b,
} as const;

export type FunctionName = keyof typeof FUNCTION;

export interface Control {
  /** 'request' from the master station, 'response' from the meter. */
  readonly direction: 'request' | 'response';
  /** The meter could not answer normally; the data field holds the error word. */
  readonly abnormal: boolean;
  /** More data follows in follow-up frames (read with function 12H). */
  readonly followUp: boolean;
  /** D4–D0. */
  readonly code: number;
}

export const encodeControl = (c: Control): number =>
  (c.direction === 'response' ? 0x80 : 0) |
  (c.abnormal ? 0x40 : 0) |
  (c.followUp ? 0x20 : 0) |
  (c.code & 0x1f);

export const decodeControl = (byte: number): Control => ({
  direction: byte & 0x80 ? 'response' : 'request',
  abnormal: (byte & 0x40) !== 0,
  followUp: (byte & 0x20) !== 0,
  code: byte & 0x1f,
});

export function functionName(code: number): FunctionName | undefined {
  return (Object.keys(FUNCTION) as FunctionName[]).find((name) => FUNCTION[name] === code);
}
