import nextVitals from "eslint-config-next/core-web-vitals";
import nextTypescript from "eslint-config-next/typescript";

const config = [
  ...nextVitals,
  ...nextTypescript,
  {
    ignores: ["node_modules/**", ".next/**", ".data/**", "lib/db/generated/**", "test-results/**", "playwright-report/**", "e2e/.artifacts/**", "next-env.d.ts"],
  },
  {
    // Leaving fields out of an object with a rest pattern (`const { secret, ...rest } = row`) is not a leftover.
    rules: { "@typescript-eslint/no-unused-vars": ["warn", { ignoreRestSiblings: true }] },
  },
  {
    // Routes and components reach data and the cluster only through the use cases in lib/services, each of
    // which checks who is calling. Helpers that check nothing (lib/services/*/internal, and what the portal
    // runs on its own in lib/services/system) are for other services, lib/auth and lib/api only.
    files: ["app/**", "components/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: [{ name: "next/link", message: "Use @/components/ui/link: the portal's links are not prefetched." }],
          patterns: [
            { group: ["@/lib/db/*", "@/lib/db", "@/lib/engine/*", "@/lib/engine"], message: "Use lib/services instead." },
            {
              group: ["@/lib/services/*/internal", "@/lib/services/*/internal/*", "@/lib/services/system/*", "**/internal/*"],
              message: "These helpers check no permission: call a use case of lib/services instead.",
            },
          ],
        },
      ],
    },
  },
  {
    // Only lib/ reads the environment, through lib/config.ts.
    files: ["app/**", "components/**"],
    rules: { "no-restricted-properties": ["error", { object: "process", property: "env", message: "Read configuration through lib/config.ts." }] },
  },
  {
    // Playwright fixtures hand values over with a function called `use`; it is not React's.
    files: ["e2e/**"],
    rules: { "react-hooks/rules-of-hooks": "off" },
  },
];

export default config;
