// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC5267} from "@openzeppelin/contracts/interfaces/IERC5267.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {MessageHashUtils} from "@openzeppelin/contracts/utils/cryptography/MessageHashUtils.sol";
import {IParticipantRegistry} from "../interfaces/IParticipantRegistry.sol";

/// @title Meter readings taken beside the sealed-bid market: the continuous market's and the forward
/// rights' positions are settled against the same signed readings.
/// @notice A meter signs one EIP-712 `Reading` per period under the sealed-bid market's domain; a
/// contract settling other positions verifies that signature under that domain and applies the same
/// acceptance rules: the bound meter only, from the period's end to its reading deadline, once per
/// period and in period order per meter.
library MeterReadings {
    /// @notice EIP-712 type of a meter's signed reading: the sealed-bid market's.
    bytes32 internal constant READING_TYPEHASH = keccak256(
        "Reading(address meter,uint32 participantId,uint256 period,uint256 importWh,uint256 exportWh)"
    );
    uint256 internal constant MAX_WH = type(uint48).max;

    struct SignedReading {
        address meter;
        uint32 participantId;
        uint256 period;
        uint256 importWh;
        uint256 exportWh;
        bytes signature;
    }

    error ReadingMeterNotBound(address meter);
    error ReadingWrongParticipant(address meter, uint32 claimedId, uint32 boundId);
    error ReadingTooEarly(uint256 period, uint256 opensAt, uint256 now);
    error ReadingWindowClosed(uint256 period, uint256 closedAt, uint256 now);
    error ReadingAlreadyReported(address meter, uint256 period, uint256 lastReportedPeriod);
    error ReadingOutOfRange(uint256 importWh, uint256 exportWh);
    error ReadingInvalidSignature(address meter);

    /// @notice The EIP-712 domain separator of `market` (ERC-5267 describes it).
    function domainOf(IERC5267 market) internal view returns (bytes32) {
        (, string memory name, string memory version, uint256 chainId, address verifyingContract,,) =
            market.eip712Domain();
        return keccak256(
            abi.encode(
                keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"),
                keccak256(bytes(name)),
                keccak256(bytes(version)),
                chainId,
                verifyingContract
            )
        );
    }

    /// @dev Reverts ReadingInvalidSignature unless its meter signed this reading under `domain`.
    function verify(bytes32 domain, SignedReading calldata r) internal view {
        bytes32 digest = MessageHashUtils.toTypedDataHash(
            domain, keccak256(abi.encode(READING_TYPEHASH, r.meter, r.participantId, r.period, r.importWh, r.exportWh))
        );
        if (!SignatureChecker.isValidSignatureNow(r.meter, digest, r.signature)) revert ReadingInvalidSignature(r.meter);
    }

    /// @dev Checks who reads, the amounts and the window (`deadline` − `readingSeconds` to `deadline`),
    /// and records `period` as the meter's last.
    function accept(
        mapping(address meter => uint256) storage lastReadingPeriod,
        IParticipantRegistry registry,
        address meter,
        uint32 participantId,
        uint256 period,
        uint256 importWh,
        uint256 exportWh,
        uint256 deadline,
        uint256 readingSeconds
    ) internal {
        uint32 bound = registry.participantOfMeter(meter);
        if (bound == 0) revert ReadingMeterNotBound(meter);
        if (bound != participantId) revert ReadingWrongParticipant(meter, participantId, bound);
        if (importWh > MAX_WH || exportWh > MAX_WH) revert ReadingOutOfRange(importWh, exportWh);
        uint256 opensAt = deadline - readingSeconds;
        if (block.timestamp < opensAt) revert ReadingTooEarly(period, opensAt, block.timestamp);
        if (block.timestamp >= deadline) revert ReadingWindowClosed(period, deadline, block.timestamp);
        uint256 last = lastReadingPeriod[meter];
        if (period <= last) revert ReadingAlreadyReported(meter, period, last);
        lastReadingPeriod[meter] = period;
    }

    /// @dev As the sealed-bid market counts it: the energy that flowed in a position's direction
    /// (out for a seller); flow the other way counts as none.
    function inDirection(bool outward, uint256 importWh, uint256 exportWh) internal pure returns (uint256) {
        (uint256 along, uint256 against) = outward ? (exportWh, importWh) : (importWh, exportWh);
        return along > against ? along - against : 0;
    }
}
