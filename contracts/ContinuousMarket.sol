// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";
import {IERC5267} from "@openzeppelin/contracts/interfaces/IERC5267.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IParticipantRegistry} from "./interfaces/IParticipantRegistry.sol";
import {IFundsHolder} from "./interfaces/IFundsHolder.sol";
import {IGridConnections} from "./interfaces/IGridConnections.sol";
import {IMaintenancePlans} from "./interfaces/IMaintenancePlans.sol";
import {IForwardSchedules} from "./interfaces/IForwardSchedules.sol";
import {IContinuousTrading} from "./interfaces/IContinuousTrading.sol";
import {EnergyMarket} from "./EnergyMarket.sol";
import {SettlementToken} from "./SettlementToken.sol";
import {GridPayments} from "./libraries/GridPayments.sol";
import {PeriodClock} from "./libraries/PeriodClock.sol";
import {MeterReadings} from "./libraries/MeterReadings.sol";
import {SettlementMath} from "./libraries/SettlementMath.sol";

/// @title The continuous market: an order book per delivery period that matches as orders arrive.
/// @notice A limit order trades at once against the other side's resting orders while they cross,
/// best price first and, at equal price, oldest first; each fill is at the resting order's price and
/// moves quantity × price from buyer to seller. What is left rests until it is filled, cancelled by
/// its owner, or expires at the period's gate closure. A buy order reserves remaining quantity × its
/// limit price of its owner's balance − margin. Each side is a doubly linked list kept in
/// price–time order; the caller hands over where a new order rests (`restAfter`, computed off chain
/// by the market core) and the contract only checks it, so no order is ever sorted on chain. The
/// market core's `src/core/continuousAuction.ts` computes the same fills to the unit.
///
/// After delivery, each participant's position in a period (the Wh its fills sold or bought; one
/// side per period) is settled against its meter reading by the periodic market's rules
/// (`SettlementMath`): imbalance against the public grid at the period's average fill price × W′/W″,
/// reward and penalty against the position. The meters' readings are the ones they sign for the
/// sealed-bid market (its EIP-712 domain), so a meter signs one reading per period whichever market
/// uses it. Settlement parameters (rates) and the period clock are the sealed-bid market's.
contract ContinuousMarket is EIP712, Nonces, IFundsHolder, IContinuousTrading {
    /// @notice EIP-712 type of a participant's signed order.
    bytes32 public constant ORDER_TYPEHASH = keccak256(
        "Order(address participant,uint256 period,uint8 side,uint256 quantityWh,uint256 pricePerWh,uint256 nonce)"
    );
    /// @notice EIP-712 type of a participant's signed cancel.
    bytes32 public constant CANCEL_TYPEHASH =
        keccak256("Cancel(address participant,uint256 period,uint32 orderId,uint256 nonce)");
    /// @notice EIP-712 type of a meter's signed reading: the sealed-bid market's, under its domain.
    bytes32 public constant READING_TYPEHASH = MeterReadings.READING_TYPEHASH;
    uint256 private constant MAX_WH = type(uint48).max;
    uint8 private constant READ = 1;
    uint8 private constant SETTLED = 2;
    uint256 private constant MAX_PRICE = type(uint80).max;

    enum Side {
        Sell,
        Buy
    }

    /// @notice A resting order: one storage word.
    struct Order {
        uint32 participantId;
        bool buy;
        uint48 remainingWh;
        uint80 pricePerWh;
        /// @dev The neighbours on its side, toward the head (better) and the tail; 0 at the ends.
        uint32 prev;
        uint32 next;
    }

    /// @notice A period's book: how many orders arrived, the best resting bid and ask.
    struct Book {
        uint32 orderCount;
        uint32 bestBid;
        uint32 bestAsk;
    }

    /// @notice What a participant has resting in a period, per side.
    struct OpenOrders {
        uint32 buys;
        uint32 sells;
    }

    /// @notice What a participant's fills in a period add up to, and its settlement: one storage word.
    struct Position {
        /// @dev Its fills sold (true) or bought; a participant trades on one side of a period.
        bool sell;
        /// @dev Σ quantity of its fills; 0: no position.
        uint48 filledWh;
        /// @dev Energy the meter read in the position's direction.
        uint48 actualWh;
        /// @dev READ, SETTLED
        uint8 flags;
    }

    /// @notice A participant that placed an order: its account (for paying its fills), the latest
    /// period it placed an order in, and how many of its positions are not settled: one storage word.
    struct Trader {
        address account;
        uint24 lastOrderPeriod;
        uint32 unsettledPositions;
    }

    /// @notice Σ quantity and Σ quantity × price of a period's fills: its average price.
    struct Traded {
        uint128 quantityWh;
        uint128 value;
    }

    struct SignedOrder {
        address participant;
        uint256 period;
        Side side;
        uint256 quantityWh;
        uint256 pricePerWh;
        uint256 nonce;
        /// @dev Not signed: the relayer computes where the remainder rests; the contract checks it.
        uint32 restAfter;
        bytes signature;
    }

    struct SignedCancel {
        address participant;
        uint256 period;
        uint32 orderId;
        uint256 nonce;
        bytes signature;
    }

    /// @notice An order arrived; `restingWh` of it is left in the book after its fills.
    event OrderPlaced(
        uint256 indexed period,
        uint32 indexed orderId,
        uint32 indexed participantId,
        Side side,
        uint256 quantityWh,
        uint256 pricePerWh,
        uint256 restingWh
    );
    /// @notice A fill between a resting (maker) order and an arriving (taker) one, at the maker's price.
    event OrderFilled(
        uint256 indexed period,
        uint32 indexed makerOrderId,
        uint32 indexed takerOrderId,
        uint32 sellerId,
        uint32 buyerId,
        uint256 quantityWh,
        uint256 pricePerWh
    );
    event OrderCancelled(uint256 indexed period, uint32 indexed orderId, uint32 indexed participantId, uint256 remainingWh);
    event ReadingRecorded(
        uint256 indexed period, uint32 indexed participantId, address indexed meter, uint256 importWh, uint256 exportWh
    );
    /// @notice A position was settled: imbalanceAmount is paid to (positive) or by the participant,
    /// reward − penalty likewise; what it could not pay became debt (DebtRecorded).
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
    event DebtRecorded(uint32 indexed participantId, uint256 amount, uint256 totalDebt);
    event DebtRepaid(uint32 indexed participantId, uint256 amount, uint256 remainingDebt);
    /// @notice A resting bid whose owner could no longer pay a fill was removed.
    event OrderVoided(
        uint256 indexed period, uint32 indexed orderId, uint32 indexed participantId, uint256 spendable, uint256 needed
    );
    /// @notice A feeder or transformer limit of the period cut a fill: the rest of the order
    /// (`droppedWh`) on the side whose limit bound leaves the book (see GridConnections.CapacityCut).
    event OrderCapacityCut(uint256 indexed period, uint32 indexed orderId, uint32 indexed participantId, uint256 droppedWh);
    event OrderExpired(uint256 indexed period, uint32 indexed orderId, uint32 indexed participantId, uint256 remainingWh);

    error OrderScheduleInvalid(string name);
    error OrderPeriodInvalid(uint256 period);
    error OrderGateClosed(uint256 period, uint256 gateClosure, uint256 now);
    error OrderBookOpen(uint256 period, uint256 gateClosure, uint256 now);
    error OrderNotRegistered(address account);
    error OrderNotAuthorised(uint32 participantId);
    error OrderSideNotAllowed(uint32 participantId, Side side);
    error OrderQuantityOutOfRange(uint256 quantityWh, uint256 max);
    error OrderPriceOutOfRange(uint256 pricePerWh, uint256 max);
    error OrderSideConflict(uint32 participantId, uint256 period);
    error OrderMarginNotCovered(uint32 participantId, uint256 balance, uint256 margin);
    error OrderBudgetNotCovered(uint32 participantId, uint256 spendable, uint256 cost);
    error OrderHintInvalid(uint256 period, uint32 restAfter);
    error OrderNotFound(uint256 period, uint32 orderId);
    error OrderNotOwner(uint256 period, uint32 orderId, uint32 participantId);
    error OrderInvalidSignature(address signer);
    error OrderInDebt(uint32 participantId, uint256 debt);
    /// @notice The unit's maintenance plan `planId` covers the period: it may not sell in it.
    error OrderUnitUnderMaintenance(uint32 participantId, uint256 period, uint256 planId);
    /// @notice The participant has a forward delivery scheduled in `period`: its metered flow is settled there.
    error OrderUnitHasForwardSchedule(uint32 participantId, uint256 period);
    /// @notice Raised by the grid connection register, through this market: a buy order of a
    /// participant without a voltage level while a wheeling fee applies.
    error GridNotConnected(uint32 participantId);
    error SettlementNoPosition(uint32 participantId, uint256 period);
    error SettlementAlreadyDone(uint32 participantId, uint256 period);
    error SettlementReadingPending(uint32 participantId, uint256 period, uint256 deadline);
    error SettlementGridFloatInsufficient(uint256 balance, uint256 needed);

    /// @notice Participants and roles.
    IParticipantRegistry public immutable registry;
    /// @notice The settlement token; this contract must be added to it as a ledger (`addLedger`) for
    /// trades, imbalances, incentives and debt repayments.
    SettlementToken public immutable token;
    /// @notice The sealed-bid market whose period clock, settlement rates and meter readings' EIP-712
    /// domain this market shares.
    EnergyMarket public immutable periodicMarket;
    /// @notice The grid company's register of connections and charges, the sealed-bid market's (zero:
    /// none). While it has a fee configured a fill's buyer pays the wheeling fee and levy, as there.
    IGridConnections public immutable gridConnections;
    /// @notice The grid company's maintenance plans, the sealed-bid market's (zero: none): a unit may
    /// not sell in a period its plan covers, in either market.
    IMaintenancePlans public immutable maintenancePlans;
    /// @notice The forward rights, the sealed-bid market's (zero: none): a participant with a forward
    /// delivery scheduled in a period may not trade in it here either (one metered flow, settled once).
    IForwardSchedules public immutable forwardSchedules;
    /// @notice Start of delivery period 1, unix seconds.
    uint256 public immutable genesis;
    uint256 public immutable periodSeconds;
    /// @notice How long after a period's end its meter readings are accepted.
    uint256 public immutable readingSeconds;
    /// @dev The sealed-bid market's EIP-712 domain separator, under which meters sign readings.
    bytes32 private immutable _readingDomain;
    /// @notice How long before its delivery starts a period's book closes.
    uint256 public immutable gateClosureSeconds;
    /// @notice Base units a seller must hold and a buyer must keep beyond its open buy orders.
    uint256 public immutable marginAmount;

    mapping(uint256 period => Book) private _books;
    mapping(uint256 period => mapping(uint32 orderId => Order)) private _orders;
    mapping(uint256 period => mapping(uint32 participantId => OpenOrders)) private _open;
    /// @dev Σ remaining × limit price of a participant's resting buy orders, all periods.
    mapping(uint32 participantId => uint256) private _reserved;
    mapping(uint32 participantId => Trader) private _traders;
    mapping(uint256 period => mapping(uint32 participantId => Position)) private _positions;
    mapping(uint256 period => Traded) private _traded;
    /// @dev Owed to the public grid from settlements here, base units.
    mapping(uint32 participantId => uint256) private _debt;
    mapping(address meter => uint256) private _lastReadingPeriod;

    constructor(
        IParticipantRegistry registry_,
        SettlementToken token_,
        EnergyMarket periodicMarket_,
        uint32 gateClosureSeconds_,
        uint128 marginAmount_
    ) EIP712("WattLedger Continuous Market", "1") {
        PeriodClock.Schedule memory s = periodicMarket_.schedule();
        if (s.genesis < gateClosureSeconds_) revert OrderScheduleInvalid("genesis");
        registry = registry_;
        token = token_;
        periodicMarket = periodicMarket_;
        gridConnections = periodicMarket_.gridConnections();
        maintenancePlans = periodicMarket_.maintenancePlans();
        forwardSchedules = periodicMarket_.forwardSchedules();
        genesis = s.genesis;
        periodSeconds = s.periodSeconds;
        readingSeconds = s.readingSeconds;
        // The meters sign readings under the periodic market's domain.
        _readingDomain = MeterReadings.domainOf(IERC5267(address(periodicMarket_)));
        gateClosureSeconds = gateClosureSeconds_;
        marginAmount = marginAmount_;
    }

    // ------------------------------------------------------------------ orders

    /// @notice Places the caller's limit order in `period`'s book: it fills against crossing resting
    /// orders at their prices, and its remainder rests right behind order `restAfter` (0: at the head).
    /// @dev Before gate closure, by an authorised participant on a side its kind allows, with no open
    /// order on the other side in that period. A seller holds the margin; a buyer's balance − margin −
    /// reservations covers quantity × price. Reverts OrderHintInvalid when the remainder does not
    /// belong right behind `restAfter`. Emits OrderVoided, OrderFilled per fill, then OrderPlaced.
    /// @return orderId the order's id in the period (1, 2, … by arrival)
    function place(uint256 period, Side side, uint256 quantityWh, uint256 pricePerWh, uint32 restAfter)
        external
        returns (uint32 orderId)
    {
        return _place(msg.sender, period, side, quantityWh, pricePerWh, restAfter);
    }

    /// @notice Places orders that participants signed (EIP-712 `Order`), in the given order, so they
    /// need no ether. Each signature is used once (its nonce).
    /// @dev All or nothing: any invalid item reverts the batch with its error. Emits as `place`.
    function placeBySignature(SignedOrder[] calldata orders) external {
        for (uint256 i = 0; i < orders.length; i++) {
            SignedOrder calldata o = orders[i];
            bytes32 digest = _hashTypedDataV4(
                keccak256(abi.encode(ORDER_TYPEHASH, o.participant, o.period, o.side, o.quantityWh, o.pricePerWh, o.nonce))
            );
            if (!SignatureChecker.isValidSignatureNow(o.participant, digest, o.signature)) {
                revert OrderInvalidSignature(o.participant);
            }
            _useCheckedNonce(o.participant, o.nonce);
            _place(o.participant, o.period, o.side, o.quantityWh, o.pricePerWh, o.restAfter);
        }
    }

    /// @notice Cancels what is left of the caller's resting order and releases its reservation.
    /// @dev Only the order's owner, before gate closure. Emits OrderCancelled.
    function cancel(uint256 period, uint32 orderId) external {
        _cancel(msg.sender, period, orderId);
    }

    /// @notice Cancels orders whose owners signed an EIP-712 `Cancel`. All or nothing.
    /// @dev Emits OrderCancelled each.
    function cancelBySignature(SignedCancel[] calldata cancels) external {
        for (uint256 i = 0; i < cancels.length; i++) {
            SignedCancel calldata c = cancels[i];
            bytes32 digest =
                _hashTypedDataV4(keccak256(abi.encode(CANCEL_TYPEHASH, c.participant, c.period, c.orderId, c.nonce)));
            if (!SignatureChecker.isValidSignatureNow(c.participant, digest, c.signature)) {
                revert OrderInvalidSignature(c.participant);
            }
            _useCheckedNonce(c.participant, c.nonce);
            _cancel(c.participant, c.period, c.orderId);
        }
    }

    /// @notice Removes orders that were still resting at gate closure and releases their reservations.
    /// @dev Anyone, from the period's gate closure on. All or nothing. Emits OrderExpired each.
    function expire(uint256 period, uint32[] calldata orderIds) external {
        _checkPeriod(period);
        uint256 gate = gateClosure(period);
        if (block.timestamp < gate) revert OrderBookOpen(period, gate, block.timestamp);
        for (uint256 i = 0; i < orderIds.length; i++) {
            Order memory o = _resting(period, orderIds[i]);
            _remove(period, orderIds[i], o);
            emit OrderExpired(period, orderIds[i], o.participantId, o.remainingWh);
        }
    }

    // ------------------------------------------------------------------ readings and settlement

    /// @notice Records the calling meter's reading of `period`: what its participant imported and
    /// exported in the delivery period.
    /// @dev From the period's end until its reading deadline, once per period and in period order
    /// per meter, only by the meter bound to `participantId`. Emits ReadingRecorded.
    function submitReading(uint32 participantId, uint256 period, uint256 importWh, uint256 exportWh) external {
        _recordReading(msg.sender, participantId, period, importWh, exportWh);
    }

    /// @notice Records readings that meters signed (EIP-712 `Reading` under the sealed-bid market's
    /// domain, the same signature that market takes), submitted by a relayer.
    /// @dev All or nothing. Emits ReadingRecorded each.
    function submitReadingsBySignature(MeterReadings.SignedReading[] calldata readings) external {
        for (uint256 i = 0; i < readings.length; i++) {
            MeterReadings.SignedReading calldata r = readings[i];
            MeterReadings.verify(_readingDomain, r);
            _recordReading(r.meter, r.participantId, r.period, r.importWh, r.exportWh);
        }
    }

    /// @notice Settles each listed participant's position in `period` against its meter reading, or,
    /// after the reading deadline, as a missing reading: imbalance with the public grid and the
    /// reward/penalty, at the period's average fill price and the sealed-bid market's rates.
    /// @dev Permissionless; each position once. Payments to the grid beyond a balance become debt
    /// here; payments by the grid need its float. Emits ParticipantSettled each.
    function settle(uint256 period, uint32[] calldata participantIds) external {
        _checkPeriod(period);
        // Set at deployment and never unset (the registry refuses the zero address).
        address grid = registry.publicGrid();
        Traded memory traded = _traded[period];
        SettlementMath.Rates memory rates = periodicMarket.parameters().rates;
        uint256 deadline = readingDeadline(period);
        for (uint256 i = 0; i < participantIds.length; i++) {
            uint32 id = participantIds[i];
            Position memory p = _positions[period][id];
            if (p.filledWh == 0) revert SettlementNoPosition(id, period);
            if (p.flags & SETTLED != 0) revert SettlementAlreadyDone(id, period);
            bool missing = p.flags & READ == 0;
            if (missing && block.timestamp < deadline) revert SettlementReadingPending(id, period, deadline);
            SettlementMath.Outcome memory o = SettlementMath.settle(
                p.sell, p.filledWh, p.filledWh, p.actualWh, missing, traded.value, traded.quantityWh, rates
            );
            _positions[period][id].flags = p.flags | SETTLED;
            _traders[id].unsettledPositions--;
            _payWithGrid(id, grid, o.imbalanceAmount, SettlementToken.Reason.Imbalance, period);
            _payWithGrid(id, grid, int256(o.reward) - int256(o.penalty), SettlementToken.Reason.Incentive, period);
            emit ParticipantSettled(period, id, p.actualWh, missing, o.imbalanceWh, o.imbalanceAmount, o.reward, o.penalty);
        }
    }

    /// @notice Takes what a participant's balance holds toward its debt from settlements here. Anyone
    /// may call. @dev Emits DebtRepaid when anything was repaid.
    function repayDebt(uint32 participantId) external {
        _collectDebt(participantId);
    }

    // ------------------------------------------------------------------ views

    /// @notice What `account` must keep here against what it may still owe (IFundsHolder): its debt,
    /// its resting buy orders' reservations, and the margin while it has an unsettled position or its
    /// latest book is still open. The token refuses a withdrawal that would leave less.
    function heldFor(address account) external view returns (uint256 held) {
        uint32 id = registry.participantIdOf(account);
        Trader memory trader = _traders[id];
        if (id == 0 || trader.account == address(0)) return 0;
        held = _debt[id] + _reserved[id];
        if (trader.unsettledPositions > 0 || block.timestamp < gateClosure(trader.lastOrderPeriod)) held += marginAmount;
    }

    /// @notice The latest period in which the participant placed an order (0: none): the forward
    /// rights refuse to make a participant party to an offer from that period on.
    function lastOrderPeriodOf(uint32 participantId) external view returns (uint256) {
        return _traders[participantId].lastOrderPeriod;
    }

    /// @notice A period's meter readings are accepted from its end until this deadline.
    function readingDeadline(uint256 period) public view returns (uint256) {
        return genesis + period * periodSeconds + readingSeconds;
    }

    /// @notice A participant's position in a period: what its fills sold or bought, its reading, and
    /// whether it was settled.
    function positionOf(uint256 period, uint32 participantId) external view returns (Position memory) {
        return _positions[period][participantId];
    }

    /// @notice Σ quantity and Σ quantity × price of a period's fills.
    function tradedOf(uint256 period) external view returns (Traded memory) {
        return _traded[period];
    }

    /// @notice What a participant owes the public grid from settlements here.
    function debtOf(uint32 participantId) external view returns (uint256) {
        return _debt[participantId];
    }

    function lastReadingPeriod(address meter) external view returns (uint256) {
        return _lastReadingPeriod[meter];
    }

    /// @notice When `period`'s book closes: its delivery start minus gateClosureSeconds.
    function gateClosure(uint256 period) public view returns (uint256) {
        return genesis + (period - 1) * periodSeconds - gateClosureSeconds;
    }

    /// @notice A period's order count and best resting bid and ask.
    function bookOf(uint256 period) external view returns (Book memory) {
        return _books[period];
    }

    /// @notice A resting order (all zero once filled, cancelled, voided or expired).
    function orderOf(uint256 period, uint32 orderId) external view returns (Order memory) {
        return _orders[period][orderId];
    }

    /// @notice Up to `max` resting orders of one side, best first, starting at order `from` (0: the best).
    function ordersOf(uint256 period, Side side, uint32 from, uint256 max)
        external
        view
        returns (uint32[] memory ids, Order[] memory orders)
    {
        uint32 id = from != 0 ? from : side == Side.Buy ? _books[period].bestBid : _books[period].bestAsk;
        uint256 n = 0;
        for (uint32 walk = id; walk != 0 && n < max; walk = _orders[period][walk].next) n++;
        ids = new uint32[](n);
        orders = new Order[](n);
        for (uint256 i = 0; i < n; i++) {
            ids[i] = id;
            orders[i] = _orders[period][id];
            id = orders[i].next;
        }
    }

    /// @notice What a participant's resting buy orders reserve, all periods (base units).
    function reservedOf(uint32 participantId) external view returns (uint256) {
        return _reserved[participantId];
    }

    /// @notice How many orders a participant has resting in a period, per side.
    function openOrdersOf(uint256 period, uint32 participantId) external view returns (OpenOrders memory) {
        return _open[period][participantId];
    }

    /// @notice The EIP-712 domain separator participants sign orders under.
    function domainSeparator() external view returns (bytes32) {
        return _domainSeparatorV4();
    }

    // ------------------------------------------------------------------ internals

    function _checkPeriod(uint256 period) private pure {
        if (period == 0 || period > type(uint24).max) revert OrderPeriodInvalid(period);
    }

    function _checkOpen(uint256 period) private view {
        _checkPeriod(period);
        uint256 gate = gateClosure(period);
        if (block.timestamp >= gate) revert OrderGateClosed(period, gate, block.timestamp);
    }

    /// @dev Checks the participant and its money, matches, then rests the remainder at the hint.
    function _place(address account, uint256 period, Side side, uint256 quantityWh, uint256 pricePerWh, uint32 restAfter)
        private
        returns (uint32 orderId)
    {
        _checkOpen(period);
        // The grid's account when fees are charged, else zero, and whether capacity is limited: asked
        // once per order.
        (bool fees, bool capacity) =
            address(gridConnections) != address(0) ? gridConnections.features() : (false, false);
        address grid = fees ? registry.publicGrid() : address(0);
        uint32 id = _admit(account, period, side, quantityWh, pricePerWh, grid != address(0));
        Book memory book = _books[period];
        orderId = ++book.orderCount;
        bool buy = side == Side.Buy;
        Traded memory filled;
        (uint256 remaining, uint256 droppedWh) =
            _match(book, period, id, orderId, buy, quantityWh, pricePerWh, filled, grid, capacity);
        if (filled.quantityWh > 0) {
            _addToPosition(period, id, !buy, filled.quantityWh);
            Traded memory traded = _traded[period];
            traded.quantityWh = SafeCast.toUint128(traded.quantityWh + filled.quantityWh);
            traded.value = SafeCast.toUint128(traded.value + filled.value);
            _traded[period] = traded;
        }
        if (remaining > 0) {
            _rest(book, period, Order(id, buy, uint48(remaining), uint80(pricePerWh), 0, 0), orderId, restAfter);
            if (buy) _reserved[id] += remaining * pricePerWh;
            OpenOrders storage open = _open[period][id];
            if (buy) open.buys++;
            else open.sells++;
        }
        _books[period] = book;
        emit OrderPlaced(period, orderId, id, side, quantityWh, pricePerWh, remaining);
        if (droppedWh > 0) emit OrderCapacityCut(period, orderId, id, droppedWh);
    }

    /// @dev Who may place this order, and whether it is covered. Returns the participant id.
    function _admit(address account, uint256 period, Side side, uint256 quantityWh, uint256 pricePerWh, bool fees)
        private
        returns (uint32 id)
    {
        IParticipantRegistry.Profile memory profile;
        (id, profile) = registry.participantByAccount(account);
        if (id == 0) revert OrderNotRegistered(account);
        if (!profile.authorised) revert OrderNotAuthorised(id);
        bool buy = side == Side.Buy;
        if (buy ? profile.kind == IParticipantRegistry.Kind.Producer : profile.kind == IParticipantRegistry.Kind.Consumer) {
            revert OrderSideNotAllowed(id, side);
        }
        if (!buy && address(maintenancePlans) != address(0)) {
            uint256 planId = maintenancePlans.planCovering(id, period);
            if (planId != 0) revert OrderUnitUnderMaintenance(id, period, planId);
        }
        if (address(forwardSchedules) != address(0) && forwardSchedules.hasSchedule(id, period)) {
            revert OrderUnitHasForwardSchedule(id, period);
        }
        if (quantityWh == 0 || quantityWh > MAX_WH) revert OrderQuantityOutOfRange(quantityWh, MAX_WH);
        if (pricePerWh == 0 || pricePerWh > MAX_PRICE) revert OrderPriceOutOfRange(pricePerWh, MAX_PRICE);
        OpenOrders memory open = _open[period][id];
        if (buy ? open.sells > 0 : open.buys > 0) revert OrderSideConflict(id, period);
        Position memory position = _positions[period][id];
        if (position.filledWh > 0 && position.sell == buy) revert OrderSideConflict(id, period);
        if (_debt[id] > 0) {
            _collectDebt(id);
            if (_debt[id] > 0) revert OrderInDebt(id, _debt[id]);
        }
        Trader memory trader = _traders[id];
        if (trader.account != account || trader.lastOrderPeriod < period) {
            trader.account = account;
            if (trader.lastOrderPeriod < period) trader.lastOrderPeriod = uint24(period);
            _traders[id] = trader;
        }
        uint256 balance = token.balanceOf(account);
        if (!buy) {
            if (balance < marginAmount) revert OrderMarginNotCovered(id, balance, marginAmount);
            return id;
        }
        uint256 committed = marginAmount + _reserved[id];
        uint256 spendable = balance > committed ? balance - committed : 0;
        // With fees, also the most its fills can owe the grid per Wh (reverts GridNotConnected for a
        // buyer without a voltage level while a wheeling fee is set).
        uint256 cost = quantityWh * (pricePerWh + (fees ? gridConnections.buyerChargeCapPerWh(id) : 0));
        if (cost > spendable) revert OrderBudgetNotCovered(id, spendable, cost);
    }

    /// @dev Fills the arriving order against the head of the other side while it crosses, adding
    /// each fill to the maker's position and to `filled`. Returns what is left of the order to rest,
    /// and what a capacity limit took out of it (then nothing rests).
    function _match(
        Book memory book,
        uint256 period,
        uint32 takerId,
        uint32 takerOrderId,
        bool buy,
        uint256 remaining,
        uint256 limit,
        Traded memory filled,
        address grid,
        bool capacity
    ) private returns (uint256 rest, uint256 droppedWh) {
        address takerAccount = _traders[takerId].account;
        while (remaining > 0) {
            uint32 head = buy ? book.bestAsk : book.bestBid;
            if (head == 0) break;
            Order memory maker = _orders[period][head];
            if (buy ? maker.pricePerWh > limit : maker.pricePerWh < limit) break;
            uint256 quantity = remaining < maker.remainingWh ? remaining : maker.remainingWh;
            uint256 amount = quantity * maker.pricePerWh;
            address makerAccount = _traders[maker.participantId].account;
            uint256 wheelingPerWh;
            uint256 levyPerWh;
            if (grid != address(0)) {
                (wheelingPerWh, levyPerWh) = buy
                    ? gridConnections.chargesOf(maker.participantId, takerId)
                    : gridConnections.chargesOf(takerId, maker.participantId);
            }
            if (!buy) {
                // The resting buyer's money may have left through the other market, or not cover the
                // fill's charges (they are not reserved): void, go on.
                uint256 needed = amount + quantity * (wheelingPerWh + levyPerWh);
                uint256 balance = token.balanceOf(makerAccount);
                if (balance < marginAmount + needed) {
                    _unlinkHead(book, period, head, maker);
                    emit OrderVoided(
                        period, head, maker.participantId, balance > marginAmount ? balance - marginAmount : 0, needed
                    );
                    continue;
                }
            }
            // 1: a capacity limit ends the maker's order, 2: the taker's (the side whose limit bound).
            uint256 cut;
            if (capacity) {
                (uint256 granted, uint256 voided) = buy
                    ? gridConnections.reserveCapacity(period, maker.participantId, takerId, quantity)
                    : gridConnections.reserveCapacity(period, takerId, maker.participantId, quantity);
                if (voided != 0) {
                    // The maker sells when the taker buys; `voided` 1 is the seller's side.
                    cut = (voided == 1) == buy ? 1 : 2;
                    quantity = granted;
                    amount = quantity * maker.pricePerWh;
                }
            }
            if (quantity > 0) {
                if (!buy) _reserved[maker.participantId] -= amount;
                _fill(period, head, takerOrderId, takerId, buy, maker, quantity, amount, takerAccount, makerAccount);
                filled.quantityWh += uint128(quantity);
                filled.value += uint128(amount);
                // As in the sealed-bid market the payment is the log right before the fill; charges follow.
                if (wheelingPerWh | levyPerWh != 0) {
                    GridPayments.payCharges(
                        token, buy ? takerAccount : makerAccount, grid, quantity, wheelingPerWh, levyPerWh, period
                    );
                }
                remaining -= quantity;
            }
            if (cut == 1 || quantity == maker.remainingWh) {
                // Filled, or cut by capacity: its reservation was released fill by fill, the rest now.
                maker.remainingWh -= uint48(quantity);
                _unlinkHead(book, period, head, maker);
                if (cut == 1) emit OrderCapacityCut(period, head, maker.participantId, maker.remainingWh);
            } else if (quantity > 0) {
                _orders[period][head].remainingWh = uint48(maker.remainingWh - quantity);
            }
            // The arriving order's rest does not rest; its cut is logged after it is placed.
            if (cut == 2) return (0, remaining);
        }
        return (remaining, 0);
    }

    /// @dev Pays a fill from its buyer to its seller and adds it to the maker's position.
    function _fill(
        uint256 period,
        uint32 head,
        uint32 takerOrderId,
        uint32 takerId,
        bool buy,
        Order memory maker,
        uint256 quantity,
        uint256 amount,
        address takerAccount,
        address makerAccount
    ) private {
        (address buyer, address seller) = buy ? (takerAccount, makerAccount) : (makerAccount, takerAccount);
        token.move(buyer, seller, amount, SettlementToken.Reason.Trade, period);
        _addToPosition(period, maker.participantId, buy, quantity);
        emit OrderFilled(
            period,
            head,
            takerOrderId,
            buy ? maker.participantId : takerId,
            buy ? takerId : maker.participantId,
            quantity,
            maker.pricePerWh
        );
    }

    /// @dev Adds a fill to a participant's position in a period (one side per period: `_admit`).
    function _addToPosition(uint256 period, uint32 id, bool sell, uint256 quantityWh) private {
        Position memory p = _positions[period][id];
        if (p.filledWh == 0) _traders[id].unsettledPositions++;
        p.sell = sell;
        p.filledWh = SafeCast.toUint48(p.filledWh + quantityWh);
        _positions[period][id] = p;
    }

    function _recordReading(address meter, uint32 participantId, uint256 period, uint256 importWh, uint256 exportWh)
        private
    {
        _checkPeriod(period);
        MeterReadings.accept(
            _lastReadingPeriod,
            registry,
            meter,
            participantId,
            period,
            importWh,
            exportWh,
            readingDeadline(period),
            readingSeconds
        );
        Position memory p = _positions[period][participantId];
        if (p.filledWh > 0) {
            p.actualWh = uint48(MeterReadings.inDirection(p.sell, importWh, exportWh));
            p.flags |= READ;
            _positions[period][participantId] = p;
        }
        emit ReadingRecorded(period, participantId, meter, importWh, exportWh);
    }

    /// @dev Pays a signed amount between a participant and the grid; what it cannot pay becomes debt.
    function _payWithGrid(uint32 id, address grid, int256 amount, SettlementToken.Reason reason, uint256 period)
        private
    {
        uint256 unpaid = GridPayments.pay(token, _traders[id].account, grid, amount, reason, period);
        if (unpaid > 0) {
            uint256 debt = _debt[id] + unpaid;
            _debt[id] = debt;
            emit DebtRecorded(id, unpaid, debt);
        }
    }

    function _collectDebt(uint32 id) private {
        uint256 debt = _debt[id];
        address account = _traders[id].account;
        if (debt == 0 || account == address(0)) return;
        address grid = registry.publicGrid();
        uint256 balance = token.balanceOf(account);
        uint256 paid = debt < balance ? debt : balance;
        if (paid == 0) return;
        _debt[id] = debt - paid;
        token.move(account, grid, paid, SettlementToken.Reason.DebtRepayment, 0);
        emit DebtRepaid(id, paid, debt - paid);
    }

    /// @dev Removes the head of a side during matching (the book is written back by the caller).
    function _unlinkHead(Book memory book, uint256 period, uint32 head, Order memory o) private {
        if (o.buy) {
            book.bestBid = o.next;
            _reserved[o.participantId] -= uint256(o.remainingWh) * o.pricePerWh;
            _open[period][o.participantId].buys--;
        } else {
            book.bestAsk = o.next;
            _open[period][o.participantId].sells--;
        }
        if (o.next != 0) _orders[period][o.next].prev = 0;
        delete _orders[period][head];
    }

    /// @dev Inserts a new order right behind `restAfter`, after checking that is its place in
    /// price–time order: `restAfter` ranks before it (at least as good a price: it is older) and the
    /// order after `restAfter` ranks after it (strictly worse price).
    function _rest(Book memory book, uint256 period, Order memory o, uint32 orderId, uint32 restAfter) private {
        uint32 next;
        if (restAfter == 0) {
            next = o.buy ? book.bestBid : book.bestAsk;
        } else {
            Order memory prev = _orders[period][restAfter];
            bool ahead = o.buy ? prev.pricePerWh >= o.pricePerWh : prev.pricePerWh <= o.pricePerWh;
            if (prev.remainingWh == 0 || prev.buy != o.buy || !ahead) revert OrderHintInvalid(period, restAfter);
            next = prev.next;
        }
        if (next != 0) {
            uint256 nextPrice = _orders[period][next].pricePerWh;
            if (o.buy ? nextPrice >= o.pricePerWh : nextPrice <= o.pricePerWh) revert OrderHintInvalid(period, restAfter);
            _orders[period][next].prev = orderId;
        }
        o.prev = restAfter;
        o.next = next;
        _orders[period][orderId] = o;
        if (restAfter != 0) _orders[period][restAfter].next = orderId;
        else if (o.buy) book.bestBid = orderId;
        else book.bestAsk = orderId;
    }

    function _resting(uint256 period, uint32 orderId) private view returns (Order memory o) {
        o = _orders[period][orderId];
        if (o.remainingWh == 0) revert OrderNotFound(period, orderId);
    }

    function _cancel(address account, uint256 period, uint32 orderId) private {
        _checkOpen(period);
        Order memory o = _resting(period, orderId);
        uint32 id = registry.participantIdOf(account);
        if (id != o.participantId) revert OrderNotOwner(period, orderId, id);
        _remove(period, orderId, o);
        emit OrderCancelled(period, orderId, id, o.remainingWh);
    }

    /// @dev Unlinks a resting order anywhere in its side and releases what it holds.
    function _remove(uint256 period, uint32 orderId, Order memory o) private {
        if (o.prev != 0) {
            _orders[period][o.prev].next = o.next;
        } else if (o.buy) {
            _books[period].bestBid = o.next;
        } else {
            _books[period].bestAsk = o.next;
        }
        if (o.next != 0) _orders[period][o.next].prev = o.prev;
        if (o.buy) {
            _reserved[o.participantId] -= uint256(o.remainingWh) * o.pricePerWh;
            _open[period][o.participantId].buys--;
        } else {
            _open[period][o.participantId].sells--;
        }
        delete _orders[period][orderId];
    }
}
