// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title What the forward rights ask the continuous market: who has traded there, up to when.
interface IContinuousTrading {
    /// @notice The latest period in which the participant placed an order (0: none).
    function lastOrderPeriodOf(uint32 participantId) external view returns (uint256);
}
