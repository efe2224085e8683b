/**
 * Redis for a fleet of processes on one WorkOS API key: the rate-limit
 * store that makes every process draw on the key's one budget.
 *
 * @since 0.1.0
 */
