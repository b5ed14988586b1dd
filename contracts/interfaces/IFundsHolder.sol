// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title A ledger that holds part of a participant's settlement tokens against what it may still owe.
/// @notice The token refuses a withdrawal that would leave an account with less than its holders hold.
interface IFundsHolder {
    /// @notice Base units `account` must keep for this ledger: margins, reservations and debts.
    function heldFor(address account) external view returns (uint256);
}
