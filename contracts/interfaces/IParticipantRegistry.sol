// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";

/// @title What the market needs to know of the participant registry.
interface IParticipantRegistry is IAccessControl {
    /// @notice Producer sells, consumer buys, a prosumer does either (one side per period).
    enum Kind {
        Producer,
        Consumer,
        Prosumer
    }

    /// @notice A participant as the market sees it.
    struct Profile {
        address account;
        Kind kind;
        /// @dev Its production is green (wind, PV, small hydro).
        bool greenSupply;
        /// @dev As a buyer it prefers green energy (joins the green stage).
        bool greenPreference;
        bool authorised;
    }

    function OPERATOR_ROLE() external view returns (bytes32);
    function SETTLEMENT_AGENT_ROLE() external view returns (bytes32);
    function publicGrid() external view returns (address);
    function participantIdOf(address account) external view returns (uint32);
    function participantByAccount(address account) external view returns (uint32 participantId, Profile memory);
    function profile(uint32 participantId) external view returns (Profile memory);
    function participantOfMeter(address meter) external view returns (uint32);
}
