/**
 * OVSDB (RFC 7047): the JSON value framer, JSON-RPC sessions, datum decoding, typed
 * rows of the Open_vSwitch database kept by monitor, transactions, and the hub of every
 * database the controller dials or accepts. Floor 1: imports nothing else of ours.
 */
export { formatOvsdbAddress, OVSDB_PORT, type OvsdbAddress, parseOvsdbAddress } from './address.js';
export {
  DATABASE,
  monitorRequests,
  type Operation,
  OvsdbClient,
  type OvsdbClientOptions,
  TransactError,
} from './client.js';
export * from './datum.js';
export {
  type DatabaseChange,
  type OvsdbDatabase,
  OvsdbHub,
  type OvsdbHubOptions,
  type OvsdbView,
} from './hub.js';
export { DEFAULT_MAX_JSON_BYTES, type FramerResult, JsonFramer } from './json-framer.js';
export { classify, RpcError, type RpcMessage } from './json-rpc.js';
export { Replica } from './replica.js';
export type { BridgeRow, InterfaceRow, OpenVswitchRow, PortRow, Rows, TableName } from './rows.js';
export { decodeRow, TABLE_SPECS, TABLES } from './rows.js';
export { RpcSession } from './session.js';
export {
  type BridgeView,
  bridgeByDatapathId,
  bridgesOf,
  type FakeBridge,
  type PortView,
  parseDatapathId,
  systemIdOf,
} from './topology.js';
