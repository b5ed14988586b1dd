// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title One participant's bid in one period, packed in one storage word.
/// @notice Each participant has a ring of four such words (period mod 4): a bid for period d is
/// committed while d−1 delivers and d−2 settles, so four periods at most are ever in flight, and
/// reusing a word costs 5 k gas where a fresh one costs 22 k.
library BidSlots {
    uint8 internal constant COMMITTED = 1;
    uint8 internal constant REVEALED = 2;
    uint8 internal constant SELL = 4;
    uint8 internal constant GREEN = 8;
    uint8 internal constant VOIDED = 16;
    uint8 internal constant READ = 32;
    uint8 internal constant SETTLED = 64;
    /// @dev Committed while reputation was on: the bid carries its participant's score (see EnergyMarket._commit).
    uint8 internal constant REPUTED = 128;

    struct Bid {
        uint24 period;
        uint8 flags;
        uint48 quantityWh;
        uint80 pricePerWh;
        uint48 awardedWh;
        uint48 actualWh;
    }

    /// @notice Writes `bid` into its storage word with one SSTORE. The compiler's member-by-member copy
    /// of a memory struct into storage is not always folded into one write (seen: five writes of the
    /// same word per commit once the contract grew), which costs every commit, reveal, trade and reading.
    function write(Bid storage slot, Bid memory bid) internal {
        uint256 word = uint256(bid.period) | (uint256(bid.flags) << 24) | (uint256(bid.quantityWh) << 32)
            | (uint256(bid.pricePerWh) << 80) | (uint256(bid.awardedWh) << 160) | (uint256(bid.actualWh) << 208);
        assembly ("memory-safe") {
            sstore(slot.slot, word)
        }
    }

    function has(Bid memory bid, uint8 flag) internal pure returns (bool) {
        return bid.flags & flag != 0;
    }

    /// @notice What is still to be matched: nothing once the buyer's budget cut voided it.
    function remaining(Bid memory bid) internal pure returns (uint256) {
        return has(bid, VOIDED) ? 0 : uint256(bid.quantityWh) - bid.awardedWh;
    }

    /// @notice The slot key of participant `id` for `period`.
    function key(uint32 id, uint256 period) internal pure returns (uint256) {
        return (uint256(id) << 2) | (period & 3);
    }

    /// @notice Tie-break at equal price and equal reputation: a per-period rotation that no bidder can choose.
    function rank(uint256 period, uint32 id) internal pure returns (uint256) {
        return uint256(keccak256(abi.encodePacked(uint32(period), id)));
    }
}
