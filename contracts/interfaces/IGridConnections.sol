// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @notice What the market asks the grid company's connection register when it admits and clears trades.
interface IGridConnections {
    /// @notice Whether any wheeling fee or levy is configured; when not, the market asks nothing more.
    function feesActive() external view returns (bool);
    /// @notice The wheeling fee and levy a trade from `sellerId` to `buyerId` pays, base units per Wh.
    function chargesOf(uint32 sellerId, uint32 buyerId)
        external
        view
        returns (uint256 wheelingPerWh, uint256 levyPerWh);
    /// @notice The most a buy bid of `buyerId` may pay per Wh on top of its price, whoever sells.
    function buyerChargeCapPerWh(uint32 buyerId) external view returns (uint256);
}
