/**
 * The gateway's rate limits raised far past what a test or benchmark sends from its one loopback address, so that
 * only the tests about limits meet them (those start their stack with their own low RATE_LIMIT_* values).
 */
export const RAISED_RATE_LIMITS: Record<string, string> = Object.fromEntries(
  ['SCANS', 'CLAIMS', 'ORDERS', 'DEV_TOKENS', 'OTHER']
    .flatMap((group) => (group === 'OTHER' ? ['PER_ADDRESS'] : ['PER_ADDRESS', 'PER_USER']).map((scope) => `RATE_LIMIT_${group}_${scope}`))
    .map((name) => [name, '100000000']),
);
