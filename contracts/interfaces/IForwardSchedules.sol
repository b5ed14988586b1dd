// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @notice What the sealed-bid market asks the forward rights at a commit: one metered flow is settled once.
interface IForwardSchedules {
    /// @notice Whether `participantId` has a forward delivery scheduled in `period` (fixed before its commit window).
    function hasSchedule(uint32 participantId, uint256 period) external view returns (bool);
}
