import { mergeConfig } from "vitest/config"
import shared from "../../vitest.shared.js"

// Starting workerd and bundling take seconds on a busy machine: a wider bound than the unit tests'.
export default mergeConfig(shared, { test: { testTimeout: 60_000, hookTimeout: 120_000 } })
