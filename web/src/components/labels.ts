import type { BidStatus, Kind, OrderStatus, Phase, Reason, Side, Stage, TradeStage } from '../api/types';
import type { MessageKey } from '../i18n/en';
import type { Translate } from '../i18n/i18n';

// The API's enumerations in the reader's language. A value the dictionary does not know (a newer
// server) shows as it came rather than as a dictionary key.

function label(t: Translate, key: MessageKey, value: string): string {
  const text = t(key);
  return text === key ? value : text;
}

export const phaseLabel = (t: Translate, phase: Phase) => label(t, `phase.${phase}`, phase);
export const stageLabel = (t: Translate, stage: Stage | TradeStage) => label(t, `stage.${stage}`, stage);
export const orderStatusLabel = (t: Translate, status: OrderStatus) =>
  label(t, `orderStatus.${status}`, status);
export const kindLabel = (t: Translate, kind: Kind) => label(t, `kind.${kind}`, kind);
export const statusLabel = (t: Translate, status: BidStatus) => label(t, `status.${status}`, status);
export const reasonLabel = (t: Translate, reason: Reason) => label(t, `reason.${reason}`, reason);
export const sideLabel = (t: Translate, side: Side | null) =>
  side === null ? '—' : label(t, `side.${side}`, side);
export const yesNo = (t: Translate, value: boolean) => (value ? t('common.yes') : t('common.no'));
