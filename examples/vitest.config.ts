import { mergeConfig } from "vitest/config"
import shared from "../vitest.shared.js"

// Tests next to the examples they run (`examples/*.test.ts`, or in any folder below).
export default mergeConfig(shared, {
  test: {
    include: ["**/*.test.ts"],
    exclude: ["node_modules/**", "readme-snippets/**", "build/**"]
  }
})
