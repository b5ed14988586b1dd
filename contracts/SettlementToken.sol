// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {IParticipantRegistry} from "./interfaces/IParticipantRegistry.sol";
import {IFundsHolder} from "./interfaces/IFundsHolder.sol";

/// @title Settlement token: fiat-pegged entries that only the market's rules can move.
/// @notice One token is one unit of the fiat currency (18 decimals). The settlement agent mints it
/// against a fiat deposit and the market burns it on a withdrawal the agent pays out. People cannot
/// transfer it to each other (policy: no cryptocurrency payment); the market moves it, and every
/// movement carries a reason, so any statement can be rebuilt from the events.
contract SettlementToken is ERC20 {
    /// @notice Why tokens moved.
    enum Reason {
        Deposit,
        Withdrawal,
        Trade,
        Imbalance,
        Incentive,
        DebtRepayment,
        Subsidy,
        /// @dev A trade's wheeling fee, paid by the buyer to the grid.
        WheelingFee,
        /// @dev A trade's government funds and surcharges, paid by the buyer to the grid.
        Levy,
        /// @dev A forward right's fee for its region, paid by the buyer to the grid.
        RegionFee
    }

    /// @notice Emitted for every movement, mint and burn included (from/to zero).
    /// @param period the delivery period it belongs to (0 for deposits and withdrawals)
    /// @param fiatReference the fiat transfer's reference for deposits and withdrawals
    event TokensMoved(
        address indexed from, address indexed to, Reason indexed reason, uint256 amount, uint256 period, bytes32 fiatReference
    );
    event LedgerBound(address indexed ledger);
    /// @notice A further contract may move tokens for this reason (not burn them).
    event LedgerAdded(address indexed ledger, Reason reason);
    /// @notice An added ledger's holds now bound withdrawals.
    event FundsHolderAdded(address indexed holder);

    /// @notice Transfers between people are not part of the market.
    error TokenTransferRestricted();
    /// @notice Only the settlement agent mints.
    error TokenNotSettlementAgent(address account);
    /// @notice Only the market contract moves and burns.
    error TokenNotLedger(address account);
    /// @notice The ledger is bound once, by the registry's administrator.
    error TokenLedgerAlreadyBound(address ledger);
    error TokenNotAdministrator(address account);
    /// @notice A further ledger must be a new, non-zero address.
    error TokenLedgerInvalid(address ledger);
    /// @notice An added ledger moves tokens only for the reasons it was added with.
    error TokenReasonNotAllowed(address ledger, Reason reason);
    error TokenZeroAmount();
    /// @notice A withdrawal would leave the account with less than the added ledgers hold for it.
    error TokenFundsHeld(address account, uint256 held, uint256 balanceAfter);
    /// @notice A funds holder must be an added ledger, added once; at most MAX_FUNDS_HOLDERS.
    error TokenFundsHolderInvalid(address holder);
    error TokenBatchLengthMismatch();

    /// @notice Where the settlement agent and administrator roles are kept.
    IParticipantRegistry public immutable registry;
    /// @notice The market contract that moves and burns tokens (bound once).
    address public ledger;
    /// @notice Further contracts that may move tokens, added by the administrator.
    mapping(address account => bool) public isAddedLedger;
    /// @notice The reasons an added ledger moves tokens for, one bit per reason (bit `uint8(reason)`).
    mapping(address account => uint256) public addedLedgerReasons;
    /// @notice Added ledgers whose holds every withdrawal must leave in place (`heldFor`).
    address[] public fundsHolders;
    /// @dev Each withdrawal asks every holder, so their number is bounded.
    uint256 public constant MAX_FUNDS_HOLDERS = 4;

    constructor(string memory name_, string memory symbol_, IParticipantRegistry registry_) ERC20(name_, symbol_) {
        registry = registry_;
    }

    /// @notice Binds the market contract that may move and burn tokens. Once.
    /// @dev Requires the registry's default admin role. Emits LedgerBound.
    function bindLedger(address ledger_) external {
        if (!registry.hasRole(bytes32(0), msg.sender)) revert TokenNotAdministrator(msg.sender);
        if (ledger != address(0)) revert TokenLedgerAlreadyBound(ledger);
        ledger = ledger_;
        emit LedgerBound(ledger_);
    }

    /// @notice Lets a further contract move tokens for the given reasons: the continuous market for
    /// trades and its imbalance settlement, the subsidy pool for subsidies. It may not burn:
    /// withdrawals stay with the bound ledger, which checks what a participant owes.
    /// @dev Requires the registry's default admin role; each address once, never the zero address or
    /// the bound ledger, never for deposits or withdrawals. Emits LedgerAdded per reason.
    function addLedger(address ledger_, Reason[] calldata reasons) external {
        if (!registry.hasRole(bytes32(0), msg.sender)) revert TokenNotAdministrator(msg.sender);
        if (ledger_ == address(0) || ledger_ == ledger || isAddedLedger[ledger_]) revert TokenLedgerInvalid(ledger_);
        uint256 allowed = 0;
        for (uint256 i = 0; i < reasons.length; i++) {
            Reason reason = reasons[i];
            if (reason == Reason.Deposit || reason == Reason.Withdrawal) revert TokenReasonNotAllowed(ledger_, reason);
            allowed |= 1 << uint8(reason);
            emit LedgerAdded(ledger_, reason);
        }
        isAddedLedger[ledger_] = true;
        addedLedgerReasons[ledger_] = allowed;
    }

    /// @notice Makes withdrawals leave in place what the added ledger `holder` holds for each
    /// account: a market that settles positions itself (the continuous market) holds the margin of an
    /// unsettled position, its resting buy orders' reservations and its debt, which the bound ledger,
    /// where withdrawals are made, cannot see.
    /// @dev Requires the registry's default admin role; an added ledger, once. Emits FundsHolderAdded.
    function addFundsHolder(address holder) external {
        if (!registry.hasRole(bytes32(0), msg.sender)) revert TokenNotAdministrator(msg.sender);
        if (!isAddedLedger[holder] || fundsHolders.length == MAX_FUNDS_HOLDERS) revert TokenFundsHolderInvalid(holder);
        for (uint256 i = 0; i < fundsHolders.length; i++) {
            if (fundsHolders[i] == holder) revert TokenFundsHolderInvalid(holder);
        }
        fundsHolders.push(holder);
        emit FundsHolderAdded(holder);
    }

    /// @notice Σ of what the funds holders hold for `account`: a withdrawal must leave at least this.
    function heldFor(address account) public view returns (uint256 held) {
        for (uint256 i = 0; i < fundsHolders.length; i++) {
            held += IFundsHolder(fundsHolders[i]).heldFor(account);
        }
    }

    /// @notice Mints `amount` to `to` against a fiat deposit identified by `fiatReference`.
    /// @dev Requires the settlement agent role. Emits TokensMoved(0, to, Deposit, ...).
    function mint(address to, uint256 amount, bytes32 fiatReference) external {
        _requireAgent();
        _deposit(to, amount, fiatReference);
    }

    /// @notice Mints many deposits at once (a day's bank statement). Requires the settlement agent role.
    /// @dev All or nothing. Emits TokensMoved(0, to, Deposit, ...) each.
    function mintBatch(address[] calldata to, uint256[] calldata amounts, bytes32[] calldata fiatReferences) external {
        _requireAgent();
        if (amounts.length != to.length || fiatReferences.length != to.length) revert TokenBatchLengthMismatch();
        for (uint256 i = 0; i < to.length; i++) {
            _deposit(to[i], amounts[i], fiatReferences[i]);
        }
    }

    function _requireAgent() private view {
        if (!registry.hasRole(registry.SETTLEMENT_AGENT_ROLE(), msg.sender)) revert TokenNotSettlementAgent(msg.sender);
    }

    function _deposit(address to, uint256 amount, bytes32 fiatReference) private {
        if (amount == 0) revert TokenZeroAmount();
        _mint(to, amount);
        emit TokensMoved(address(0), to, Reason.Deposit, amount, 0, fiatReference);
    }

    /// @notice Burns `amount` of `from` for a withdrawal the settlement agent pays out in fiat.
    /// @dev Only the market, which has checked the agent role and the participant's consent.
    /// Reverts with ERC20InsufficientBalance beyond the balance, TokenFundsHeld below what the funds
    /// holders hold. Emits TokensMoved(from, 0, Withdrawal, ...).
    function burn(address from, uint256 amount, bytes32 fiatReference) external onlyLedger {
        _burn(from, amount);
        uint256 held = heldFor(from);
        uint256 left = balanceOf(from);
        if (left < held) revert TokenFundsHeld(from, held, left);
        emit TokensMoved(from, address(0), Reason.Withdrawal, amount, 0, fiatReference);
    }

    /// @notice Moves `amount` from `from` to `to` for a market reason.
    /// @dev Only the bound ledger, or an added one for its reason. Reverts with ERC20InsufficientBalance beyond the
    /// balance. Emits TokensMoved.
    function move(address from, address to, uint256 amount, Reason reason, uint256 period) external {
        if (!isAddedLedger[msg.sender]) _checkLedger();
        else if (addedLedgerReasons[msg.sender] & (1 << uint8(reason)) == 0) revert TokenReasonNotAllowed(msg.sender, reason);
        _transfer(from, to, amount);
        emit TokensMoved(from, to, reason, amount, period, bytes32(0));
    }

    /// @notice Refused: tokens move only by the market's rules.
    function transfer(address, uint256) public pure override returns (bool) {
        revert TokenTransferRestricted();
    }

    /// @notice Refused: tokens move only by the market's rules.
    function transferFrom(address, address, uint256) public pure override returns (bool) {
        revert TokenTransferRestricted();
    }

    /// @notice Refused: there is nothing to approve.
    function approve(address, uint256) public pure override returns (bool) {
        revert TokenTransferRestricted();
    }

    modifier onlyLedger() {
        _checkLedger();
        _;
    }

    function _checkLedger() private view {
        if (msg.sender != ledger || ledger == address(0)) revert TokenNotLedger(msg.sender);
    }
}
