/**
 * The `--cluster` and `--node-id` options: `etcd:http://HOST:PORT[,http://HOST:PORT...]`
 * names the etcd members a controller shares with the others of its cluster; the node
 * id names this controller among them (default: host name and first listen port, so a
 * restarted controller comes back as itself and takes its share of switches back).
 */
import { hostname } from 'node:os';

export interface ClusterSpec {
  /** etcd client URLs (http://HOST:PORT). */
  readonly endpoints: readonly string[];
  /** This controller's name in the cluster. */
  readonly nodeId: string;
}

const NODE_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,62}$/;

/** Parses `etcd:URL[,URL...]`; throws an Error saying what is expected. */
export function parseClusterEndpoints(text: string): string[] {
  if (!text.startsWith('etcd:')) {
    throw new Error(
      `expected etcd:http://HOST:PORT[,http://HOST:PORT...] (the only cluster store is etcd), got "${text}"`,
    );
  }
  const urls = text.slice(5).split(',');
  for (const u of urls) {
    let url: URL;
    try {
      url = new URL(u);
    } catch {
      throw new Error(`"${u}" is not a URL: expected http://HOST:PORT, e.g. http://127.0.0.1:2379`);
    }
    if (url.protocol !== 'http:' || url.port === '' || url.pathname !== '/') {
      throw new Error(`"${u}": expected http://HOST:PORT, e.g. http://127.0.0.1:2379`);
    }
  }
  return urls;
}

/** Checks a node id: letters, digits and . _ : - (up to 63). */
export function checkNodeId(id: string): string {
  if (!NODE_ID.test(id)) {
    throw new Error(`node id "${id}": expected up to 63 letters, digits and . _ : - characters`);
  }
  return id;
}

/** The default node id: `HOST-PORT` of the first listen address (or `HOST-PID`). */
export function defaultNodeId(firstListenPort: number | undefined): string {
  const host =
    hostname()
      .replace(/[^A-Za-z0-9._-]/g, '-')
      .slice(0, 40) || 'controller';
  return `${host}-${firstListenPort ?? process.pid}`;
}
