/// <reference types="vitest" />
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The gateway serves dist/ from its own origin; in `npm run dev` these paths go to a running gateway.
const gateway = process.env.GRIDGOV_GATEWAY_URL ?? "http://127.0.0.1:8000";

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: "dist",
    assetsDir: "assets",
    sourcemap: false,
    // No inline script or data: module under the gateway's CSP.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    target: "es2020",
  },
  server: {
    proxy: {
      "/graphql": gateway,
      "/dev": gateway,
      "/portal/config.json": gateway,
    },
  },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.ts", "src/**/*.test.tsx"],
  },
});
