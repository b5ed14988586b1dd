// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @title Imbalance and incentive amounts; the same arithmetic as the market core's settlement.ts.
/// @notice Amounts use the exact average price value/quantityWh with one division each: what a
/// participant pays rounds up, what it receives rounds down.
library SettlementMath {
    uint256 internal constant PPM = 1_000_000;

    struct Rates {
        uint32 shortfallFactorPpm;
        uint32 surplusFactorPpm;
        uint32 rewardRatePpm;
        uint32 penaltyRatePpm;
    }

    struct Outcome {
        uint256 imbalanceWh;
        /// @dev Positive: paid to the participant; negative: paid by it.
        int256 imbalanceAmount;
        uint256 reward;
        uint256 penalty;
    }

    function priced(uint256 energyWh, uint256 value, uint256 quantityWh, uint256 ratePpm, Math.Rounding rounding)
        internal
        pure
        returns (uint256)
    {
        return Math.mulDiv(energyWh * value, ratePpm, quantityWh * PPM, rounding);
    }

    /// @param isSeller the bid was a sell bid
    /// @param value Σ quantity × price of the period's trades (or the reference price)
    /// @param quantityWh Σ quantity of the period's trades (or 1 for the reference price)
    function settle(
        bool isSeller,
        uint256 declaredWh,
        uint256 awardedWh,
        uint256 actualWh,
        bool readingMissing,
        uint256 value,
        uint256 quantityWh,
        Rates memory rates
    ) internal pure returns (Outcome memory o) {
        if (readingMissing) {
            o.penalty = priced(declaredWh, value, quantityWh, rates.penaltyRatePpm, Math.Rounding.Ceil);
            return o;
        }
        o.imbalanceWh = awardedWh > actualWh ? awardedWh - actualWh : actualWh - awardedWh;
        bool gridSupplies = isSeller ? actualWh < awardedWh : actualWh > awardedWh;
        if (gridSupplies) {
            o.imbalanceAmount = -int256(priced(o.imbalanceWh, value, quantityWh, rates.shortfallFactorPpm, Math.Rounding.Ceil));
        } else {
            o.imbalanceAmount = int256(priced(o.imbalanceWh, value, quantityWh, rates.surplusFactorPpm, Math.Rounding.Floor));
        }
        uint256 consistentWh = declaredWh < actualWh ? declaredWh : actualWh;
        uint256 deviatingWh = declaredWh > actualWh ? declaredWh - actualWh : actualWh - declaredWh;
        o.reward = priced(consistentWh, value, quantityWh, rates.rewardRatePpm, Math.Rounding.Floor);
        o.penalty = priced(deviatingWh, value, quantityWh, rates.penaltyRatePpm, Math.Rounding.Ceil);
    }
}
