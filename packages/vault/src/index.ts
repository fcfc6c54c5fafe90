export { Vault } from './vault';
export { sealedBoxSchema, type SealedBox } from './sealed-box';
export { VaultIntegrityError, VaultKeyNotFoundError, VaultConfigError, VaultRotationError } from './errors';
export { rotateSealedSecrets } from './rotate';
