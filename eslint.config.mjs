import * as effectEslint from "@effect/eslint-plugin"
import js from "@eslint/js"
import tseslint from "typescript-eslint"

export default tseslint.config(
  {
    ignores: ["**/dist/**", "**/node_modules/**", "**/.tmp/**", "bench/.results/**", "**/*.md"]
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...effectEslint.configs.dprint,
  {
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: "module"
    },
    rules: {
      "no-fallthrough": "off",
      "object-shorthand": "error",
      "require-yield": "off",
      "@typescript-eslint/array-type": ["warn", { default: "generic", readonly: "generic" }],
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-empty-object-type": "off",
      "@typescript-eslint/no-namespace": "off",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@effect/dprint": ["error", {
        config: {
          indentWidth: 2,
          lineWidth: 120,
          semiColons: "asi",
          quoteStyle: "alwaysDouble",
          trailingCommas: "never",
          operatorPosition: "maintain",
          "arrowFunction.useParentheses": "force"
        }
      }]
    }
  },
  {
    // Library code talks through Effect's logger, never the console.
    files: ["packages/*/src/**/*.ts"],
    ignores: ["packages/cli/src/**"],
    rules: { "no-console": "error" }
  },
  {
    files: ["packages/*/src/**/*.ts"],
    rules: {
      "@effect/no-import-from-barrel-package": ["error", { packageNames: ["effect", "@effect/platform"] }]
    }
  },
  {
    // The rules both Effect lines share: plain functions over plain data. They import nothing of Effect's,
    // nothing of Node's, and nothing from outside their package.
    files: ["packages/graph-rules/src/**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", {
        patterns: [
          { group: ["effect", "effect/*", "@effect/*"], message: "graph-rules imports nothing of Effect's." },
          { group: ["../*", "node:*", "@effect-waba/*"], message: "graph-rules imports only its own modules." }
        ]
      }]
    }
  },
  {
    // The behaviour scenarios and the spec contract both Effect lines run: each line's test project compiles
    // them with its own Effect, so they import none.
    files: ["checks/behaviour/**/*.ts", "packages/waba/test/contract/{Cases,MetaSpec,Prism,Proxy}.ts"],
    rules: {
      "no-restricted-imports": ["error", {
        patterns: [{ group: ["effect", "effect/*", "@effect/*"], message: "shared by both lines: no Effect import." }]
      }]
    }
  }
)
