/**
 * The reference case study's participants, run by the platform: enrolled once (registered by
 * signature, authorised, meter bound, opening deposit), they bid every period from the case study's
 * plan through the same bid book as people do, and their simulated meters report what the plan says
 * happened. Their keys are custodial: kept in keystores the platform's secret opens.
 */
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import type { Account, LocalAccount } from 'viem';
import { authoriseParticipant, deposit, registerBySignature } from '../chain/participants.ts';
import type { Platform } from '../chain/platform.ts';
import { parseMoney } from '../core/units.ts';
import { summarize } from '../chain/transactions.ts';
import type { BidBook } from './bidBook.ts';
import { CASE_STUDY_ROLES, GRID_FLOAT, planFor, type CaseStudyRole } from './caseStudy.ts';
import type { ChainLock } from './chainLock.ts';
import type { MeterFleet } from './meterFleet.ts';
import type { PlatformStore } from './platformStore.ts';
import { generatePassword, type Users } from './users.ts';

export interface CaseStudyBot {
  readonly role: CaseStudyRole;
  readonly participantId: number;
  readonly account: LocalAccount;
}

interface Roles {
  readonly operator: Account;
  readonly relayer: Account;
  readonly settlementAgent: Account;
  readonly publicGrid: Account;
}

/** Enrols the case study on the first start; returns the bots and, that once, their passwords. */
export async function enrolCaseStudy(deps: {
  store: PlatformStore;
  users: Users;
  platform: Platform;
  roles: Roles;
  lock: ChainLock;
  meters: MeterFleet;
  progress: (line: string) => void;
}): Promise<{ bots: CaseStudyBot[]; passwords: Record<string, string> }> {
  const { store, users, platform, roles, lock } = deps;
  const bots: CaseStudyBot[] = [];
  const passwords: Record<string, string> = {};
  for (const role of CASE_STUDY_ROLES) {
    const existing = store.user(role.key);
    if (existing !== undefined) {
      bots.push({
        role,
        participantId: existing.participantId!,
        account: await users.custodialAccount(existing),
      });
      continue;
    }
    const key = generatePrivateKey();
    const account = privateKeyToAccount(key);
    const participantId = await lock.run(async () => {
      const id = await registerBySignature(platform, roles.relayer, account, role.profile);
      await authoriseParticipant(platform, roles.operator, id);
      await deposit(
        platform,
        roles.settlementAgent,
        account.address,
        role.initialDeposit,
        `opening deposit ${role.key}`,
      );
      return id;
    });
    const password = generatePassword();
    await users.addUser({ username: role.key, role: 'participant', participantId }, key, password, true);
    await deps.meters.bind(participantId, role.meterNumber, `case-study:${role.key}`);
    passwords[role.key] = password;
    deps.progress(
      `enrolled #${participantId} ${role.profile.name} (login "${role.key}"), meter ${role.meterNumber}`,
    );
    bots.push({ role, participantId, account });
  }
  if (Object.keys(passwords).length > 0) {
    await lock.run(() =>
      deposit(platform, roles.settlementAgent, roles.publicGrid.address, GRID_FLOAT, 'grid company float'),
    );
    deps.progress('public grid float deposited by the settlement agent');
  }
  return { bots, passwords };
}

/** Tops a wallet up when it runs low, so a long run does not stall on an empty wallet. */
const TOP_UP_BELOW = parseMoney('5', 'top-up');
const TOP_UP = parseMoney('20', 'top-up');

/** Each tick: every bot has a bid for the next open period. */
export function caseStudyBots(deps: {
  bots: readonly CaseStudyBot[];
  bidBook: BidBook;
  store: PlatformStore;
  platform: Platform;
  lock: ChainLock;
  settlementAgent: Account;
  publicGrid: Account;
  now(): Promise<bigint>;
  onError?: (message: string) => void;
}) {
  const failedPeriods = new Set<string>();
  return {
    async tick(): Promise<number> {
      const now = await deps.now();
      const period = deps.bidBook.nextBiddingPeriod(now);
      let placed = 0;
      for (const bot of deps.bots) {
        if (deps.store.bid(bot.participantId, period) !== undefined) continue;
        const key = `${bot.participantId}/${period}`;
        if (failedPeriods.has(key)) continue;
        const balance = await deps.platform.read.token.read.balanceOf([bot.account.address]);
        if (balance < TOP_UP_BELOW) {
          await deps.lock.run(() =>
            deposit(
              deps.platform,
              deps.settlementAgent,
              bot.account.address,
              TOP_UP,
              `case-study top-up ${bot.role.key} ${period}`,
            ),
          );
        }
        const plan = planFor(period, bot.role.key);
        try {
          await deps.bidBook.place({
            participantId: bot.participantId,
            account: bot.account,
            side: bot.role.side,
            quantityWh: plan.quantityWh,
            pricePerWh: plan.pricePerWh,
            period,
          });
          placed += 1;
        } catch (error) {
          failedPeriods.add(key);
          deps.onError?.(`${bot.role.key}, period ${period}: ${summarize(error)}`);
        }
      }
      const grid = await deps.platform.read.token.read.balanceOf([deps.publicGrid.address]);
      if (grid < GRID_FLOAT / 4n) {
        await deps.lock.run(() =>
          deposit(
            deps.platform,
            deps.settlementAgent,
            deps.publicGrid.address,
            GRID_FLOAT,
            `grid float top-up ${period}`,
          ),
        );
      }
      return placed;
    },
  };
}
