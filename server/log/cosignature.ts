import { createPublicKey, sign, type KeyObject } from 'node:crypto';
import { cosignedMessage, formatVkey, keyId, rawPublicKey, signatureLine, SIGNATURE_COSIGNATURE } from './note.ts';

/**
 * A witness's Ed25519 cosigner (c2sp.org/tlog-cosignature, `cosignature/v1`): it signs
 * "cosignature/v1", the time and the checkpoint text, and its signature line carries
 * the time (8 bytes, big-endian) before the signature.
 */
export interface Cosigner {
  name: string;
  vkey: string;
  cosign(checkpointText: string, now: Date): string;
}

export function ed25519Cosigner(name: string, privateKey: KeyObject): Cosigner {
  const publicKey = rawPublicKey(createPublicKey(privateKey));
  const id = keyId(name, SIGNATURE_COSIGNATURE, publicKey);
  return {
    name,
    vkey: formatVkey(name, SIGNATURE_COSIGNATURE, publicKey),
    cosign(text, now) {
      const timestamp = BigInt(Math.floor(now.getTime() / 1000));
      const head = Buffer.alloc(8);
      head.writeBigUInt64BE(timestamp);
      return signatureLine(name, id, Buffer.concat([head, sign(null, cosignedMessage(text, timestamp), privateKey)]));
    },
  };
}
