// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title The trading period clock.
/// @notice Delivery period d (d ≥ 1) runs from genesis + (d−1)·P to genesis + d·P. Its bids are
/// committed in the first `commitSeconds` of the period before it, revealed in the next
/// `revealSeconds`, and cleared after that. Its meter readings are accepted from its end until
/// `readingSeconds` later; after that deadline a missing reading is settled as missing.
library PeriodClock {
    struct Schedule {
        uint64 genesis;
        uint32 periodSeconds;
        uint32 commitSeconds;
        uint32 revealSeconds;
        uint32 readingSeconds;
    }

    function start(Schedule memory s, uint256 period) internal pure returns (uint256) {
        return uint256(s.genesis) + (period - 1) * s.periodSeconds;
    }

    function commitOpens(Schedule memory s, uint256 period) internal pure returns (uint256) {
        return start(s, period) - s.periodSeconds;
    }

    function commitCloses(Schedule memory s, uint256 period) internal pure returns (uint256) {
        return commitOpens(s, period) + s.commitSeconds;
    }

    function revealCloses(Schedule memory s, uint256 period) internal pure returns (uint256) {
        return commitCloses(s, period) + s.revealSeconds;
    }

    function readingsOpen(Schedule memory s, uint256 period) internal pure returns (uint256) {
        return start(s, period) + s.periodSeconds;
    }

    function readingDeadline(Schedule memory s, uint256 period) internal pure returns (uint256) {
        return readingsOpen(s, period) + s.readingSeconds;
    }

    /// @notice The delivery period under way at `timestamp` (0 before genesis).
    function periodAt(Schedule memory s, uint256 timestamp) internal pure returns (uint256) {
        if (timestamp < s.genesis) return 0;
        return (timestamp - s.genesis) / s.periodSeconds + 1;
    }
}
