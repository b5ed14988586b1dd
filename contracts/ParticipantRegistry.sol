// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {IParticipantRegistry} from "./interfaces/IParticipantRegistry.sol";

/// @title Participants, roles and meters of the market.
/// @notice Anyone registers (directly or by a signed message a relayer submits); the operator
/// authorises a participant before it can bid, may revoke that, and binds each participant's smart
/// meter (its own account and its DL/T 645 address). Roles: the default admin, the operator, the
/// settlement agent; the public grid is one named account.
contract ParticipantRegistry is AccessControl, EIP712, IParticipantRegistry {
    /// @notice Authorises participants, binds meters, sets market parameters.
    bytes32 public constant override OPERATOR_ROLE = keccak256("OPERATOR_ROLE");
    /// @notice Mints against fiat deposits and executes withdrawals.
    bytes32 public constant override SETTLEMENT_AGENT_ROLE = keccak256("SETTLEMENT_AGENT_ROLE");
    /// @notice EIP-712 type of a signed registration.
    bytes32 public constant REGISTRATION_TYPEHASH =
        keccak256("Registration(address account,string name,uint8 kind,bool greenSupply,bool greenPreference)");

    struct Participant {
        Profile profile;
        string name;
        address meter;
        /// @dev The meter's DL/T 645 address: 12 BCD digits.
        bytes6 meterNumber;
    }

    event ParticipantRegistered(
        uint32 indexed participantId, address indexed account, string name, Kind kind, bool greenSupply, bool greenPreference
    );
    event ParticipantAuthorised(uint32 indexed participantId, address indexed operator);
    event ParticipantRevoked(uint32 indexed participantId, address indexed operator);
    event MeterBound(uint32 indexed participantId, address indexed meter, bytes6 meterNumber);
    event MeterUnbound(uint32 indexed participantId, address indexed meter);
    event PublicGridSet(address indexed account);

    error RegistryAlreadyRegistered(address account, uint32 participantId);
    error RegistryUnknownParticipant(uint32 participantId);
    error RegistryNameInvalid(uint256 length);
    /// @notice A producer has no buying preference, a consumer no green supply.
    error RegistryGreenFlagInvalid(Kind kind);
    error RegistryInvalidSignature(address account);
    error RegistryZeroAddress();
    error RegistryMeterAlreadyBound(address meter, uint32 participantId);
    error RegistryParticipantHasMeter(uint32 participantId, address meter);
    error RegistryNoMeter(uint32 participantId);
    error RegistryMeterNumberInvalid(bytes6 meterNumber);
    /// @notice The public grid and the settlement roles stay out of the market as bidders.
    error RegistryReservedAccount(address account);
    error RegistryBatchLengthMismatch(uint256 participantIds, uint256 meters, uint256 meterNumbers);

    Participant[] private _participants;
    mapping(address account => uint32) private _idOf;
    mapping(address meter => uint32) private _participantOfMeter;
    /// @notice The public grid's account: the counterparty of every imbalance and incentive.
    address public override publicGrid;

    constructor(address admin) EIP712("WattLedger Registry", "1") {
        if (admin == address(0)) revert RegistryZeroAddress();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(OPERATOR_ROLE, admin);
    }

    /// @notice Registers the caller as a participant.
    /// @param name a display name, 1–64 bytes
    /// @param kind producer, consumer or prosumer
    /// @param greenSupply its production is green (producer or prosumer)
    /// @param greenPreference it prefers green energy when buying (consumer or prosumer)
    /// @return participantId the new participant's id, from 1
    /// @dev Emits ParticipantRegistered. Reverts when already registered or the flags do not fit the kind.
    function register(string calldata name, Kind kind, bool greenSupply, bool greenPreference)
        external
        returns (uint32 participantId)
    {
        return _register(msg.sender, name, kind, greenSupply, greenPreference);
    }

    /// @notice Registers `account` from its EIP-712 signed Registration, so it needs no ether.
    /// @dev Anyone may submit. Emits ParticipantRegistered. Reverts RegistryInvalidSignature.
    function registerBySignature(
        address account,
        string calldata name,
        Kind kind,
        bool greenSupply,
        bool greenPreference,
        bytes calldata signature
    ) external returns (uint32 participantId) {
        return _registerBySignature(account, name, kind, greenSupply, greenPreference, signature);
    }

    /// @notice A registration someone signed, for `registerBatchBySignature`.
    struct SignedRegistration {
        address account;
        string name;
        Kind kind;
        bool greenSupply;
        bool greenPreference;
        bytes signature;
    }

    /// @notice Registers many signed registrations in one transaction (a relayer onboarding a feeder).
    /// @dev All or nothing. Emits ParticipantRegistered each.
    function registerBatchBySignature(SignedRegistration[] calldata registrations) external {
        for (uint256 i = 0; i < registrations.length; i++) {
            SignedRegistration calldata r = registrations[i];
            _registerBySignature(r.account, r.name, r.kind, r.greenSupply, r.greenPreference, r.signature);
        }
    }

    /// @notice Lets a registered participant bid. Requires the operator role. Emits ParticipantAuthorised.
    function authorise(uint32 participantId) external onlyRole(OPERATOR_ROLE) {
        _participant(participantId).profile.authorised = true;
        emit ParticipantAuthorised(participantId, msg.sender);
    }

    /// @notice Authorises many participants at once. Requires the operator role. Emits ParticipantAuthorised each.
    function authoriseBatch(uint32[] calldata participantIds) external onlyRole(OPERATOR_ROLE) {
        for (uint256 i = 0; i < participantIds.length; i++) {
            _participant(participantIds[i]).profile.authorised = true;
            emit ParticipantAuthorised(participantIds[i], msg.sender);
        }
    }

    /// @notice Stops a participant from bidding; what it already owes still settles.
    /// @dev Requires the operator role. Emits ParticipantRevoked.
    function revoke(uint32 participantId) external onlyRole(OPERATOR_ROLE) {
        _participant(participantId).profile.authorised = false;
        emit ParticipantRevoked(participantId, msg.sender);
    }

    /// @notice Binds the smart meter `meter` (its signing account) with DL/T 645 address `meterNumber`
    /// to a participant: from now on only it reports that participant's energy.
    /// @dev Requires the operator role. One meter per participant and one participant per meter. Emits MeterBound.
    function bindMeter(uint32 participantId, address meter, bytes6 meterNumber) external onlyRole(OPERATOR_ROLE) {
        _bindMeter(participantId, meter, meterNumber);
    }

    /// @notice Binds many meters at once (same rules as bindMeter). Requires the operator role.
    function bindMeterBatch(uint32[] calldata participantIds, address[] calldata meters, bytes6[] calldata meterNumbers)
        external
        onlyRole(OPERATOR_ROLE)
    {
        if (meters.length != participantIds.length || meterNumbers.length != participantIds.length) {
            revert RegistryBatchLengthMismatch(participantIds.length, meters.length, meterNumbers.length);
        }
        for (uint256 i = 0; i < participantIds.length; i++) {
            _bindMeter(participantIds[i], meters[i], meterNumbers[i]);
        }
    }

    function _bindMeter(uint32 participantId, address meter, bytes6 meterNumber) private {
        Participant storage p = _participant(participantId);
        if (meter == address(0)) revert RegistryZeroAddress();
        if (p.meter != address(0)) revert RegistryParticipantHasMeter(participantId, p.meter);
        if (_participantOfMeter[meter] != 0) revert RegistryMeterAlreadyBound(meter, _participantOfMeter[meter]);
        if (!_isBcd(meterNumber)) revert RegistryMeterNumberInvalid(meterNumber);
        p.meter = meter;
        p.meterNumber = meterNumber;
        _participantOfMeter[meter] = participantId;
        emit MeterBound(participantId, meter, meterNumber);
    }

    /// @notice Unbinds a participant's meter (to replace it). Requires the operator role. Emits MeterUnbound.
    function unbindMeter(uint32 participantId) external onlyRole(OPERATOR_ROLE) {
        Participant storage p = _participant(participantId);
        address meter = p.meter;
        if (meter == address(0)) revert RegistryNoMeter(participantId);
        delete _participantOfMeter[meter];
        p.meter = address(0);
        p.meterNumber = bytes6(0);
        emit MeterUnbound(participantId, meter);
    }

    /// @notice Names the public grid's account, the counterparty of every imbalance.
    /// @dev Requires the default admin role. Emits PublicGridSet.
    function setPublicGrid(address account) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (account == address(0)) revert RegistryZeroAddress();
        if (_idOf[account] != 0) revert RegistryReservedAccount(account);
        publicGrid = account;
        emit PublicGridSet(account);
    }

    /// @notice The participant id of `account`, 0 when not registered.
    function participantIdOf(address account) external view override returns (uint32) {
        return _idOf[account];
    }

    /// @notice The id and profile of `account`; id 0 and an empty profile when not registered.
    function participantByAccount(address account) external view override returns (uint32 participantId, Profile memory) {
        participantId = _idOf[account];
        if (participantId == 0) return (0, Profile(address(0), Kind.Producer, false, false, false));
        return (participantId, _participants[participantId - 1].profile);
    }

    /// @notice What the market needs of a participant. Reverts RegistryUnknownParticipant.
    function profile(uint32 participantId) external view override returns (Profile memory) {
        return _participantView(participantId).profile;
    }

    /// @notice Everything about a participant: profile, name, meter. Reverts RegistryUnknownParticipant.
    function participant(uint32 participantId) external view returns (Participant memory) {
        return _participantView(participantId);
    }

    /// @notice The participant a meter reports for, 0 when unbound.
    function participantOfMeter(address meter) external view override returns (uint32) {
        return _participantOfMeter[meter];
    }

    /// @notice How many participants have registered (ids run from 1 to this).
    function participantCount() external view override returns (uint32) {
        return uint32(_participants.length);
    }

    function _register(address account, string calldata name, Kind kind, bool greenSupply, bool greenPreference)
        private
        returns (uint32 participantId)
    {
        if (_idOf[account] != 0) revert RegistryAlreadyRegistered(account, _idOf[account]);
        if (account == publicGrid || hasRole(SETTLEMENT_AGENT_ROLE, account)) revert RegistryReservedAccount(account);
        uint256 length = bytes(name).length;
        if (length == 0 || length > 64) revert RegistryNameInvalid(length);
        if ((kind == Kind.Producer && greenPreference) || (kind == Kind.Consumer && greenSupply)) {
            revert RegistryGreenFlagInvalid(kind);
        }
        _participants.push();
        participantId = uint32(_participants.length);
        Participant storage p = _participants[participantId - 1];
        p.profile = Profile(account, kind, greenSupply, greenPreference, false);
        p.name = name;
        _idOf[account] = participantId;
        emit ParticipantRegistered(participantId, account, name, kind, greenSupply, greenPreference);
    }

    function _registerBySignature(
        address account,
        string calldata name,
        Kind kind,
        bool greenSupply,
        bool greenPreference,
        bytes calldata signature
    ) private returns (uint32) {
        bytes32 digest = _hashTypedDataV4(
            keccak256(
                abi.encode(
                    REGISTRATION_TYPEHASH, account, keccak256(bytes(name)), uint8(kind), greenSupply, greenPreference
                )
            )
        );
        if (!SignatureChecker.isValidSignatureNow(account, digest, signature)) revert RegistryInvalidSignature(account);
        return _register(account, name, kind, greenSupply, greenPreference);
    }

    function _participant(uint32 participantId) private view returns (Participant storage) {
        if (participantId == 0 || participantId > _participants.length) revert RegistryUnknownParticipant(participantId);
        return _participants[participantId - 1];
    }

    function _participantView(uint32 participantId) private view returns (Participant memory) {
        return _participant(participantId);
    }

    function _isBcd(bytes6 number) private pure returns (bool) {
        for (uint256 i = 0; i < 6; i++) {
            uint8 b = uint8(number[i]);
            if (b >> 4 > 9 || b & 0x0f > 9) return false;
        }
        return true;
    }
}
