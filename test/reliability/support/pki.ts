/**
 * Certificates for the TLS tests, made with Open vSwitch's own `ovs-pki` (Debian package
 * openvswitch-common) in a temp dir: a PKI with a controller CA and a switch CA, a
 * controller certificate and a switch certificate signed by them, and a second,
 * unrelated PKI whose switch CA signs a "rogue" switch certificate.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Pki {
  readonly dir: string;
  /** The controller's certificate and key (signed by the controller CA). */
  readonly ctlCert: string;
  readonly ctlKey: string;
  /** A switch certificate and key signed by the switch CA. */
  readonly swCert: string;
  readonly swKey: string;
  /** CA certificates: what switches trust (controller CA), what the controller trusts. */
  readonly controllerCa: string;
  readonly switchCa: string;
  /** A switch certificate and key from another PKI altogether. */
  readonly rogueCert: string;
  readonly rogueKey: string;
  remove(): void;
}

function ovsPki(cwd: string, ...args: string[]): void {
  execFileSync('ovs-pki', [...args, '--force'], { cwd, stdio: 'pipe', timeout: 60_000 });
}

export function makePki(): Pki {
  const dir = mkdtempSync(join(tmpdir(), 'ofctl-pki-'));
  const pki = join(dir, 'pki');
  ovsPki(dir, `--dir=${pki}`, 'init');
  ovsPki(dir, `--dir=${pki}`, 'req+sign', 'ctl', 'controller');
  ovsPki(dir, `--dir=${pki}`, 'req+sign', 'sw', 'switch');
  const rogueDir = join(dir, 'rogue');
  mkdirSync(rogueDir);
  const other = join(rogueDir, 'pki');
  ovsPki(rogueDir, `--dir=${other}`, 'init');
  ovsPki(rogueDir, `--dir=${other}`, 'req+sign', 'rogue', 'switch');
  return {
    dir,
    ctlCert: join(dir, 'ctl-cert.pem'),
    ctlKey: join(dir, 'ctl-privkey.pem'),
    swCert: join(dir, 'sw-cert.pem'),
    swKey: join(dir, 'sw-privkey.pem'),
    controllerCa: join(pki, 'controllerca', 'cacert.pem'),
    switchCa: join(pki, 'switchca', 'cacert.pem'),
    rogueCert: join(rogueDir, 'rogue-cert.pem'),
    rogueKey: join(rogueDir, 'rogue-privkey.pem'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
