// @ts-check
import js from "@eslint/js";
import tseslint from "typescript-eslint";

/**
 * The shared flat config of every mly package.
 *
 * @param {object} options
 * @param {string} options.tsconfigRootDir the package directory (`import.meta.dirname`)
 * @param {boolean} [options.pure] forbid Node built-ins in `src/` (for `@mly/auth-core` and friends)
 * @returns {import("typescript-eslint").ConfigArray}
 */
export function mlyConfig({ tsconfigRootDir, pure = false }) {
  return tseslint.config(
    { ignores: ["dist/**", "coverage/**", "**/*.js", "**/*.mjs", "**/*.cjs"] },
    js.configs.recommended,
    tseslint.configs.strictTypeChecked,
    tseslint.configs.stylisticTypeChecked,
    {
      languageOptions: {
        parserOptions: { projectService: true, tsconfigRootDir },
      },
      rules: {
        "@typescript-eslint/explicit-module-boundary-types": "error",
        "@typescript-eslint/consistent-type-imports": "error",
        "@typescript-eslint/restrict-template-expressions": ["error", { allowNumber: true }],
        "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", ignoreRestSiblings: true }],
        "no-console": "off",
      },
    },
    {
      files: ["**/*.test.ts", "**/test/**/*.ts", "**/bench/**/*.ts"],
      rules: {
        "@typescript-eslint/no-non-null-assertion": "off",
        "@typescript-eslint/no-floating-promises": "off",
        "@typescript-eslint/explicit-module-boundary-types": "off",
        "@typescript-eslint/require-await": "off",
      },
    },
    ...(pure
      ? [
          {
            files: ["src/**/*.ts"],
            ignores: ["src/**/*.test.ts"],
            rules: {
              "no-restricted-imports": [
                "error",
                {
                  patterns: [
                    { group: ["node:*"], message: "This package is pure: web-standard globals only, no Node built-ins." },
                  ],
                },
              ],
              "no-restricted-globals": [
                "error",
                { name: "process", message: "This package is pure: no process." },
                { name: "Buffer", message: "This package is pure: use Uint8Array / TextEncoder." },
                { name: "require", message: "ESM only." },
              ],
            },
          },
        ]
      : []),
  );
}
