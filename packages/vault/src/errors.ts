// Internal errors (the HTTP layer maps them to a generic 500). Their messages are written here,
// never built from plaintext, key material or low-level crypto errors, so they are safe to log.

/** The sealed box is malformed, was tampered with, or is opened with the wrong AAD. */
export class VaultIntegrityError extends Error {
  constructor(message = 'sealed box failed integrity check') {
    super(message);
    this.name = 'VaultIntegrityError';
  }
}

/** The box was wrapped with a key id the vault does not hold. */
export class VaultKeyNotFoundError extends Error {
  constructor(readonly kid: string) {
    super(`vault key "${kid}" is not configured`);
    this.name = 'VaultKeyNotFoundError';
  }
}

/** The key spec or the active key id is invalid; `field` says which input is wrong. */
export class VaultConfigError extends Error {
  constructor(
    readonly field: 'keys' | 'activeKeyId',
    message: string,
  ) {
    super(message);
    this.name = 'VaultConfigError';
  }
}

/** Rotation stopped at one row whose box cannot be rewrapped; names the row, not its content. */
export class VaultRotationError extends Error {
  constructor(
    readonly table: string,
    readonly rowId: string,
    override readonly cause: VaultIntegrityError | VaultKeyNotFoundError,
  ) {
    super(`cannot rewrap ${table} row ${rowId}: ${cause.message}`);
    this.name = 'VaultRotationError';
  }
}
