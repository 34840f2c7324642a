/**
 * `ofctl-ts/text`: ovs-ofctl's syntax. Parse flows, matches, actions, groups and meters as
 * `ovs-ofctl add-flow` takes them (parseFlow, toFlowMod, splitCommand), print them as
 * `ovs-ofctl dump-flows` does (formatFlowStats, formatMatch, formatInstructions), and print
 * any OpenFlow 1.3 message as `ovs-ofctl ofp-print` does (ofpToString).
 */
export * from './actions-format.js';
export * from './flow-format.js';
export * from './flow-parse.js';
export {
  formatGroup,
  formatGroupFeatures,
  formatGroupMod,
  formatGroupStats,
  groupIdText,
  parseGroupMod,
} from './group.js';
export * from './match-format.js';
export * from './meter.js';
export { fromOxm, OvsMatch } from './ovs-match.js';
export * from './packet-flow.js';
export * from './ports.js';
export { ofpToString } from './print/index.js';
export { TextError } from './values.js';
