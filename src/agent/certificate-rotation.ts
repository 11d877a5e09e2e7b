// Certificate rotation as upstream's certificate manager (client-go util/certificate): a new
// certificate is requested at a random point between 70 % and 90 % of the current one's lifetime
// (jitter keeps a fleet from renewing at once), stored, and handed to whoever presents it. A failed
// renewal is retried with backoff until the certificate runs out.
import { X509Certificate } from 'node:crypto';
import type { PemPair } from '../pki/certificates.js';
import type { Logger } from '../util/log.js';

/** The longest a timer waits before looking again (setTimeout overflows past ~24.8 days). */
const MAX_WAIT_MS = 24 * 3600_000;
const RETRY_MIN_MS = 2_000;
const RETRY_MAX_MS = 5 * 60_000;

/** When to renew a certificate valid from notBefore to notAfter (ms since epoch), with jitter `random` in [0, 1). */
export function renewalTime(notBefore: number, notAfter: number, random = Math.random()): number {
  return notBefore + (notAfter - notBefore) * (0.7 + 0.2 * random);
}

export interface RotationOptions {
  /** For logs: which identity this is. */
  name: string;
  current: PemPair;
  /** Gets a new certificate (a CSR, sent with the current identity). */
  renew: () => Promise<PemPair>;
  /** Stores and starts using the new certificate. */
  rotated: (pair: PemPair) => void;
  log: Logger;
}

export class CertificateRotation {
  private timer?: NodeJS.Timeout;
  private current: PemPair;
  private deadline = 0;
  private retryMs = RETRY_MIN_MS;
  private stopped = false;

  constructor(private readonly o: RotationOptions) {
    this.current = o.current;
  }

  start(): void {
    const cert = new X509Certificate(this.current.cert);
    this.deadline = renewalTime(Date.parse(cert.validFrom), Date.parse(cert.validTo));
    this.schedule();
  }

  /** Asks for a certificate at once (there is none yet, or it cannot be used), then renews as usual. */
  renewNow(): void {
    this.deadline = Date.now();
    this.schedule(0);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private schedule(delayMs = this.deadline - Date.now()): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.tick(), Math.max(0, Math.min(delayMs, MAX_WAIT_MS)));
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    if (Date.now() < this.deadline) return this.schedule();
    try {
      const pair = await this.o.renew();
      if (this.stopped) return;
      this.current = pair;
      this.o.rotated(pair);
      this.retryMs = RETRY_MIN_MS;
      const cert = new X509Certificate(pair.cert);
      this.o.log('certificate rotated', { identity: this.o.name, notAfter: new Date(cert.validTo).toISOString() });
      this.start();
    } catch (err) {
      this.o.log('certificate renewal failed; retrying', { identity: this.o.name, error: (err as Error).message, retryInMs: this.retryMs });
      this.schedule(this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, RETRY_MAX_MS);
    }
  }
}
