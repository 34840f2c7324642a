/**
 * Preflight for the OVS testbed: the binaries it runs, the OVSDB schema, and root
 * (network namespaces need CAP_SYS_ADMIN). Throws a message naming the Debian packages
 * to install; tests never skip silently. scripts/provision.sh installs the same set.
 */
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import { harnessEnv } from './exec.js';

/** Binary -> Debian package that provides it. */
export const REQUIRED_BINARIES: Readonly<Record<string, string>> = {
  'ovs-vsctl': 'openvswitch-switch',
  'ovs-vswitchd': 'openvswitch-switch',
  'ovsdb-server': 'openvswitch-common',
  'ovsdb-tool': 'openvswitch-common',
  'ovs-ofctl': 'openvswitch-common',
  'ovs-appctl': 'openvswitch-common',
  ping: 'iputils-ping',
  ip: 'iproute2',
  ethtool: 'ethtool',
};

/** What scripts/provision.sh installs (openvswitch-common comes with openvswitch-switch). */
export const DEBIAN_PACKAGES = [
  'openvswitch-switch',
  'iputils-ping',
  'ethtool',
  'openvswitch-pki',
  'iproute2',
] as const;

const OVS_SCHEMA_CANDIDATES = [
  '/usr/share/openvswitch/vswitch.ovsschema',
  '/usr/local/share/openvswitch/vswitch.ovsschema',
];

/** Absolute path of `bin` on the harness PATH, or undefined. */
function findBinary(bin: string): string | undefined {
  for (const dir of (harnessEnv().PATH ?? '').split(':')) {
    if (!dir) continue;
    const path = join(dir, bin);
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // keep looking
    }
  }
  return undefined;
}

/** Path of the vswitch OVSDB schema, or undefined. */
export function findSchema(): string | undefined {
  return OVS_SCHEMA_CANDIDATES.find((p) => {
    try {
      accessSync(p, constants.R_OK);
      return true;
    } catch {
      return false;
    }
  });
}

let checked = false;

/** Throw a clear, actionable error unless the testbed can run on this machine. */
export function ensureOvsInstalled(): void {
  if (checked) return;
  const problems: string[] = [];
  const missing = Object.keys(REQUIRED_BINARIES).filter((bin) => !findBinary(bin));
  if (missing.length > 0) {
    const pkgs = [...new Set(missing.map((b) => REQUIRED_BINARIES[b]))];
    problems.push(`missing commands: ${missing.join(', ')} (Debian packages: ${pkgs.join(', ')})`);
  } else if (!findSchema()) {
    problems.push(`OVSDB schema not found at ${OVS_SCHEMA_CANDIDATES.join(' or ')}`);
  }
  if (process.getuid?.() !== 0) {
    problems.push('not running as root (network namespaces and veth pairs need root)');
  }
  if (problems.length > 0) {
    throw new Error(
      `The Open vSwitch testbed cannot run here:\n  - ${problems.join('\n  - ')}\n` +
        `Install with: sudo apt-get install -y --no-install-recommends ${DEBIAN_PACKAGES.join(' ')}\n` +
        '(or run scripts/provision.sh as root), and run the tests as root.',
    );
  }
  checked = true;
}
