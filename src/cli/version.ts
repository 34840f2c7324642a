/** The version `ofctl-ts --version` and `ofctl-ts controller --version` print. */
export const VERSION = '0.1.0';
