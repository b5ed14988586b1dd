// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @notice What the market asks the grid company's maintenance plans at a reveal.
interface IMaintenancePlans {
    /// @notice The plan that keeps `unitId` from selling in `period`, or 0.
    function planCovering(uint32 unitId, uint256 period) external view returns (uint256 planId);
    /// @notice A plan that keeps `unitId` from selling in any period of `fromPeriod`..`toPeriod`, or 0.
    function planOverlapping(uint32 unitId, uint256 fromPeriod, uint256 toPeriod) external view returns (uint256 planId);
}
