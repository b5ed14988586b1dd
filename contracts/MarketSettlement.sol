// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {SettlementToken} from "./SettlementToken.sol";
import {BidSlots} from "./libraries/BidSlots.sol";
import {GridPayments} from "./libraries/GridPayments.sol";
import {SettlementMath} from "./libraries/SettlementMath.sol";

/// @dev What the market keeps of a participant, refreshed at each commit: one storage word, so a
/// reveal, a trade or a settlement needs no call to the registry.
struct Member {
    address account;
    /// @dev kind in bits 0–1, green supply bit 2, green preference bit 3
    uint8 profile;
    /// @dev owed to the public grid, base units
    uint88 debt;
}

/// @title The imbalance and incentive settlement of the energy market's participants.
/// @notice A linked library with external functions: EnergyMarket runs it by DELEGATECALL on its own
/// storage, so the market's code stays under EIP-170's 24,576 bytes. Its events and errors are also
/// declared by EnergyMarket, whose address emits them.
library MarketSettlement {
    using BidSlots for BidSlots.Bid;

    /// @dev What one settlement transaction needs to know of its period.
    struct Terms {
        uint256 period;
        address grid;
        /// @dev The average price as value / quantityWh.
        uint256 value;
        uint256 quantityWh;
        uint256 readingDeadline;
        SettlementMath.Rates rates;
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
    event DebtRecorded(uint32 indexed participantId, uint256 amount, uint256 totalDebt);

    error SettlementNoBid(uint32 participantId, uint256 period);
    error SettlementAlreadyDone(uint32 participantId, uint256 period);
    error SettlementReadingPending(uint32 participantId, uint256 period, uint256 deadline);
    error SettlementGridFloatInsufficient(uint256 balance, uint256 needed);

    /// @notice Settles each listed participant's imbalance and incentive; returns how many had no reading.
    function settle(
        mapping(uint256 => BidSlots.Bid) storage bids,
        mapping(uint32 => Member) storage members,
        SettlementToken token,
        Terms memory terms,
        uint32[] calldata participantIds
    ) external returns (uint256 missingReadings) {
        for (uint256 i = 0; i < participantIds.length; i++) {
            if (_settleOne(bids, members, token, terms, participantIds[i])) missingReadings++;
        }
    }

    function _settleOne(
        mapping(uint256 => BidSlots.Bid) storage bids,
        mapping(uint32 => Member) storage members,
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
}
