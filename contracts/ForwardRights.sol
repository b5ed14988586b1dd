// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC5267} from "@openzeppelin/contracts/interfaces/IERC5267.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";
import {IParticipantRegistry} from "./interfaces/IParticipantRegistry.sol";
import {IMaintenancePlans} from "./interfaces/IMaintenancePlans.sol";
import {IForwardSchedules} from "./interfaces/IForwardSchedules.sol";
import {IContinuousTrading} from "./interfaces/IContinuousTrading.sol";
import {EnergyMarket} from "./EnergyMarket.sol";
import {SettlementToken} from "./SettlementToken.sol";
import {GridPayments} from "./libraries/GridPayments.sol";
import {MeterReadings} from "./libraries/MeterReadings.sol";
import {PeriodClock} from "./libraries/PeriodClock.sol";
import {SettlementMath} from "./libraries/SettlementMath.sol";

/// @title Forward rights: large-user direct purchase of energy for future periods.
/// @notice A producer registers a forward offer — the same Wh in each period of a window, at a price
/// per Wh — and the operator (the grid company / trading centre) issues it: from then on its Wh per
/// period are rights that large users buy from the producer and sell on to each other, each right
/// held as Wh per period of one offer. A purchase from the producer pays the price and the region's
/// fee per Wh (fixed at issuance, from the producer's region) for every period of the window; a sale
/// between large users pays the agreed price and no further fee. Trading in an offer closes when the
/// commit window of its first period opens, so every schedule is fixed before the sealed-bid market
/// takes a bid for it (it refuses one from a participant with a schedule: one metered flow is
/// settled once).
///
/// Delivery is settled per participant and period by the sealed-bid market's rules (`SettlementMath`)
/// against the meters' readings that market takes (signed under its EIP-712 domain): the producer's
/// scheduled export is the Wh sold of its offers covering the period, a holder's scheduled import is
/// the Wh it holds; the average price A is the schedule's own (Σ Wh × price / Σ Wh). A unit may not
/// register or be issued a window that overlaps its maintenance; a maintenance plan published later
/// leaves the schedule standing, and the unit's missing export is settled as a shortfall.
///
/// Participants hold no ether: each of their actions may also be signed (EIP-712 `ForwardAction`) and
/// relayed (`actBySignature`).
contract ForwardRights is IForwardSchedules, EIP712, Nonces {
    using PeriodClock for PeriodClock.Schedule;

    /// @notice The longest window of an offer, in periods (one day of 15-minute periods).
    uint256 public constant MAX_OFFER_PERIODS = 96;
    /// @notice Offers a participant may be party to that have not ended, so a schedule stays cheap to read.
    uint256 public constant MAX_LIVE_OFFERS_PER_PARTICIPANT = 16;
    /// @notice How many periods after an offer's last one its deliveries can still be settled: then
    /// it leaves its parties' live lists, making room for new ones.
    uint256 public constant SETTLE_WITHIN_PERIODS = 96;
    uint256 private constant MAX_WH = type(uint48).max;
    uint256 private constant MAX_PRICE = type(uint80).max;
    uint8 private constant READ = 1;
    uint8 private constant SETTLED = 2;
    /// @notice EIP-712 type of a participant's signed action; what `id` and `first`..`third` carry
    /// depends on the action (see `actBySignature`).
    bytes32 public constant ACTION_TYPEHASH = keccak256(
        "ForwardAction(address participant,uint8 action,uint256 id,uint256 first,uint256 second,uint256 third,uint256 nonce)"
    );

    enum Action {
        Register,
        Buy,
        OfferSale,
        AcceptSale,
        CancelSale
    }

    struct SignedAction {
        address participant;
        Action action;
        uint256 id;
        uint256 first;
        uint256 second;
        uint256 third;
        uint256 nonce;
        bytes signature;
    }

    /// @notice A producer's forward offer: two storage words.
    struct Offer {
        uint32 producerId;
        uint24 firstPeriod;
        uint24 lastPeriod;
        /// @dev Offered (and, once issued, issued) Wh in each period.
        uint48 whPerPeriod;
        /// @dev Wh per period large users bought from the producer.
        uint48 soldWhPerPeriod;
        uint80 pricePerWh;
        bool issued;
        /// @dev The producer's region and its fee per Wh, fixed at issuance.
        uint16 region;
        uint80 feePerWh;
    }

    /// @notice A holder's offer of rights to a named large user at a price; paid when the buyer accepts.
    struct Sale {
        uint32 offerId;
        uint32 sellerId;
        uint32 buyerId;
        uint48 whPerPeriod;
        uint80 pricePerWh;
        bool open;
    }

    /// @notice What a participant's forward schedule in a period comes to.
    struct Schedule {
        /// @dev Export (the producer of the rights) or import (a holder).
        bool sell;
        uint256 scheduledWh;
        /// @dev Σ Wh × price: with scheduledWh, the schedule's average price.
        uint256 value;
    }

    /// @notice A participant's delivery in a period: its meter reading in the schedule's direction.
    struct Delivery {
        uint48 actualWh;
        /// @dev READ, SETTLED
        uint8 flags;
    }

    event MarketBound(address indexed market);
    event LargeUserSet(uint32 indexed participantId, bool largeUser);
    event RegionSet(uint32 indexed participantId, uint16 indexed region);
    event RegionFeeSet(uint16 indexed region, uint256 feePerWh);
    event OfferRegistered(
        uint256 indexed offerId,
        uint32 indexed producerId,
        uint256 firstPeriod,
        uint256 lastPeriod,
        uint256 whPerPeriod,
        uint256 pricePerWh
    );
    event OfferIssued(uint256 indexed offerId, uint16 indexed region, uint256 feePerWh);
    /// @notice Rights changed hands: from the producer (saleId 0) or from a holder.
    event RightsTransferred(
        uint256 indexed offerId,
        uint32 indexed fromId,
        uint32 indexed toId,
        uint256 saleId,
        uint256 whPerPeriod,
        uint256 pricePerWh,
        uint256 amount,
        uint256 fee
    );
    event SaleOffered(
        uint256 indexed saleId, uint256 indexed offerId, uint32 sellerId, uint32 buyerId, uint256 whPerPeriod, uint256 pricePerWh
    );
    event SaleCancelled(uint256 indexed saleId);
    event ReadingRecorded(
        uint256 indexed period, uint32 indexed participantId, address indexed meter, uint256 importWh, uint256 exportWh
    );
    /// @notice A delivery was settled, as the sealed-bid market's ParticipantSettled.
    event DeliverySettled(
        uint256 indexed period,
        uint32 indexed participantId,
        uint256 scheduledWh,
        uint256 actualWh,
        bool readingMissing,
        uint256 imbalanceWh,
        int256 imbalanceAmount,
        uint256 reward,
        uint256 penalty
    );
    event DebtRecorded(uint32 indexed participantId, uint256 amount, uint256 totalDebt);
    event DebtRepaid(uint32 indexed participantId, uint256 amount, uint256 remainingDebt);

    error ForwardNotOperator(address account);
    error ForwardNotAdministrator(address account);
    error ForwardMarketAlreadyBound(address market);
    error ForwardMarketNotBound();
    error ForwardNotRegistered(address account);
    error ForwardNotAuthorised(uint32 participantId);
    error ForwardParticipantInvalid(uint32 participantId);
    error ForwardNotProducer(uint32 participantId);
    error ForwardNotLargeUser(uint32 participantId);
    error ForwardParameterOutOfRange(string name, uint256 value);
    error ForwardWindowInvalid(uint256 firstPeriod, uint256 lastPeriod);
    error ForwardTooSoon(uint256 firstPeriod, uint256 earliestPeriod);
    error ForwardQuantityOutOfRange(uint256 whPerPeriod, uint256 max);
    error ForwardPriceOutOfRange(uint256 pricePerWh, uint256 max);
    error ForwardUnitUnderMaintenance(uint32 participantId, uint256 planId);
    error ForwardOfferUnknown(uint256 offerId);
    error ForwardOfferAlreadyIssued(uint256 offerId);
    error ForwardOfferNotIssued(uint256 offerId);
    error ForwardTradingClosed(uint256 offerId, uint256 closedAt, uint256 now);
    error ForwardRightsUnavailable(uint256 offerId, uint32 holderId, uint256 available, uint256 requested);
    error ForwardBudgetNotCovered(uint32 participantId, uint256 balance, uint256 cost);
    error ForwardTooManyOffers(uint32 participantId, uint256 live);
    error ForwardInDebt(uint32 participantId, uint256 debt);
    error ForwardSaleUnknown(uint256 saleId);
    error ForwardSaleNotYours(uint256 saleId, uint32 participantId);
    error ForwardPeriodInvalid(uint256 period);
    error ForwardNoSchedule(uint32 participantId, uint256 period);
    error ForwardAlreadySettled(uint32 participantId, uint256 period);
    error ForwardReadingPending(uint32 participantId, uint256 period, uint256 deadline);
    error ForwardInvalidSignature(address signer);
    error ForwardSaleToSelf(uint32 participantId);
    /// @notice The participant placed continuous-market orders up to `lastOrderPeriod`, in or after the
    /// offer's first period: its metered flow there may already be a continuous position.
    error ForwardContinuousTrading(uint32 participantId, uint256 lastOrderPeriod);

    IParticipantRegistry public immutable registry;
    /// @notice The settlement token; this contract must be added to it as a ledger (`addLedger`) for
    /// trades, region fees, imbalances, incentives and debt repayments.
    SettlementToken public immutable token;
    /// @notice The sealed-bid market whose clock, rates, maintenance plans and reading domain this
    /// contract shares; bound once after it is deployed (it is deployed knowing this contract).
    EnergyMarket public periodicMarket;
    /// @notice The continuous market, when the deployment runs it (zero: none).
    IContinuousTrading public continuousMarket;
    IMaintenancePlans public maintenancePlans;
    PeriodClock.Schedule private _clock;
    bytes32 private _readingDomain;

    Offer[] private _offers;
    Sale[] private _sales;
    mapping(uint256 offerId => mapping(uint32 participantId => uint48)) private _holdings;
    /// @dev Offers each participant is party to (as producer once issued, or as holder), kept until
    /// SETTLE_WITHIN_PERIODS after their last period.
    mapping(uint32 participantId => uint256[]) private _live;
    mapping(uint32 participantId => bool) public isLargeUser;
    mapping(uint32 participantId => uint16) public regionOf;
    mapping(uint16 region => uint256) public regionFeePerWh;
    /// @notice Region fees collected for the public grid, per region, base units.
    mapping(uint16 region => uint256) public regionFeesCollected;
    mapping(uint256 period => mapping(uint32 participantId => Delivery)) private _deliveries;
    mapping(address meter => uint256) private _lastReadingPeriod;
    mapping(uint32 participantId => uint256) private _debt;

    constructor(IParticipantRegistry registry_, SettlementToken token_) EIP712("WattLedger Forward Rights", "1") {
        registry = registry_;
        token = token_;
    }

    // ------------------------------------------------------------------ administration

    /// @notice Binds the continuous market (once), on a deployment that runs it: a participant that
    /// placed orders there for a period of an offer may not become party to the offer. Administrator.
    function bindContinuousMarket(IContinuousTrading market) external {
        if (!registry.hasRole(bytes32(0), msg.sender)) revert ForwardNotAdministrator(msg.sender);
        if (address(continuousMarket) != address(0)) revert ForwardMarketAlreadyBound(address(continuousMarket));
        continuousMarket = market;
        emit MarketBound(address(market));
    }

    /// @notice Binds the sealed-bid market (once). Requires the registry's default admin role.
    function bindMarket(EnergyMarket market) external {
        if (!registry.hasRole(bytes32(0), msg.sender)) revert ForwardNotAdministrator(msg.sender);
        if (address(periodicMarket) != address(0)) revert ForwardMarketAlreadyBound(address(periodicMarket));
        periodicMarket = market;
        maintenancePlans = market.maintenancePlans();
        _clock = market.schedule();
        _readingDomain = MeterReadings.domainOf(IERC5267(address(market)));
        emit MarketBound(address(market));
    }

    /// @notice Marks a consumer as a large user (who may buy rights), or unmarks it. Operator.
    function setLargeUser(uint32 participantId, bool largeUser) external {
        _requireOperator();
        if (_kindOf(participantId) != IParticipantRegistry.Kind.Consumer) revert ForwardNotLargeUser(participantId);
        isLargeUser[participantId] = largeUser;
        emit LargeUserSet(participantId, largeUser);
    }

    /// @notice Puts a participant's connection in a fee region. Operator.
    function setRegion(uint32 participantId, uint16 region) external {
        _requireOperator();
        _kindOf(participantId);
        regionOf[participantId] = region;
        emit RegionSet(participantId, region);
    }

    /// @notice Sets a region's fee per Wh, for offers issued from now on. Operator.
    function setRegionFee(uint16 region, uint256 feePerWh) external {
        _requireOperator();
        if (feePerWh > MAX_PRICE) revert ForwardParameterOutOfRange("feePerWh", feePerWh);
        regionFeePerWh[region] = feePerWh;
        emit RegionFeeSet(region, feePerWh);
    }

    // ------------------------------------------------------------------ registration and issuance

    /// @notice Registers the caller's offer of `whPerPeriod` in each period `firstPeriod`..`lastPeriod`
    /// at `pricePerWh`. A producer or prosumer, authorised, not under maintenance in the window; the
    /// window starts at least at the period after next and spans at most MAX_OFFER_PERIODS.
    /// @return offerId from 1
    function register(uint256 firstPeriod, uint256 lastPeriod, uint256 whPerPeriod, uint256 pricePerWh)
        external
        returns (uint256 offerId)
    {
        return _register(msg.sender, firstPeriod, lastPeriod, whPerPeriod, pricePerWh);
    }

    function _register(address account, uint256 firstPeriod, uint256 lastPeriod, uint256 whPerPeriod, uint256 pricePerWh)
        private
        returns (uint256 offerId)
    {
        (uint32 id, IParticipantRegistry.Profile memory profile) = _participant(account);
        if (profile.kind == IParticipantRegistry.Kind.Consumer) revert ForwardNotProducer(id);
        if (
            firstPeriod == 0 || lastPeriod < firstPeriod || lastPeriod - firstPeriod >= MAX_OFFER_PERIODS
                || lastPeriod > type(uint24).max
        ) revert ForwardWindowInvalid(firstPeriod, lastPeriod);
        uint256 earliest = currentPeriod() + 2;
        if (firstPeriod < earliest) revert ForwardTooSoon(firstPeriod, earliest);
        if (whPerPeriod == 0 || whPerPeriod > MAX_WH) revert ForwardQuantityOutOfRange(whPerPeriod, MAX_WH);
        if (pricePerWh == 0 || pricePerWh > MAX_PRICE) revert ForwardPriceOutOfRange(pricePerWh, MAX_PRICE);
        _checkMaintenance(id, firstPeriod, lastPeriod);
        _offers.push(
            Offer(id, uint24(firstPeriod), uint24(lastPeriod), uint48(whPerPeriod), 0, uint80(pricePerWh), false, 0, 0)
        );
        offerId = _offers.length;
        emit OfferRegistered(offerId, id, firstPeriod, lastPeriod, whPerPeriod, pricePerWh);
    }

    /// @notice Issues a registered offer as rights: the operator's approval. The fee per Wh of the
    /// producer's region is fixed now. Before trading in it would close; not over maintenance.
    function issue(uint256 offerId) external {
        _requireOperator();
        Offer memory o = offer(offerId);
        if (o.issued) revert ForwardOfferAlreadyIssued(offerId);
        _checkTradingOpen(offerId, o);
        _checkMaintenance(o.producerId, o.firstPeriod, o.lastPeriod);
        _join(o.producerId, offerId);
        o.issued = true;
        o.region = regionOf[o.producerId];
        o.feePerWh = uint80(regionFeePerWh[o.region]);
        _offers[offerId - 1] = o;
        emit OfferIssued(offerId, o.region, o.feePerWh);
    }

    // ------------------------------------------------------------------ trading

    /// @notice The calling large user buys `whPerPeriod` of an issued offer's rights from its producer,
    /// paying price × Wh × periods to the producer and the region's fee × Wh × periods to the grid.
    function buy(uint256 offerId, uint256 whPerPeriod) external {
        _buy(msg.sender, offerId, whPerPeriod);
    }

    function _buy(address account, uint256 offerId, uint256 whPerPeriod) private {
        (uint32 id,) = _participant(account);
        Offer memory o = _tradable(offerId, id);
        uint256 available = o.whPerPeriod - o.soldWhPerPeriod;
        if (whPerPeriod == 0 || whPerPeriod > available) {
            revert ForwardRightsUnavailable(offerId, o.producerId, available, whPerPeriod);
        }
        uint256 energy = whPerPeriod * (uint256(o.lastPeriod) - o.firstPeriod + 1);
        uint256 amount = energy * o.pricePerWh;
        uint256 fee = energy * o.feePerWh;
        _checkBudget(id, account, amount + fee);
        _join(id, offerId);
        _offers[offerId - 1].soldWhPerPeriod = uint48(o.soldWhPerPeriod + whPerPeriod);
        _holdings[offerId][id] += uint48(whPerPeriod);
        token.move(account, _accountOf(o.producerId), amount, SettlementToken.Reason.Trade, o.firstPeriod);
        if (fee > 0) {
            token.move(account, registry.publicGrid(), fee, SettlementToken.Reason.RegionFee, o.firstPeriod);
            regionFeesCollected[o.region] += fee;
        }
        emit RightsTransferred(offerId, o.producerId, id, 0, whPerPeriod, o.pricePerWh, amount, fee);
    }

    /// @notice The caller offers `whPerPeriod` of its rights in an offer to large user `buyerId` at
    /// `pricePerWh`; nothing moves until the buyer accepts.
    /// @return saleId from 1
    function offerSale(uint256 offerId, uint32 buyerId, uint256 whPerPeriod, uint256 pricePerWh)
        external
        returns (uint256 saleId)
    {
        return _offerSale(msg.sender, offerId, buyerId, whPerPeriod, pricePerWh);
    }

    function _offerSale(address account, uint256 offerId, uint32 buyerId, uint256 whPerPeriod, uint256 pricePerWh)
        private
        returns (uint256 saleId)
    {
        (uint32 id,) = _participant(account);
        _tradable(offerId, buyerId);
        if (buyerId == id) revert ForwardSaleToSelf(id);
        uint256 held = _holdings[offerId][id];
        if (whPerPeriod == 0 || whPerPeriod > held) revert ForwardRightsUnavailable(offerId, id, held, whPerPeriod);
        if (pricePerWh == 0 || pricePerWh > MAX_PRICE) revert ForwardPriceOutOfRange(pricePerWh, MAX_PRICE);
        _sales.push(Sale(uint32(offerId), id, buyerId, uint48(whPerPeriod), uint80(pricePerWh), true));
        saleId = _sales.length;
        emit SaleOffered(saleId, offerId, id, buyerId, whPerPeriod, pricePerWh);
    }

    /// @notice The named buyer accepts a sale: it pays price × Wh × periods to the seller, and the
    /// rights move, if the seller still holds them and trading in the offer is open.
    function acceptSale(uint256 saleId) external {
        _acceptSale(msg.sender, saleId);
    }

    function _acceptSale(address account, uint256 saleId) private {
        Sale memory s = sale(saleId);
        (uint32 id,) = _participant(account);
        if (id != s.buyerId) revert ForwardSaleNotYours(saleId, id);
        Offer memory o = _tradable(s.offerId, id);
        uint256 held = _holdings[s.offerId][s.sellerId];
        if (s.whPerPeriod > held) revert ForwardRightsUnavailable(s.offerId, s.sellerId, held, s.whPerPeriod);
        uint256 amount = uint256(s.whPerPeriod) * (uint256(o.lastPeriod) - o.firstPeriod + 1) * s.pricePerWh;
        _checkBudget(id, account, amount);
        _join(id, s.offerId);
        _sales[saleId - 1].open = false;
        _holdings[s.offerId][s.sellerId] = uint48(held - s.whPerPeriod);
        _holdings[s.offerId][id] += s.whPerPeriod;
        token.move(account, _accountOf(s.sellerId), amount, SettlementToken.Reason.Trade, o.firstPeriod);
        emit RightsTransferred(s.offerId, s.sellerId, id, saleId, s.whPerPeriod, s.pricePerWh, amount, 0);
    }

    /// @notice The seller withdraws a sale not yet accepted.
    function cancelSale(uint256 saleId) external {
        _cancelSale(msg.sender, saleId);
    }

    function _cancelSale(address account, uint256 saleId) private {
        Sale memory s = sale(saleId);
        (uint32 id,) = _participant(account);
        if (id != s.sellerId) revert ForwardSaleNotYours(saleId, id);
        _sales[saleId - 1].open = false;
        emit SaleCancelled(saleId);
    }

    /// @notice Performs an action a participant signed (EIP-712 `ForwardAction`), relayed for it:
    /// Register (id = firstPeriod, first = lastPeriod, second = whPerPeriod, third = pricePerWh),
    /// Buy (id = offerId, first = whPerPeriod), OfferSale (id = offerId, first = buyerId, second =
    /// whPerPeriod, third = pricePerWh), AcceptSale and CancelSale (id = saleId). Each signature once.
    /// @return createdId the new offer's or sale's id (0 for the other actions)
    function actBySignature(SignedAction calldata a) external returns (uint256 createdId) {
        bytes32 digest = _hashTypedDataV4(
            keccak256(abi.encode(ACTION_TYPEHASH, a.participant, a.action, a.id, a.first, a.second, a.third, a.nonce))
        );
        if (!SignatureChecker.isValidSignatureNow(a.participant, digest, a.signature)) {
            revert ForwardInvalidSignature(a.participant);
        }
        _useCheckedNonce(a.participant, a.nonce);
        if (a.action == Action.Register) return _register(a.participant, a.id, a.first, a.second, a.third);
        if (a.action == Action.Buy) _buy(a.participant, a.id, a.first);
        else if (a.action == Action.OfferSale) return _offerSale(a.participant, a.id, _id32(a.first), a.second, a.third);
        else if (a.action == Action.AcceptSale) _acceptSale(a.participant, a.id);
        else _cancelSale(a.participant, a.id);
    }

    // ------------------------------------------------------------------ delivery and settlement

    /// @notice Records the calling meter's reading of `period`, as the sealed-bid market does.
    function submitReading(uint32 participantId, uint256 period, uint256 importWh, uint256 exportWh) external {
        _recordReading(msg.sender, participantId, period, importWh, exportWh);
    }

    /// @notice Records readings meters signed for the sealed-bid market (its EIP-712 domain). All or nothing.
    function submitReadingsBySignature(MeterReadings.SignedReading[] calldata readings) external {
        bytes32 domain = _readingDomain;
        for (uint256 i = 0; i < readings.length; i++) {
            MeterReadings.SignedReading calldata r = readings[i];
            MeterReadings.verify(domain, r);
            _recordReading(r.meter, r.participantId, r.period, r.importWh, r.exportWh);
        }
    }

    /// @notice Settles each listed participant's forward delivery in `period` against its reading, or,
    /// after the reading deadline, as a missing reading, by the sealed-bid market's rules and rates at
    /// the schedule's average price. Permissionless; each once. What a participant cannot pay becomes debt.
    function settle(uint256 period, uint32[] calldata participantIds) external {
        _checkPeriod(period);
        address grid = registry.publicGrid();
        SettlementMath.Rates memory rates = _market().parameters().rates;
        uint256 deadline = _clock.readingDeadline(period);
        for (uint256 i = 0; i < participantIds.length; i++) {
            uint32 id = participantIds[i];
            Schedule memory s = scheduleOf(id, period);
            if (s.scheduledWh == 0) revert ForwardNoSchedule(id, period);
            Delivery memory d = _deliveries[period][id];
            if (d.flags & SETTLED != 0) revert ForwardAlreadySettled(id, period);
            bool missing = d.flags & READ == 0;
            if (missing && block.timestamp < deadline) revert ForwardReadingPending(id, period, deadline);
            SettlementMath.Outcome memory out = SettlementMath.settle(
                s.sell, s.scheduledWh, s.scheduledWh, d.actualWh, missing, s.value, s.scheduledWh, rates
            );
            _deliveries[period][id].flags = d.flags | SETTLED;
            _payWithGrid(id, grid, out.imbalanceAmount, SettlementToken.Reason.Imbalance, period);
            _payWithGrid(id, grid, int256(out.reward) - int256(out.penalty), SettlementToken.Reason.Incentive, period);
            emit DeliverySettled(
                period, id, s.scheduledWh, d.actualWh, missing, out.imbalanceWh, out.imbalanceAmount, out.reward, out.penalty
            );
        }
    }

    /// @notice Takes what a participant's balance holds toward its debt from settlements here. Anyone may call.
    function repayDebt(uint32 participantId) external {
        _collectDebt(participantId);
    }

    // ------------------------------------------------------------------ views

    /// @notice The delivery period under way now, as the market counts it (0 before genesis or unbound).
    function currentPeriod() public view returns (uint256) {
        return _clock.periodSeconds == 0 ? 0 : _clock.periodAt(block.timestamp);
    }

    /// @notice Trading in an offer closes when the commit window of its first period opens.
    function tradingClosesAt(uint256 offerId) public view returns (uint256) {
        return _clock.commitOpens(offer(offerId).firstPeriod);
    }

    function offer(uint256 offerId) public view returns (Offer memory) {
        if (offerId == 0 || offerId > _offers.length) revert ForwardOfferUnknown(offerId);
        return _offers[offerId - 1];
    }

    function offerCount() external view returns (uint256) {
        return _offers.length;
    }

    function sale(uint256 saleId) public view returns (Sale memory s) {
        if (saleId == 0 || saleId > _sales.length) revert ForwardSaleUnknown(saleId);
        s = _sales[saleId - 1];
        if (!s.open) revert ForwardSaleUnknown(saleId);
    }

    function saleCount() external view returns (uint256) {
        return _sales.length;
    }

    /// @notice Wh per period of `offerId` that `participantId` holds.
    function holdingOf(uint256 offerId, uint32 participantId) external view returns (uint256) {
        return _holdings[offerId][participantId];
    }

    /// @notice A participant's forward schedule in a period: Σ over the issued offers covering it of
    /// the Wh sold (as their producer) or held.
    function scheduleOf(uint32 participantId, uint256 period) public view returns (Schedule memory s) {
        uint256[] storage live = _live[participantId];
        for (uint256 i = 0; i < live.length; i++) {
            Offer storage o = _offers[live[i] - 1];
            if (period < o.firstPeriod || period > o.lastPeriod) continue;
            uint256 wh;
            if (o.producerId == participantId) {
                s.sell = true;
                wh = o.soldWhPerPeriod;
            } else {
                wh = _holdings[live[i]][participantId];
            }
            s.scheduledWh += wh;
            s.value += wh * o.pricePerWh;
        }
    }

    function hasSchedule(uint32 participantId, uint256 period) external view override returns (bool) {
        return scheduleOf(participantId, period).scheduledWh > 0;
    }

    function deliveryOf(uint256 period, uint32 participantId) external view returns (Delivery memory) {
        return _deliveries[period][participantId];
    }

    function debtOf(uint32 participantId) external view returns (uint256) {
        return _debt[participantId];
    }

    function lastReadingPeriod(address meter) external view returns (uint256) {
        return _lastReadingPeriod[meter];
    }

    // ------------------------------------------------------------------ internals

    function _requireOperator() private view {
        if (!registry.hasRole(registry.OPERATOR_ROLE(), msg.sender)) revert ForwardNotOperator(msg.sender);
    }

    function _market() private view returns (EnergyMarket market) {
        market = periodicMarket;
        if (address(market) == address(0)) revert ForwardMarketNotBound();
    }

    function _checkPeriod(uint256 period) private pure {
        if (period == 0 || period > type(uint24).max) revert ForwardPeriodInvalid(period);
    }

    function _id32(uint256 participantId) private pure returns (uint32) {
        if (participantId > type(uint32).max) revert ForwardParticipantInvalid(type(uint32).max);
        return uint32(participantId);
    }

    function _kindOf(uint32 participantId) private view returns (IParticipantRegistry.Kind) {
        if (participantId == 0 || participantId > registry.participantCount()) {
            revert ForwardParticipantInvalid(participantId);
        }
        return registry.profile(participantId).kind;
    }

    function _accountOf(uint32 participantId) private view returns (address) {
        return registry.profile(participantId).account;
    }

    /// @dev The caller's id and profile: registered and authorised, the market bound.
    function _participant(address account)
        private
        view
        returns (uint32 id, IParticipantRegistry.Profile memory profile)
    {
        _market();
        (id, profile) = registry.participantByAccount(account);
        if (id == 0) revert ForwardNotRegistered(account);
        if (!profile.authorised) revert ForwardNotAuthorised(id);
    }

    /// @dev An issued offer still open for trading, to a large user.
    function _tradable(uint256 offerId, uint32 buyerId) private view returns (Offer memory o) {
        o = offer(offerId);
        if (!o.issued) revert ForwardOfferNotIssued(offerId);
        _checkTradingOpen(offerId, o);
        if (!isLargeUser[buyerId]) revert ForwardNotLargeUser(buyerId);
    }

    function _checkTradingOpen(uint256 offerId, Offer memory o) private view {
        uint256 closesAt = _clock.commitOpens(o.firstPeriod);
        if (block.timestamp >= closesAt) revert ForwardTradingClosed(offerId, closesAt, block.timestamp);
    }

    function _checkMaintenance(uint32 id, uint256 firstPeriod, uint256 lastPeriod) private view {
        IMaintenancePlans plans = maintenancePlans;
        if (address(plans) == address(0)) return;
        uint256 planId = plans.planOverlapping(id, firstPeriod, lastPeriod);
        if (planId != 0) revert ForwardUnitUnderMaintenance(id, planId);
    }

    /// @dev Collects debt first; the balance must then cover `cost`.
    function _checkBudget(uint32 id, address account, uint256 cost) private {
        if (_debt[id] > 0) {
            _collectDebt(id);
            if (_debt[id] > 0) revert ForwardInDebt(id, _debt[id]);
        }
        uint256 balance = token.balanceOf(account);
        if (balance < cost) revert ForwardBudgetNotCovered(id, balance, cost);
    }

    /// @dev Adds an offer to a participant's live list once, dropping the ones that have ended.
    function _join(uint32 id, uint256 offerId) private {
        uint256[] storage live = _live[id];
        uint256 current = currentPeriod();
        for (uint256 i = live.length; i > 0; i--) {
            if (live[i - 1] == offerId) return;
            if (_offers[live[i - 1] - 1].lastPeriod + SETTLE_WITHIN_PERIODS < current) {
                live[i - 1] = live[live.length - 1];
                live.pop();
            }
        }
        if (live.length >= MAX_LIVE_OFFERS_PER_PARTICIPANT) revert ForwardTooManyOffers(id, live.length);
        // One metered flow, settled once: not party to an offer over periods it may hold a continuous
        // position in (the continuous market refuses its orders in scheduled periods from then on).
        if (address(continuousMarket) != address(0)) {
            uint256 lastOrderPeriod = continuousMarket.lastOrderPeriodOf(id);
            if (lastOrderPeriod >= _offers[offerId - 1].firstPeriod) revert ForwardContinuousTrading(id, lastOrderPeriod);
        }
        live.push(offerId);
    }

    function _recordReading(address meter, uint32 participantId, uint256 period, uint256 importWh, uint256 exportWh)
        private
    {
        _checkPeriod(period);
        _market();
        MeterReadings.accept(
            _lastReadingPeriod,
            registry,
            meter,
            participantId,
            period,
            importWh,
            exportWh,
            _clock.readingDeadline(period),
            _clock.readingSeconds
        );
        Schedule memory s = scheduleOf(participantId, period);
        if (s.scheduledWh > 0) {
            _deliveries[period][participantId] =
                Delivery(uint48(MeterReadings.inDirection(s.sell, importWh, exportWh)), READ);
        }
        emit ReadingRecorded(period, participantId, meter, importWh, exportWh);
    }

    function _payWithGrid(uint32 id, address grid, int256 amount, SettlementToken.Reason reason, uint256 period)
        private
    {
        uint256 unpaid = GridPayments.pay(token, _accountOf(id), grid, amount, reason, period);
        if (unpaid > 0) {
            uint256 debt = _debt[id] + unpaid;
            _debt[id] = debt;
            emit DebtRecorded(id, unpaid, debt);
        }
    }

    function _collectDebt(uint32 id) private {
        uint256 debt = _debt[id];
        if (debt == 0) return;
        address account = _accountOf(id);
        uint256 balance = token.balanceOf(account);
        uint256 paid = debt < balance ? debt : balance;
        if (paid == 0) return;
        _debt[id] = debt - paid;
        token.move(account, registry.publicGrid(), paid, SettlementToken.Reason.DebtRepayment, 0);
        emit DebtRepaid(id, paid, debt - paid);
    }
}
