// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ParticipantRegistry} from "./ParticipantRegistry.sol";
import {SettlementToken} from "./SettlementToken.sol";
import {EnergyMarket} from "./EnergyMarket.sol";
import {BidSlots} from "./libraries/BidSlots.sol";

/// @title Subsidy pool: government-funded bonuses and coupons, paid in settlement tokens.
/// @notice The settlement agent funds the pool by minting to its address against the government's fiat
/// transfer (a Deposit with its reference). The operator offers a first-use bonus, paid once to each
/// participant after its first trade, and issues yearly coupons to the participants registered by
/// then, each redeemable once on a later purchase until the coupon expires. A coupon refunds up to its
/// value, at most the purchase's awarded energy at the period's average price. Every payment is a
/// token movement with reason Subsidy and a SubsidyPaid event; claims are permissionless, since the
/// money only ever goes to the participant the trade belongs to.
contract SubsidyPool {
    using BidSlots for BidSlots.Bid;

    enum Kind {
        FirstUse,
        Coupon
    }

    struct CouponProgramme {
        uint128 value;
        uint16 year;
        /// @dev Participants with ids up to this one (those registered at issue) hold a coupon.
        uint32 eligibleUpToId;
        /// @dev A purchase redeems from this period (the one after the issue) ...
        uint24 validFromPeriod;
        /// @dev ... to this one, inclusive.
        uint24 expiresAfterPeriod;
    }

    event FirstUseBonusSet(uint256 amount);
    event CouponsIssued(
        uint256 indexed programmeId,
        uint16 indexed year,
        uint256 value,
        uint32 eligibleUpToId,
        uint256 validFromPeriod,
        uint256 expiresAfterPeriod
    );
    event SubsidyPaid(
        uint32 indexed participantId, Kind indexed kind, uint256 indexed programmeId, uint256 period, uint256 amount
    );

    error SubsidyNotOperator(address account);
    error SubsidyParameterOutOfRange(string name, uint256 value);
    error SubsidyYearAlreadyIssued(uint16 year, uint256 programmeId);
    error SubsidyProgrammeUnknown(uint256 programmeId);
    error SubsidyFirstUseNotOffered();
    error SubsidyFirstUseAlreadyPaid(uint32 participantId);
    error SubsidyNoTrade(uint32 participantId, uint256 period);
    error SubsidyNoPurchase(uint32 participantId, uint256 period);
    error SubsidyNotEligible(uint256 programmeId, uint32 participantId, uint32 eligibleUpToId);
    error SubsidyCouponAlreadyRedeemed(uint256 programmeId, uint32 participantId);
    error SubsidyPurchaseBeforeIssue(uint256 programmeId, uint256 period, uint256 validFromPeriod);
    error SubsidyCouponExpired(uint256 programmeId, uint256 period, uint256 expiresAfterPeriod);
    error SubsidyPoolInsufficient(uint256 balance, uint256 needed);

    ParticipantRegistry public immutable registry;
    SettlementToken public immutable token;
    EnergyMarket public immutable market;

    /// @notice Paid once to each participant after its first trade; 0 while not offered.
    uint256 public firstUseBonus;
    mapping(uint32 participantId => bool) public firstUsePaid;
    CouponProgramme[] private _programmes;
    mapping(uint16 year => uint256 programmeId) public programmeOfYear;
    mapping(uint256 programmeId => mapping(uint32 participantId => bool)) public couponRedeemed;

    constructor(ParticipantRegistry registry_, SettlementToken token_, EnergyMarket market_) {
        registry = registry_;
        token = token_;
        market = market_;
    }

    // ------------------------------------------------------------------ operator

    /// @notice Offers (or, with 0, withdraws) the first-use bonus. Requires the operator role.
    function setFirstUseBonus(uint256 amount) external {
        _requireOperator();
        if (amount > type(uint128).max) revert SubsidyParameterOutOfRange("firstUseBonus", amount);
        firstUseBonus = amount;
        emit FirstUseBonusSet(amount);
    }

    /// @notice Issues `year`'s coupons of `value` to every participant registered now, redeemable on a
    /// purchase from the next period to `expiresAfterPeriod`. Requires the operator role; once a year.
    /// @return programmeId from 1
    function issueCoupons(uint16 year, uint256 value, uint256 expiresAfterPeriod) external returns (uint256 programmeId) {
        _requireOperator();
        if (value == 0 || value > type(uint128).max) revert SubsidyParameterOutOfRange("value", value);
        uint256 validFrom = market.currentPeriod() + 1;
        if (expiresAfterPeriod < validFrom || expiresAfterPeriod > type(uint24).max) {
            revert SubsidyParameterOutOfRange("expiresAfterPeriod", expiresAfterPeriod);
        }
        if (programmeOfYear[year] != 0) revert SubsidyYearAlreadyIssued(year, programmeOfYear[year]);
        uint32 eligibleUpToId = registry.participantCount();
        _programmes.push(
            CouponProgramme(uint128(value), year, eligibleUpToId, uint24(validFrom), uint24(expiresAfterPeriod))
        );
        programmeId = _programmes.length;
        programmeOfYear[year] = programmeId;
        emit CouponsIssued(programmeId, year, value, eligibleUpToId, validFrom, expiresAfterPeriod);
    }

    // ------------------------------------------------------------------ claims

    /// @notice Pays the first-use bonus to `participantId`, which traded in `period`. Anyone may call.
    function claimFirstUse(uint32 participantId, uint256 period) external {
        uint256 bonus = firstUseBonus;
        if (bonus == 0) revert SubsidyFirstUseNotOffered();
        if (firstUsePaid[participantId]) revert SubsidyFirstUseAlreadyPaid(participantId);
        BidSlots.Bid memory bid = market.bidOf(participantId, period);
        if (bid.awardedWh == 0) revert SubsidyNoTrade(participantId, period);
        firstUsePaid[participantId] = true;
        _pay(participantId, Kind.FirstUse, 0, period, bonus);
    }

    /// @notice Redeems `participantId`'s coupon of `programmeId` on its purchase in `period`. Anyone may call.
    function redeemCoupon(uint256 programmeId, uint32 participantId, uint256 period) external {
        CouponProgramme memory c = programme(programmeId);
        if (participantId == 0 || participantId > c.eligibleUpToId) {
            revert SubsidyNotEligible(programmeId, participantId, c.eligibleUpToId);
        }
        if (couponRedeemed[programmeId][participantId]) revert SubsidyCouponAlreadyRedeemed(programmeId, participantId);
        if (period < c.validFromPeriod) revert SubsidyPurchaseBeforeIssue(programmeId, period, c.validFromPeriod);
        if (period > c.expiresAfterPeriod) revert SubsidyCouponExpired(programmeId, period, c.expiresAfterPeriod);
        BidSlots.Bid memory bid = market.bidOf(participantId, period);
        if (bid.awardedWh == 0 || bid.has(BidSlots.SELL)) revert SubsidyNoPurchase(participantId, period);
        (uint256 value, uint256 quantityWh) = market.averagePrice(period);
        uint256 purchase = uint256(bid.awardedWh) * value / quantityWh;
        couponRedeemed[programmeId][participantId] = true;
        _pay(participantId, Kind.Coupon, programmeId, period, purchase < c.value ? purchase : c.value);
    }

    // ------------------------------------------------------------------ views

    /// @notice A coupon programme; reverts SubsidyProgrammeUnknown.
    function programme(uint256 programmeId) public view returns (CouponProgramme memory) {
        if (programmeId == 0 || programmeId > _programmes.length) revert SubsidyProgrammeUnknown(programmeId);
        return _programmes[programmeId - 1];
    }

    function programmeCount() external view returns (uint256) {
        return _programmes.length;
    }

    // ------------------------------------------------------------------ internals

    function _requireOperator() private view {
        if (!registry.hasRole(registry.OPERATOR_ROLE(), msg.sender)) revert SubsidyNotOperator(msg.sender);
    }

    function _pay(uint32 participantId, Kind kind, uint256 programmeId, uint256 period, uint256 amount) private {
        uint256 balance = token.balanceOf(address(this));
        if (balance < amount) revert SubsidyPoolInsufficient(balance, amount);
        address account = registry.profile(participantId).account;
        if (amount > 0) token.move(address(this), account, amount, SettlementToken.Reason.Subsidy, period);
        emit SubsidyPaid(participantId, kind, programmeId, period, amount);
    }
}
