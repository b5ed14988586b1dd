// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";
import {IParticipantRegistry} from "./interfaces/IParticipantRegistry.sol";
import {IMaintenancePlans} from "./interfaces/IMaintenancePlans.sol";
import {IGridConnections} from "./interfaces/IGridConnections.sol";
import {IForwardSchedules} from "./interfaces/IForwardSchedules.sol";
import {SettlementToken} from "./SettlementToken.sol";
import {BidSlots} from "./libraries/BidSlots.sol";
import {PeriodClock} from "./libraries/PeriodClock.sol";
import {SettlementMath} from "./libraries/SettlementMath.sol";
import {ReputationMath} from "./libraries/ReputationMath.sol";
import {MarketSettlement, Member, SignedReading} from "./MarketSettlement.sol";

/// @title The periodic energy market: sealed bids, green-first double auction, imbalance settlement.
/// @notice Every 15-minute delivery period: participants commit hashes of their bids, then reveal
/// them; anyone clears the revealed bids by handing over the merit order computed off chain, which
/// this contract verifies (green stage, then all stage), matching at the mid-price and cutting trades
/// to what buyers can pay; each participant's meter reports what flowed; anyone then settles each
/// participant's imbalance against the public grid and its reward or penalty. Clearing and settlement
/// are permissionless because the contract checks everything they are given; they may run in
/// several transactions with the same result as one.
contract EnergyMarket is EIP712, Nonces {
    using BidSlots for BidSlots.Bid;
    using PeriodClock for PeriodClock.Schedule;

    /// @notice EIP-712 type of a participant's signed commitment.
    bytes32 public constant COMMIT_TYPEHASH = keccak256("Commit(address participant,uint256 period,bytes32 commitment)");
    /// @notice EIP-712 type of a meter's signed reading.
    bytes32 public constant READING_TYPEHASH = MarketSettlement.READING_TYPEHASH;
    /// @notice EIP-712 type of a participant's consent to a withdrawal.
    bytes32 public constant WITHDRAWAL_TYPEHASH =
        keccak256("Withdrawal(address participant,uint256 amount,uint256 nonce,uint256 deadline)");
    uint256 private constant MAX_WH = type(uint48).max;
    uint256 private constant MAX_PRICE = type(uint80).max;

    enum Side {
        Sell,
        Buy
    }

    /// @notice How a stage's trades are priced: each pair at the floor of its mid-price, or every
    /// trade of the stage at one uniform price (pay-as-clear, the competitive equilibrium price).
    enum Pricing {
        MidPrice,
        Uniform
    }

    /// @notice Bidding: not yet cleared; Green, All: clearing under way in that stage; Cleared: done.
    enum Stage {
        Bidding,
        Green,
        All,
        Cleared
    }

    struct Parameters {
        /// @dev Base units a producer must hold to bid, and a consumer must keep beyond its purchase.
        uint128 marginAmount;
        /// @dev The average price of a period with no trade, base units per Wh.
        uint96 referencePricePerWh;
        /// @dev Weight of each settled period in its participant's reputation, ppm; 0: reputation off.
        uint32 reputationWeightPpm;
        SettlementMath.Rates rates;
        /// @dev Applies from the first period whose commit window has not opened (see pricingOf).
        Pricing pricing;
        /// @dev Default price bounds of every period at reveal, base units per Wh; 0 means none.
        uint80 priceFloorPerWh;
        uint80 priceCapPerWh;
        /// @dev Most one seller may be awarded in a period, in basis points of the period's revealed
        /// demand (Σ quantity of its buy bids); 0 means no cap.
        uint16 sellerShareCapBps;
    }

    /// @notice A period's own price bounds, replacing the defaults when `set`.
    struct PriceBounds {
        uint80 floorPerWh;
        uint80 capPerWh;
        bool set;
    }

    /// @dev The last change of pricing: periods from `fromPeriod` on use the current rule, earlier ones `before`.
    struct PricingChange {
        uint24 fromPeriod;
        Pricing before;
    }

    struct SignedCommit {
        address participant;
        uint256 period;
        bytes32 commitment;
        bytes signature;
    }

    /// @dev commitment = keccak256(abi.encode(participant account, period, side, quantityWh, pricePerWh, salt))
    struct Reveal {
        uint32 participantId;
        uint256 period;
        Side side;
        uint256 quantityWh;
        uint256 pricePerWh;
        bytes32 salt;
    }

    /// @notice The next bids of the current stage's two queues, in merit order.
    struct ClearingStep {
        uint32[] sellers;
        uint32[] buyers;
    }

    struct PeriodBook {
        uint32 sellers;
        uint32 buyers;
        uint32 greenSellers;
        uint32 greenBuyers;
        uint32 sellerCursor;
        uint32 buyerCursor;
        uint32 currentSeller;
        uint32 currentBuyer;
    }

    struct PeriodTotals {
        Stage stage;
        bool crossingOver;
        /// @dev The period's pricing rule and seller share cap, fixed when its clearing starts.
        bool uniform;
        uint16 sellerShareCapBps;
        uint32 tradeCount;
        uint32 settledCount;
        uint24 missingReadings;
        uint64 tradedWh;
        /// @dev Σ quantity of the period's revealed buy bids (saturating).
        uint64 demandWh;
    }

    event ParametersSet(Parameters parameters);
    event PeriodPriceBoundsSet(uint256 indexed period, PriceBounds bounds);
    event BidCommitted(uint256 indexed period, uint32 indexed participantId, bytes32 commitment);
    event BidRevealed(
        uint256 indexed period, uint32 indexed participantId, Side side, bool green, uint256 quantityWh, uint256 pricePerWh
    );
    /// @notice The reputation a revealed bid carries: its participant's score when it committed, while
    /// reputation was on. It orders the bid at equal price and sets its margin.
    event BidReputationCarried(uint256 indexed period, uint32 indexed participantId, uint256 scorePpm);
    event TradeMatched(
        uint256 indexed period,
        uint32 indexed sellerId,
        uint32 indexed buyerId,
        uint256 quantityWh,
        uint256 pricePerWh,
        Stage stage
    );
    event BuyerBudgetCut(uint256 indexed period, uint32 indexed buyerId, uint256 spendable);
    event SellerShareCut(uint256 indexed period, uint32 indexed sellerId, uint256 capWh);
    event UniformPriceSet(uint256 indexed period, Stage stage, uint256 pricePerWh, uint256 lowerPerWh, uint256 upperPerWh);
    event ClearingStageCompleted(uint256 indexed period, Stage stage);
    event PeriodCleared(uint256 indexed period, uint256 tradeCount, uint256 tradedWh, uint256 tradedValue);
    event ReadingRecorded(
        uint256 indexed period, uint32 indexed participantId, address indexed meter, uint256 importWh, uint256 exportWh
    );
    event ParticipantSettled(
        uint256 indexed period,
        uint32 indexed participantId,
        uint256 actualWh,
        bool readingMissing,
        uint256 imbalanceWh,
        int256 imbalanceAmount,
        uint256 reward,
        uint256 penalty
    );
    event PeriodSettled(uint256 indexed period);
    event DebtRecorded(uint32 indexed participantId, uint256 amount, uint256 totalDebt);
    event DebtRepaid(uint32 indexed participantId, uint256 amount, uint256 remainingDebt);

    error MarketPeriodInvalid(uint256 period);
    error MarketNotRegistered(address account);
    error MarketNotAuthorised(uint32 participantId);
    error MarketNotOperator(address account);
    error MarketNotSettlementAgent(address account);
    error MarketInvalidSignature(address signer);
    error MarketInDebt(uint32 participantId, uint256 debt);
    error MarketParameterOutOfRange(string name, uint256 value);
    error MarketScheduleInvalid(string name);
    error MarketGridNotSet();
    error BidCommitWindowClosed(uint256 period, uint256 opensAt, uint256 closesAt, uint256 now);
    error BidRevealWindowClosed(uint256 period, uint256 opensAt, uint256 closesAt, uint256 now);
    error BidAlreadyCommitted(uint32 participantId, uint256 period);
    error BidSlotBusy(uint32 participantId, uint256 unsettledPeriod);
    error BidNotCommitted(uint32 participantId, uint256 period);
    error BidAlreadyRevealed(uint32 participantId, uint256 period);
    error BidRevealMismatch(uint32 participantId, uint256 period);
    error BidSideNotAllowed(uint32 participantId, Side side);
    error BidQuantityOutOfRange(uint256 quantityWh, uint256 max);
    error BidPriceOutOfRange(uint256 pricePerWh, uint256 max);
    error BidPriceBelowFloor(uint32 participantId, uint256 pricePerWh, uint256 floorPerWh);
    error BidPriceAboveCap(uint32 participantId, uint256 pricePerWh, uint256 capPerWh);
    /// @notice The grid company's plan `planId` has the unit under maintenance in `period`: it may not sell.
    error BidUnitUnderMaintenance(uint32 participantId, uint256 period, uint256 planId);
    /// @notice The participant has a forward delivery scheduled in `period`: its metered flow is settled there.
    error BidUnitHasForwardSchedule(uint32 participantId, uint256 period);
    error BidMarginNotCovered(uint32 participantId, uint256 balance, uint256 margin);
    /// @notice `cost` is quantity × (price + the most the bid can owe per Wh in wheeling fee and levy).
    error BidBudgetNotCovered(uint32 participantId, uint256 spendable, uint256 cost);
    /// @notice Raised by the grid connections at a reveal: wheeling fees apply and the buyer has no voltage level.
    error GridNotConnected(uint32 participantId);
    error ClearingNotOpen(uint256 period, uint256 opensAt, uint256 now);
    error ClearingAlreadyDone(uint256 period);
    error ClearingNotInQueue(uint256 period, Stage stage, uint32 participantId);
    error ClearingOrderViolated(uint256 period, uint32 previousId, uint32 participantId);
    error ClearingQueueOverrun(uint256 period, bool sellers);
    error ClearingBatchMisaligned(uint256 period, uint256 sellersLeft, uint256 buyersLeft);
    error ClearingPriceSplit(uint256 period, Stage stage);
    error ReadingMeterNotBound(address meter);
    error ReadingWrongParticipant(address meter, uint32 claimedId, uint32 boundId);
    error ReadingTooEarly(uint256 period, uint256 opensAt, uint256 now);
    error ReadingWindowClosed(uint256 period, uint256 closedAt, uint256 now);
    error ReadingAlreadyReported(address meter, uint256 period, uint256 lastReportedPeriod);
    error ReadingOutOfRange(uint256 importWh, uint256 exportWh);
    error SettlementNotCleared(uint256 period);
    error SettlementNoBid(uint32 participantId, uint256 period);
    error SettlementAlreadyDone(uint32 participantId, uint256 period);
    error SettlementReadingPending(uint32 participantId, uint256 period, uint256 deadline);
    error SettlementGridFloatInsufficient(uint256 balance, uint256 needed);
    error WithdrawalExpired(uint256 deadline, uint256 now);
    error WithdrawalExceedsAvailable(address participant, uint256 available, uint256 requested);

    /// @notice Participants, roles and meters.
    IParticipantRegistry public immutable registry;
    /// @notice The settlement token this market moves.
    SettlementToken public immutable token;
    /// @notice The grid company's maintenance plans (zero: none): a unit under maintenance may not sell.
    IMaintenancePlans public immutable maintenancePlans;
    /// @notice The grid company's connection register (zero: none): wheeling fees and levies per trade.
    IGridConnections public immutable gridConnections;
    /// @notice The forward rights (zero: none): a participant with a forward schedule in a period may not bid in it.
    IForwardSchedules public immutable forwardSchedules;
    PeriodClock.Schedule private _schedule;
    Parameters private _parameters;
    PricingChange private _pricingChange;
    mapping(uint256 period => PriceBounds) private _periodBounds;

    mapping(uint256 slotKey => BidSlots.Bid) private _bids;
    mapping(uint256 slotKey => bytes32) private _commitments;
    mapping(uint256 period => PeriodBook) private _books;
    mapping(uint256 period => PeriodTotals) private _totals;
    mapping(uint256 period => uint256) private _tradedValue;
    mapping(uint32 participantId => Member) private _members;
    mapping(address meter => uint256) private _lastReadingPeriod;
    mapping(uint32 participantId => ReputationMath.Record) private _reputations;

    /// @dev What a clearing transaction carries between its steps.
    struct ClearingContext {
        uint256 period;
        uint256 margin;
        uint256 tradedValue;
        /// @dev Most Wh one seller may be awarded in the period (no cap: the largest uint256).
        uint256 sellerCapWh;
        Pricing pricing;
        /// @dev Uniform pricing: the trades of the step's crossing, paid once the price is fixed.
        Pending[] pending;
        uint256 pendingCount;
        /// @dev Uniform pricing: what the current buyer's awards in this stage will cost at most, at its
        /// own bid plus charges (its budget allowance).
        uint256 buyerStageCost;
        /// @dev Uniform pricing: bounds seen when the crossing ended; the next buyer's bid when awaited.
        uint256 askBound;
        uint256 bidBound;
        bool awaitNextBid;
        /// @dev Wheeling fees or levies are configured: trades pay them to `grid`.
        bool fees;
        address grid;
        /// @dev Feeder or transformer capacity limits are configured: each trade reserves its load.
        bool capacity;
    }

    struct Pending {
        uint32 sellerId;
        uint32 buyerId;
        uint256 quantityWh;
        uint256 wheelingPerWh;
        uint256 levyPerWh;
    }

    constructor(
        IParticipantRegistry registry_,
        SettlementToken token_,
        PeriodClock.Schedule memory schedule_,
        Parameters memory parameters_,
        IMaintenancePlans maintenancePlans_,
        IGridConnections gridConnections_,
        IForwardSchedules forwardSchedules_
    ) EIP712("WattLedger Market", "1") {
        registry = registry_;
        token = token_;
        maintenancePlans = maintenancePlans_;
        gridConnections = gridConnections_;
        forwardSchedules = forwardSchedules_;
        if (schedule_.periodSeconds == 0) revert MarketScheduleInvalid("periodSeconds");
        if (schedule_.commitSeconds == 0) revert MarketScheduleInvalid("commitSeconds");
        if (schedule_.revealSeconds == 0) revert MarketScheduleInvalid("revealSeconds");
        if (uint256(schedule_.commitSeconds) + schedule_.revealSeconds >= schedule_.periodSeconds) {
            revert MarketScheduleInvalid("commitSeconds + revealSeconds");
        }
        if (schedule_.readingSeconds == 0 || schedule_.readingSeconds > schedule_.periodSeconds) {
            revert MarketScheduleInvalid("readingSeconds");
        }
        if (schedule_.genesis < schedule_.periodSeconds) revert MarketScheduleInvalid("genesis");
        _schedule = schedule_;
        _pricingChange = PricingChange(0, parameters_.pricing);
        _setParameters(parameters_);
    }

    // ------------------------------------------------------------------ operator

    /// @notice Sets the margin, the reference price and the settlement rates (ppm).
    /// @dev Requires the operator role. Applies to every action from this block on. Emits ParametersSet.
    function setParameters(Parameters calldata parameters_) external {
        _onlyOperator();
        if (parameters_.pricing != _parameters.pricing) {
            // Periods whose commit window has opened keep the rule their bids were made under.
            uint256 next = _schedule.periodAt(block.timestamp) + 2;
            _pricingChange = PricingChange(uint24(next), pricingOf(next - 1));
        }
        _setParameters(parameters_);
    }

    /// @notice Gives `period` its own price bounds (`bounds.set`), or returns it to the defaults.
    /// @dev Requires the operator role. Checked at reveal: set them before the period's reveal window.
    function setPeriodPriceBounds(uint256 period, PriceBounds calldata bounds) external {
        _onlyOperator();
        _checkPeriod(period);
        MarketSettlement.checkBounds(bounds.floorPerWh, bounds.capPerWh);
        _periodBounds[period] = bounds;
        emit PeriodPriceBoundsSet(period, bounds);
    }

    // ------------------------------------------------------------------ bidding

    /// @notice Commits the caller's sealed bid for `period`: keccak256(abi.encode(participant, period,
    /// side, quantityWh, pricePerWh, salt)).
    /// @dev Only in the period's commit window, once per period, by an authorised participant without debt
    /// (a debt is first taken from its balance). Emits BidCommitted.
    function commit(uint256 period, bytes32 commitment) external {
        _commit(msg.sender, period, commitment);
    }

    /// @notice Commits bids that participants signed (EIP-712 `Commit`), so they need no ether.
    /// @dev All or nothing: any invalid item reverts the batch with its error. Emits BidCommitted each.
    function commitBySignature(SignedCommit[] calldata commits) external {
        for (uint256 i = 0; i < commits.length; i++) {
            SignedCommit calldata c = commits[i];
            bytes32 digest =
                _hashTypedDataV4(keccak256(abi.encode(COMMIT_TYPEHASH, c.participant, c.period, c.commitment)));
            if (!SignatureChecker.isValidSignatureNow(c.participant, digest, c.signature)) {
                revert MarketInvalidSignature(c.participant);
            }
            _commit(c.participant, c.period, c.commitment);
        }
    }

    /// @notice Reveals committed bids. Anyone may submit: the preimage proves the bid.
    /// @dev Only in the reveal window. Checks the commitment, the side allowed by the participant's kind,
    /// the quantity and price, and admission: a seller holds the margin, a buyer's balance − margin
    /// covers quantity × (price + the most it can owe per Wh in wheeling fee and levy); the margin is the
    /// base, scaled by the reputation the bid carries. All or nothing. Emits BidRevealed each, and
    /// BidReputationCarried for a bid carrying a reputation.
    function reveal(Reveal[] calldata reveals) external {
        uint256 margin = _parameters.marginAmount;
        (bool fees,) = _gridFeatures();
        for (uint256 i = 0; i < reveals.length; i++) {
            _reveal(reveals[i], margin, fees);
        }
    }

    // ------------------------------------------------------------------ clearing

    /// @notice Clears `period` by walking the merit-order queues handed over in `steps`, each step
    /// within one stage (green, then all). Every bid of a stage's queue must be handed over exactly
    /// once in strict merit order (ask ascending / bid descending, ties by the reputation the bids
    /// carry, higher first, then by BidSlots.rank); while the
    /// current ask ≤ the current bid they trade at the floor of the mid-price. A clearing may span
    /// several transactions: each must hand over exactly the bids that the walk enters in it.
    /// A trade is cut by the seller share cap, the buyer's budget and, when the grid connection register
    /// has capacity limits, by the feeders and transformers it loads (the register emits CapacityCut).
    /// @dev Opens when the reveal window closes. Emits TradeMatched per trade, BuyerBudgetCut,
    /// SellerShareCut, ClearingStageCompleted, and PeriodCleared at the end.
    function clear(uint256 period, ClearingStep[] calldata steps) external {
        _checkPeriod(period);
        PeriodTotals memory t = _totals[period];
        if (t.stage == Stage.Cleared) revert ClearingAlreadyDone(period);
        uint256 opensAt = _schedule.revealCloses(period);
        if (block.timestamp < opensAt) revert ClearingNotOpen(period, opensAt, block.timestamp);
        if (t.stage == Stage.Bidding) {
            t.stage = Stage.Green;
            t.uniform = pricingOf(period) == Pricing.Uniform;
            t.sellerShareCapBps = _parameters.sellerShareCapBps;
        }
        PeriodBook memory b = _books[period];
        ClearingContext memory ctx;
        ctx.period = period;
        ctx.margin = _parameters.marginAmount;
        ctx.tradedValue = _tradedValue[period];
        ctx.sellerCapWh =
            t.sellerShareCapBps == 0 ? type(uint256).max : uint256(t.demandWh) * t.sellerShareCapBps / 10_000;
        ctx.pricing = t.uniform ? Pricing.Uniform : Pricing.MidPrice;
        (ctx.fees, ctx.capacity) = _gridFeatures();
        if (ctx.fees) {
            ctx.grid = registry.publicGrid();
            if (ctx.grid == address(0)) revert MarketGridNotSet();
        }
        for (uint256 i = 0; i < steps.length; i++) {
            if (t.stage == Stage.Cleared) revert ClearingAlreadyDone(period);
            _clearStep(ctx, b, t, steps[i]);
        }
        _books[period] = b;
        _totals[period] = t;
        _tradedValue[period] = ctx.tradedValue;
        if (t.stage == Stage.Cleared) emit PeriodCleared(period, t.tradeCount, t.tradedWh, ctx.tradedValue);
    }

    // ------------------------------------------------------------------ metering

    /// @notice The caller, a bound meter, reports the energy its participant imported and exported in `period`.
    /// @dev Accepted from the period's end until the reading deadline, once per period and in period
    /// order per meter. Emits ReadingRecorded.
    function submitReading(uint32 participantId, uint256 period, uint256 importWh, uint256 exportWh) external {
        MarketSettlement.recordReading(
            _bids, _lastReadingPeriod, registry, _schedule, msg.sender, participantId, period, importWh, exportWh
        );
    }

    /// @notice Records readings that meters signed (EIP-712 `Reading`), submitted by a relayer.
    /// @dev All or nothing. Emits ReadingRecorded each.
    function submitReadingsBySignature(SignedReading[] calldata readings) external {
        MarketSettlement.recordSignedReadings(_bids, _lastReadingPeriod, registry, _schedule, _domainSeparatorV4(), readings);
    }

    // ------------------------------------------------------------------ settlement

    /// @notice Settles the imbalance and incentive of each listed participant in a cleared `period`:
    /// with its reading, or, after the reading deadline, as a missing reading.
    /// @dev Permissionless; each participant with a revealed bid is settled once. Payments to the grid
    /// that exceed a balance become debt; payments by the grid need its float. Emits TokensMoved (on
    /// the token), ParticipantSettled each, and PeriodSettled when the last one is done.
    function settle(uint256 period, uint32[] calldata participantIds) external {
        _checkPeriod(period);
        PeriodTotals memory t = _totals[period];
        if (t.stage != Stage.Cleared) revert SettlementNotCleared(period);
        address grid = registry.publicGrid();
        if (grid == address(0)) revert MarketGridNotSet();
        (uint256 value, uint256 quantityWh) = _averagePrice(period, t);
        uint256 deadline = _schedule.readingDeadline(period);
        MarketSettlement.Terms memory terms =
            MarketSettlement.Terms(period, grid, value, quantityWh, deadline, _parameters.rates, _parameters.reputationWeightPpm);
        uint256 missing = MarketSettlement.settle(_bids, _members, _reputations, token, terms, participantIds);
        t.missingReadings += uint24(missing);
        t.settledCount += uint32(participantIds.length);
        _totals[period] = t;
        PeriodBook memory b = _books[period];
        if (participantIds.length > 0 && t.settledCount == b.sellers + b.buyers) emit PeriodSettled(period);
    }

    /// @notice Takes what a participant's balance holds toward its debt to the grid. Anyone may call.
    /// @dev Emits DebtRepaid when anything was repaid.
    function repayDebt(uint32 participantId) external {
        MarketSettlement.collectDebt(_members, token, registry, participantId);
    }

    // ------------------------------------------------------------------ withdrawal

    /// @notice Burns `amount` of a participant's tokens for a withdrawal the settlement agent pays out
    /// in fiat (`fiatReference`), with the participant's EIP-712 `Withdrawal` signature as its consent.
    /// @dev Requires the settlement agent role. Debt is repaid first; a participant with a revealed bid
    /// not yet settled keeps its margin. Reverts WithdrawalExceedsAvailable beyond that.
    function withdraw(address participant, uint256 amount, uint256 deadline, bytes calldata signature, bytes32 fiatReference)
        external
    {
        if (!registry.hasRole(registry.SETTLEMENT_AGENT_ROLE(), msg.sender)) revert MarketNotSettlementAgent(msg.sender);
        if (block.timestamp > deadline) revert WithdrawalExpired(deadline, block.timestamp);
        bytes32 digest = _hashTypedDataV4(
            keccak256(abi.encode(WITHDRAWAL_TYPEHASH, participant, amount, _useNonce(participant), deadline))
        );
        if (!SignatureChecker.isValidSignatureNow(participant, digest, signature)) revert MarketInvalidSignature(participant);
        uint32 id = registry.participantIdOf(participant);
        if (id != 0 && _members[id].debt > 0) MarketSettlement.collectDebt(_members, token, registry, id);
        uint256 available = _withdrawable(id, participant);
        if (amount > available) revert WithdrawalExceedsAvailable(participant, available, amount);
        token.burn(participant, amount, fiatReference);
    }

    // ------------------------------------------------------------------ views

    /// @notice The period clock.
    function schedule() external view returns (PeriodClock.Schedule memory) {
        return _schedule;
    }

    /// @notice The market parameters in force.
    function parameters() external view returns (Parameters memory) {
        return _parameters;
    }

    /// @notice The pricing rule of `period`: the rule in force when its commit window opened.
    function pricingOf(uint256 period) public view returns (Pricing) {
        PricingChange memory c = _pricingChange;
        return period >= c.fromPeriod ? _parameters.pricing : c.before;
    }

    /// @notice The price bounds a bid for `period` must respect at reveal (0: none).
    function priceBoundsOf(uint256 period) public view returns (uint256 floorPerWh, uint256 capPerWh) {
        PriceBounds memory own = _periodBounds[period];
        if (own.set) return (own.floorPerWh, own.capPerWh);
        return (_parameters.priceFloorPerWh, _parameters.priceCapPerWh);
    }

    /// @notice The delivery period under way now (0 before genesis).
    function currentPeriod() external view returns (uint256) {
        return _schedule.periodAt(block.timestamp);
    }

    /// @notice A period's bid counts, clearing progress, trade totals and settlement progress.
    function periodState(uint256 period)
        external
        view
        returns (PeriodBook memory book, PeriodTotals memory totals, uint256 tradedValue)
    {
        return (_books[period], _totals[period], _tradedValue[period]);
    }

    /// @notice The average price of `period` as a fraction value/quantityWh (base units per Wh); the
    /// reference price over 1 when nothing traded.
    function averagePrice(uint256 period) external view returns (uint256 value, uint256 quantityWh) {
        return _averagePrice(period, _totals[period]);
    }

    /// @notice A participant's bid in `period` (zero while it holds none there, or once the slot moved on).
    function bidOf(uint32 participantId, uint256 period) external view returns (BidSlots.Bid memory bid) {
        bid = _bids[BidSlots.key(participantId, period)];
        if (bid.period != period) delete bid;
    }

    /// @notice A participant's state: account, balance, debt, what it may withdraw, its last readings.
    function participantState(uint32 participantId)
        external
        view
        returns (address account, uint256 balance, uint256 debt, uint256 withdrawable, bool hasOpenBid)
    {
        account = _members[participantId].account;
        if (account == address(0)) account = registry.profile(participantId).account;
        balance = token.balanceOf(account);
        debt = _members[participantId].debt;
        withdrawable = _withdrawable(participantId, account);
        (hasOpenBid,) = _openBids(participantId);
    }

    /// @notice A participant's delivery reputation (ppm; a newcomer's is ReputationMath.START_PPM).
    function reputationOf(uint32 participantId)
        external
        view
        returns (uint256 scorePpm, uint256 scoredPeriods, uint256 missedReadings, uint256 lastPeriod)
    {
        ReputationMath.Record memory r = _reputations[participantId];
        return (ReputationMath.scoreOf(r), r.scoredPeriods, r.missedReadings, r.lastPeriod);
    }

    /// @notice The last period a meter reported.
    function lastReadingPeriod(address meter) external view returns (uint256) {
        return _lastReadingPeriod[meter];
    }

    // ------------------------------------------------------------------ internals

    function _setParameters(Parameters memory p) private {
        MarketSettlement.checkParameters(
            p.referencePricePerWh, p.rates, p.priceFloorPerWh, p.priceCapPerWh, p.sellerShareCapBps, p.reputationWeightPpm
        );
        _parameters = p;
        emit ParametersSet(p);
    }

    function _onlyOperator() private view {
        if (!registry.hasRole(registry.OPERATOR_ROLE(), msg.sender)) revert MarketNotOperator(msg.sender);
    }

    function _checkPeriod(uint256 period) private pure {
        if (period == 0 || period > type(uint24).max) revert MarketPeriodInvalid(period);
    }

    function _commit(address account, uint256 period, bytes32 commitment) private {
        _checkPeriod(period);
        PeriodClock.Schedule memory s = _schedule;
        uint256 opensAt = s.commitOpens(period);
        uint256 closesAt = s.commitCloses(period);
        if (block.timestamp < opensAt || block.timestamp >= closesAt) {
            revert BidCommitWindowClosed(period, opensAt, closesAt, block.timestamp);
        }
        (uint32 id, IParticipantRegistry.Profile memory profile) = registry.participantByAccount(account);
        if (id == 0) revert MarketNotRegistered(account);
        if (!profile.authorised) revert MarketNotAuthorised(id);
        // Forward schedules are fixed before the commit window opens: one metered flow, settled once.
        if (address(forwardSchedules) != address(0) && forwardSchedules.hasSchedule(id, period)) {
            revert BidUnitHasForwardSchedule(id, period);
        }
        Member memory member = _members[id];
        uint8 encoded = uint8(profile.kind) | (profile.greenSupply ? 4 : 0) | (profile.greenPreference ? 8 : 0);
        if (member.account != account || member.profile != encoded) {
            member.account = account;
            member.profile = encoded;
            _members[id] = member;
        }
        if (member.debt > 0) {
            MarketSettlement.collectDebt(_members, token, registry, id);
            uint256 debt = _members[id].debt;
            if (debt > 0) revert MarketInDebt(id, debt);
        }
        uint256 k = BidSlots.key(id, period);
        BidSlots.Bid memory old = _bids[k];
        if (old.period == period) revert BidAlreadyCommitted(id, period);
        if (old.period != 0 && old.has(BidSlots.REVEALED) && !old.has(BidSlots.SETTLED)) revert BidSlotBusy(id, old.period);
        // With reputation on, the bid carries its participant's score as of now, kept in the low 32 bits
        // of the commitment's word (the commitment is matched on its other 224 bits): no extra write.
        uint256 carried;
        uint8 flags = BidSlots.COMMITTED;
        if (_parameters.reputationWeightPpm != 0) {
            carried = ReputationMath.scoreOf(_reputations[id]);
            flags |= BidSlots.REPUTED;
        }
        BidSlots.write(_bids[k], BidSlots.Bid(uint24(period), flags, 0, 0, 0, 0));
        _commitments[k] = bytes32((uint256(commitment) >> 32 << 32) | carried);
        emit BidCommitted(period, id, commitment);
    }

    function _reveal(Reveal calldata r, uint256 margin, bool fees) private {
        _checkPeriod(r.period);
        PeriodClock.Schedule memory s = _schedule;
        uint256 opensAt = s.commitCloses(r.period);
        uint256 closesAt = s.revealCloses(r.period);
        if (block.timestamp < opensAt || block.timestamp >= closesAt) {
            revert BidRevealWindowClosed(r.period, opensAt, closesAt, block.timestamp);
        }
        uint32 id = r.participantId;
        uint256 k = BidSlots.key(id, r.period);
        BidSlots.Bid memory bid = _bids[k];
        if (bid.period != r.period || !bid.has(BidSlots.COMMITTED)) revert BidNotCommitted(id, r.period);
        if (bid.has(BidSlots.REVEALED)) revert BidAlreadyRevealed(id, r.period);
        // Authorisation, kind and green flags were checked and kept when the bid was committed.
        Member memory member = _members[id];
        bytes32 preimage = keccak256(abi.encode(member.account, r.period, r.side, r.quantityWh, r.pricePerWh, r.salt));
        uint256 stored = uint256(_commitments[k]);
        if (uint256(preimage) >> 32 != stored >> 32) revert BidRevealMismatch(id, r.period);
        if (bid.has(BidSlots.REPUTED)) {
            margin = ReputationMath.margin(margin, uint32(stored));
            emit BidReputationCarried(r.period, id, uint32(stored));
        }
        bool sell = r.side == Side.Sell;
        IParticipantRegistry.Kind kind = IParticipantRegistry.Kind(member.profile & 3);
        if (sell ? kind == IParticipantRegistry.Kind.Consumer : kind == IParticipantRegistry.Kind.Producer) {
            revert BidSideNotAllowed(id, r.side);
        }
        if (sell && address(maintenancePlans) != address(0)) {
            uint256 planId = maintenancePlans.planCovering(id, r.period);
            if (planId != 0) revert BidUnitUnderMaintenance(id, r.period, planId);
        }
        if (r.quantityWh == 0 || r.quantityWh > MAX_WH) revert BidQuantityOutOfRange(r.quantityWh, MAX_WH);
        if (r.pricePerWh == 0 || r.pricePerWh > MAX_PRICE) revert BidPriceOutOfRange(r.pricePerWh, MAX_PRICE);
        (uint256 floorPerWh, uint256 capPerWh) = priceBoundsOf(r.period);
        if (r.pricePerWh < floorPerWh) revert BidPriceBelowFloor(id, r.pricePerWh, floorPerWh);
        if (capPerWh != 0 && r.pricePerWh > capPerWh) revert BidPriceAboveCap(id, r.pricePerWh, capPerWh);
        uint256 balance = token.balanceOf(member.account);
        if (sell) {
            if (balance < margin) revert BidMarginNotCovered(id, balance, margin);
        } else {
            uint256 spendable = balance > margin ? balance - margin : 0;
            uint256 cost =
                r.quantityWh * (r.pricePerWh + (fees ? gridConnections.buyerChargeCapPerWh(id) : 0));
            if (spendable < cost) revert BidBudgetNotCovered(id, spendable, cost);
        }
        bool green = member.profile & (sell ? 4 : 8) != 0;
        bid.flags |= BidSlots.REVEALED | (sell ? BidSlots.SELL : 0) | (green ? BidSlots.GREEN : 0);
        bid.quantityWh = uint48(r.quantityWh);
        bid.pricePerWh = uint80(r.pricePerWh);
        BidSlots.write(_bids[k], bid);
        PeriodBook storage book = _books[r.period];
        if (sell) {
            book.sellers++;
            if (green) book.greenSellers++;
        } else {
            book.buyers++;
            if (green) book.greenBuyers++;
            PeriodTotals storage totals = _totals[r.period];
            uint256 demand = totals.demandWh + r.quantityWh;
            totals.demandWh = demand > type(uint64).max ? type(uint64).max : uint64(demand);
        }
        emit BidRevealed(r.period, id, r.side, green, r.quantityWh, r.pricePerWh);
    }

    function _clearStep(ClearingContext memory ctx, PeriodBook memory b, PeriodTotals memory t, ClearingStep calldata step)
        private
    {
        bool green = t.stage == Stage.Green;
        uint32 sellerCount = green ? b.greenSellers : b.sellers;
        uint32 buyerCount = green ? b.greenBuyers : b.buyers;
        if (t.uniform) ctx.pending = new Pending[](step.sellers.length + step.buyers.length + 1);
        uint256 si;
        uint256 bi;
        while (true) {
            if (t.crossingOver) {
                while (si < step.sellers.length) _enter(ctx, b, t.stage, true, sellerCount, step.sellers[si++]);
                while (bi < step.buyers.length) _enter(ctx, b, t.stage, false, buyerCount, step.buyers[bi++]);
                break;
            }
            if (b.sellerCursor == 0 || _remaining(b.currentSeller, ctx.period) == 0) {
                if (b.sellerCursor == sellerCount) {
                    _crossingOver(ctx, b, t, buyerCount);
                } else if (si == step.sellers.length) {
                    break;
                } else {
                    _enter(ctx, b, t.stage, true, sellerCount, step.sellers[si++]);
                }
                continue;
            }
            if (b.buyerCursor == 0 || _remaining(b.currentBuyer, ctx.period) == 0) {
                if (b.buyerCursor == buyerCount) {
                    _crossingOver(ctx, b, t, buyerCount);
                } else if (bi == step.buyers.length) {
                    break;
                } else {
                    _enter(ctx, b, t.stage, false, buyerCount, step.buyers[bi++]);
                }
                continue;
            }
            if (!_trade(ctx, t, b.currentSeller, b.currentBuyer)) _crossingOver(ctx, b, t, buyerCount);
        }
        if (si != step.sellers.length || bi != step.buyers.length) {
            revert ClearingBatchMisaligned(ctx.period, step.sellers.length - si, step.buyers.length - bi);
        }
        if (ctx.pendingCount > 0) _payUniformPrice(ctx, t);
        if (t.crossingOver && b.sellerCursor == sellerCount && b.buyerCursor == buyerCount) {
            emit ClearingStageCompleted(ctx.period, t.stage);
            t.stage = green ? Stage.All : Stage.Cleared;
            t.crossingOver = false;
            b.sellerCursor = 0;
            b.buyerCursor = 0;
            b.currentSeller = 0;
            b.currentBuyer = 0;
        }
    }

    /// @dev Makes `id` the current seller (or buyer) after checking it belongs to the stage's queue
    /// and comes strictly after the previous one in merit order, which also rules out repeats.
    function _enter(ClearingContext memory ctx, PeriodBook memory b, Stage stage, bool seller, uint32 count, uint32 id)
        private
        view
    {
        uint32 cursor = seller ? b.sellerCursor : b.buyerCursor;
        if (cursor == count) revert ClearingQueueOverrun(ctx.period, seller);
        BidSlots.Bid memory bid = _bids[BidSlots.key(id, ctx.period)];
        if (
            bid.period != ctx.period || !bid.has(BidSlots.REVEALED) || bid.has(BidSlots.SELL) != seller
                || (stage == Stage.Green && !bid.has(BidSlots.GREEN))
        ) revert ClearingNotInQueue(ctx.period, stage, id);
        if (cursor > 0) {
            uint32 previous = seller ? b.currentSeller : b.currentBuyer;
            uint256 previousPrice = _bids[BidSlots.key(previous, ctx.period)].pricePerWh;
            bool inOrder;
            if (bid.pricePerWh != previousPrice) {
                inOrder = seller ? bid.pricePerWh > previousPrice : bid.pricePerWh < previousPrice;
            } else {
                // At equal price the higher reputation first (a bid carrying none last), then the rank.
                uint256 previousKey = BidSlots.key(previous, ctx.period);
                uint256 priority = _priority(bid, BidSlots.key(id, ctx.period));
                uint256 previousPriority = _priority(_bids[previousKey], previousKey);
                inOrder = priority == previousPriority
                    ? BidSlots.rank(ctx.period, id) > BidSlots.rank(ctx.period, previous)
                    : priority < previousPriority;
            }
            if (!inOrder) revert ClearingOrderViolated(ctx.period, previous, id);
        }
        if (seller) {
            b.sellerCursor = cursor + 1;
            b.currentSeller = id;
        } else {
            b.buyerCursor = cursor + 1;
            b.currentBuyer = id;
            ctx.buyerStageCost = 0;
            if (ctx.awaitNextBid) {
                ctx.bidBound = bid.pricePerWh;
                ctx.awaitNextBid = false;
            }
        }
    }

    /// @dev The stage's pairs no longer cross (or a queue ran out). Under uniform pricing this is where
    /// the price's bounds are read: the current seller's ask if it has quantity left, and the current
    /// buyer's bid if it has, else the bid of the next buyer in the queue, entered next.
    function _crossingOver(ClearingContext memory ctx, PeriodBook memory b, PeriodTotals memory t, uint32 buyerCount)
        private
        view
    {
        t.crossingOver = true;
        if (ctx.pendingCount == 0) return;
        ctx.askBound = b.sellerCursor > 0 && _remaining(b.currentSeller, ctx.period) > 0
            ? _bids[BidSlots.key(b.currentSeller, ctx.period)].pricePerWh
            : type(uint256).max;
        if (b.buyerCursor > 0 && _remaining(b.currentBuyer, ctx.period) > 0) {
            ctx.bidBound = _bids[BidSlots.key(b.currentBuyer, ctx.period)].pricePerWh;
        } else {
            ctx.bidBound = 0;
            ctx.awaitNextBid = b.buyerCursor < buyerCount;
        }
    }

    /// @dev Fixes the stage's uniform price floor((L + U) / 2), L = max(last traded ask, first unmatched
    /// bid), U = min(last traded bid, first unmatched ask), and pays the stage's trades at it. The
    /// crossing must end in the step that traded, so nobody is paid before the price is known.
    function _payUniformPrice(ClearingContext memory ctx, PeriodTotals memory t) private {
        if (!t.crossingOver || ctx.awaitNextBid) revert ClearingPriceSplit(ctx.period, t.stage);
        Pending memory last = ctx.pending[ctx.pendingCount - 1];
        uint256 lastAsk = _bids[BidSlots.key(last.sellerId, ctx.period)].pricePerWh;
        uint256 lastBid = _bids[BidSlots.key(last.buyerId, ctx.period)].pricePerWh;
        uint256 lower = ctx.bidBound > lastAsk ? ctx.bidBound : lastAsk;
        uint256 upper = ctx.askBound < lastBid ? ctx.askBound : lastBid;
        uint256 price = (lower + upper) / 2;
        emit UniformPriceSet(ctx.period, t.stage, price, lower, upper);
        for (uint256 i = 0; i < ctx.pendingCount; i++) {
            _pay(ctx, t.stage, ctx.pending[i], price);
        }
        ctx.pendingCount = 0;
    }

    /// @dev Moves a trade's amount from its buyer to its seller, and its wheeling fee and levy to the grid.
    function _pay(ClearingContext memory ctx, Stage stage, Pending memory p, uint256 price) private {
        uint256 amount = p.quantityWh * price;
        address buyer = _members[p.buyerId].account;
        token.move(buyer, _members[p.sellerId].account, amount, SettlementToken.Reason.Trade, ctx.period);
        ctx.tradedValue += amount;
        // The payment stays the log right before its match (the read model pairs them); charges follow.
        emit TradeMatched(ctx.period, p.sellerId, p.buyerId, p.quantityWh, price, stage);
        if (p.wheelingPerWh | p.levyPerWh != 0) {
            MarketSettlement.payCharges(token, buyer, ctx.grid, p.quantityWh, p.wheelingPerWh, p.levyPerWh, ctx.period);
        }
    }

    /// @dev A bid's place at equal price: its carried score + 1, or 0 when it carries none.
    function _priority(BidSlots.Bid memory bid, uint256 k) private view returns (uint256) {
        if (!bid.has(BidSlots.REPUTED)) return 0;
        return uint256(uint32(uint256(_commitments[k]))) + 1;
    }

    /// @dev The margin a bid holds: the base, scaled by the reputation it carries.
    function _marginOf(BidSlots.Bid memory bid, uint256 k, uint256 base) private view returns (uint256) {
        return bid.has(BidSlots.REPUTED) ? ReputationMath.margin(base, uint32(uint256(_commitments[k]))) : base;
    }

    function _remaining(uint32 id, uint256 period) private view returns (uint256) {
        return _bids[BidSlots.key(id, period)].remaining();
    }

    /// @dev Matches the current pair if the ask ≤ the bid; returns false when they no longer cross.
    function _trade(ClearingContext memory ctx, PeriodTotals memory t, uint32 sellerId, uint32 buyerId)
        private
        returns (bool crossed)
    {
        uint256 sk = BidSlots.key(sellerId, ctx.period);
        uint256 bk = BidSlots.key(buyerId, ctx.period);
        BidSlots.Bid memory s = _bids[sk];
        BidSlots.Bid memory b = _bids[bk];
        if (s.pricePerWh > b.pricePerWh) return false;
        uint256 sellerLeft = s.remaining();
        uint256 buyerLeft = b.remaining();
        uint256 quantityWh = sellerLeft < buyerLeft ? sellerLeft : buyerLeft;
        if (s.awardedWh + quantityWh > ctx.sellerCapWh) {
            // The seller reached its share of the period: cut to the cap, the rest of its bid is void.
            quantityWh = ctx.sellerCapWh - s.awardedWh;
            s.flags |= BidSlots.VOIDED;
            emit SellerShareCut(ctx.period, sellerId, ctx.sellerCapWh);
        }
        bool uniform = ctx.pricing == Pricing.Uniform;
        uint256 wheelingPerWh;
        uint256 levyPerWh;
        if (ctx.fees) (wheelingPerWh, levyPerWh) = gridConnections.chargesOf(sellerId, buyerId);
        // Mid-price: its floor, a half unit stays with the buyer. Uniform: the price is fixed after the
        // crossing and never exceeds the bid, so the buyer's budget is checked at its own bid, less what
        // its awards in this stage will cost (nothing is paid before the price is fixed). Either way the
        // buyer must also pay the trade's wheeling fee and levy.
        uint256 price = uniform ? b.pricePerWh : (uint256(s.pricePerWh) + b.pricePerWh) / 2;
        uint256 perWh = price + wheelingPerWh + levyPerWh;
        uint256 balance = token.balanceOf(_members[buyerId].account);
        uint256 margin = _marginOf(b, bk, ctx.margin);
        uint256 spendable = balance > margin ? balance - margin : 0;
        uint256 used = uniform ? ctx.buyerStageCost : 0;
        uint256 affordable = spendable > used ? (spendable - used) / perWh : 0;
        if (quantityWh > affordable) {
            quantityWh = affordable;
            b.flags |= BidSlots.VOIDED;
            emit BuyerBudgetCut(ctx.period, buyerId, spendable);
        }
        if (ctx.capacity && quantityWh > 0) {
            // A feeder or transformer limit bound: the trade is cut, the bound side's bid is void.
            uint256 voided;
            (quantityWh, voided) = gridConnections.reserveCapacity(ctx.period, sellerId, buyerId, quantityWh);
            if (voided == 1) s.flags |= BidSlots.VOIDED;
            if (voided == 2) b.flags |= BidSlots.VOIDED;
        }
        if (quantityWh > 0) {
            s.awardedWh += uint48(quantityWh);
            b.awardedWh += uint48(quantityWh);
            t.tradeCount++;
            t.tradedWh += uint64(quantityWh);
            Pending memory p = Pending(sellerId, buyerId, quantityWh, wheelingPerWh, levyPerWh);
            if (uniform) {
                ctx.pending[ctx.pendingCount++] = p;
                ctx.buyerStageCost += quantityWh * perWh;
            } else {
                _pay(ctx, t.stage, p, price);
            }
        }
        BidSlots.write(_bids[sk], s);
        BidSlots.write(_bids[bk], b);
        return true;
    }

    function _averagePrice(uint256 period, PeriodTotals memory t) private view returns (uint256, uint256) {
        if (t.tradedWh == 0) return (_parameters.referencePricePerWh, 1);
        return (_tradedValue[period], t.tradedWh);
    }

    /// @dev Whether wheeling fees or levies, and capacity limits, are configured (none without a register).
    function _gridFeatures() private view returns (bool fees, bool capacity) {
        if (address(gridConnections) != address(0)) (fees, capacity) = gridConnections.features();
    }

    function _openBids(uint32 id) private view returns (bool open, uint256 locked) {
        return MarketSettlement.openBids(_bids, _commitments, id, _parameters.marginAmount);
    }

    function _withdrawable(uint32 id, address account) private view returns (uint256) {
        uint256 balance = token.balanceOf(account);
        if (id != 0 && _members[id].debt > 0) return 0;
        (, uint256 locked) = _openBids(id);
        return balance > locked ? balance - locked : 0;
    }
}
