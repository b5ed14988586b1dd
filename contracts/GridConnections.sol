// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IParticipantRegistry} from "./interfaces/IParticipantRegistry.sol";
import {IGridConnections} from "./interfaces/IGridConnections.sol";

/// @title Grid connections: where each participant is connected and what the grid charges a trade.
/// @notice The grid company (the operator) registers each participant's voltage level and feeder,
/// the transmission-and-distribution (T&D) price of each voltage level, a same-level fee per level,
/// and the government levy per Wh. Under the 2017 rules for distributed-generation market trading a
/// direct trade pays the grid a wheeling fee: the T&D price at the buyer's level minus the T&D price at
/// the highest level the trade involves. Two parties at one level would pay nothing by that
/// difference, though the trade still uses that level's network, so a trade pays at least the
/// same-level fee of the highest level it involves:
///     wheeling = max(T&D[buyer] − T&D[top], sameLevelFee[top]),  top = the higher of the two levels
/// (the difference counts as 0 if the operator priced a higher level dearer). The buyer pays the
/// wheeling fee and the levy on top of the trade price, to the public grid's account; the market asks
/// this register when it admits a buy bid (the most the bid can owe per Wh) and when it clears.
/// Level ids rank voltage: a higher id is a higher voltage, checked against the nominal voltages.
///
/// Grid security: the operator hangs feeders on transformers and limits the energy a feeder or a
/// transformer may carry per period between parties it separates (a default per asset and per-period
/// overrides). A trade between two feeders loads both feeders, and both transformers when they
/// differ; counted gross, since a trade cannot depend on later ones. The market reserves each trade's
/// load here as it clears; a trade that would pass a limit is cut to the smallest headroom and the
/// bid on the bound side is void for the rest of the period (docs/decisions.md, "Grid security").
contract GridConnections is IGridConnections {
    struct Level {
        /// @dev 0: the level is not set.
        uint32 nominalVolts;
        uint64 transmissionPerWh;
        uint64 sameLevelFeePerWh;
        /// @dev The highest wheeling fee a buyer at this level can owe, whoever sells (kept for reveals).
        uint64 maxWheelingPerWh;
    }

    struct Connection {
        /// @dev 0: not connected (never assigned).
        uint8 level;
        /// @dev The feeder (or transformer) it hangs on; 0: not recorded.
        uint32 feeder;
    }

    /// @notice What a capacity limit applies to.
    enum Asset {
        Feeder,
        Transformer
    }

    /// @notice Which limit cut a trade, in the order limits are checked (the first of equal headroom binds).
    enum LimitKind {
        SellerFeeder,
        BuyerFeeder,
        SellerTransformer,
        BuyerTransformer
    }

    /// @notice A capacity limit: `limited` false means none; a limit of 0 Wh closes the asset to trades.
    struct Capacity {
        bool limited;
        uint64 capacityWh;
    }

    /// @notice A period's own limit of one asset, replacing its default when `set`.
    struct PeriodCapacity {
        bool set;
        bool limited;
        uint64 capacityWh;
    }

    uint256 public constant MAX_LEVELS = 8;
    /// @notice The largest rate accepted: 1,000 currency units per kWh, far beyond any tariff.
    uint256 public constant MAX_RATE_PER_WH = 1e18;

    event LevelSet(uint256 indexed level, uint256 nominalVolts, uint256 transmissionPerWh, uint256 sameLevelFeePerWh);
    event LevySet(uint256 levyPerWh);
    event ConnectionSet(uint32 indexed participantId, uint256 level, uint256 feeder);
    event FeederTransformerSet(uint32 indexed feeder, uint32 transformer);
    event CapacitySet(Asset indexed asset, uint32 indexed id, Capacity capacity);
    event PeriodCapacitySet(uint256 indexed period, Asset indexed asset, uint32 indexed id, PeriodCapacity capacity);
    /// @notice A trade of `market` was cut to `grantedWh` by the limit `limitId` of kind `limit`.
    event CapacityCut(
        address indexed market,
        uint256 indexed period,
        uint32 indexed sellerId,
        uint32 buyerId,
        LimitKind limit,
        uint32 limitId,
        uint256 grantedWh
    );

    error GridNotOperator(address account);
    error GridLevelInvalid(uint256 level);
    error GridVoltageOutOfOrder(uint256 level, uint256 nominalVolts);
    error GridRateOutOfRange(string name, uint256 value);
    error GridParticipantUnknown(uint32 participantId);
    error GridLevelNotSet(uint256 level);
    error GridFeederInvalid(uint256 feeder);
    error GridTransformerInvalid(uint256 transformer);
    error GridPeriodInvalid(uint256 period);
    /// @notice Wheeling fees are configured and the buyer has no voltage level: its fee is unknown.
    error GridNotConnected(uint32 participantId);

    IParticipantRegistry public immutable registry;
    mapping(uint256 level => Level) private _levels;
    mapping(uint32 participantId => Connection) private _connections;
    /// @notice Government funds and surcharges per Wh traded, base units.
    uint64 public levyPerWh;
    /// @notice Some level charges a wheeling fee.
    bool public wheelingActive;
    bool public override feesActive;
    /// @notice How many default limits and period overrides are set; 0: the market reserves nothing.
    uint32 public capacitySettings;
    mapping(uint32 feeder => uint32 transformer) private _transformers;
    mapping(uint256 assetKey => Capacity) private _capacities;
    mapping(uint256 period => mapping(uint256 assetKey => PeriodCapacity)) private _periodCapacities;
    /// @dev Keyed by the caller, so only the market's own reservations weigh on its trades.
    mapping(address market => mapping(uint256 period => mapping(uint256 assetKey => uint256))) private _usedWh;

    constructor(IParticipantRegistry registry_) {
        registry = registry_;
    }

    // ------------------------------------------------------------------ operator

    /// @notice Sets voltage level `level` (1..MAX_LEVELS): its nominal voltage, T&D price and same-level fee.
    /// @dev Requires the operator role. A set level's nominal voltage lies strictly between those of
    /// the set levels below and above it. Applies to trades cleared from this block on. Emits LevelSet.
    function setLevel(uint256 level, uint256 nominalVolts, uint256 transmissionPerWh, uint256 sameLevelFeePerWh)
        external
    {
        _requireOperator();
        if (level == 0 || level > MAX_LEVELS) revert GridLevelInvalid(level);
        if (nominalVolts == 0 || nominalVolts > type(uint32).max) revert GridVoltageOutOfOrder(level, nominalVolts);
        for (uint256 other = 1; other <= MAX_LEVELS; other++) {
            uint256 volts = _levels[other].nominalVolts;
            if (volts == 0 || other == level) continue;
            if (other < level ? volts >= nominalVolts : volts <= nominalVolts) {
                revert GridVoltageOutOfOrder(level, nominalVolts);
            }
        }
        _checkRate("transmissionPerWh", transmissionPerWh);
        _checkRate("sameLevelFeePerWh", sameLevelFeePerWh);
        Level storage l = _levels[level];
        l.nominalVolts = uint32(nominalVolts);
        l.transmissionPerWh = uint64(transmissionPerWh);
        l.sameLevelFeePerWh = uint64(sameLevelFeePerWh);
        _refresh();
        emit LevelSet(level, nominalVolts, transmissionPerWh, sameLevelFeePerWh);
    }

    /// @notice Sets the levy (government funds and surcharges) per Wh. Requires the operator role. Emits LevySet.
    function setLevy(uint256 levyPerWh_) external {
        _requireOperator();
        _checkRate("levyPerWh", levyPerWh_);
        levyPerWh = uint64(levyPerWh_);
        _refresh();
        emit LevySet(levyPerWh_);
    }

    /// @notice Connects participant `participantId` at voltage level `level` (a set one) on feeder `feeder`.
    /// @dev Requires the operator role. Emits ConnectionSet.
    function setConnection(uint32 participantId, uint256 level, uint256 feeder) external {
        _requireOperator();
        if (participantId == 0 || participantId > registry.participantCount()) {
            revert GridParticipantUnknown(participantId);
        }
        if (level == 0 || level > MAX_LEVELS) revert GridLevelInvalid(level);
        if (_levels[level].nominalVolts == 0) revert GridLevelNotSet(level);
        if (feeder > type(uint32).max) revert GridFeederInvalid(feeder);
        _connections[participantId] = Connection(uint8(level), uint32(feeder));
        emit ConnectionSet(participantId, level, feeder);
    }

    /// @notice Hangs feeder `feeder` (≥ 1) on transformer `transformer` (0: none recorded).
    /// @dev Requires the operator role. Emits FeederTransformerSet.
    function setFeederTransformer(uint32 feeder, uint32 transformer) external {
        _requireOperator();
        if (feeder == 0) revert GridFeederInvalid(feeder);
        _transformers[feeder] = transformer;
        emit FeederTransformerSet(feeder, transformer);
    }

    /// @notice Sets the default capacity limit of a feeder or transformer (id ≥ 1), in Wh per period.
    /// @dev Requires the operator role. Applies to trades cleared from this block on. Emits CapacitySet.
    function setCapacity(Asset asset, uint32 id, Capacity calldata capacity) external {
        _requireOperator();
        uint256 key = _assetKey(asset, id);
        if (capacity.limited != _capacities[key].limited) _countSetting(capacity.limited);
        _capacities[key] = capacity;
        emit CapacitySet(asset, id, capacity);
    }

    /// @notice Gives an asset its own limit in `period` (`capacity.set`), or returns it to its default.
    /// @dev Requires the operator role. Set it before the period clears. Emits PeriodCapacitySet.
    function setPeriodCapacity(uint256 period, Asset asset, uint32 id, PeriodCapacity calldata capacity) external {
        _requireOperator();
        if (period == 0 || period > type(uint24).max) revert GridPeriodInvalid(period);
        uint256 key = _assetKey(asset, id);
        if (capacity.set != _periodCapacities[period][key].set) _countSetting(capacity.set);
        _periodCapacities[period][key] = capacity;
        emit PeriodCapacitySet(period, asset, id, capacity);
    }

    // ------------------------------------------------------------------ market

    /// @inheritdoc IGridConnections
    /// @dev A party without a level counts as at the other's level; neither has one: no wheeling fee.
    function chargesOf(uint32 sellerId, uint32 buyerId)
        external
        view
        override
        returns (uint256 wheelingPerWh, uint256 levy)
    {
        uint256 sellerLevel = _connections[sellerId].level;
        uint256 buyerLevel = _connections[buyerId].level;
        if (sellerLevel == 0) sellerLevel = buyerLevel;
        if (buyerLevel == 0) buyerLevel = sellerLevel;
        if (buyerLevel != 0) wheelingPerWh = _wheeling(_levels[sellerLevel], _levels[buyerLevel], sellerLevel > buyerLevel);
        levy = levyPerWh;
    }

    /// @inheritdoc IGridConnections
    /// @dev Refuses (GridNotConnected) a buyer without a level while any level charges a wheeling fee.
    function buyerChargeCapPerWh(uint32 buyerId) external view override returns (uint256) {
        uint256 level = _connections[buyerId].level;
        if (level == 0) {
            if (wheelingActive) revert GridNotConnected(buyerId);
            return levyPerWh;
        }
        return uint256(_levels[level].maxWheelingPerWh) + levyPerWh;
    }

    /// @inheritdoc IGridConnections
    function features() external view override returns (bool fees, bool capacity) {
        return (feesActive, capacitySettings != 0);
    }

    /// @notice Any feeder or transformer limit or period override is set.
    function capacityActive() external view returns (bool) {
        return capacitySettings != 0;
    }

    /// @inheritdoc IGridConnections
    /// @dev Loads, in LimitKind order: the seller's feeder and the buyer's feeder when they differ,
    /// the seller's transformer and the buyer's transformer when those differ (0: none, loads nothing).
    /// Only limited assets keep a count. Anyone may call: the count is the caller's own.
    function reserveCapacity(uint256 period, uint32 sellerId, uint32 buyerId, uint256 quantityWh)
        external
        override
        returns (uint256 grantedWh, uint256 voided)
    {
        grantedWh = quantityWh;
        uint32[4] memory ids;
        ids[0] = _connections[sellerId].feeder;
        ids[1] = _connections[buyerId].feeder;
        if (ids[0] == ids[1]) return (grantedWh, 0);
        ids[2] = _transformers[ids[0]];
        ids[3] = _transformers[ids[1]];
        if (ids[2] == ids[3]) (ids[2], ids[3]) = (0, 0);
        uint256[4] memory keys;
        uint256 binding = 4;
        mapping(uint256 => uint256) storage used = _usedWh[msg.sender][period];
        for (uint256 i = 0; i < 4; i++) {
            if (ids[i] == 0) continue;
            uint256 key = _assetKey(i < 2 ? Asset.Feeder : Asset.Transformer, ids[i]);
            (bool limited, uint256 capacityWh) = _capacityOf(period, key);
            if (!limited) continue;
            keys[i] = key;
            uint256 usedWh = used[key];
            uint256 headroom = capacityWh > usedWh ? capacityWh - usedWh : 0;
            if (headroom < grantedWh) {
                grantedWh = headroom;
                binding = i;
            }
        }
        if (grantedWh > 0) {
            for (uint256 i = 0; i < 4; i++) {
                if (keys[i] != 0) used[keys[i]] += grantedWh;
            }
        }
        if (binding < 4) {
            emit CapacityCut(msg.sender, period, sellerId, buyerId, LimitKind(binding), ids[binding], grantedWh);
            voided = binding % 2 == 0 ? 1 : 2;
        }
    }

    // ------------------------------------------------------------------ views

    function transformerOf(uint32 feeder) external view returns (uint32) {
        return _transformers[feeder];
    }

    /// @notice The default limit of an asset.
    function capacityOf(Asset asset, uint32 id) external view returns (Capacity memory) {
        return _capacities[_assetKey(asset, id)];
    }

    /// @notice A period's own limit of an asset (unset: its default applies).
    function periodCapacityOf(uint256 period, Asset asset, uint32 id) external view returns (PeriodCapacity memory) {
        return _periodCapacities[period][_assetKey(asset, id)];
    }

    /// @notice The limit of an asset in force for `period`, and what `market` has reserved of it there.
    function capacityInPeriod(address market, uint256 period, Asset asset, uint32 id)
        external
        view
        returns (bool limited, uint256 capacityWh, uint256 usedWh)
    {
        uint256 key = _assetKey(asset, id);
        (limited, capacityWh) = _capacityOf(period, key);
        usedWh = _usedWh[market][period][key];
    }

    /// @notice The wheeling fee per Wh of a trade from a seller at `sellerLevel` to a buyer at `buyerLevel` (both set).
    function wheelingFeePerWh(uint256 sellerLevel, uint256 buyerLevel) external view returns (uint256) {
        for (uint256 i = 0; i < 2; i++) {
            uint256 level = i == 0 ? sellerLevel : buyerLevel;
            if (level == 0 || level > MAX_LEVELS) revert GridLevelInvalid(level);
            if (_levels[level].nominalVolts == 0) revert GridLevelNotSet(level);
        }
        return _wheeling(_levels[sellerLevel], _levels[buyerLevel], sellerLevel > buyerLevel);
    }

    function levelOf(uint256 level) external view returns (Level memory) {
        return _levels[level];
    }

    function connectionOf(uint32 participantId) external view returns (Connection memory) {
        return _connections[participantId];
    }

    // ------------------------------------------------------------------ internals

    /// @dev max(T&D[buyer] − T&D[top], sameLevelFee[top]); `sellerHigher`: the seller's level is the top.
    function _wheeling(Level memory seller, Level memory buyer, bool sellerHigher) private pure returns (uint256) {
        Level memory top = sellerHigher ? seller : buyer;
        uint256 difference =
            buyer.transmissionPerWh > top.transmissionPerWh ? buyer.transmissionPerWh - top.transmissionPerWh : 0;
        return difference > top.sameLevelFeePerWh ? difference : top.sameLevelFeePerWh;
    }

    /// @dev Recomputes each level's highest wheeling fee and whether any fee is configured.
    function _refresh() private {
        Level[MAX_LEVELS + 1] memory levels;
        for (uint256 i = 1; i <= MAX_LEVELS; i++) {
            levels[i] = _levels[i];
        }
        bool wheeling;
        for (uint256 b = 1; b <= MAX_LEVELS; b++) {
            if (levels[b].nominalVolts == 0) continue;
            uint256 highest;
            for (uint256 s = 1; s <= MAX_LEVELS; s++) {
                if (levels[s].nominalVolts == 0) continue;
                uint256 fee = _wheeling(levels[s], levels[b], s > b);
                if (fee > highest) highest = fee;
            }
            if (highest != levels[b].maxWheelingPerWh) _levels[b].maxWheelingPerWh = uint64(highest);
            if (highest > 0) wheeling = true;
        }
        wheelingActive = wheeling;
        feesActive = wheeling || levyPerWh > 0;
    }

    function _capacityOf(uint256 period, uint256 key) private view returns (bool limited, uint256 capacityWh) {
        PeriodCapacity memory own = _periodCapacities[period][key];
        if (own.set) return (own.limited, own.capacityWh);
        Capacity memory base = _capacities[key];
        return (base.limited, base.capacityWh);
    }

    /// @dev Refuses id 0 (a feeder 0 is "not recorded", a transformer 0 "none").
    function _assetKey(Asset asset, uint32 id) private pure returns (uint256) {
        if (id == 0) {
            if (asset == Asset.Feeder) revert GridFeederInvalid(id);
            revert GridTransformerInvalid(id);
        }
        return (uint256(asset) << 32) | id;
    }

    function _countSetting(bool added) private {
        if (added) capacitySettings++;
        else capacitySettings--;
    }

    function _checkRate(string memory name, uint256 value) private pure {
        if (value > MAX_RATE_PER_WH) revert GridRateOutOfRange(name, value);
    }

    function _requireOperator() private view {
        if (!registry.hasRole(registry.OPERATOR_ROLE(), msg.sender)) revert GridNotOperator(msg.sender);
    }
}
