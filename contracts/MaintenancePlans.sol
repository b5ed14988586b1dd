// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IParticipantRegistry} from "./interfaces/IParticipantRegistry.sol";
import {IMaintenancePlans} from "./interfaces/IMaintenancePlans.sol";
import {PeriodClock} from "./libraries/PeriodClock.sol";

/// @title Maintenance plans: the grid company's published outage windows of generating units.
/// @notice The operator (the grid company) publishes that a unit — a producer or prosumer — is under
/// maintenance from one delivery period to another, with a reference to its work order. A unit may
/// not sell in those periods: the market refuses its sell bids at the reveal. A window is published
/// before bidding for its first period opens (from the period after next), so no bid already
/// committed is broken; it may be cancelled, which frees the unit from then on.
contract MaintenancePlans is IMaintenancePlans {
    struct Plan {
        uint32 unitId;
        uint24 fromPeriod;
        uint24 toPeriod;
        bool cancelled;
        bytes32 workOrder;
    }

    /// @notice The longest window, in periods (30 days of 15-minute periods).
    uint256 public constant MAX_WINDOW_PERIODS = 2880;
    /// @notice Windows a unit may have that have not ended, so a reveal's check stays cheap.
    uint256 public constant MAX_LIVE_PLANS_PER_UNIT = 16;

    event MaintenancePublished(
        uint256 indexed planId, uint32 indexed unitId, uint256 fromPeriod, uint256 toPeriod, bytes32 workOrder
    );
    event MaintenanceCancelled(uint256 indexed planId, uint32 indexed unitId);

    error MaintenanceNotOperator(address account);
    error MaintenanceUnitInvalid(uint32 unitId);
    error MaintenanceWindowInvalid(uint256 fromPeriod, uint256 toPeriod);
    error MaintenanceTooLate(uint256 fromPeriod, uint256 earliestPeriod);
    error MaintenanceTooManyPlans(uint32 unitId, uint256 live);
    error MaintenancePlanUnknown(uint256 planId);
    error MaintenancePlanCancelled(uint256 planId);

    IParticipantRegistry public immutable registry;
    /// @dev The market's period clock (the market is deployed after the plans, which it consults).
    uint64 public immutable genesis;
    uint32 public immutable periodSeconds;

    Plan[] private _plans;
    /// @dev Plan ids of each unit whose window has not ended (ended ones are dropped on the next publish).
    mapping(uint32 unitId => uint256[]) private _live;

    constructor(IParticipantRegistry registry_, uint64 genesis_, uint32 periodSeconds_) {
        registry = registry_;
        genesis = genesis_;
        periodSeconds = periodSeconds_;
    }

    /// @notice The delivery period under way now, as the market counts it (0 before genesis).
    function currentPeriod() public view returns (uint256) {
        return PeriodClock.periodAt(PeriodClock.Schedule(genesis, periodSeconds, 0, 0, 0), block.timestamp);
    }

    /// @notice Publishes that `unitId` is under maintenance from `fromPeriod` to `toPeriod` inclusive.
    /// @dev Requires the operator role; the unit must be a registered producer or prosumer. `fromPeriod`
    /// must be at least the period after next; a window spans at most MAX_WINDOW_PERIODS.
    /// @return planId from 1
    function publish(uint32 unitId, uint256 fromPeriod, uint256 toPeriod, bytes32 workOrder)
        external
        returns (uint256 planId)
    {
        _requireOperator();
        if (unitId == 0 || unitId > registry.participantCount()) revert MaintenanceUnitInvalid(unitId);
        // A consumer has no generating unit to maintain.
        if (registry.profile(unitId).kind == IParticipantRegistry.Kind.Consumer) revert MaintenanceUnitInvalid(unitId);
        if (
            fromPeriod == 0 || toPeriod < fromPeriod || toPeriod - fromPeriod >= MAX_WINDOW_PERIODS
                || toPeriod > type(uint24).max
        ) {
            revert MaintenanceWindowInvalid(fromPeriod, toPeriod);
        }
        uint256 current = currentPeriod();
        if (fromPeriod < current + 2) revert MaintenanceTooLate(fromPeriod, current + 2);
        uint256[] storage live = _live[unitId];
        for (uint256 i = live.length; i > 0; i--) {
            if (_plans[live[i - 1] - 1].toPeriod < current) {
                live[i - 1] = live[live.length - 1];
                live.pop();
            }
        }
        if (live.length >= MAX_LIVE_PLANS_PER_UNIT) revert MaintenanceTooManyPlans(unitId, live.length);
        _plans.push(Plan(unitId, uint24(fromPeriod), uint24(toPeriod), false, workOrder));
        planId = _plans.length;
        live.push(planId);
        emit MaintenancePublished(planId, unitId, fromPeriod, toPeriod, workOrder);
    }

    /// @notice Cancels a plan: the unit may sell again in its periods not yet bid for. Requires the operator role.
    function cancel(uint256 planId) external {
        _requireOperator();
        Plan storage p = _plan(planId);
        if (p.cancelled) revert MaintenancePlanCancelled(planId);
        p.cancelled = true;
        emit MaintenanceCancelled(planId, p.unitId);
    }

    /// @notice The plan that keeps `unitId` from selling in `period`, or 0.
    function planCovering(uint32 unitId, uint256 period) public view override returns (uint256 planId) {
        uint256[] storage live = _live[unitId];
        for (uint256 i = 0; i < live.length; i++) {
            Plan storage p = _plans[live[i] - 1];
            if (!p.cancelled && p.fromPeriod <= period && period <= p.toPeriod) return live[i];
        }
        return 0;
    }

    /// @notice A plan that keeps `unitId` from selling in any period of `fromPeriod`..`toPeriod`, or 0.
    function planOverlapping(uint32 unitId, uint256 fromPeriod, uint256 toPeriod)
        external
        view
        override
        returns (uint256 planId)
    {
        uint256[] storage live = _live[unitId];
        for (uint256 i = 0; i < live.length; i++) {
            Plan storage p = _plans[live[i] - 1];
            if (!p.cancelled && p.fromPeriod <= toPeriod && fromPeriod <= p.toPeriod) return live[i];
        }
        return 0;
    }

    function underMaintenance(uint32 unitId, uint256 period) external view returns (bool) {
        return planCovering(unitId, period) != 0;
    }

    function plan(uint256 planId) external view returns (Plan memory) {
        return _plan(planId);
    }

    function planCount() external view returns (uint256) {
        return _plans.length;
    }

    function _plan(uint256 planId) private view returns (Plan storage) {
        if (planId == 0 || planId > _plans.length) revert MaintenancePlanUnknown(planId);
        return _plans[planId - 1];
    }

    function _requireOperator() private view {
        if (!registry.hasRole(registry.OPERATOR_ROLE(), msg.sender)) revert MaintenanceNotOperator(msg.sender);
    }
}
