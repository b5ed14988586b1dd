// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title A participant's delivery reputation; the same arithmetic as the market core's reputation.ts.
/// @notice Scores and accuracies are parts per million (0 to 1,000,000). After each settled
/// participant-period the score moves toward that period's accuracy by the weight w (ppm):
/// score' = floor((score × (10⁶ − w) + accuracy × w) / 10⁶), so a period k settlements back counts
/// (1 − w)^k as much as the last. Accuracy: how far the actual energy fell outside the range from the
/// award to the declared quantity, as a share of the declared quantity (rounded against the
/// participant); a missing reading scores 0.
library ReputationMath {
    uint256 internal constant PPM = 1_000_000;
    /// @notice The score of a participant with no settled period yet.
    uint256 internal constant START_PPM = 900_000;

    /// @notice What the market keeps of a participant's delivery record: one storage word.
    struct Record {
        uint32 scorePpm;
        /// @dev Participant-periods scored so far (0: a newcomer, whose score is START_PPM).
        uint32 scoredPeriods;
        uint32 missedReadings;
        /// @dev The period of the last scored settlement.
        uint24 lastPeriod;
    }

    /// @notice Writes `r` into its storage word with one SSTORE (see BidSlots.write for why).
    function write(Record storage slot, Record memory r) internal {
        uint256 word = uint256(r.scorePpm) | (uint256(r.scoredPeriods) << 32) | (uint256(r.missedReadings) << 64)
            | (uint256(r.lastPeriod) << 96);
        assembly ("memory-safe") {
            sstore(slot.slot, word)
        }
    }

    function scoreOf(Record memory r) internal pure returns (uint256) {
        return r.scoredPeriods == 0 ? START_PPM : r.scorePpm;
    }

    function accuracyPpm(uint256 declaredWh, uint256 awardedWh, uint256 actualWh, bool readingMissing)
        internal
        pure
        returns (uint256)
    {
        if (readingMissing) return 0;
        uint256 outsideWh = actualWh < awardedWh ? awardedWh - actualWh : actualWh > declaredWh ? actualWh - declaredWh : 0;
        if (outsideWh >= declaredWh) return 0;
        // Quantities are under 2^48 Wh and declaredWh > outsideWh: nothing overflows or underflows.
        unchecked {
            return PPM - (outsideWh * PPM + declaredWh - 1) / declaredWh;
        }
    }

    function aged(uint256 scorePpm, uint256 accuracy, uint256 weightPpm) internal pure returns (uint256) {
        // Scores, accuracies and the weight are at most PPM (the market refuses a larger weight).
        unchecked {
            return (scorePpm * (PPM - weightPpm) + accuracy * weightPpm) / PPM;
        }
    }

    /// @notice The margin of a bid whose participant scored `scorePpm`: from the base (a perfect
    /// score) to twice it (a score of 0), rounded up.
    function margin(uint256 base, uint256 scorePpm) internal pure returns (uint256) {
        // base < 2^128 and scorePpm ≤ PPM (only scores the market computed are carried).
        unchecked {
            return (base * (2 * PPM - scorePpm) + PPM - 1) / PPM;
        }
    }
}
