// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {SettlementToken} from "../SettlementToken.sol";

/// @title Settlement payments between a participant and the public grid, for both markets.
/// @notice The grid pays from its float (refused when short); a participant pays what its balance
/// holds and the caller records the rest as its debt.
library GridPayments {
    error SettlementGridFloatInsufficient(uint256 balance, uint256 needed);

    /// @dev Pays a signed amount (positive: to the participant, negative: by it).
    /// @return unpaid what the participant owed beyond its balance
    function pay(
        SettlementToken token,
        address account,
        address grid,
        int256 amount,
        SettlementToken.Reason reason,
        uint256 period
    ) internal returns (uint256 unpaid) {
        if (amount > 0) {
            uint256 due = uint256(amount);
            uint256 float = token.balanceOf(grid);
            if (float < due) revert SettlementGridFloatInsufficient(float, due);
            token.move(grid, account, due, reason, period);
        } else if (amount < 0) {
            uint256 owed = uint256(-amount);
            uint256 balance = token.balanceOf(account);
            uint256 paid = owed < balance ? owed : balance;
            if (paid > 0) token.move(account, grid, paid, reason, period);
            unpaid = owed - paid;
        }
    }

    /// @dev Pays a trade's wheeling fee and levy from its buyer to the grid (each only when due); the
    /// caller checked that the buyer can pay them with the trade.
    function payCharges(
        SettlementToken token,
        address buyer,
        address grid,
        uint256 quantityWh,
        uint256 wheelingPerWh,
        uint256 levyPerWh,
        uint256 period
    ) internal {
        if (wheelingPerWh > 0) {
            token.move(buyer, grid, quantityWh * wheelingPerWh, SettlementToken.Reason.WheelingFee, period);
        }
        if (levyPerWh > 0) token.move(buyer, grid, quantityWh * levyPerWh, SettlementToken.Reason.Levy, period);
    }
}
