/**
 * What the chain lets a participant prove, on a real embedded chain after a traded and settled
 * market: its statement replayed from events equals its token balance, each line is proved by the
 * block it is in, and a line changed after the fact no longer is.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeEventLog, type Hex } from 'viem';
import { settlementTokenAbi } from './generated/SettlementToken.ts';
import {
  EvidenceMismatchError,
  fetchBlockEvidence,
  headerHash,
  receiptsRoot,
  verifyLog,
  type BlockEvidence,
} from './blockEvidence.ts';
import { walletStatement, type StatementLine } from './periodRecords.ts';
import { runDay } from '../simulation/dayRunner.ts';
import { onChainMarket, type OnChainMarket } from '../simulation/onChainMarket.ts';
import { loadScenario } from '../simulation/scenario.ts';

const scenario = { ...loadScenario('scenarios/case-study.json'), periods: 4 };
let market: OnChainMarket;

beforeAll(async () => {
  market = await onChainMarket(scenario);
  await runDay(scenario, market, 'on-chain');
}, 120_000);
afterAll(async () => await market?.close());

const client = () => market.platform.platform.connection.publicClient;

/** The participant with the most statement lines, and its lines. */
async function busiest(): Promise<{ account: Hex; lines: StatementLine[] }> {
  const { platform } = market.platform;
  const ids = scenario.participants.map((_, i) => i + 1);
  const all = await Promise.all(
    ids.map(async (id) => {
      const [account] = await platform.read.market.read.participantState([id]);
      return { account: account as Hex, lines: await walletStatement(platform, account as Hex) };
    }),
  );
  return all.sort((a, b) => b.lines.length - a.lines.length)[0]!;
}

/** The block hash a participant keeps: the one the node gave with the receipt at the time. */
async function heldHash(line: StatementLine): Promise<Hex> {
  return (await client().getTransactionReceipt({ hash: line.transactionHash })).blockHash;
}

const amountOf = (data: Hex, topics: readonly Hex[]) =>
  decodeEventLog({ abi: settlementTokenAbi, data, topics: topics as [Hex, ...Hex[]] }).args as {
    amount: bigint;
  };

describe('what the chain proves to a participant', () => {
  it('replays the statement from events to exactly the token balance, each line proved by its block', async () => {
    const { account, lines } = await busiest();
    expect(lines.some((l) => l.reason === 'trade')).toBe(true);
    const balance = await market.platform.platform.read.token.read.balanceOf([account]);
    expect(lines.reduce((s, l) => s + l.amount, 0n)).toBe(balance);
    for (const line of lines) {
      const evidence = await fetchBlockEvidence(client(), line.blockNumber);
      const log = verifyLog(evidence, await heldHash(line), line);
      const sign = line.amount < 0n ? -1n : 1n;
      expect(sign * amountOf(log.data, log.topics).amount).toBe(line.amount);
    }
  });

  it('detects a trade line changed after the fact: the receipts root, then the block hash, no longer match', async () => {
    const { lines } = await busiest();
    const line = lines.find((l) => l.reason === 'trade')!;
    const held = await heldHash(line);
    const honest = await fetchBlockEvidence(client(), line.blockNumber);
    expect(headerHash(honest.header)).toBe(held);

    // A node (or an operator who rewrote its database) serves the log with 1 % more paid.
    const forged = (amount: bigint): BlockEvidence => ({
      header: honest.header,
      receipts: honest.receipts.map((r) => ({
        ...r,
        logs: r.logs.map((l) =>
          Number(l.logIndex) === line.logIndex && r.transactionHash === line.transactionHash
            ? { ...l, data: `0x${amount.toString(16).padStart(64, '0')}${l.data.slice(66)}` as Hex }
            : l,
        ),
      })),
    });
    const log = verifyLog(honest, held, line);
    const paid = amountOf(log.data, log.topics).amount;
    const changed = forged(paid + paid / 100n);
    const problem = (evidence: BlockEvidence) => {
      try {
        verifyLog(evidence, held, line);
        return 'proved';
      } catch (error) {
        expect(error).toBeInstanceOf(EvidenceMismatchError);
        return (error as EvidenceMismatchError).code;
      }
    };
    expect(problem(changed)).toBe('RECEIPTS_ROOT_MISMATCH');

    // Rewriting the header's receipts root to match changes the block's hash instead...
    const rewritten = {
      header: { ...honest.header, receiptsRoot: receiptsRoot(changed.receipts) },
      receipts: changed.receipts,
    };
    expect(problem(rewritten)).toBe('HEADER_HASH_MISMATCH');
    // ...which every later block names as its parent, so the whole chain after it would change.
    const next = await fetchBlockEvidence(client(), line.blockNumber + 1n);
    expect(next.header.parentHash).toBe(held);
    expect(headerHash(rewritten.header)).not.toBe(held);
    // And the honest evidence still proves the honest amount.
    expect(problem(forged(paid))).toBe('proved');
  });

  it('recomputes the receipts root of a block holding many transactions', async () => {
    const { connection, accounts } = market.platform;
    const testClient = connection.testClient!;
    const wallet = connection.wallet(accounts.operator);
    await testClient.setAutomine(false);
    try {
      // 130 transactions: receipt keys RLP(0..129) reach the two-byte ones from 128 on.
      const nonce = await client().getTransactionCount({ address: accounts.operator.address });
      for (let i = 0; i < 130; i++) {
        await wallet.sendTransaction({
          to: accounts.publicGrid.address,
          value: 1n,
          nonce: nonce + i,
          gas: 21_000n,
        });
      }
      await testClient.mine({ blocks: 1 });
    } finally {
      await testClient.setAutomine(true);
    }
    const block = await client().getBlock();
    const evidence = await fetchBlockEvidence(client(), block.number);
    expect(evidence.receipts).toHaveLength(130);
    expect(receiptsRoot(evidence.receipts)).toBe(block.receiptsRoot);
    expect(headerHash(evidence.header)).toBe(block.hash);
  });
});
