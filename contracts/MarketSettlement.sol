// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {MessageHashUtils} from "@openzeppelin/contracts/utils/cryptography/MessageHashUtils.sol";
import {SettlementToken} from "./SettlementToken.sol";
import {IParticipantRegistry} from "./interfaces/IParticipantRegistry.sol";
import {BidSlots} from "./libraries/BidSlots.sol";
import {PeriodClock} from "./libraries/PeriodClock.sol";
import {GridPayments} from "./libraries/GridPayments.sol";
import {SettlementMath} from "./libraries/SettlementMath.sol";
import {ReputationMath} from "./libraries/ReputationMath.sol";

/// @dev What the market keeps of a participant, refreshed at each commit: one storage word, so a
/// reveal, a trade or a settlement needs no call to the registry.
struct Member {
    address account;
    /// @dev kind in bits 0–1, green supply bit 2, green preference bit 3
    uint8 profile;
    /// @dev owed to the public grid, base units
    uint88 debt;
}

/// @dev A meter's reading signed as EIP-712 `Reading`, submitted by a relayer.
struct SignedReading {
    address meter;
    uint32 participantId;
    uint256 period;
    uint256 importWh;
    uint256 exportWh;
    bytes signature;
}

/// @title The imbalance and incentive settlement of the energy market's participants, their debt
/// collection, the payment of trades' wheeling fees and levies, and the recording of meter readings.
/// @notice A linked library with external functions: EnergyMarket runs it by DELEGATECALL on its own
/// storage, so the market's code stays under EIP-170's 24,576 bytes. Its events and errors are also
/// declared by EnergyMarket, whose address emits them.
library MarketSettlement {
    using BidSlots for BidSlots.Bid;
    using PeriodClock for PeriodClock.Schedule;

    /// @notice EIP-712 type of a meter's signed reading.
    bytes32 internal constant READING_TYPEHASH = keccak256(
        "Reading(address meter,uint32 participantId,uint256 period,uint256 importWh,uint256 exportWh)"
    );
    uint256 private constant MAX_WH = type(uint48).max;

    /// @dev What one settlement transaction needs to know of its period.
    struct Terms {
        uint256 period;
        address grid;
        /// @dev The average price as value / quantityWh.
        uint256 value;
        uint256 quantityWh;
        uint256 readingDeadline;
        SettlementMath.Rates rates;
        /// @dev Weight of a settled period in its participant's reputation, ppm; 0: reputation is off.
        uint32 reputationWeightPpm;
    }

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
    event ReadingRecorded(
        uint256 indexed period, uint32 indexed participantId, address indexed meter, uint256 importWh, uint256 exportWh
    );
    event DebtRecorded(uint32 indexed participantId, uint256 amount, uint256 totalDebt);
    event DebtRepaid(uint32 indexed participantId, uint256 amount, uint256 remainingDebt);

    error MarketGridNotSet();
    error MarketParameterOutOfRange(string name, uint256 value);
    error MarketPeriodInvalid(uint256 period);
    error MarketInvalidSignature(address signer);
    error ReadingMeterNotBound(address meter);
    error ReadingWrongParticipant(address meter, uint32 claimedId, uint32 boundId);
    error ReadingTooEarly(uint256 period, uint256 opensAt, uint256 now);
    error ReadingWindowClosed(uint256 period, uint256 closedAt, uint256 now);
    error ReadingAlreadyReported(address meter, uint256 period, uint256 lastReportedPeriod);
    error ReadingOutOfRange(uint256 importWh, uint256 exportWh);

    error SettlementNoBid(uint32 participantId, uint256 period);
    error SettlementAlreadyDone(uint32 participantId, uint256 period);
    error SettlementReadingPending(uint32 participantId, uint256 period, uint256 deadline);
    error SettlementGridFloatInsufficient(uint256 balance, uint256 needed);

    /// @notice Refuses market parameters out of their ranges, naming the first one. Here rather than in
    /// the market, whose code must stay under EIP-170's limit; run when the operator sets them.
    function checkParameters(
        uint256 referencePricePerWh,
        SettlementMath.Rates memory rates,
        uint256 priceFloorPerWh,
        uint256 priceCapPerWh,
        uint256 sellerShareCapBps,
        uint256 reputationWeightPpm
    ) external pure {
        if (referencePricePerWh == 0) revert MarketParameterOutOfRange("referencePricePerWh", 0);
        if (rates.shortfallFactorPpm > 10_000_000) {
            revert MarketParameterOutOfRange("shortfallFactorPpm", rates.shortfallFactorPpm);
        }
        if (rates.surplusFactorPpm > 10_000_000) {
            revert MarketParameterOutOfRange("surplusFactorPpm", rates.surplusFactorPpm);
        }
        if (rates.rewardRatePpm > 1_000_000) revert MarketParameterOutOfRange("rewardRatePpm", rates.rewardRatePpm);
        if (rates.penaltyRatePpm > 1_000_000) revert MarketParameterOutOfRange("penaltyRatePpm", rates.penaltyRatePpm);
        checkBounds(priceFloorPerWh, priceCapPerWh);
        if (sellerShareCapBps > 10_000) revert MarketParameterOutOfRange("sellerShareCapBps", sellerShareCapBps);
        if (reputationWeightPpm > 1_000_000) revert MarketParameterOutOfRange("reputationWeightPpm", reputationWeightPpm);
    }

    /// @notice Refuses a price floor above the cap (a cap of 0 is none).
    function checkBounds(uint256 floorPerWh, uint256 capPerWh) public pure {
        if (capPerWh != 0 && floorPerWh > capPerWh) revert MarketParameterOutOfRange("priceFloorPerWh", floorPerWh);
    }

    /// @notice Settles each listed participant's imbalance and incentive; returns how many had no reading.
    function settle(
        mapping(uint256 => BidSlots.Bid) storage bids,
        mapping(uint32 => Member) storage members,
        mapping(uint32 => ReputationMath.Record) storage reputations,
        SettlementToken token,
        Terms memory terms,
        uint32[] calldata participantIds
    ) external returns (uint256 missingReadings) {
        for (uint256 i = 0; i < participantIds.length; i++) {
            if (_settleOne(bids, members, reputations, token, terms, participantIds[i])) missingReadings++;
        }
    }

    /// @notice Whether participant `id` has a revealed bid not yet settled, and the largest margin such
    /// a bid holds (the base, scaled by the reputation the bid carries): what a withdrawal must leave.
    function openBids(
        mapping(uint256 => BidSlots.Bid) storage bids,
        mapping(uint256 => bytes32) storage commitments,
        uint32 id,
        uint256 base
    ) external view returns (bool open, uint256 locked) {
        if (id == 0) return (false, 0);
        for (uint256 slot = 0; slot < 4; slot++) {
            uint256 k = (uint256(id) << 2) | slot;
            BidSlots.Bid memory bid = bids[k];
            if (bid.has(BidSlots.REVEALED) && !bid.has(BidSlots.SETTLED)) {
                open = true;
                uint256 margin =
                    bid.has(BidSlots.REPUTED) ? ReputationMath.margin(base, uint32(uint256(commitments[k]))) : base;
                if (margin > locked) locked = margin;
            }
        }
    }

    /// @notice Takes what a participant's balance holds toward its debt to the public grid.
    function collectDebt(
        mapping(uint32 => Member) storage members,
        SettlementToken token,
        IParticipantRegistry registry,
        uint32 id
    ) external {
        Member memory member = members[id];
        if (member.debt == 0 || member.account == address(0)) return;
        address grid = registry.publicGrid();
        if (grid == address(0)) revert MarketGridNotSet();
        uint256 balance = token.balanceOf(member.account);
        uint256 paid = member.debt < balance ? member.debt : balance;
        if (paid == 0) return;
        members[id].debt = uint88(member.debt - paid);
        token.move(member.account, grid, paid, SettlementToken.Reason.DebtRepayment, 0);
        emit DebtRepaid(id, paid, member.debt - paid);
    }

    /// @notice Records readings that meters signed (EIP-712 `Reading` in the market's domain). All or nothing.
    function recordSignedReadings(
        mapping(uint256 => BidSlots.Bid) storage bids,
        mapping(address => uint256) storage lastReadingPeriod,
        IParticipantRegistry registry,
        PeriodClock.Schedule memory schedule,
        bytes32 domainSeparator,
        SignedReading[] calldata readings
    ) external {
        for (uint256 i = 0; i < readings.length; i++) {
            SignedReading calldata r = readings[i];
            bytes32 digest = MessageHashUtils.toTypedDataHash(
                domainSeparator,
                keccak256(abi.encode(READING_TYPEHASH, r.meter, r.participantId, r.period, r.importWh, r.exportWh))
            );
            if (!SignatureChecker.isValidSignatureNow(r.meter, digest, r.signature)) revert MarketInvalidSignature(r.meter);
            recordReading(bids, lastReadingPeriod, registry, schedule, r.meter, r.participantId, r.period, r.importWh, r.exportWh);
        }
    }

    /// @notice Pays a trade's wheeling fee and levy from its buyer to the grid (each only when due).
    /// @dev The clearing checked that the buyer can pay them with the trade.
    function payCharges(
        SettlementToken token,
        address buyer,
        address grid,
        uint256 quantityWh,
        uint256 wheelingPerWh,
        uint256 levyPerWh,
        uint256 period
    ) external {
        GridPayments.payCharges(token, buyer, grid, quantityWh, wheelingPerWh, levyPerWh, period);
    }

    /// @dev Moves the participant's reputation toward this period's accuracy (only while reputation is
    /// on, so the default market writes nothing more per participant-period).
    function _score(
        mapping(uint32 => ReputationMath.Record) storage reputations,
        Terms memory terms,
        uint32 id,
        BidSlots.Bid memory bid,
        bool missing
    ) private {
        ReputationMath.Record memory r = reputations[id];
        uint256 accuracy = ReputationMath.accuracyPpm(bid.quantityWh, bid.awardedWh, bid.actualWh, missing);
        uint256 score = ReputationMath.aged(ReputationMath.scoreOf(r), accuracy, terms.reputationWeightPpm);
        r.scorePpm = uint32(score);
        r.scoredPeriods++;
        if (missing) r.missedReadings++;
        r.lastPeriod = uint24(terms.period);
        ReputationMath.write(reputations[id], r);
    }

    function _settleOne(
        mapping(uint256 => BidSlots.Bid) storage bids,
        mapping(uint32 => Member) storage members,
        mapping(uint32 => ReputationMath.Record) storage reputations,
        SettlementToken token,
        Terms memory terms,
        uint32 id
    ) private returns (bool missing) {
        uint256 period = terms.period;
        uint256 k = BidSlots.key(id, period);
        BidSlots.Bid memory bid = bids[k];
        if (bid.period != period || !bid.has(BidSlots.REVEALED)) revert SettlementNoBid(id, period);
        if (bid.has(BidSlots.SETTLED)) revert SettlementAlreadyDone(id, period);
        missing = !bid.has(BidSlots.READ);
        if (missing && block.timestamp < terms.readingDeadline) {
            revert SettlementReadingPending(id, period, terms.readingDeadline);
        }
        SettlementMath.Outcome memory o = SettlementMath.settle(
            bid.has(BidSlots.SELL),
            bid.quantityWh,
            bid.awardedWh,
            bid.actualWh,
            missing,
            terms.value,
            terms.quantityWh,
            terms.rates
        );
        bid.flags |= BidSlots.SETTLED;
        BidSlots.write(bids[k], bid);
        _settleWithGrid(members, token, id, terms.grid, o.imbalanceAmount, SettlementToken.Reason.Imbalance, period);
        _settleWithGrid(
            members, token, id, terms.grid, int256(o.reward) - int256(o.penalty), SettlementToken.Reason.Incentive, period
        );
        emit ParticipantSettled(period, id, bid.actualWh, missing, o.imbalanceWh, o.imbalanceAmount, o.reward, o.penalty);
        if (terms.reputationWeightPpm != 0) _score(reputations, terms, id, bid, missing);
    }

    /// @dev Pays a signed amount between a participant and the grid (positive: to the participant).
    /// What the participant cannot pay becomes its debt.
    function _settleWithGrid(
        mapping(uint32 => Member) storage members,
        SettlementToken token,
        uint32 id,
        address grid,
        int256 amount,
        SettlementToken.Reason reason,
        uint256 period
    ) private {
        uint256 unpaid = GridPayments.pay(token, members[id].account, grid, amount, reason, period);
        if (unpaid > 0) {
            uint256 debt = members[id].debt + unpaid;
            members[id].debt = SafeCast.toUint88(debt);
            emit DebtRecorded(id, unpaid, debt);
        }
    }

    /// @notice Records the reading `meter` reports for its participant in `period`.
    function recordReading(
        mapping(uint256 => BidSlots.Bid) storage bids,
        mapping(address => uint256) storage lastReadingPeriod,
        IParticipantRegistry registry,
        PeriodClock.Schedule memory s,
        address meter,
        uint32 participantId,
        uint256 period,
        uint256 importWh,
        uint256 exportWh
    ) public {
        if (period == 0 || period > type(uint24).max) revert MarketPeriodInvalid(period);
        uint32 bound = registry.participantOfMeter(meter);
        if (bound == 0) revert ReadingMeterNotBound(meter);
        if (bound != participantId) revert ReadingWrongParticipant(meter, participantId, bound);
        if (importWh > MAX_WH || exportWh > MAX_WH) revert ReadingOutOfRange(importWh, exportWh);
        uint256 opensAt = s.readingsOpen(period);
        if (block.timestamp < opensAt) revert ReadingTooEarly(period, opensAt, block.timestamp);
        uint256 deadline = s.readingDeadline(period);
        if (block.timestamp >= deadline) revert ReadingWindowClosed(period, deadline, block.timestamp);
        uint256 last = lastReadingPeriod[meter];
        if (period <= last) revert ReadingAlreadyReported(meter, period, last);
        lastReadingPeriod[meter] = period;
        uint256 k = BidSlots.key(participantId, period);
        BidSlots.Bid memory bid = bids[k];
        if (bid.period == period && bid.has(BidSlots.REVEALED)) {
            // The energy that flowed in the bid's direction; flow the other way counts as none.
            bool sell = bid.has(BidSlots.SELL);
            uint256 outward = sell ? exportWh : importWh;
            uint256 inward = sell ? importWh : exportWh;
            bid.actualWh = uint48(outward > inward ? outward - inward : 0);
            bid.flags |= BidSlots.READ;
            BidSlots.write(bids[k], bid);
        }
        emit ReadingRecorded(period, participantId, meter, importWh, exportWh);
    }
}
