import { Injectable } from '@nestjs/common';
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { AppConfig, InjectConfig } from '../config';

const VERSION = 'v1';

/**
 * Encrypts personal data at rest (AES-256-GCM, random 96-bit IV, key id in the ciphertext so
 * keys can rotate) and computes blind indexes (HMAC-SHA256) for equality lookups of encrypted
 * values such as a parent's phone number.
 *
 * Ciphertext format: `v1.<keyId>.<iv b64url>.<tag b64url>.<data b64url>`.
 */
@Injectable()
export class FieldEncryptionService {
  private readonly blindKey: Buffer;

  constructor(
    @InjectConfig() private readonly config: Pick<AppConfig, 'encryptionKeys' | 'appSecret'>,
  ) {
    // Independent of the encryption keys so rotating them does not invalidate lookups.
    this.blindKey = Buffer.from(
      hkdfSync('sha256', config.appSecret, 'safenest', 'blind-index-v1', 32),
    );
  }

  encrypt(plaintext: string, associatedData?: string): string {
    const { currentKeyId, keys } = this.config.encryptionKeys;
    const key = keys.get(currentKeyId)!;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    if (associatedData) {
      cipher.setAAD(Buffer.from(associatedData, 'utf8'));
    }
    const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [VERSION, currentKeyId, b64(iv), b64(tag), b64(data)].join('.');
  }

  decrypt(ciphertext: string, associatedData?: string): string {
    const parts = ciphertext.split('.');
    if (parts.length !== 5 || parts[0] !== VERSION) {
      throw new Error('Not a SafeNest ciphertext');
    }
    const [, keyId, iv, tag, data] = parts;
    const key = this.config.encryptionKeys.keys.get(keyId);
    if (!key) {
      throw new Error(`Unknown encryption key id ${keyId}`);
    }
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    if (associatedData) {
      decipher.setAAD(Buffer.from(associatedData, 'utf8'));
    }
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([
      decipher.update(Buffer.from(data, 'base64url')),
      decipher.final(),
    ]).toString('utf8');
  }

  encryptJson(value: unknown, associatedData?: string): string {
    return this.encrypt(JSON.stringify(value), associatedData);
  }

  decryptJson<T>(ciphertext: string, associatedData?: string): T {
    return JSON.parse(this.decrypt(ciphertext, associatedData)) as T;
  }

  /** True when the value was encrypted with an older key and should be re-encrypted. */
  needsRotation(ciphertext: string): boolean {
    return ciphertext.split('.')[1] !== this.config.encryptionKeys.currentKeyId;
  }

  /**
   * Deterministic keyed hash for lookups. `purpose` separates domains (an e-mail's index never
   * equals a phone's); the value is normalised (trimmed, lower-cased, inner spaces removed).
   */
  blindIndex(purpose: string, value: string): string {
    const normalized = value.trim().toLowerCase().replace(/\s+/g, '');
    return createHmac('sha256', this.blindKey)
      .update(`${purpose}\0${normalized}`)
      .digest('base64url');
  }
}

function b64(buf: Buffer): string {
  return buf.toString('base64url');
}
