// ESLint flat config: typescript-eslint's recommended rules over the whole project.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", "bin/", "out/", "render/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // Pulumi resources are constructed for their side effect (registration), not their value.
      "no-new": "off",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
    },
  },
);
