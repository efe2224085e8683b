/**
 * The Redis test server: used when it answers, skipped with a message when
 * it does not, except under `CI=true`, where a missing server fails the run.
 */
import { Redis } from "ioredis"

/** The test server, from REDIS_URL or the default. */
export const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379"

const ping = async (): Promise<boolean> => {
  const client = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 2000 })
  client.on("error", () => undefined)
  try {
    await client.connect()
    return (await client.ping()) === "PONG"
  } catch {
    return false
  } finally {
    client.disconnect()
  }
}

/** Runs the Redis suites? Prints why not when they are skipped. */
export const runRedis = async (suite: string): Promise<boolean> => {
  if (process.env.CI === "true") return true
  const available = await ping()
  if (!available) {
    process.stderr.write(`SKIPPED: ${suite}: no Redis at ${redisUrl} (set REDIS_URL; CI=true fails instead)\n`)
  }
  return available
}

/** A prefix no other run uses, so runs and tests never share windows. */
export const uniquePrefix = () => `test:${Date.now().toString(36)}${Math.floor(Math.random() * 1e9).toString(36)}:`
