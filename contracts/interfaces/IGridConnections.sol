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
    /// @notice Whether any wheeling fee or levy (`fees`) and any feeder or transformer capacity limit
    /// (`capacity`) is configured, in one call: the market asks once per reveal or clearing transaction.
    function features() external view returns (bool fees, bool capacity);
    /// @notice Reserves the caller's (the market's) capacity for a trade of `quantityWh` in `period`:
    /// grants it in full, or cut to the smallest headroom of the limits it loads.
    /// @return grantedWh What the trade may carry.
    /// @return voided 0: no cut; 1: a limit on the seller's side bound (void the rest of its bid); 2: the buyer's side.
    function reserveCapacity(uint256 period, uint32 sellerId, uint32 buyerId, uint256 quantityWh)
        external
        returns (uint256 grantedWh, uint256 voided);
}
