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

    /// @notice The operator role's identifier.
    function OPERATOR_ROLE() external view returns (bytes32);
    /// @notice The settlement agent role's identifier.
    function SETTLEMENT_AGENT_ROLE() external view returns (bytes32);
    /// @notice The public grid's account.
    function publicGrid() external view returns (address);
    /// @notice The participant id of `account`, 0 when not registered.
    function participantIdOf(address account) external view returns (uint32);
    /// @notice The id and profile of `account`.
    function participantByAccount(address account) external view returns (uint32 participantId, Profile memory);
    /// @notice What the market needs of a participant.
    function profile(uint32 participantId) external view returns (Profile memory);
    /// @notice The participant a meter reports for, 0 when unbound.
    function participantOfMeter(address meter) external view returns (uint32);
    /// @notice How many participants have registered (ids run from 1 to this).
    function participantCount() external view returns (uint32);
}
