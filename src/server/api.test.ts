import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Answers are JSON of many shapes; the assertions below check them field by field.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;
import { marginFor } from '../core/reputation.ts';
import { parseMoney, parseRate } from '../core/units.ts';
import { startTestService, type TestService } from './testing/testService.ts';

/** The API against a real embedded chain, with the case study's participants trading beside. */
describe('platform API', () => {
  let t: TestService;
  const call = async (
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    url: string,
    body?: unknown,
    token?: string,
  ) => {
    const response = await t.service.app.inject({
      method,
      url,
      ...(body === undefined ? {} : { payload: body as object }),
      headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
    });
    return {
      status: response.statusCode,
      body: response.body === '' ? undefined : (response.json() as Json),
      response,
    };
  };
  /** The six fields PUT /api/parameters requires, as they are in force. */
  const requiredParameters = (inForce: Json) => ({
    margin: inForce.margin,
    referencePrice: inForce.referencePrice,
    shortfallFactor: inForce.shortfallFactor,
    surplusFactor: inForce.surplusFactor,
    rewardRate: inForce.rewardRate,
    penaltyRate: inForce.penaltyRate,
  });
  let operator: string;
  let alice: { token: string; id: number };
  let bob: { token: string; id: number };

  beforeAll(async () => {
    t = await startTestService();
    const login = await call('POST', '/api/session', {
      username: 'operator',
      password: t.service.operatorPassword,
    });
    expect(login.status).toBe(200);
    operator = login.body.token;
  }, 120_000);
  afterAll(async () => await t?.stop());

  it('signs a participant up on chain and logs it in', async () => {
    const signUp = await call('POST', '/api/participants', {
      username: 'alice',
      password: 'alice-password',
      name: 'Alice (EV and home)',
      kind: 'consumer',
      greenSupply: false,
      greenPreference: true,
    });
    expect(signUp.status).toBe(201);
    expect(signUp.response.headers['set-cookie']).toMatch(
      /wattledger_session=.+; Path=\/; HttpOnly; SameSite=Strict/,
    );
    expect(signUp.body.participant).toMatchObject({
      name: 'Alice (EV and home)',
      kind: 'consumer',
      authorised: false,
    });
    expect(signUp.body.participant.transactionHash).toMatch(/^0x[0-9a-f]{64}$/);
    alice = { token: signUp.body.token, id: signUp.body.participant.id };
    const me = await call('GET', '/api/session', undefined, alice.token);
    expect(me.body.user).toEqual({ username: 'alice', role: 'participant', participantId: alice.id });
    const b = await call('POST', '/api/participants', {
      username: 'bob',
      password: 'bob-password',
      name: 'Bob',
      kind: 'prosumer',
      greenSupply: true,
      greenPreference: false,
    });
    bob = { token: b.body.token, id: b.body.participant.id };
  });

  it.each([
    [
      {
        username: 'A!',
        password: 'long-enough',
        name: 'x',
        kind: 'consumer',
        greenSupply: false,
        greenPreference: false,
      },
      'username',
    ],
    [
      {
        username: 'carol',
        password: 'short',
        name: 'x',
        kind: 'consumer',
        greenSupply: false,
        greenPreference: false,
      },
      'password',
    ],
    [
      {
        username: 'carol',
        password: 'long-enough',
        name: 'x',
        kind: 'consumer',
        greenSupply: true,
        greenPreference: false,
      },
      'greenSupply',
    ],
    [
      {
        username: 'carol',
        password: 'long-enough',
        name: 'x',
        kind: 'trader',
        greenSupply: false,
        greenPreference: false,
      },
      'kind',
    ],
    [
      {
        username: 'carol',
        password: 'long-enough',
        kind: 'consumer',
        greenSupply: false,
        greenPreference: false,
      },
      'name',
    ],
    [
      {
        username: 'alice',
        password: 'long-enough',
        name: 'x',
        kind: 'consumer',
        greenSupply: false,
        greenPreference: false,
      },
      'username',
    ],
  ])('refuses a bad sign-up %j naming the field, registering nothing', async (body, field) => {
    const before = (await call('GET', '/api/participants')).body.participants.length;
    const r = await call('POST', '/api/participants', body);
    expect([400, 409]).toContain(r.status);
    expect(r.body.error.field).toBe(field);
    expect(r.body.error.message).toMatch(new RegExp(`^${field}: `));
    expect((await call('GET', '/api/participants')).body.participants.length).toBe(before);
  });

  it('registers one participant when two sign-ups race for one name', async () => {
    const before = (await call('GET', '/api/participants')).body.participants.length;
    const body = {
      username: 'racer',
      password: 'racer-password',
      name: 'Racer',
      kind: 'consumer',
      greenSupply: false,
      greenPreference: false,
    };
    const answers = await Promise.all([
      call('POST', '/api/participants', body),
      call('POST', '/api/participants', body),
    ]);
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409]);
    expect((await call('GET', '/api/participants')).body.participants.length).toBe(before + 1);
  });

  it('keeps operator actions for the operator and private records for their owner', async () => {
    expect((await call('POST', `/api/participants/${alice.id}/authorisation`)).status).toBe(401);
    expect(
      (await call('POST', `/api/participants/${alice.id}/authorisation`, undefined, alice.token)).status,
    ).toBe(403);
    expect((await call('GET', `/api/participants/${alice.id}/wallet`, undefined, bob.token)).status).toBe(
      403,
    );
    expect((await call('GET', `/api/participants/${alice.id}/statement`, undefined, bob.token)).status).toBe(
      403,
    );
    const bid = await call('POST', '/api/bids', { side: 'buy', quantity: '0.3', price: '0.9' }, alice.token);
    expect(bid.status).toBe(403);
    expect(bid.body.error.message).toContain('not authorised');
    expect(
      (await call('POST', '/api/session', { username: 'alice', password: 'wrong-password' })).status,
    ).toBe(401);
  });

  it('authorises, binds a meter, deposits, and refuses bad amounts naming the field', async () => {
    const authorised = await call('POST', `/api/participants/${alice.id}/authorisation`, undefined, operator);
    expect(authorised.status).toBe(200);
    expect(authorised.body.authorised).toBe(true);
    await call('POST', `/api/participants/${bob.id}/authorisation`, undefined, operator);
    const meter = await call(
      'POST',
      `/api/participants/${alice.id}/meter`,
      { meterNumber: '000000000201' },
      operator,
    );
    expect(meter.status).toBe(200);
    expect(meter.body.meter.number).toBe('000000000201');
    const badMeter = await call(
      'POST',
      `/api/participants/${bob.id}/meter`,
      { meterNumber: '12345' },
      operator,
    );
    expect(badMeter.body.error.field).toBe('meterNumber');
    const bad = await call(
      'POST',
      `/api/participants/${alice.id}/deposits`,
      { amount: '1.0000000000000000001', reference: 'x' },
      alice.token,
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('amount');
    const deposit = await call(
      'POST',
      `/api/participants/${alice.id}/deposits`,
      { amount: '10', reference: 'bank 1' },
      alice.token,
    );
    expect(deposit.status).toBe(200);
    expect(deposit.body.balance).toBe('10');
    const wallet = await call('GET', `/api/participants/${alice.id}/wallet`, undefined, alice.token);
    expect(wallet.body).toMatchObject({ balance: '10', debt: '0', margin: '0.1' });
  });

  it('trades a sealed bid: sealed until bidding closes, then cleared, metered and settled', async () => {
    const tooFine = await call(
      'POST',
      '/api/bids',
      { side: 'buy', quantity: '0.3001', price: '0.9' },
      alice.token,
    );
    expect(tooFine.status).toBe(400);
    expect(tooFine.body.error.field).toBe('quantity');
    const wrongSide = await call(
      'POST',
      '/api/bids',
      { side: 'sell', quantity: '0.3', price: '0.9' },
      alice.token,
    );
    expect(wrongSide.body.error.field).toBe('side');
    const placed = await call(
      'POST',
      '/api/bids',
      { side: 'buy', quantity: '0.300', price: '0.9' },
      alice.token,
    );
    expect(placed.status).toBe(201);
    const period = BigInt(placed.body.period);
    expect(placed.body).toMatchObject({ status: 'scheduled', quantity: '0.300', price: '0.9' });
    const again = await call(
      'POST',
      '/api/bids',
      { side: 'buy', quantity: '0.1', price: '0.9', period: Number(period) },
      alice.token,
    );
    expect(again.status).toBe(409);

    const w = t.windowsOf(period);
    await t.advanceTo(w.commitOpens + 1n);
    const own = await call('GET', '/api/bids', undefined, alice.token);
    expect(own.body.bids[0]).toMatchObject({ status: 'committed', period: Number(period) });
    expect(own.body.bids[0].commit.transactionHash).toMatch(/^0x/);
    // Sealed: nobody else sees it, not the operator, not the period page, not the explorer.
    expect((await call('GET', `/api/bids?participant=${alice.id}`, undefined, bob.token)).status).toBe(403);
    expect((await call('GET', `/api/bids?participant=${alice.id}`, undefined, operator)).body.bids).toEqual(
      [],
    );
    const periodPage = await call('GET', `/api/periods/${period}`);
    expect(periodPage.body.bids).toEqual([]);
    expect(periodPage.body.commitments).toBeGreaterThanOrEqual(5);
    const commitTx = await call('GET', `/api/transactions/${own.body.bids[0].commit.transactionHash}`);
    // The commit's public record carries hashes only: no quantity, price or side to read.
    for (const event of commitTx.body.events)
      expect(Object.keys(event.args).sort()).toEqual(['commitment', 'participantId', 'period']);

    await t.runPeriod(period);
    const detail = await call('GET', `/api/periods/${period}`);
    expect(detail.body.stage).toBe('cleared');
    expect(detail.body.settled).toBe(true);
    expect(detail.body.bids.some((b: Json) => b.participantId === alice.id && b.quantity === '0.300')).toBe(
      true,
    );
    const bought = detail.body.trades.filter((tr: Json) => tr.buyerId === alice.id);
    expect(bought.length).toBeGreaterThan(0);
    expect(detail.body.curves.demand.length).toBeGreaterThan(0);
    const settlement = detail.body.settlements.find((s: Json) => s.participantId === alice.id);
    expect(settlement).toMatchObject({ declared: '0.300' });
    expect(settlement.transactionHash).toMatch(/^0x/);

    const statement = await call('GET', `/api/participants/${alice.id}/statement`, undefined, alice.token);
    const reasons = statement.body.lines.map((l: Json) => l.reason);
    expect(reasons).toEqual(expect.arrayContaining(['deposit', 'trade', 'incentive']));
    const wallet = await call('GET', `/api/participants/${alice.id}/wallet`, undefined, alice.token);
    expect(statement.body.balance).toBe(wallet.body.balance);
    const ownAfter = await call('GET', '/api/bids', undefined, alice.token);
    expect(ownAfter.body.bids[0].status).toBe('revealed');
    // Once revealed, the operator sees it too.
    expect(
      (await call('GET', `/api/bids?participant=${alice.id}`, undefined, operator)).body.bids,
    ).toHaveLength(1);
  }, 120_000);

  it("shows a trade's seven steps with their records, pending until the chain reaches them", async () => {
    // Bob has no meter: his reading stays pending until the deadline, then is missing.
    await call(
      'POST',
      `/api/participants/${bob.id}/deposits`,
      { amount: '10', reference: 'bank 2' },
      bob.token,
    );
    const sold = await call(
      'POST',
      '/api/bids',
      { side: 'sell', quantity: '0.200', price: '0.3' },
      bob.token,
    );
    expect(sold.status).toBe(201);
    const period = BigInt(sold.body.period);
    const bought = await call(
      'POST',
      '/api/bids',
      { side: 'buy', quantity: '0.200', price: '0.9', period: Number(period) },
      alice.token,
    );
    expect(bought.status).toBe(201);
    const w = t.windowsOf(period);
    for (const time of [w.commitOpens, w.commitCloses, w.revealCloses, w.deliveryStarts])
      await t.advanceTo(time + 1n);
    const page = await call('GET', `/api/periods/${period}`);
    expect(page.body.stage).toBe('cleared');
    const bobs = page.body.trades.find((tr: Json) => tr.sellerId === bob.id);
    const metered = page.body.trades.find((tr: Json) => tr.sellerId !== bob.id && tr.buyerId !== bob.id);
    expect(bobs).toBeDefined();
    expect(metered).toBeDefined();
    const flow = async (tr: Json, token?: string) => {
      const r = await call('GET', `/api/trades/${tr.transactionHash}/${tr.logIndex}/flow`, undefined, token);
      expect(r.status).toBe(200);
      expect(r.body.steps.map((s: Json) => s.key)).toEqual([
        'registration',
        'publication',
        'matching',
        'contract',
        'delivery',
        'metering',
        'settlement',
      ]);
      for (const s of r.body.steps)
        for (const record of s.records.filter((x: Json) => x.status === 'recorded')) {
          expect(record.transactionHash).toMatch(/^0x[0-9a-f]{64}$/);
          expect(record.blockNumber).toBeGreaterThan(0);
        }
      return r.body;
    };
    const statuses = (f: Json) => f.steps.map((s: Json) => s.status);
    const stepOf = (f: Json, key: string) => f.steps.find((s: Json) => s.key === key);
    const recordOf = (f: Json, key: string, party: string | null, event: string) =>
      stepOf(f, key).records.find((r: Json) => r.party === party && r.event === event);

    // Cleared, delivery under way: four steps on the ledger, three waiting.
    let f = await flow(bobs);
    expect(statuses(f)).toEqual(['done', 'done', 'done', 'done', 'pending', 'pending', 'pending']);
    expect(stepOf(f, 'delivery').waitingFor).toEqual({ what: 'delivery-end', until: Number(w.deliveryEnds) });
    expect(stepOf(f, 'settlement').waitingFor).toEqual({
      what: 'delivery-end',
      until: Number(w.deliveryEnds),
    });
    const bobProfile = await call('GET', `/api/participants/${bob.id}`);
    expect(recordOf(f, 'registration', 'seller', 'ParticipantRegistered')).toMatchObject({
      participantId: bob.id,
      transactionHash: bobProfile.body.transactionHash,
      blockNumber: bobProfile.body.blockNumber,
    });
    expect(recordOf(f, 'registration', 'buyer', 'ParticipantAuthorised').participantId).toBe(bobs.buyerId);
    const ownBid = (await call('GET', '/api/bids', undefined, bob.token)).body.bids.find(
      (b: Json) => b.period === Number(period),
    );
    expect(recordOf(f, 'publication', 'seller', 'BidCommitted').transactionHash).toBe(
      ownBid.commit.transactionHash,
    );
    expect(recordOf(f, 'publication', 'seller', 'BidRevealed')).toMatchObject({
      transactionHash: ownBid.reveal.transactionHash,
      values: { side: 'sell', quantity: '0.200', price: '0.3' },
    });
    expect(recordOf(f, 'matching', null, 'TradeMatched')).toMatchObject({
      transactionHash: bobs.transactionHash,
      logIndex: bobs.logIndex,
      values: { quantity: bobs.quantity, price: bobs.price },
    });
    // The contract is the buyer's payment, as the seller's own statement has it.
    const payment = recordOf(f, 'contract', null, 'TokensMoved');
    const statement = await call('GET', `/api/participants/${bob.id}/statement`, undefined, bob.token);
    const line = statement.body.lines.find(
      (l: Json) =>
        l.reason === 'trade' && l.transactionHash === bobs.transactionHash && l.logIndex === payment.logIndex,
    );
    expect(line).toBeDefined();
    expect(payment.values).toMatchObject({
      reason: 'trade',
      to: bobProfile.body.account,
      amount: line.amount,
    });
    expect(payment.logIndex).toBe(bobs.logIndex - 1);
    // The statement's payment line names the trade, so the account page links to this flow.
    expect(line.trade).toEqual({ transactionHash: bobs.transactionHash, logIndex: bobs.logIndex });
    expect(statement.body.lines.find((l: Json) => l.reason === 'deposit').trade).toBeNull();

    // Delivered: the metered parties' readings are in at the boundary, Bob's is still awaited.
    await t.advanceTo(w.deliveryEnds + 30n);
    f = await flow(bobs);
    expect(stepOf(f, 'metering').status).toBe('pending');
    expect(stepOf(f, 'metering').waitingFor).toEqual({ what: 'reading', until: Number(w.readingDeadline) });
    expect(recordOf(f, 'metering', 'seller', 'ReadingRecorded').status).toBe('pending');
    expect(recordOf(f, 'settlement', 'seller', 'ParticipantSettled').status).toBe('pending');
    const m = await flow(metered);
    expect(stepOf(m, 'metering').status).toBe('done');
    // Meter figures are private to their participant and the operator.
    expect(recordOf(m, 'metering', 'seller', 'ReadingRecorded').values.import).toBeNull();
    const asOperator = await flow(metered, operator);
    expect(recordOf(asOperator, 'metering', 'seller', 'ReadingRecorded').values.export).toMatch(
      /^\d+\.\d{3}$/,
    );

    // Past the reading deadline everything is settled; Bob's reading is missing and settled as such.
    await t.advanceTo(w.readingDeadline + 1n);
    await t.service.heartbeat();
    const done = await flow(metered, operator);
    expect(statuses(done)).toEqual(['done', 'done', 'done', 'done', 'done', 'done', 'done']);
    expect(stepOf(done, 'settlement').records.map((r: Json) => r.event)).toEqual(
      expect.arrayContaining(['ParticipantSettled', 'TokensMoved']),
    );
    const settledPage = await call('GET', `/api/periods/${period}`);
    const sellerSettlement = settledPage.body.settlements.find(
      (s: Json) => s.participantId === metered.sellerId,
    );
    expect(recordOf(done, 'settlement', 'seller', 'ParticipantSettled')).toMatchObject({
      transactionHash: sellerSettlement.transactionHash,
      values: { actual: sellerSettlement.actual, imbalanceAmount: sellerSettlement.imbalanceAmount },
    });
    expect(recordOf(done, 'delivery', 'buyer', 'ReadingRecorded').values.actual).toBe(
      settledPage.body.settlements.find((s: Json) => s.participantId === metered.buyerId).actual,
    );
    f = await flow(bobs);
    expect(statuses(f)).toEqual(['done', 'done', 'done', 'done', 'missing', 'missing', 'done']);
    expect(recordOf(f, 'metering', 'seller', 'ReadingRecorded').status).toBe('missing');
    expect(recordOf(f, 'settlement', 'seller', 'ParticipantSettled').values).toMatchObject({
      readingMissing: true,
      actual: '0.000',
    });
  }, 120_000);

  it('answers 404 for an unknown trade and 400 naming the field for a malformed one', async () => {
    const page = await call(
      'GET',
      `/api/periods/${(await call('GET', '/api/periods')).body.periods.findLast((p: Json) => p.tradeCount > 0).period}`,
    );
    const trade = page.body.trades[0];
    const unknown = await call('GET', `/api/trades/${trade.transactionHash}/${trade.logIndex + 1000}/flow`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('NOT_FOUND');
    expect(unknown.body.error.message).toContain('no trade is recorded');
    const shortHash = await call('GET', '/api/trades/0x1234/0/flow');
    expect(shortHash.status).toBe(400);
    expect(shortHash.body.error.field).toBe('transactionHash');
    const badIndex = await call('GET', `/api/trades/${trade.transactionHash}/first/flow`);
    expect(badIndex.status).toBe(400);
    expect(badIndex.body.error.field).toBe('logIndex');
  });

  it('sets the pricing rule, price bounds and seller share cap; refuses bad values and bids outside the bounds, naming the field', async () => {
    const inForce = (await call('GET', '/api/parameters')).body;
    expect(inForce).toMatchObject({
      mechanism: 'periodic',
      continuous: null,
      pricing: 'mid',
      priceFloor: null,
      priceCap: null,
      sellerShareCap: null,
    });
    const base = requiredParameters(inForce);
    const rules = { pricing: 'uniform', priceFloor: '0.1', priceCap: '2', sellerShareCap: '0.5' };
    const set = await call('PUT', '/api/parameters', { ...base, ...rules }, operator);
    expect(set.status).toBe(200);
    expect(set.body.parameters).toMatchObject(rules);
    expect((await call('GET', '/api/parameters')).body).toMatchObject(rules);
    // Left out, the rules keep their values.
    expect((await call('PUT', '/api/parameters', base, operator)).body.parameters).toMatchObject(rules);

    for (const [field, value] of [
      ['priceFloor', '3'],
      ['sellerShareCap', '1.5'],
      ['sellerShareCap', '0.00001'],
      ['priceCap', '0.0000000000000000001'],
    ] as const) {
      const refused = await call('PUT', '/api/parameters', { ...base, ...rules, [field]: value }, operator);
      expect(refused.status).toBe(400);
      expect(refused.body.error.field).toBe(field);
    }
    const unknownRule = await call('PUT', '/api/parameters', { ...base, pricing: 'pay-as-bid' }, operator);
    expect(unknownRule.status).toBe(400);
    expect(JSON.stringify(unknownRule.body)).toMatch(/pricing/);
    expect((await call('GET', '/api/parameters')).body).toMatchObject(rules);

    for (const [price, bound] of [
      ['2.5', 'cap'],
      ['0.05', 'floor'],
    ] as const) {
      const bid = await call('POST', '/api/bids', { side: 'buy', quantity: '0.1', price }, alice.token);
      expect(bid.status).toBe(400);
      expect(bid.body.error.field).toBe('price');
      expect(bid.body.error.message).toMatch(new RegExp(`price ${bound}`));
    }
    // One period's own bounds replace the defaults, for that period only.
    const next = (await call('GET', '/api/market')).body.bidding.period + 1;
    expect(
      (await call('PUT', `/api/periods/${next}/price-bounds`, { priceFloor: '0.5', priceCap: '0.6' })).status,
    ).toBe(401);
    const own = await call(
      'PUT',
      `/api/periods/${next}/price-bounds`,
      { priceFloor: '0.5', priceCap: '0.6' },
      operator,
    );
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ period: next, priceFloor: '0.5', priceCap: '0.6' });
    const inverted = await call(
      'PUT',
      `/api/periods/${next}/price-bounds`,
      { priceFloor: '0.7', priceCap: '0.6' },
      operator,
    );
    expect(inverted.body.error.field).toBe('priceFloor');
    const outside = await call(
      'POST',
      '/api/bids',
      { side: 'buy', quantity: '0.1', price: '0.9', period: next },
      alice.token,
    );
    expect(outside.body.error.field).toBe('price');
    expect((await call('GET', `/api/periods/${next + 1}/price-bounds`)).body).toMatchObject({
      priceFloor: '0.1',
      priceCap: '2',
    });
    expect(
      (await call('DELETE', `/api/periods/${next}/price-bounds`, undefined, operator)).body,
    ).toMatchObject({
      priceFloor: '0.1',
      priceCap: '2',
    });

    const back = { pricing: 'mid', priceFloor: '0', priceCap: '0', sellerShareCap: '0' };
    expect(
      (await call('PUT', '/api/parameters', { ...base, ...back }, operator)).body.parameters,
    ).toMatchObject({
      pricing: 'mid',
      priceFloor: null,
      priceCap: null,
      sellerShareCap: null,
    });
  });

  it('shows a participant its reputation and the operator everyone’s; the operator turns it on; bad input refused naming the field', async () => {
    const own = await call('GET', `/api/participants/${alice.id}/reputation`, undefined, alice.token);
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ on: false, participantId: alice.id });
    const wallet = await call('GET', `/api/participants/${alice.id}/wallet`, undefined, alice.token);
    // Off, every bid holds the base margin, whatever the score.
    expect(own.body.margin).toBe(wallet.body.margin);
    expect(own.body.margin).toBe((await call('GET', '/api/parameters')).body.margin);
    expect((await call('GET', `/api/participants/${alice.id}/reputation`, undefined, bob.token)).status).toBe(
      403,
    );
    const badId = await call('GET', '/api/participants/first/reputation', undefined, operator);
    expect([badId.status, badId.body.error.field]).toEqual([400, 'id']);
    const unknown = await call('GET', '/api/participants/99999/reputation', undefined, operator);
    expect([unknown.status, unknown.body.error.field]).toEqual([404, 'id']);
    expect((await call('GET', '/api/reputation', undefined, alice.token)).status).toBe(403);
    const all = await call('GET', '/api/reputation', undefined, operator);
    expect(all.status).toBe(200);
    expect(all.body.participants.find((r: Json) => r.participantId === alice.id)).toMatchObject({
      name: 'Alice (EV and home)',
      score: own.body.score,
    });

    const inForce = (await call('GET', '/api/parameters')).body;
    expect(inForce.reputationWeight).toBeNull();
    const base = requiredParameters(inForce);
    for (const bad of ['1.5', '-0.1', '0.0000001', 'a lot']) {
      const refused = await call('PUT', '/api/parameters', { ...base, reputationWeight: bad }, operator);
      expect([refused.status, refused.body.error.field]).toEqual([400, 'reputationWeight']);
    }
    const on = await call('PUT', '/api/parameters', { ...base, reputationWeight: '0.05' }, operator);
    expect(on.body.parameters.reputationWeight).toBe('0.05');
    const scored = (await call('GET', `/api/participants/${alice.id}/reputation`, undefined, alice.token))
      .body;
    expect(scored).toMatchObject({ on: true, weight: '0.05', newcomer: true, lastPeriod: null });
    expect(parseRate(scored.score, 'score')).toBe(900_000n);
    // On, the margin is the base × (2 − score), rounded up to the token's base unit.
    expect(parseMoney(scored.margin, 'margin')).toBe(
      marginFor(parseMoney(inForce.margin, 'margin'), parseRate(scored.score, 'score')),
    );
    const off = await call('PUT', '/api/parameters', { ...base, reputationWeight: '0' }, operator);
    expect(off.body.parameters.reputationWeight).toBeNull();
  });

  it('pushes live events (server-sent) as the clock moves, with counts and never bid contents', async () => {
    const controller = new AbortController();
    const response = await fetch(`${t.url}/api/events`, { signal: controller.signal });
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = response.body!.getReader();
    let text = '';
    const read = async (until: RegExp) => {
      while (!until.test(text)) text += new TextDecoder().decode((await reader.read()).value);
    };
    await read(/: connected/);
    const now = await t.service.context.clock.now();
    await t.advanceTo(now + BigInt(t.service.context.schedule.periodSeconds));
    await read(
      /event: clock\ndata: \{"chainTime":\d+,"deliveryPeriod":\d+,"biddingPeriod":\d+,"phase":"\w+"\}/,
    );
    await read(/event: block\ndata: \{"number":\d+\}/);
    expect(text).not.toMatch(/quantity|price|salt/);
    controller.abort();
  });

  it('serves the explorer, the health of every part and an OpenAPI document', async () => {
    const blocks = await call('GET', '/api/blocks?limit=5');
    expect(blocks.body.blocks).toHaveLength(5);
    const health = await call('GET', '/api/health');
    expect(health.body).toMatchObject({ chain: { ok: true }, indexer: { ok: true }, keeper: { ok: true } });
    expect(health.body.gateway.meters).toBe(5);
    const openapi = await call('GET', '/api/openapi.json');
    expect(Object.keys(openapi.body.paths)).toEqual(
      expect.arrayContaining([
        '/api/bids',
        '/api/participants/{id}/statement',
        '/api/periods/{period}',
        '/api/trades/{transactionHash}/{logIndex}/flow',
        '/api/events',
        '/api/orders',
        '/api/orders/{period}/{orderId}',
        '/api/orders/book',
      ]),
    );
    expect(
      openapi.body.paths['/api/bids'].post.requestBody.content['application/json'].schema.required,
    ).toEqual(['side', 'quantity', 'price']);
    const unknown = await call('GET', '/api/nothing-here');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('NOT_FOUND');
  });

  it('refuses continuous-market orders on a sealed-bid deployment with a code that says why', async () => {
    const answers = [
      await call('POST', '/api/orders', { side: 'buy', quantity: '0.1', price: '0.5' }, alice.token),
      await call('DELETE', '/api/orders/5/1', undefined, alice.token),
      await call('GET', '/api/orders/book'),
    ];
    for (const answer of answers) {
      expect(answer.status).toBe(409);
      expect(answer.body.error.code).toBe('MECHANISM_NOT_CONTINUOUS');
      expect(answer.body.error.message).toMatch(/periodic mechanism/);
    }
  });
});
